/** Small SchemaModels for the differ's tests, written with the `op.*` builders. */
import type { SchemaModel, TableModel } from "../../src/core/schema/schema-model.js";
import { op, type TableDefinition, type TableInput } from "../../src/migrations/index.js";
import { types } from "../../src/core/types/sql-type.js";

/** A TableModel from a builder definition, with model-only hints added. */
export function t(name: TableInput, def: TableDefinition, hints: { previousNames?: string[]; renamedFrom?: Record<string, string[]> } = {}): TableModel {
  const table = op.createTable(name, def).table;
  return {
    ...table,
    ...(hints.previousNames ? { previousNames: hints.previousNames } : {}),
    columns: table.columns.map((c) => (hints.renamedFrom?.[c.name] ? { ...c, renamedFrom: hints.renamedFrom[c.name]! } : c)),
  };
}

/** A schema of these tables. */
export function s(...tables: TableModel[]): SchemaModel {
  return { tables, enums: [] };
}

export const id = { name: "id", type: types.integer(), nullable: false, autoincrement: true } as const;

export const authors = t("authors", {
  columns: [id, { name: "name", type: types.string(100), nullable: false }],
  primaryKey: ["id"],
});

export const books = t("books", {
  columns: [
    id,
    { name: "title", type: types.string(100), nullable: false },
    { name: "author_id", type: types.integer(), nullable: false },
  ],
  primaryKey: ["id"],
  foreignKeys: [{ name: "fk_books_author_id_authors", columns: ["author_id"], referredTable: "authors", referredColumns: ["id"], onDelete: "cascade" }],
  indexes: [{ name: "ix_books_title", columns: ["title"] }],
});
