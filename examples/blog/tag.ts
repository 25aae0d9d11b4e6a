import { column, integer, manyToMany, model, string, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Post } from "./post.js";

declare module "athanor" {
  interface Models {
    Tag: Tag;
  }
}

@model("tags")
export class Tag extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(50).notNull().unique()) accessor name!: string;

  @manyToMany("Post", { secondary: "post_tags", backPopulates: "tags" }) accessor posts!: Rel<Post[], "tags">;
}
