/**
 * What the examples of the API reference may use without declaring it: the blog's and the seed's
 * models, an engine, a session, a connection and three Core tables. The examples are compiled,
 * never run (test/tools/doc-examples.test.ts), so the values are only declared.
 */
import { MetaData, datetime, integer, numeric, string, table, text, type Connection, type Engine, type Session } from "../../src/index.js";

export { Base, User, Post, Tag, Comment, Category, Group, Membership, Profile, postTags, follows } from "../../examples/blog/index.js";
export { Parent, Child, Association } from "../../examples/seed/index.js";

export declare const engine: Engine;
export declare const session: Session;
/** A connection from `engine.connect()`. */
export declare const conn: Connection;

export const metadata = new MetaData();
export const users = table("users", metadata, {
  id: integer().primaryKey(),
  name: string(100),
  email: string(200).notNull().unique(),
});
export const orders = table("orders", metadata, {
  id: integer().primaryKey(),
  userId: integer().named("user_id").notNull().references("users.id"),
  total: numeric(10, 2).notNull(),
  placedAt: datetime().named("placed_at").notNull(),
});
export const books = table("books", metadata, {
  id: integer().primaryKey(),
  title: string(200).notNull(),
  body: text(),
  createdAt: datetime().named("created_at").notNull(),
});
