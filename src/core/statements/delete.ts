/** `deleteFrom(users).where(users.c.id.eq(1))` (`delete` is a reserved word in JavaScript). */
import type { DeleteNode } from "../ast/nodes.js";
import type { Expression } from "../expression/expression.js";
import type { ColumnMap, Table } from "../schema/table.js";
import type { Executable } from "./executable.js";
import { labelItems, type RowOfItems, type SelectItem } from "./selectable.js";
import { andWhere } from "./update.js";

type Condition = Expression<boolean> | Expression<boolean | null>;

/** A `DELETE` statement, built by `deleteFrom(table)`. */
export class Delete<C extends ColumnMap, Row = {}> implements Executable<Row> {
  declare readonly __row?: Row;

  constructor(
    readonly table: Table<string, C>,
    readonly node: DeleteNode,
  ) {
    Object.freeze(this);
  }

  /** `WHERE` conditions, joined with `AND`. */
  where(...conditions: Condition[]): Delete<C, Row> {
    return new Delete(this.table, { ...this.node, where: andWhere(this.node.where, conditions) });
  }

  /** `RETURNING ...` (PostgreSQL, SQLite, MariaDB). */
  returning<const I extends readonly SelectItem[]>(...items: I): Delete<C, RowOfItems<I>> {
    return new Delete<C, RowOfItems<I>>(this.table, { ...this.node, returning: labelItems(items).labels });
  }
}

/** `DELETE FROM table`: then `.where(...)` (without it, every row is deleted). */
export function deleteFrom<C extends ColumnMap>(table: Table<string, C>): Delete<C> {
  return new Delete(table, { kind: "delete", table: table.fromNode, where: undefined, returning: [] });
}
