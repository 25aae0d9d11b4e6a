/** A schema and one operation of every kind on it: the compile-only rendering tests' fixture. */
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { col, int, str, tableModel, text } from "./model-builders.js";

const authors = tableModel("authors", [col("name", str(40), { notNull: true }), col("email", str(100))], {
  uniques: [{ name: "uq_authors_email", columns: ["email"] }],
});
const books = tableModel("books", [col("title", str(100), { notNull: true }), col("author_id", int), col("pages", int, { default: "0" })], {
  foreignKeys: [{ name: "fk_books_author", columns: ["author_id"], referredTable: "authors", referredColumns: ["id"], onDelete: "cascade" }],
  checks: [{ name: "ck_books_pages", sql: 'pages >= 0' }],
  indexes: [{ name: "ix_books_title", columns: ["title"], unique: false }],
});

/** Authors and books, as the operations find them. */
export const base: SchemaModel = { tables: [authors, books], enums: [] };

const reviews = tableModel("reviews", [col("book_id", int, { notNull: true }), col("body", text), col("stars", int, { notNull: true, default: "3" })], {
  foreignKeys: [{ name: "fk_reviews_book", columns: ["book_id"], referredTable: "books", referredColumns: ["id"], onDelete: "set null" }],
  uniques: [{ name: "uq_reviews_book_stars", columns: ["book_id", "stars"] }],
  checks: [{ name: "ck_reviews_stars", sql: 'stars BETWEEN 1 AND 5' }],
  indexes: [{ name: "ix_reviews_stars", columns: ["stars"], unique: false }],
});
const t = { name: "books" };

/** One operation of every kind (each applies to `base`). */
export const ops: Operation[] = [
  { op: "createTable", table: reviews },
  { op: "dropTable", table: books },
  { op: "renameTable", from: "books", to: "volumes" },
  { op: "addColumn", table: t, column: col("isbn", str(13)) },
  { op: "dropColumn", table: t, column: col("pages", int, { default: "0" }) },
  { op: "renameColumn", table: t, from: "title", to: "name" },
  { op: "alterColumn", table: t, column: "title", from: { type: str(100), nullable: false, serverDefault: null }, to: { type: text } },
  { op: "alterColumn", table: t, column: "pages", from: { type: int, nullable: true, serverDefault: "0" }, to: { type: str(10) } },
  { op: "alterColumn", table: t, column: "pages", from: { type: int, nullable: true, serverDefault: "0" }, to: { nullable: false, serverDefault: null } },
  { op: "alterColumn", table: t, column: "pages", from: { type: int, nullable: true, serverDefault: "0" }, to: { serverDefault: "1" } },
  { op: "createIndex", table: t, index: { name: "ix_books_pages", columns: ["pages"], unique: true } },
  { op: "createIndex", table: t, index: { name: "ix_books_pages", columns: ["pages"], unique: false }, concurrently: true },
  { op: "createIndex", table: t, index: { name: "ix_books_long", columns: ["pages"], unique: false, where: "pages > 300" } },
  { op: "dropIndex", table: t, index: { name: "ix_books_title", columns: ["title"], unique: false } },
  { op: "addForeignKey", table: { name: "authors" }, foreignKey: { name: "fk_authors_fav", columns: ["id"], referredTable: "books", referredColumns: ["id"] }, notValid: true },
  { op: "dropForeignKey", table: t, foreignKey: books.foreignKeys[0]! },
  { op: "addUnique", table: t, unique: { name: "uq_books_title", columns: ["title", "author_id"] } },
  { op: "dropUnique", table: { name: "authors" }, unique: authors.uniques[0]! },
  { op: "addCheck", table: t, check: { name: "ck_books_title", sql: "title <> ''" }, notValid: true },
  { op: "dropCheck", table: t, check: books.checks[0]! },
  { op: "dropPrimaryKey", table: t, primaryKey: { columns: ["id"] } },
  { op: "validateConstraint", table: t, name: "fk_books_author" },
  { op: "execute", sql: "UPDATE books SET pages = 1" },
  { op: "execute", sql: { postgresql: "VACUUM books" }, transactional: false },
  { op: "renameIndex", table: t, from: "ix_books_title", to: "ix_books_heading" },
  { op: "renameConstraint", table: { name: "authors" }, kind: "unique", from: "uq_authors_email", to: "uq_authors_mail" },
  { op: "renameConstraint", table: t, kind: "foreignKey", from: "fk_books_author", to: "fk_books_writer" },
  { op: "renameConstraint", table: t, kind: "check", from: "ck_books_pages", to: "ck_books_length" },
];
