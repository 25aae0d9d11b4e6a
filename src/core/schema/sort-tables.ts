/**
 * Orders tables so that every table comes after the tables it references. Foreign keys that close
 * a cycle cannot be created inline; they are returned apart, to be added after the tables exist.
 */
import type { ForeignKey } from "./constraints.js";
import type { Table } from "./table.js";

export interface TableOrder {
  readonly order: readonly Table[];
  /** Foreign keys that close a cycle between tables (self-references are not cycles). */
  readonly cyclic: readonly ForeignKey[];
}

export function sortTables(tables: readonly Table[]): TableOrder {
  const included = new Set(tables);
  const order: Table[] = [];
  const cyclic: ForeignKey[] = [];
  const state = new Map<Table, "visiting" | "done">();

  // Depth-first, in declaration order so that the result is stable. A foreign key that reaches
  // a table still being visited closes a cycle.
  const visit = (table: Table): void => {
    state.set(table, "visiting");
    for (const fk of table.foreignKeys) {
      const target = fk.isResolvable ? fk.referredTable : undefined;
      if (!target || target === table || !included.has(target)) continue;
      const targetState = state.get(target);
      if (targetState === "visiting") cyclic.push(fk);
      else if (targetState === undefined) visit(target);
    }
    state.set(table, "done");
    order.push(table);
  };
  for (const table of tables) if (!state.has(table)) visit(table);
  return { order, cyclic };
}
