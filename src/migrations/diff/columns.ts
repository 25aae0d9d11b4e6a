/**
 * Pairs the columns of a table's two versions: by name, then by the new column's declared
 * `renamedFrom` names (never by guessing); the rest are added or dropped.
 */
import type { ColumnModel, TableModel } from "../../core/schema/schema-model.js";

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
  const old = new Map(from.columns.map((c) => [c.name, c] as const));
  const newNames = new Set(to.columns.map((c) => c.name));
  const claimed = new Set<string>();
  const pairOf = new Map<ColumnModel, ColumnModel>();
  const renamed = new Map<string, string>();
  for (const c of to.columns) {
    const same = old.get(c.name);
    if (same) {
      pairOf.set(c, same);
      claimed.add(c.name);
    }
  }
  for (const c of to.columns) {
    if (pairOf.has(c)) continue;
    const hint = (c.renamedFrom ?? []).find((name) => old.has(name) && !claimed.has(name) && !newNames.has(name));
    if (hint === undefined) continue;
    pairOf.set(c, old.get(hint)!);
    claimed.add(hint);
    renamed.set(hint, c.name);
  }
  return {
    pairs: to.columns.filter((c) => pairOf.has(c)).map((c) => [pairOf.get(c)!, c] as const),
    renamed,
    added: to.columns.filter((c) => !pairOf.has(c)),
    dropped: from.columns.filter((c) => !claimed.has(c.name)),
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
