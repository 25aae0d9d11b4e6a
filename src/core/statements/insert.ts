/**
 * `insert(users).values({ name: "ann" })`, several rows at once, or `fromSelect(...)`.
 * Client-side column defaults are applied here, once per row.
 */
import type { ExprNode, InsertNode, OnConflictNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import { Expression } from "../expression/expression.js";
import type { Column } from "../schema/column.js";
import type { ColumnMap, InsertRowOf, Table } from "../schema/table.js";
import type { Executable } from "./executable.js";
import type { Select } from "./select.js";
import { labelItems, type RowOfItems, type SelectItem } from "./selectable.js";
import {
  doNothingClause,
  doUpdateClause,
  duplicateKeyClause,
  type OnConflictDoNothingOptions,
  type OnConflictDoUpdateOptions,
  type OnDuplicateKeyUpdateOptions,
} from "./upsert.js";

/** A row for insert or update: each value may also be an expression. */
export type ValuesOf<R> = { [K in keyof R]: R[K] | Expression<R[K]> | Expression<NonNullable<R[K]>> };

/** An `INSERT` statement, built by `insert(table)`. */
export class Insert<C extends ColumnMap, Row = {}> implements Executable<Row> {
  declare readonly __row?: Row;

  constructor(
    readonly table: Table<string, C>,
    readonly node: InsertNode,
  ) {
    Object.freeze(this);
  }

  /** One row, or several: a multi-row `INSERT ... VALUES (...), (...)`. */
  values(rows: ValuesOf<InsertRowOf<C>> | readonly ValuesOf<InsertRowOf<C>>[]): Insert<C, Row> {
    const list = (Array.isArray(rows) ? rows : [rows]) as readonly Record<string, unknown>[];
    if (list.length === 0) throw new ArgumentError(`insert(${this.table.name}).values() needs at least one row.`);
    const { columns, rows: nodes } = buildRows(this.table as Table, list);
    return new Insert(this.table, { ...this.node, columns, rows: nodes, select: undefined });
  }

  /** `INSERT INTO t (cols) SELECT ...`. */
  fromSelect(columns: readonly Column[], query: Select<unknown>): Insert<C, Row> {
    return new Insert(this.table, { ...this.node, columns: columns.map((c) => c.name), rows: [], select: query.node });
  }

  /**
   * Upsert: a row that conflicts with an existing one on `target` (a primary key or unique
   * constraint) updates that row instead: `ON CONFLICT (target) DO UPDATE` (PostgreSQL, SQLite).
   * `set` may use the proposed row: `set: (excluded) => ({ name: excluded.name })`.
   */
  onConflictDoUpdate(options: OnConflictDoUpdateOptions<C>): Insert<C, Row> {
    return this.withConflict(doUpdateClause(this.table, options));
  }

  /**
   * Insert-or-ignore: a row that conflicts with an existing one is skipped. PostgreSQL and
   * SQLite; on MySQL and MariaDB without a target (the no-op `ON DUPLICATE KEY UPDATE col = col`).
   */
  onConflictDoNothing(options: OnConflictDoNothingOptions<C> = {}): Insert<C, Row> {
    return this.withConflict(doNothingClause(this.table, options));
  }

  /** MySQL's and MariaDB's upsert, on a conflict with any unique key: `ON DUPLICATE KEY UPDATE ...`. */
  onDuplicateKeyUpdate(options: OnDuplicateKeyUpdateOptions<C>): Insert<C, Row> {
    return this.withConflict(duplicateKeyClause(this.table, options));
  }

  private withConflict(onConflict: OnConflictNode): Insert<C, Row> {
    if (this.node.onConflict) throw new ArgumentError(`insert(${this.table.name}) already has an upsert clause; give only one.`);
    return new Insert(this.table, { ...this.node, onConflict });
  }

  /** `RETURNING ...` (PostgreSQL, SQLite, MariaDB). */
  returning<const I extends readonly SelectItem[]>(...items: I): Insert<C, RowOfItems<I>> {
    return new Insert<C, RowOfItems<I>>(this.table, { ...this.node, returning: labelItems(items).labels });
  }
}

/** `INSERT INTO table`: then `.values(row)` or `.values([rows])`, and optionally `.returning(...)`. */
export function insert<C extends ColumnMap>(table: Table<string, C>): Insert<C> {
  return new Insert(table, { kind: "insert", table: table.fromNode, columns: [], rows: [], select: undefined, onConflict: undefined, returning: [] });
}

/**
 * Lays rows out on one column list: the columns given in the rows plus the columns with a client
 * default. A column given in some rows but not others takes its client default there, or NULL
 * when nullable; anything else is an error rather than a silent guess.
 */
function buildRows(table: Table, rows: readonly Record<string, unknown>[]): { columns: string[]; rows: ExprNode[][] } {
  const used: Column[] = [];
  for (const column of table.columnList) {
    const given = rows.some((r) => r[column.key] !== undefined);
    if (given || column.default !== undefined) used.push(column);
  }
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!(key in table.c)) {
        throw new ArgumentError(`insert(${table.name}): unknown column '${key}'. Columns: ${table.columnList.map((c) => c.key).join(", ")}.`);
      }
    }
  }
  const nodes = rows.map((row, i) =>
    used.map((column): ExprNode => {
      const value = row[column.key];
      if (value !== undefined) return value instanceof Expression ? value.node : { kind: "param", value, type: column.type };
      if (column.default !== undefined) return { kind: "param", value: column.defaultValue(), type: column.type };
      if (column.nullable && column.serverDefault === undefined) return { kind: "param", value: null, type: column.type };
      throw new ArgumentError(
        `insert(${table.name}): row ${i} has no value for '${column.key}', which other rows give, and the column ` +
          `is not nullable or has a server default that a multi-row INSERT cannot apply per row. Give every row a value.`,
      );
    }),
  );
  return { columns: used.map((c) => c.name), rows: nodes };
}
