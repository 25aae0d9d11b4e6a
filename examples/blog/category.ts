import { column, integer, manyToOne, model, oneToMany, string, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Post } from "./post.js";

declare module "athanor" {
  interface Models {
    Category: Category;
  }
}

/** A tree of categories: a self-referential adjacency list. */
@model("categories")
export class Category extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(100).notNull()) accessor name!: string;
  @column(integer().named("parent_id").references("categories.id")) accessor parentId!: number | null;

  @manyToOne("Category", { backPopulates: "children" }) accessor parent!: Rel<Category | null, "children">;
  @oneToMany("Category", { backPopulates: "parent" }) accessor children!: Rel<Category[], "parent">;
  @oneToMany("Post", { backPopulates: "category" }) accessor posts!: Rel<Post[], "category">;
}
