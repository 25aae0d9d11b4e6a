/** One operation of every kind (and the optional flags), written with the `op.*` builders. */
import { op, types, type Operation, type OperationKind } from "../../src/migrations/index.js";

const fk = { name: "fk_books_author_id_authors", columns: ["author_id"], referredTable: "authors", referredColumns: ["id"], onDelete: "cascade" } as const;

export const everyOp: Operation[] = [
  op.createTable("authors", {
    columns: [
      { name: "id", type: types.integer(), nullable: false, autoincrement: true },
      { name: "name", type: types.string(100), nullable: false },
      { name: "born", type: types.date() },
      { name: "bio", type: types.text(), serverDefault: "''" },
      { name: "rating", type: types.numeric(3, 1) },
      { name: "score", type: types.float() },
      { name: "big", type: types.bigint() },
      { name: "active", type: types.boolean(), nullable: false, serverDefault: "true" },
      { name: "seen", type: types.datetime({ timezone: true }) },
      { name: "created", type: types.datetime() },
      { name: "data", type: types.json() },
      { name: "token", type: types.uuid() },
      { name: "status", type: types.enum(["draft", "published"], { name: "ck_status" }) },
      { name: "photo", type: types.binary(16) },
      { name: "blob", type: types.binary() },
      { name: "vec", type: { kind: "raw", sql: "tsvector" } },
      { name: "money", type: types.numeric() },
      { name: "code", type: types.string() },
    ],
    primaryKey: ["id"],
    uniques: [{ name: "uq_authors_name", columns: ["name"] }, { columns: ["token"] }],
    checks: [{ name: "ck_rating", sql: "rating >= 0" }, { sql: "score < 100" }],
    indexes: [{ name: "ix_authors_born", columns: ["born"] }, { name: "ix_lower", columns: [], expressions: ["lower(name)"], unique: true, where: "active" }],
  }),
  op.createTable({ schema: "lib", name: "books" }, {
    columns: [{ name: "id", type: types.integer(), nullable: false }, { name: "author_id", type: types.integer() }],
    primaryKey: { name: "pk_books", columns: ["id"] },
    foreignKeys: [{ ...fk, referredSchema: "public" }],
  }),
  op.dropTable("old", { columns: [{ name: "x", type: types.integer() }] }),
  op.renameTable("writers", "authors"),
  op.renameTable("tomes", "books", { schema: "lib" }),
  op.addColumn("authors", { name: "isbn", type: types.string(13), nullable: true }),
  op.addColumn({ schema: "lib", name: "books" }, { name: "n", type: types.integer(), nullable: false, serverDefault: "0" }),
  op.dropColumn("authors", { name: "legacy", type: types.text() }),
  op.renameColumn("authors", "title", "name"),
  op.alterColumn("authors", "name", { from: { type: types.string(50), nullable: true }, to: { type: types.string(100), nullable: false } }),
  op.alterColumn("authors", "bio", { from: { type: types.text(), nullable: true, serverDefault: "''" }, to: { serverDefault: null } }),
  op.createIndex("authors", { name: "ix_authors_name", columns: ["name"] }),
  op.createIndex("authors", { name: "ix_c", columns: ["name"], unique: true }, { concurrently: true }),
  op.dropIndex("authors", { name: "ix_d", columns: ["name"] }, { concurrently: true }),
  op.renameIndex("authors", "ix_e", "ix_f"),
  op.renameIndex({ schema: "lib", name: "books" }, "ix_g", "ix_h"),
  op.addForeignKey("books", fk),
  op.addForeignKey("books", fk, { notValid: true, lint: { allow: ["fk-not-valid"], reason: "empty table" } }),
  op.dropForeignKey("books", fk),
  op.addUnique("authors", { name: "uq_x", columns: ["name", "born"] }),
  op.dropUnique("authors", { columns: ["token"] }),
  op.renameUnique("authors", "uq_x", "uq_y"),
  op.addCheck("authors", { name: "ck_x", sql: "score > 0" }),
  op.addCheck("authors", { sql: "score > 1" }, { notValid: true }),
  op.dropCheck("authors", { name: "ck_y", sql: "score > 2" }),
  op.addPrimaryKey("books", ["id"]),
  op.addPrimaryKey("books", { name: "pk_b", columns: ["id", "author_id"] }),
  op.dropPrimaryKey("books", ["id"]),
  op.validateConstraint("books", "fk_books_author_id_authors"),
  op.execute("UPDATE authors SET name = upper(name)"),
  op.execute({ postgresql: "VACUUM authors", mysql: "OPTIMIZE TABLE authors" }, { transactional: false }),
];

/** Every kind appears above (checked by the tests that use it). */
export const allKinds: readonly OperationKind[] = [
  "createTable", "dropTable", "renameTable", "addColumn", "dropColumn", "renameColumn", "alterColumn",
  "createIndex", "dropIndex", "renameIndex", "addForeignKey", "dropForeignKey", "addUnique", "dropUnique", "renameUnique", "addCheck",
  "dropCheck", "addPrimaryKey", "dropPrimaryKey", "validateConstraint", "execute",
];
