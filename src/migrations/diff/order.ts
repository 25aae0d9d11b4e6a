/**
 * Foreign-key order for creating and dropping tables: a referenced table is created before the
 * tables that reference it (and dropped after them). A foreign key that closes a cycle cannot
 * be part of its CREATE TABLE: it is set apart, to be added once every table exists (and dropped
 * before any of them goes).
 */
import { tableKey, type ForeignKeyModel, type TableModel } from "../../core/schema/schema-model.js";

/** The key of the table a foreign key refers to, as `tableKey` writes it. */
export function referredKey(fk: ForeignKeyModel): string {
  return tableKey({ schema: fk.referredSchema, name: fk.referredTable });
}

/** `tables` referenced-first, and per table key the foreign keys that close a cycle. */
export interface CreationOrder {
  readonly order: readonly TableModel[];
  readonly deferred: ReadonlyMap<string, readonly ForeignKeyModel[]>;
}

/**
 * Orders `tables` so that each comes after the tables (of this list) it references; references
 * to tables outside the list and to itself do not constrain. Stable: follows the given order
 * where foreign keys allow.
 */
export function creationOrder(tables: readonly TableModel[]): CreationOrder {
  const byKey = new Map(tables.map((t) => [tableKey(t), t] as const));
  const state = new Map<string, "visiting" | "done">();
  const order: TableModel[] = [];
  const deferred = new Map<string, ForeignKeyModel[]>();
  const visit = (table: TableModel, key: string): void => {
    state.set(key, "visiting");
    for (const fk of table.foreignKeys) {
      const parent = referredKey(fk);
      if (parent === key || !byKey.has(parent)) continue;
      const seen = state.get(parent);
      if (seen === "visiting") deferred.set(key, [...(deferred.get(key) ?? []), fk]);
      else if (seen === undefined) visit(byKey.get(parent)!, parent);
    }
    state.set(key, "done");
    order.push(table);
  };
  for (const [key, table] of byKey) if (!state.has(key)) visit(table, key);
  return { order, deferred };
}

/** The table without the given foreign keys (those added or dropped on their own). */
export function withoutForeignKeys(table: TableModel, fks: readonly ForeignKeyModel[] | undefined): TableModel {
  return fks?.length ? { ...table, foreignKeys: table.foreignKeys.filter((fk) => !fks.includes(fk)) } : table;
}
