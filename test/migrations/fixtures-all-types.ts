/** A MetaData covering every column type, default, key and constraint kind athanor has: the reflection round trip's fixture. */
import {
  MetaData,
  bigint,
  binary,
  boolean,
  check,
  date,
  datetime,
  enumType,
  float,
  foreignKey,
  index,
  integer,
  json,
  numeric,
  primaryKey,
  sql,
  string,
  table,
  text,
  unique,
  uuid,
} from "../../src/index.js";

/** Builds the fixture; `schema` puts one table in a PostgreSQL schema. */
export function allTypesMetadata(options: { schema?: string } = {}): MetaData {
  const metadata = new MetaData();
  table("authors", metadata, {
    id: integer().primaryKey(),
    name: string(100).notNull().unique(),
    email: string(200),
    bio: text(),
    active: boolean().notNull().serverDefault(true),
    rating: float().serverDefault(1.5),
    balance: numeric(12, 2).notNull().serverDefault(0),
    plain_numeric: numeric(),
    born: date(),
    created_at: datetime().notNull().serverDefault(sql`CURRENT_TIMESTAMP`),
    seen_at: datetime({ timezone: true }),
    settings: json(),
    token: uuid(),
    mood: enumType(["happy", "sad", "it's complicated"]).notNull().serverDefault("happy"),
    avatar: binary(),
    hash: binary(32),
    nickname: string().serverDefault("anon"),
    big_counter: bigint().notNull().serverDefault(0),
    level: integer().serverDefault(-1),
  }, (c) => [
    unique([c.email, c.born]),
    unique([c.token], { name: "uq_authors_token" }),
    check(c.rating.ge(0), { name: "ck_authors_rating_positive" }),
    index([c.name, c.born]),
    index([c.email], { unique: true, name: "ix_authors_email_unique" }),
  ]);
  table("books", metadata, {
    id: bigint().primaryKey(),
    author_id: integer().notNull().references("authors.id", { onDelete: "cascade", onUpdate: "restrict" }),
    co_author_id: integer().references("authors.id", { onDelete: "set null" }),
    title: string(200).notNull().index(),
    status: enumType(["draft", "published"], { name: "ck_books_status" }),
  });
  table("book_tags", metadata, {
    book_id: bigint().notNull(),
    tag: string(50).notNull(),
    position: integer().notNull().serverDefault(0),
  }, (c) => [
    primaryKey(c.book_id, c.tag),
    foreignKey([c.book_id], "books", ["id"], { onDelete: "cascade" }),
    check(c.position.ge(0), { name: "ck_book_tags_position" }),
  ]);
  if (options.schema) {
    table("ledger", metadata, {
      id: integer().primaryKey(),
      amount: numeric(10, 2).notNull(),
    }, undefined, { schema: options.schema });
  }
  return metadata;
}
