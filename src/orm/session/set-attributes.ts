/**
 * Which attribute each `column = value` of a bulk UPDATE writes. `update(Model).set({ attr })`
 * gives it (core SetPair); the column's name alone is not enough under joined-table inheritance,
 * where a subclass's table may have a column named as its base's (`name`, `updated_at`) under
 * another attribute. A pair built without one is matched by name among `tables`' columns.
 */
import type { SetPair } from "../../core/ast/nodes.js";
import type { Table } from "../../core/schema/table.js";
import type { Mapper } from "../mapping/mapper.js";

/** @internal The attribute `pair` sets: the one given, else the one column of its name in `tables`; undefined when none or several are. */
export function attributeOfPair(mapper: Mapper, pair: SetPair, tables: readonly Table[]): string | undefined {
  if (pair[2] !== undefined) return pair[2];
  let found: string | undefined;
  for (const [attr, column] of mapper.columns) {
    if (column.name !== pair[0] || !tables.includes(column.table)) continue;
    if (found !== undefined) return undefined;
    found = attr;
  }
  return found;
}
