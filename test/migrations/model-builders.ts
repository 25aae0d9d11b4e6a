/** Small builders of plain schema models for the migration tests (a table with an integer key, columns, constraints). */
import type { ColumnModel, SchemaModel, TableModel, TypeModel } from "../../src/core/schema/schema-model.js";

/** A column model; nullable unless `notNull`. */
export function col(name: string, type: TypeModel, options: { notNull?: boolean; default?: string; autoincrement?: boolean } = {}): ColumnModel {
  return {
    name,
    type,
    nullable: !options.notNull,
    ...(options.default !== undefined ? { serverDefault: options.default } : {}),
    autoincrement: options.autoincrement ?? false,
  };
}

/** A table model with an autoincrement integer key `id` and the given columns and parts. */
export function tableModel(name: string, columns: readonly ColumnModel[], parts: Partial<TableModel> = {}): TableModel {
  return {
    name,
    columns: [col("id", { kind: "integer" }, { notNull: true, autoincrement: true }), ...columns],
    primaryKey: { columns: ["id"] },
    foreignKeys: [],
    uniques: [],
    checks: [],
    indexes: [],
    ...parts,
  };
}

export const emptySchema: SchemaModel = { tables: [], enums: [] };

export const int: TypeModel = { kind: "integer" };
export const text: TypeModel = { kind: "text" };
export const str = (length: number): TypeModel => ({ kind: "string", length });
