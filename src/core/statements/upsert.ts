/**
 * The upsert clauses of `insert()`: `onConflictDoUpdate`, `onConflictDoNothing` (PostgreSQL,
 * SQLite; `DoNothing` without a target also on MySQL) and `onDuplicateKeyUpdate` (MySQL, MariaDB).
 * This file turns their typed options into an `OnConflictNode`; the dialect compilers render it.
 */
import type { ExprNode, OnConflictNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import { Expression } from "../expression/expression.js";
import { valueParam } from "./value-param.js";
import { refuseGeneratedValue } from "./generated-columns.js";
import type { BuilderValue } from "../schema/column-builder.js";
import type { Column } from "../schema/column.js";
import type { ColumnMap, Table, TableColumns, WritableRowOf } from "../schema/table.js";
import type { ValuesOf } from "./insert.js";

/**
 * The row proposed for insertion, column by column: `excluded.name` is `excluded."name"` on
 * PostgreSQL and SQLite, `VALUES(name)` on MySQL and MariaDB.
 */
export type Excluded<C extends ColumnMap> = { readonly [K in keyof C & string]: Expression<BuilderValue<C[K]>> };

/** The new values for the existing row: by column key, each a value or an expression. */
export type UpsertSet<C extends ColumnMap> = Partial<ValuesOf<WritableRowOf<C>>>;

type Condition = Expression<boolean> | Expression<boolean | null>;

/** A column of the table, or several: the unique key whose conflict the clause handles. */
export type ConflictTarget<C extends ColumnMap> = TableColumns<C>[keyof C & string] | readonly TableColumns<C>[keyof C & string][];

/** `onConflictDoUpdate({ target, set, where })`: the unique columns, the values to set (a function of the proposed row), and an optional condition. */
export interface OnConflictDoUpdateOptions<C extends ColumnMap> {
  /** The primary key or unique constraint's columns, e.g. `[t.c.id]`. */
  readonly target: ConflictTarget<C>;
  /** `{ name: "x" }`, or from the proposed row: `(excluded) => ({ name: excluded.name })`. */
  readonly set: UpsertSet<C> | ((excluded: Excluded<C>) => UpsertSet<C>);
  /** Update only existing rows matching this; others are left as they are (and not returned). */
  readonly where?: Condition | ((excluded: Excluded<C>) => Condition);
}

/** `onConflictDoNothing({ target })`: the unique columns whose conflict is ignored (any conflict without). */
export interface OnConflictDoNothingOptions<C extends ColumnMap> {
  /** The unique key whose conflict is ignored; without one, a conflict on any unique key is. */
  readonly target?: ConflictTarget<C>;
}

/** `onDuplicateKeyUpdate({ set })` (MySQL, MariaDB): the values to set when a unique key conflicts. */
export interface OnDuplicateKeyUpdateOptions<C extends ColumnMap> {
  /** `{ hits: 0 }`, or from the proposed row: `(excluded) => ({ name: excluded.name })`. */
  readonly set: UpsertSet<C> | ((excluded: Excluded<C>) => UpsertSet<C>);
}

export function doUpdateClause<C extends ColumnMap>(table: Table<string, C>, options: OnConflictDoUpdateOptions<C>): OnConflictNode {
  const what = `insert(${table.name}).onConflictDoUpdate()`;
  const target = targetNames(table, options.target, what);
  if (target.length === 0) throw new ArgumentError(`${what} needs a target: the columns of a primary key or unique constraint.`);
  const set = setPairs(table, options.set, what);
  const where = typeof options.where === "function" ? options.where(excludedOf(table)) : options.where;
  return { kind: "onConflict", action: "doUpdate", target, set, where: where?.node };
}

export function doNothingClause<C extends ColumnMap>(table: Table<string, C>, options: OnConflictDoNothingOptions<C>): OnConflictNode {
  const target = options.target === undefined ? [] : targetNames(table, options.target, `insert(${table.name}).onConflictDoNothing()`);
  return { kind: "onConflict", action: "doNothing", target, set: [], where: undefined };
}

export function duplicateKeyClause<C extends ColumnMap>(table: Table<string, C>, options: OnDuplicateKeyUpdateOptions<C>): OnConflictNode {
  const set = setPairs(table, options.set, `insert(${table.name}).onDuplicateKeyUpdate()`);
  return { kind: "onConflict", action: "duplicateKey", target: [], set, where: undefined };
}

function targetNames(table: Table, target: Column | readonly Column[], what: string): string[] {
  const columns = (Array.isArray(target) ? target : [target]) as readonly Column[];
  return columns.map((column) => {
    if (!(column instanceof Expression) || (column as Column).table !== table) {
      throw new ArgumentError(`${what}: the target must be columns of ${table.name} (e.g. ${table.name}.c.id), got ${describe(column)}.`);
    }
    return column.name;
  });
}

function setPairs<C extends ColumnMap>(table: Table<string, C>, set: OnConflictDoUpdateOptions<C>["set"], what: string): [string, ExprNode][] {
  const values = typeof set === "function" ? set(excludedOf(table)) : set;
  const pairs: [string, ExprNode][] = [];
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    if (value === undefined) continue;
    const column = (table as Table).c[key];
    if (!column) throw new ArgumentError(`${what}: set names unknown column '${key}'. Columns: ${table.columnList.map((c) => c.key).join(", ")}.`);
    refuseGeneratedValue(column, what, key);
    pairs.push([column.name, value instanceof Expression ? value.node : valueParam(column.type, value, () => what, key)]);
  }
  if (pairs.length === 0) throw new ArgumentError(`${what}: set has no columns; use onConflictDoNothing() to leave existing rows alone.`);
  return pairs;
}

/** One `excluded` object per table: its expressions are plain data, shared by every statement. */
const excludedByTable = new WeakMap<Table, Excluded<ColumnMap>>();

function excludedOf<C extends ColumnMap>(table: Table<string, C>): Excluded<C> {
  let excluded = excludedByTable.get(table as Table);
  if (!excluded) {
    const entries = (table as Table).columnList.map((c) => [c.key, new Expression({ kind: "excluded", name: c.name }, c.type)] as const);
    excluded = Object.freeze(Object.fromEntries(entries)) as Excluded<ColumnMap>;
    excludedByTable.set(table as Table, excluded);
  }
  return excluded as Excluded<C>;
}

function describe(value: unknown): string {
  if (value instanceof Expression && "table" in value) return `${(value as Column).table.name}.${(value as Column).key}`;
  return typeof value;
}
