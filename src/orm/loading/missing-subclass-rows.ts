/**
 * Joined-table inheritance (mapping/joined-tables.ts): a row whose discriminator names a subclass
 * but whose subclass table has no row for its key (deleted outside the ORM, or by a foreign key's
 * ON DELETE CASCADE on the subclass's table) reads through the outer joins as that class with its
 * own columns NULL: a half object, which a flush would then update as if whole. It is refused
 * instead, where the row shows it: a NOT NULL column of that table read as NULL.
 */
import { DataError } from "../../core/errors.js";
import type { ColumnPlan } from "../mapping/column-plan.js";
import { isJoined } from "../mapping/joined-tables.js";
import type { Mapper } from "../mapping/mapper.js";

/**
 * For a row of `sub` read with `plan` at `start`: a check that each of its subclass tables has a
 * row, by one NOT NULL column of that table the query reads; undefined when there is nothing to
 * check (not joined, or no such column loaded: then a missing row cannot be told from the row).
 */
export function subclassRowsCheck(sub: Mapper, start: number, plan: ColumnPlan): ((row: readonly unknown[]) => void) | undefined {
  if (!isJoined(sub)) return undefined;
  const probes: { readonly index: number; readonly table: string; readonly attr: string }[] = [];
  for (const table of sub.inheritance!.tables.slice(1)) {
    const column = table.columnList.find((c) => !c.nullable && !c.primaryKey && c.generated === undefined && plan.keys.includes(sub.attributeFor(c) ?? ""));
    if (column !== undefined) probes.push({ index: start + plan.keys.indexOf(sub.attributeFor(column)!), table: table.name, attr: sub.attributeFor(column)! });
  }
  if (probes.length === 0) return undefined;
  const keyIndexes = sub.keyAttributes.map((attr) => start + plan.keys.indexOf(attr));
  return (row) => {
    for (const probe of probes) {
      if (row[probe.index] !== null && row[probe.index] !== undefined) continue;
      const key = sub.keyAttributes.map((attr, i) => `${attr}=${JSON.stringify(row[keyIndexes[i]!])}`).join(", ");
      throw new DataError(
        `The row of ${sub.name} (${key}) has no row in table '${probe.table}' (${sub.name}.${probe.attr} is NOT NULL there and read as NULL): ` +
          `its discriminator says ${sub.name}, but that table's row is missing (deleted outside the session, or by an ON DELETE CASCADE of a foreign key in '${probe.table}'). ` +
          `Read as ${sub.name}, the object would be half of one. Delete the row from '${sub.inheritance!.hierarchy.root.table.name}' too, or insert its row in '${probe.table}'.`,
        {},
        undefined,
      );
    }
  };
}
