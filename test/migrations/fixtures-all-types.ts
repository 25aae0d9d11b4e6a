/** A MetaData covering every column type, default, key and constraint kind athanor has: the reflection round trip's fixture. */
import {
  MetaData,
  and,
  bigint,
  binary,
  boolean,
  check,
  date,
  datetime,
  enumType,
  float,
  foreignKey,
  func,
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

/**
 * Names as the DDL compiler makes them: a naming convention for every kind, generated names
 * longer than PostgreSQL's and MySQL's limits (shortened with a hash), unnamed table checks and
 * uniques (named by the database), a foreign-key cycle (added after the tables), composite and
 * self-referencing foreign keys, and defaults with quotes, empty strings and false.
 */
export function namingMetadata(): MetaData {
  const metadata = new MetaData({
    namingConvention: {
      pk: "pk_{table_name}",
      uq: "uq_{table_name}_{column_0_N_name}",
      ix: "ix_{table_name}_{column_0_N_name}",
      ck: "ck_{table_name}_{constraint_name}",
    },
  });
  table("nc_parents", metadata, {
    id: integer().primaryKey().autoincrement(false),
    region: string(10).notNull(),
    favourite_child_id: integer().references("nc_children.id", { onDelete: "set null" }),
    label: string(20).notNull().serverDefault("it's"),
    empty: string(5).notNull().serverDefault(""),
    flag: boolean().notNull().serverDefault(false),
    ratio: float().notNull().serverDefault(0),
  }, (c) => [
    unique([c.id, c.region]),
    check(c.ratio.ge(0), { name: "ratio_positive" }),
    index([c.region, c.label], { unique: true }),
  ]);
  table("nc_children", metadata, {
    id: integer().primaryKey(),
    parent_id: integer().notNull(),
    parent_region: string(10).notNull(),
    parent_of_parent: integer().references("nc_children.id", { onUpdate: "cascade" }),
    a_column_name_that_is_long_enough_to_push_names_over_the_limit: integer().index(),
  }, (c) => [
    foreignKey([c.parent_id, c.parent_region], "nc_parents", ["id", "region"], { onDelete: "cascade", onUpdate: "cascade" }),
  ]);
  return metadata;
}

/** Tables without a naming convention: unnamed table checks and uniques, which each database names itself. */
export function unnamedMetadata(): MetaData {
  const metadata = new MetaData();
  table("un_items", metadata, {
    id: bigint().primaryKey(),
    a: integer().notNull(),
    b: integer().notNull(),
    c: integer().unique(),
    d: integer(),
    e: integer(),
    a_column_name_long_enough_to_push_the_generated_names_over_it: integer(),
  }, (c) => [
    check(c.a.lt(c.b)),
    check(c.a.ge(0)),
    unique([c.a, c.b]),
    unique([c.d, c.e]),
    index([c.a, c.a_column_name_long_enough_to_push_the_generated_names_over_it]),
  ]);
  // PostgreSQL cuts the names it makes up (`<table>_<columns>_key`) to 63 bytes, and numbers clashes.
  table("un_a_table_name_that_is_long_enough_to_be_cut_by_postgresql", metadata, {
    id: integer().primaryKey(),
    first_column_with_a_long_name: integer(),
    second_column_with_a_long_name: integer(),
  }, (c) => [
    unique([c.first_column_with_a_long_name, c.second_column_with_a_long_name]),
    check(c.first_column_with_a_long_name.ge(0)),
    check(c.first_column_with_a_long_name.ge(1)),
    check(c.first_column_with_a_long_name.lt(c.second_column_with_a_long_name)),
  ]);
  return metadata;
}

/** Server defaults of every type, as literals each database rewrites in its own way. */
export function defaultsMetadata(): MetaData {
  const metadata = new MetaData();
  table("df_values", metadata, {
    id: integer().primaryKey(),
    t: text().serverDefault("x"),
    d: date().serverDefault("2020-01-02"),
    dt: datetime().serverDefault("2020-01-02 03:04:05"),
    j: json().serverDefault("{}"),
    u: uuid().serverDefault("00000000-0000-0000-0000-000000000000"),
    n: numeric(12, 2).serverDefault(1.5),
    f: float().serverDefault(-1.5),
    b: bigint().serverDefault(-5),
    quoted: string(20).serverDefault("a 'quoted' word"),
    off: boolean().serverDefault(false),
  });
  return metadata;
}

/** A change to one index of `indexKindsMetadata`: its order, its WHERE or its expression. */
export type IndexKindsVariant = "declared" | "order" | "where" | "expression";

/**
 * Every index kind beyond plain columns: descending parts (every database), and on PostgreSQL and
 * SQLite expression parts (a function call, an operator, one descending), partial indexes (a unique
 * one on an expression, one on a column) and a mix of columns and expressions. A `variant` other
 * than "declared" changes one index under the same name.
 */
export function indexKindsMetadata(dialect: "sqlite" | "postgresql" | "mysql", variant: IndexKindsVariant = "declared"): MetaData {
  const metadata = new MetaData();
  table("ix_accounts", metadata, {
    id: integer().primaryKey(),
    tenant_id: integer().notNull(),
    email: string(200).notNull(),
    created_at: datetime().notNull(),
    deleted_at: datetime(),
    score: integer(),
  }, (c) => [
    index([variant === "order" ? c.created_at : c.created_at.desc()]),
    index([c.tenant_id, c.score.desc()], { unique: true }),
    ...(dialect === "mysql"
      ? []
      : [
          index([variant === "expression" ? func.upper(c.email) : func.lower(c.email)], { name: "uq_ix_accounts_email_live", unique: true, where: c.deleted_at.isNull() }),
          index([c.tenant_id, func.lower(c.email).desc()], { name: "ix_ix_accounts_tenant_email" }),
          index([sql`${c.score} + 1`], { name: "ix_ix_accounts_score_next" }),
          index([c.email], { where: variant === "where" ? c.score.gt(20) : and(c.score.gt(10), c.deleted_at.isNull(), c.email.ne("")) }),
        ]),
  ]);
  return metadata;
}
