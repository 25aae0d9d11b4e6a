/**
 * A hand-written reflected schema with the shapes `athanor pull` must get right: a one-to-one,
 * two keys to the same table, a self-referencing tree, plain association tables (one of them
 * self-referencing), an association object whose other column a new link cannot fill, one with a
 * surrogate key, a self-referencing one, a table without a primary key, natural and non-generated keys, a composite
 * foreign key, types athanor does not know, JSON, and table names that would clash with the
 * generated files' own names.
 */
import type { ColumnModel, ForeignKeyModel, SchemaModel, TableModel, TypeModel } from "../../src/core/schema/schema-model.js";

const int: TypeModel = { kind: "integer" };
const col = (name: string, type: TypeModel = int, extra: Partial<ColumnModel> = {}): ColumnModel => ({ name, type, nullable: true, autoincrement: false, ...extra });
const notNull = (name: string, type: TypeModel = int, extra: Partial<ColumnModel> = {}) => col(name, type, { nullable: false, ...extra });
const id = (type: TypeModel = int): ColumnModel => ({ name: "id", type, nullable: false, autoincrement: true });
const fk = (table: string, columns: string[], referredTable: string, referredColumns = ["id"], extra: Partial<ForeignKeyModel> = {}): ForeignKeyModel => ({
  name: `fk_${table}_${columns.join("_")}_${referredTable}`,
  columns,
  referredTable,
  referredColumns,
  ...extra,
});
const tableOf = (name: string, columns: ColumnModel[], extra: Partial<TableModel> = {}): TableModel => ({
  name,
  columns,
  primaryKey: { columns: ["id"] },
  foreignKeys: [],
  uniques: [],
  checks: [],
  indexes: [],
  ...extra,
});

/** The schema, tables sorted by name as reflection gives them. */
export const shapesSchema: SchemaModel = {
  enums: [],
  tables: [
    tableOf("base", [id(), col("label", { kind: "string", length: 20 })]),
    tableOf("categories", [id(), notNull("name", { kind: "string", length: 100 }), col("parent_id")], {
      foreignKeys: [fk("categories", ["parent_id"], "categories", ["id"], { onDelete: "cascade" })],
    }),
    tableOf("countries", [notNull("code", { kind: "string", length: 2 }), notNull("name", { kind: "string", length: 60 })], {
      primaryKey: { columns: ["code"] },
    }),
    tableOf("dates", [notNull("day", { kind: "date" }), notNull("note", { kind: "text" })], { primaryKey: { columns: ["day"] } }),
    tableOf("follows", [notNull("follower_id"), notNull("followed_id")], {
      primaryKey: { columns: ["follower_id", "followed_id"] },
      foreignKeys: [fk("follows", ["followed_id"], "users"), fk("follows", ["follower_id"], "users")],
    }),
    tableOf("friendships", [notNull("user_id"), notNull("friend_id"), col("since", { kind: "date" })], {
      primaryKey: { columns: ["user_id", "friend_id"] },
      foreignKeys: [fk("friendships", ["friend_id"], "users"), fk("friendships", ["user_id"], "users")],
    }),
    tableOf("groups", [id(), notNull("name", { kind: "string", length: 50 })], { uniques: [{ columns: ["name"] }] }),
    tableOf("index", [id(), col("data", { kind: "json" }), notNull("settings", { kind: "json" })]),
    tableOf("invoice_lines", [id(), notNull("invoice_id"), notNull("track_id"), col("quantity", int, { nullable: false, serverDefault: "1" })], {
      foreignKeys: [fk("invoice_lines", ["invoice_id"], "invoices"), fk("invoice_lines", ["track_id"], "tracks")],
      uniques: [{ name: "uq_invoice_track", columns: ["invoice_id", "track_id"] }],
    }),
    tableOf("invoices", [id(), notNull("total", { kind: "numeric", precision: 10, scale: 2 }, { serverDefault: "0.00" })]),
    tableOf("log", [notNull("at", { kind: "datetime", timezone: true }, { serverDefault: "CURRENT_TIMESTAMP" }), col("user_id"), col("message", { kind: "text" })], {
      primaryKey: undefined,
      foreignKeys: [fk("log", ["user_id"], "users")],
      indexes: [{ name: "ix_log_at", columns: ["at"], unique: false }],
    }),
    tableOf("memberships", [notNull("user_id"), notNull("group_id"), notNull("role", { kind: "string", length: 20 })], {
      primaryKey: { columns: ["user_id", "group_id"] },
      foreignKeys: [fk("memberships", ["group_id"], "groups"), fk("memberships", ["user_id"], "users")],
    }),
    tableOf("post_tags", [notNull("post_id"), notNull("tag_id")], {
      primaryKey: { columns: ["post_id", "tag_id"] },
      foreignKeys: [fk("post_tags", ["post_id"], "posts", ["id"], { onDelete: "cascade" }), fk("post_tags", ["tag_id"], "tags", ["id"], { onDelete: "cascade" })],
    }),
    tableOf("posts", [id({ kind: "bigint" }), notNull("author_id"), col("editor_id"), notNull("title", { kind: "string", length: 200 }), col("category_id"), col("search", { kind: "raw", sql: "tsvector" }), col("rank", { kind: "raw", sql: "smallint" }), col("published", { kind: "boolean" }, { serverDefault: "0" })], {
      foreignKeys: [
        fk("posts", ["author_id"], "users", ["id"], { name: "posts_author_fkey" }),
        fk("posts", ["category_id"], "categories", ["id"], { onDelete: "set null" }),
        fk("posts", ["editor_id"], "users"),
      ],
      checks: [{ name: "ck_posts_title_not_empty", sql: "title <> ''" }],
      indexes: [{ name: "ix_posts_title", columns: ["title"], unique: false }, { name: "ix_posts_lower_title", columns: [], unique: false, expressions: ["lower(title)"] }],
    }),
    tableOf("profiles", [id(), notNull("user_id"), col("bio", { kind: "text" })], {
      foreignKeys: [fk("profiles", ["user_id"], "users", ["id"], { onDelete: "cascade" })],
      uniques: [{ columns: ["user_id"] }],
    }),
    tableOf("regions", [notNull("country_code", { kind: "string", length: 2 }), notNull("code", { kind: "string", length: 10 }), col("name", { kind: "text" })], {
      primaryKey: { columns: ["country_code", "code"] },
      foreignKeys: [fk("regions", ["country_code"], "countries", ["code"])],
    }),
    tableOf("shops", [id({ kind: "bigint" }), notNull("country_code", { kind: "string", length: 2 }), notNull("region_code", { kind: "string", length: 10 }), col("uuid", { kind: "uuid" })], {
      foreignKeys: [fk("shops", ["country_code", "region_code"], "regions", ["country_code", "code"])],
    }),
    tableOf("tags", [{ ...id(), autoincrement: false }, notNull("name", { kind: "string", length: 50 })]),
    tableOf("tracks", [id(), notNull("title", { kind: "string", length: 200 }), col("bytes", { kind: "binary" }), col("mood", { kind: "enum", values: ["calm", "loud"] })]),
    tableOf("users", [id(), notNull("email", { kind: "string", length: 200 }), col("name", { kind: "string", length: 100 }), notNull("born", { kind: "raw", sql: "time without time zone" })], {
      uniques: [{ columns: ["email"] }],
    }),
  ],
};
