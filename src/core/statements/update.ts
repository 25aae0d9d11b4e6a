/** `update(users).set({ name: "bo" }).where(users.c.id.eq(1))`. */
import type { ExprNode, UpdateNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import { Expression } from "../expression/expression.js";
import type { ColumnMap, RowOf, Table } from "../schema/table.js";
import type { Executable } from "./executable.js";
import type { ValuesOf } from "./insert.js";
import { labelItems, type RowOfItems, type SelectItem } from "./selectable.js";

type Condition = Expression<boolean> | Expression<boolean | null>;

/** An `UPDATE` statement, built by `update(table)`. */
export class Update<C extends ColumnMap, Row = {}> implements Executable<Row> {
  declare readonly __row?: Row;

  constructor(
    readonly table: Table<string, C>,
    readonly node: UpdateNode,
  ) {
    Object.freeze(this);
  }

  /** The new values; each may be an expression, e.g. `{ count: t.c.count.plus(1) }`. */
  set(values: Partial<ValuesOf<RowOf<C>>>): Update<C, Row> {
    const table = this.table as Table;
    const set: [string, ExprNode][] = [];
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      if (value === undefined) continue;
      const column = table.c[key];
      if (!column) throw new ArgumentError(`update(${table.name}).set(): unknown column '${key}'.`);
      set.push([column.name, value instanceof Expression ? value.node : { kind: "param", value, type: column.type }]);
    }
    return new Update(this.table, { ...this.node, set: [...this.node.set, ...set] });
  }

  /** `WHERE` conditions, joined with `AND`. */
  where(...conditions: Condition[]): Update<C, Row> {
    return new Update(this.table, { ...this.node, where: andWhere(this.node.where, conditions) });
  }

  /** `RETURNING ...` (PostgreSQL, SQLite). */
  returning<const I extends readonly SelectItem[]>(...items: I): Update<C, RowOfItems<I>> {
    return new Update<C, RowOfItems<I>>(this.table, { ...this.node, returning: labelItems(items).labels });
  }
}

/** `UPDATE table`: then `.set({...})` and `.where(...)`. */
export function update<C extends ColumnMap>(table: Table<string, C>): Update<C> {
  return new Update(table, { kind: "update", table: table.fromNode, set: [], where: undefined, returning: [] });
}

export function andWhere(existing: ExprNode | undefined, conditions: readonly Condition[]): ExprNode | undefined {
  const items = [...(existing ? [existing] : []), ...conditions.map((c) => c.node)];
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { kind: "and", items };
}
