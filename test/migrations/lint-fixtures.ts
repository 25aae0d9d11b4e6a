/**
 * Operations and schemas for test/migrations/lint.test.ts: a small library schema (authors,
 * books) written as SchemaModel data, and builders for the operations the lint reads.
 */
import type { ColumnModel, SchemaModel, TableModel, TypeModel } from "../../src/core/schema/schema-model.js";
import type { Operation, TableRef } from "../../src/migrations/index.js";

export const books: TableRef = { name: "books" };
export const authors: TableRef = { name: "authors" };

export const t = {
  int: { kind: "integer" } as TypeModel,
  bigint: { kind: "bigint" } as TypeModel,
  text: { kind: "text" } as TypeModel,
  string: (length?: number): TypeModel => (length === undefined ? { kind: "string" } : { kind: "string", length }),
  numeric: (precision: number, scale: number): TypeModel => ({ kind: "numeric", precision, scale }),
  datetime: (timezone: boolean): TypeModel => ({ kind: "datetime", timezone }),
  enum: (...values: string[]): TypeModel => ({ kind: "enum", values }),
  raw: (sql: string): TypeModel => ({ kind: "raw", sql }),
};

export function col(name: string, type: TypeModel, extra: Partial<ColumnModel> = {}): ColumnModel {
  return { name, type, nullable: true, autoincrement: false, ...extra };
}

export const authorsTable: TableModel = {
  name: "authors",
  columns: [col("id", t.int, { nullable: false, autoincrement: true }), col("name", t.string(100), { nullable: false })],
  primaryKey: { name: "pk_authors", columns: ["id"] },
  foreignKeys: [],
  uniques: [],
  checks: [],
  indexes: [],
};

export const booksTable: TableModel = {
  name: "books",
  columns: [
    col("id", t.int, { nullable: false, autoincrement: true }),
    col("title", t.string(100)),
    col("author_id", t.int),
    col("price", t.numeric(10, 2)),
    col("isbn", t.string(13)),
  ],
  primaryKey: { name: "pk_books", columns: ["id"] },
  foreignKeys: [],
  uniques: [],
  checks: [],
  indexes: [{ name: "ix_books_isbn", columns: ["isbn"], unique: false }],
};

/** The schema before the migrations under test. */
export const schema: SchemaModel = { tables: [authorsTable, booksTable], enums: [] };

/** Builders for the operations, with the fields the tests vary. */
export const op = {
  createTable: (table: TableModel): Operation => ({ op: "createTable", table }),
  addColumn: (table: TableRef, column: ColumnModel, lint?: Operation["lint"]): Operation => ({ op: "addColumn", table, column, ...(lint ? { lint } : {}) }),
  dropColumn: (table: TableRef, column: ColumnModel): Operation => ({ op: "dropColumn", table, column }),
  alterType: (table: TableRef, column: string, from: TypeModel, to: TypeModel): Operation => ({
    op: "alterColumn",
    table,
    column,
    from: { type: from, nullable: true, serverDefault: null },
    to: { type: to },
  }),
  setNotNull: (table: TableRef, column: string, type: TypeModel = t.int, lint?: Operation["lint"]): Operation => ({
    op: "alterColumn",
    table,
    column,
    from: { type, nullable: true, serverDefault: null },
    to: { nullable: false },
    ...(lint ? { lint } : {}),
  }),
  dropNotNull: (table: TableRef, column: string, type: TypeModel = t.int): Operation => ({
    op: "alterColumn",
    table,
    column,
    from: { type, nullable: false, serverDefault: null },
    to: { nullable: true },
  }),
  setDefault: (table: TableRef, column: string, value: string): Operation => ({
    op: "alterColumn",
    table,
    column,
    from: { type: t.int, nullable: true, serverDefault: null },
    to: { serverDefault: value },
  }),
  createIndex: (table: TableRef, name: string, columns: string[], extra: { concurrently?: boolean; lint?: Operation["lint"] } = {}): Operation => ({
    op: "createIndex",
    table,
    index: { name, columns, unique: false },
    ...extra,
  }),
  dropIndex: (table: TableRef, name: string, columns: string[], concurrently?: boolean): Operation => ({
    op: "dropIndex",
    table,
    index: { name, columns, unique: false },
    ...(concurrently ? { concurrently } : {}),
  }),
  addForeignKey: (notValid?: boolean): Operation => ({
    op: "addForeignKey",
    table: books,
    foreignKey: { name: "fk_books_author_id_authors", columns: ["author_id"], referredTable: "authors", referredColumns: ["id"] },
    ...(notValid ? { notValid } : {}),
  }),
  addCheck: (name: string | undefined, sql: string, notValid?: boolean): Operation => ({
    op: "addCheck",
    table: books,
    check: name === undefined ? { sql } : { name, sql },
    ...(notValid ? { notValid } : {}),
  }),
  validate: (table: TableRef, name: string): Operation => ({ op: "validateConstraint", table, name }),
  addUnique: (table: TableRef, name: string, columns: string[]): Operation => ({ op: "addUnique", table, unique: { name, columns } }),
  addPrimaryKey: (table: TableRef, columns: string[]): Operation => ({ op: "addPrimaryKey", table, primaryKey: { name: `pk_${table.name}`, columns } }),
  dropPrimaryKey: (table: TableRef, columns: string[]): Operation => ({ op: "dropPrimaryKey", table, primaryKey: { name: `pk_${table.name}`, columns } }),
};

/** A table created in the migration itself. */
export const newTable: TableModel = { ...booksTable, name: "reviews", indexes: [], primaryKey: { name: "pk_reviews", columns: ["id"] } };
export const reviews: TableRef = { name: "reviews" };
