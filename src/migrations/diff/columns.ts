/**
 * Pairs the columns of a table's two versions: by the new column's declared `renamedFrom` names
 * and by name (see match-names.ts; never by guessing); the rest are added or dropped.
 */
import { tableKey, type ColumnModel, type TableModel } from "../../core/schema/schema-model.js";
import { matchNames } from "./match-names.js";

/** How the columns of two versions of a table correspond. */
export interface ColumnMatch {
  /** Same column, old and new definition (renamed ones included). */
  readonly pairs: readonly (readonly [ColumnModel, ColumnModel])[];
  /** Old name → new name, for the columns renamed by a hint. */
  readonly renamed: ReadonlyMap<string, string>;
  readonly added: readonly ColumnModel[];
  readonly dropped: readonly ColumnModel[];
}

/** Matches the columns of `from` and `to` (two versions of one table). */
export function matchColumns(from: TableModel, to: TableModel): ColumnMatch {
  const { pairOf, renamed } = matchNames(from.columns, to.columns, {
    key: (c) => c.name,
    previous: (c) => c.renamedFrom ?? [],
    describe: (c) => `column ${tableKey(to)}.${c.name}`,
  });
  const kept = new Set([...pairOf.values()]);
  return {
    pairs: to.columns.filter((c) => pairOf.has(c)).map((c) => [pairOf.get(c)!, c] as const),
    renamed: new Map(renamed.map(([was, now]) => [was.name, now.name] as const)),
    added: to.columns.filter((c) => !pairOf.has(c)),
    dropped: from.columns.filter((c) => !kept.has(c)),
  };
}

/** The column without model-only fields (`renamedFrom`): what an operation carries. */
export function plainColumn(column: ColumnModel): ColumnModel {
  if (column.renamedFrom === undefined) return column;
  const { renamedFrom: _hint, ...rest } = column;
  return rest;
}

/** The table without model-only fields (`previousNames`, columns' `renamedFrom`). */
export function plainTable(table: TableModel): TableModel {
  const { previousNames: _names, ...rest } = table;
  return { ...rest, columns: table.columns.map(plainColumn) };
}
