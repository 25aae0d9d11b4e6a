/** The declarative base of the blog example, and its plain association tables. */
import { DeclarativeBase, integer, table } from "athanor";

export class Base extends DeclarativeBase {}

/** Tags of posts: a plain many-to-many table, no model of its own. */
export const postTags = table("post_tags", Base.metadata, {
  postId: integer().named("post_id").references("posts.id", { onDelete: "cascade" }).primaryKey(),
  tagId: integer().named("tag_id").references("tags.id", { onDelete: "cascade" }).primaryKey(),
});

/** Who follows whom: a self-referential many-to-many between users. */
export const follows = table("follows", Base.metadata, {
  followerId: integer().named("follower_id").references("users.id", { onDelete: "cascade" }).primaryKey(),
  followedId: integer().named("followed_id").references("users.id", { onDelete: "cascade" }).primaryKey(),
});
