/** `deleteFrom(users).where(users.c.id.eq(1))` (`delete` is a reserved word in JavaScript). */
import type { DeleteNode } from "../ast/nodes.js";
import type { Expression } from "../expression/expression.js";
import type { ColumnMap, Table } from "../schema/table.js";
import type { Executable } from "./executable.js";
import { writeCteOf, type Cte } from "./cte.js";
import { labelItems, type EntityClass, type RowOfItems, type SelectItem, type SelectLayout, type TupleOfItems } from "./selectable.js";
import { andWhere, targetOf, withUnwritable } from "./update.js";

type Condition = Expression<boolean> | Expression<boolean | null>;

/**
 * A `DELETE` statement, built by `deleteFrom(table)`; `Tuple` is what a row of its RETURNING is as
 * the ORM returns it (entities as objects).
 */
export class Delete<C extends ColumnMap, Row = {}, Tuple = never> implements Executable<Row> {
  declare readonly __row?: Row;
  declare readonly __tuple?: Tuple;

  constructor(
    readonly table: Table<string, C>,
    readonly node: DeleteNode,
    /** The mapped class when the target is one: the ORM keeps its objects in step with the rows deleted. */
    readonly entity?: EntityClass,
    /** Where each RETURNING item's columns are (entities span several). */
    readonly returningLayout: SelectLayout = [],
  ) {
    Object.freeze(this);
  }

  /**
   * WHERE conditions, joined with AND to any existing ones. Without any, every row is deleted.
   *
   * ```ts
   * await engine.execute(deleteFrom(orders).where(orders.c.userId.eq(1), orders.c.total.eq("0"))); // DELETE FROM orders WHERE ... AND ...
   * ```
   */
  where(...conditions: Condition[]): Delete<C, Row, Tuple> {
    return new Delete<C, Row, Tuple>(this.table, { ...this.node, where: andWhere(this.node.where, conditions) }, this.entity, this.returningLayout);
  }

  /**
   * `RETURNING ...` (PostgreSQL, SQLite, MariaDB): the deleted rows as they were. MySQL has none
   * (compiling raises `CompileError`).
   *
   * ```ts
   * const { rows } = await engine.execute(deleteFrom(users).where(users.c.name.isNull()).returning(users.c.id, users.c.email));
   * ```
   */
  returning<const I extends readonly SelectItem[]>(...items: I): Delete<C, RowOfItems<I>, TupleOfItems<I>> {
    const { labels, layout } = labelItems(items);
    return new Delete<C, RowOfItems<I>, TupleOfItems<I>>(this.table, { ...this.node, returning: labels }, this.entity, layout);
  }
  /**
   * This DELETE as a data-modifying CTE (PostgreSQL): the statement that reads it gets the rows
   * its RETURNING gives, and it runs once, whether or not they are all read. SQLite and MariaDB
   * have none (compiling raises `UnsupportedFeatureError`).
   *
   * ```ts
   * const archive = table("orders_archive", metadata, { id: integer().primaryKey(), userId: integer().notNull() });
   * const gone = deleteFrom(orders).where(orders.c.total.eq("0")).returning(orders.c.id, orders.c.userId).cte("gone");
   * await engine.execute(insert(archive).fromSelect([archive.c.id, archive.c.userId], select(gone.c.id, gone.c.userId)));
   * // WITH "gone" AS (DELETE FROM "orders" WHERE ... RETURNING ...) INSERT INTO "archive" ... SELECT ... FROM "gone"
   * ```
   */
  cte(name: string): Cte<Row> {
    return writeCteOf<Row>(this.node, this.returningLayout, name, this.entity);
  }

}

/**
 * `DELETE FROM table` (or a mapped class's table): then `.where(...)` (without it, every row is deleted).
 *
 * ```ts
 * await engine.execute(deleteFrom(orders).where(orders.c.placedAt.lt(new Date("2020-01-01"))));
 * const gone = await session.execute(deleteFrom(Post).where(columnsOf(Post).title.eq("draft"))); // through the Session
 * ```
 */
export function deleteFrom<C extends ColumnMap>(table: Table<string, C>): Delete<C>;
export function deleteFrom(entity: EntityClass): Delete<ColumnMap>;
export function deleteFrom(target: Table | EntityClass): Delete<ColumnMap> {
  const entity = typeof target === "function" ? target : undefined;
  const source = entity ? targetOf("deleteFrom", entity, true) : undefined;
  const table = source ? (source.underlyingTable as Table) : (target as Table);
  // An entity covering part of its table (an ORM subclass: `FromSource.criterion`) deletes its rows only.
  const node: DeleteNode = { kind: "delete", table: table.fromNode, where: source?.criterion, returning: [] };
  return new Delete(table, withUnwritable(node, "deleteFrom", entity, source), entity);
}
