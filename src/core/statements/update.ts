/**
 * `update(users).set({ name: "bo" }).where(users.c.id.eq(1))`, or with a mapped class as the
 * target, `update(User).values({ name: "bo" })`: keyed by attribute, resolved through the entity
 * resolver the ORM registers (the Core knows no ORM).
 */
import type { DeleteNode, ExprNode, InsertNode, SetPair, UpdateNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import { Expression } from "../expression/expression.js";
import type { Column } from "../schema/column.js";
import type { ColumnMap, FromSource, Table, WritableRowOf } from "../schema/table.js";
import type { Executable } from "./executable.js";
import { writeCteOf, type Cte } from "./cte.js";
import type { ValuesOf } from "./insert.js";
import { valueParam } from "./value-param.js";
import { refuseGeneratedValue } from "./generated-columns.js";
import { entitySource, labelItems, type EntityClass, type RowOfItems, type SelectItem, type SelectLayout, type TupleOfItems } from "./selectable.js";

type Condition = Expression<boolean> | Expression<boolean | null>;

/** The attributes of an entity's instances that are not methods: what `update(Model).values()` takes. */
export type EntityValues<T> = { [K in keyof T & string as T[K] extends Function ? never : K]: T[K] };

/**
 * An `UPDATE` statement, built by `update(table)` or `update(Model)`; `V` is the row its values
 * are keyed by, `Tuple` what a row of its RETURNING is as the ORM returns it (entities as objects).
 */
export class Update<C extends ColumnMap, Row = {}, V = WritableRowOf<C>, Tuple = never> implements Executable<Row> {
  declare readonly __row?: Row;
  declare readonly __tuple?: Tuple;

  constructor(
    readonly table: Table<string, C>,
    readonly node: UpdateNode,
    /** The mapped class when the target is one: the ORM keeps its objects in step with the rows changed. */
    readonly entity?: EntityClass,
    /** Where each RETURNING item's columns are (entities span several). */
    readonly returningLayout: SelectLayout = [],
  ) {
    Object.freeze(this);
  }

  private with<R = Row, T = Tuple>(node: UpdateNode, layout: SelectLayout = this.returningLayout): Update<C, R, V, T> {
    return new Update<C, R, V, T>(this.table, node, this.entity, layout);
  }

  /**
   * The new values, by column key (by attribute for `update(Model)`); each may be an expression,
   * e.g. `{ count: t.c.count.plus(1) }`. Added to those already set.
   *
   * ```ts
   * await engine.execute(update(orders).set({ total: orders.c.total.plus(5) }).where(orders.c.id.eq(7)));
   * // UPDATE orders SET total = orders.total + ? WHERE orders.id = ?
   * ```
   */
  set(values: Partial<ValuesOf<V>>): Update<C, Row, V, Tuple> {
    const source: FromSource = this.entity ? targetOf("update", this.entity, true) : (this.table as Table);
    const set: SetPair[] = [];
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      if (value === undefined) continue;
      const column = source.c[key];
      const columnNode = column?.node;
      if (!column || columnNode?.kind !== "column" || source.computed?.has(key)) {
        const target = this.entity ? this.entity.name : this.table.name;
        const what = this.entity ? `column attribute of ${target}` : `column of ${target}`;
        throw new ArgumentError(`update(${target}).set(): '${key}' is not a ${what}; use one of: ${Object.keys(source.c).filter((k) => !source.computed?.has(k)).join(", ")}.`);
      }
      const statement = () => `update(${this.entity ? this.entity.name : this.table.name}).set()`;
      const target = this.entity ? this.table.columnList.find((c) => c.name === columnNode.name) : (column as Column);
      if (target) refuseGeneratedValue(target, statement(), key);
      const node = value instanceof Expression ? value.node : valueParam(column.type, value, statement, key);
      // Under its attribute too: the ORM finds the column by it (a joined hierarchy's tables may share a column name).
      set.push(this.entity ? [columnNode.name, node, key] : [columnNode.name, node]);
    }
    return this.with({ ...this.node, set: [...this.node.set, ...set] });
  }

  /**
   * `set` under SQLAlchemy's name.
   *
   * ```ts
   * await session.execute(update(Post).values({ title: "Untitled" }).where(columnsOf(Post).title.eq("")));
   * ```
   */
  values(values: Partial<ValuesOf<V>>): Update<C, Row, V, Tuple> {
    return this.set(values);
  }

  /**
   * WHERE conditions, joined with AND to any existing ones. Without any, every row is updated.
   *
   * ```ts
   * await engine.execute(update(users).set({ name: null }).where(users.c.email.endsWith("@old.example"), users.c.id.gt(100)));
   * ```
   */
  where(...conditions: Condition[]): Update<C, Row, V, Tuple> {
    return this.with({ ...this.node, where: andWhere(this.node.where, conditions) });
  }

  /**
   * `RETURNING ...` (PostgreSQL, SQLite): the rows as changed. MySQL and MariaDB have no UPDATE
   * ... RETURNING (compiling raises `CompileError`).
   *
   * ```ts
   * const { rows } = await engine.execute(update(orders).set({ total: "0" }).where(orders.c.userId.eq(1)).returning(orders.c.id));
   * ```
   */
  returning<const I extends readonly SelectItem[]>(...items: I): Update<C, RowOfItems<I>, V, TupleOfItems<I>> {
    const { labels, layout } = labelItems(items);
    return this.with<RowOfItems<I>, TupleOfItems<I>>({ ...this.node, returning: labels }, layout);
  }
  /**
   * This UPDATE as a data-modifying CTE (PostgreSQL): the statement that reads it gets the rows
   * its RETURNING gives, and it runs once, whether or not they are all read. SQLite and MariaDB
   * have none (compiling raises `UnsupportedFeatureError`).
   *
   * ```ts
   * const raised = update(orders).set({ total: "10" }).where(orders.c.userId.eq(1)).returning(orders.c.id).cte("raised");
   * const { rows } = await engine.execute(select(func.count().label("n")).from(raised)); // how many rows it changed
   * ```
   */
  cte(name: string): Cte<Row> {
    return writeCteOf<Row>(this.node, this.returningLayout, name, this.entity);
  }

}

/**
 * `UPDATE table`, or the table of a mapped class: then `.set({...})` / `.values({...})` and `.where(...)`.
 *
 * ```ts
 * await engine.execute(update(users).set({ name: "Ada Lovelace" }).where(users.c.id.eq(1)));
 * await engine.execute(update(orders).set({ total: orders.c.total.times(2) }).where(orders.c.userId.eq(1)));
 * ```
 */
export function update<C extends ColumnMap>(table: Table<string, C>): Update<C>;
export function update<T extends object>(entity: abstract new (...args: any[]) => T): Update<ColumnMap, {}, EntityValues<T>>;
export function update(target: Table | EntityClass): Update<ColumnMap, {}, any> {
  const entity = typeof target === "function" ? target : undefined;
  const source = entity ? targetOf("update", entity, true) : undefined;
  const table = source ? (source.underlyingTable as Table) : (target as Table);
  // An entity covering part of its table (an ORM subclass: `FromSource.criterion`) changes its rows only.
  const node: UpdateNode = { kind: "update", table: table.fromNode, set: [], where: source?.criterion, returning: [] };
  return new Update(table, withUnwritable(node, "update", entity, source), entity);
}

/**
 * The source of a mapped class used as the target of an INSERT, UPDATE or DELETE: its columns
 * keyed by attribute. One whose rows span several tables (`notWritable`) is refused, or with
 * `spanning` (which the ORM session runs one statement per table) taken.
 */
export function targetOf(verb: string, entity: EntityClass, spanning = false): FromSource {
  const source = entitySource(entity);
  if (!source || !source.underlyingTable || source.fromNode.kind !== "table") {
    throw new ArgumentError(`${verb}(${entity.name}): the class is not a mapped model (map it, or pass its Table).`);
  }
  if (source.notWritable !== undefined && !spanning) throw new ArgumentError(`${verb}(${entity.name}): ${source.notWritable}`);
  return source;
}

/** `node`, refused when compiled if its target's rows span several tables: the ORM session runs it instead. */
export function withUnwritable<N extends InsertNode | UpdateNode | DeleteNode>(node: N, verb: string, entity: EntityClass | undefined, source: FromSource | undefined): N {
  return source?.notWritable === undefined ? node : { ...node, unwritable: `${verb}(${entity!.name}): ${source.notWritable}` };
}

export function andWhere(existing: ExprNode | undefined, conditions: readonly Condition[]): ExprNode | undefined {
  const items = [...(existing ? [existing] : []), ...conditions.map((c) => c.node)];
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { kind: "and", items };
}
