import { column, integer, manyToOne, model, oneToMany, text, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Post } from "./post.js";
import type { User } from "./user.js";

declare module "athanor" {
  interface Models {
    Comment: Comment;
  }
}

/** Comments on posts, threaded: replies point at their parent comment. */
@model("comments")
export class Comment extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("post_id").notNull().references("posts.id", { onDelete: "cascade" })) accessor postId!: number;
  @column(integer().named("author_id").notNull().references("users.id", { onDelete: "cascade" })) accessor authorId!: number;
  @column(integer().named("parent_id").references("comments.id", { onDelete: "cascade" })) accessor parentId!: number | null;
  @column(text().notNull()) accessor body!: string;

  @manyToOne("Post", { backPopulates: "comments" }) accessor post!: Rel<Post, "comments">;
  @manyToOne("User", { backPopulates: "comments" }) accessor author!: Rel<User, "comments">;
  @manyToOne("Comment", { backPopulates: "replies" }) accessor parent!: Rel<Comment | null, "replies">;
  @oneToMany("Comment", { backPopulates: "parent" }) accessor replies!: Rel<Comment[], "parent">;
}
