import { column, datetime, integer, manyToMany, manyToOne, model, oneToMany, string, text, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Category } from "./category.js";
import type { Comment } from "./comment.js";
import type { Tag } from "./tag.js";
import type { User } from "./user.js";

declare module "athanor" {
  interface Models {
    Post: Post;
  }
}

@model("posts")
export class Post extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("author_id").notNull().references("users.id", { onDelete: "cascade" })) accessor authorId!: number;
  @column(integer().named("category_id").references("categories.id")) accessor categoryId!: number | null;
  @column(string(200).notNull()) accessor title!: string;
  @column(text()) accessor body!: string | null;
  @column(datetime().notNull().default(() => new Date()).named("created_at")) accessor createdAt!: Date;

  @manyToOne("User", { backPopulates: "posts" }) accessor author!: Rel<User, "posts">;
  @manyToOne("Category", { backPopulates: "posts" }) accessor category!: Rel<Category | null, "posts">;
  @oneToMany("Comment", { backPopulates: "post" }) accessor comments!: Rel<Comment[], "post">;
  /** A plain many-to-many through the `post_tags` table. */
  @manyToMany("Tag", { secondary: "post_tags", backPopulates: "posts" }) accessor tags!: Rel<Tag[], "posts">;
}
