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
import { writeCteOf, type Cte } from "./cte.js";
import type { Select } from "./select.js";
import { labelItems, type EntityClass, type RowOfItems, type SelectItem, type SelectLayout, type TupleOfItems } from "./selectable.js";
import { targetOf, withUnwritable } from "./update.js";
import { valueCheck } from "../types/value-check.js";
import { valueParam } from "./value-param.js";
import { refuseGeneratedValue } from "./generated-columns.js";
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

/**
 * An `INSERT` statement, built by `insert(table)` or `insert(Model)`. `M` is the model of
 * `insert(Model)` (its rows are keyed by attribute); `Tuple` what a row of its RETURNING is as
 * the ORM returns it (entities as objects).
 */
export class Insert<C extends ColumnMap, Row = {}, M = unknown, Tuple = never> implements Executable<Row> {
  declare readonly __row?: Row;
  declare readonly __model?: M;
  declare readonly __tuple?: Tuple;

  constructor(
    readonly table: Table<string, C>,
    readonly node: InsertNode,
    /** The mapped class of `insert(Model)`: the ORM inserts plain objects of it in bulk. */
    readonly entity?: EntityClass,
    /** Where each RETURNING item's columns are (entities span several). */
    readonly returningLayout: SelectLayout = [],
    /**
     * Values every row gets, by attribute (`insert(Model)`) or column key: written, never
     * contradicted (an ORM write-only collection's foreign key, `WriteOnlyCollection.insert()`).
     */
    readonly presetValues?: Readonly<Record<string, unknown>>,
  ) {
    Object.freeze(this);
  }

  /**
   * What `insert(Model)` of a class whose rows span several tables (joined-table inheritance)
   * cannot take: the ORM session inserts its rows one table at a time, given apart.
   */
  private refuseSpanning(what: string, instead: string): void {
    if (this.node.unwritable === undefined) return;
    const name = this.entity!.name;
    throw new ArgumentError(
      `insert(${name}) with ${what}: ${name}'s rows span several tables (joined-table inheritance), which one statement cannot write, and this is not supported yet. ` +
        `Instead, ${instead.replace(/\bX\b/g, name)}.`,
    );
  }

  private with<R = Row, T = Tuple>(node: InsertNode, layout: SelectLayout = this.returningLayout): Insert<C, R, M, T> {
    return new Insert<C, R, M, T>(this.table, node, this.entity, layout, this.presetValues);
  }

  /**
   * One row, or several: a multi-row `INSERT ... VALUES (...), (...)` on one column list. A
   * column that a row leaves out takes its client default there, or NULL when nullable.
   *
   * ```ts
   * await engine.execute(insert(users).values([{ email: "a@example.com" }, { email: "b@example.com", name: "B" }]));
   * // INSERT INTO users (name, email) VALUES (?, ?), (?, ?) with [null, "a@example.com", "B", "b@example.com"]
   * ```
   */
  values(rows: ValuesOf<InsertRowOf<C>> | readonly ValuesOf<InsertRowOf<C>>[]): Insert<C, Row> {
    this.refuseSpanning("values()", "give the rows to session.execute(insert(X), rows), which writes each table");
    let list = (Array.isArray(rows) ? rows : [rows]) as readonly Record<string, unknown>[];
    if (list.length === 0) throw new ArgumentError(`insert(${this.table.name}).values() needs at least one row.`);
    if (this.presetValues !== undefined) list = withPresetValues(this.entity?.name ?? this.table.name, this.presetValues, list);
    if (this.entity) list = byColumnKey(this.entity, this.table as Table, list);
    const { columns, rows: nodes, freshValues } = buildRows(this.table as Table, list, this.entity);
    const { freshValues: _, ...node } = this.node;
    return this.with({ ...node, columns, rows: nodes, select: undefined, ...(freshValues ? { freshValues } : {}) });
  }

  /**
   * `INSERT INTO t (cols) SELECT ...`: the query's columns fill `columns`, in order.
   *
   * ```ts
   * const archive = table("orders_archive", metadata, { id: integer().primaryKey(), total: numeric(10, 2).notNull() });
   * await engine.execute(insert(archive).fromSelect([archive.c.id, archive.c.total], select(orders.c.id, orders.c.total)));
   * // INSERT INTO orders_archive (id, total) SELECT orders.id, orders.total FROM orders
   * ```
   */
  fromSelect(columns: readonly Column[], query: Select<unknown>): Insert<C, Row> {
    this.refuseSpanning("fromSelect()", "insert the rows with session.execute(insert(X), rows), read by a select() first");
    return this.with({ ...this.node, columns: columns.map((c) => c.name), rows: [], select: query.node });
  }

  /**
   * Upsert: a row that conflicts with an existing one on `target` (a primary key or unique
   * constraint) updates that row instead: `ON CONFLICT (target) DO UPDATE` (PostgreSQL, SQLite).
   * `set` may use the proposed row: `set: (excluded) => ({ name: excluded.name })`. On
   * MySQL/MariaDB compiling raises `UnsupportedCompilationError` (use `onDuplicateKeyUpdate`).
   *
   * ```ts
   * await engine.execute(
   *   insert(users).values({ email: "ann@example.com", name: "Ann" })
   *     .onConflictDoUpdate({ target: [users.c.email], set: (excluded) => ({ name: excluded.name }) }),
   * ); // INSERT ... ON CONFLICT (email) DO UPDATE SET name = excluded.name
   * ```
   */
  onConflictDoUpdate(options: OnConflictDoUpdateOptions<C>): Insert<C, Row> {
    return this.withConflict(doUpdateClause(this.table, options));
  }

  /**
   * Insert-or-ignore: a row that conflicts with an existing one is skipped. PostgreSQL and
   * SQLite; on MySQL and MariaDB without a target (the no-op `ON DUPLICATE KEY UPDATE col = col`).
   *
   * ```ts
   * await engine.execute(insert(users).values({ email: "ann@example.com" }).onConflictDoNothing({ target: [users.c.email] }));
   * // INSERT ... ON CONFLICT (email) DO NOTHING
   * ```
   */
  onConflictDoNothing(options: OnConflictDoNothingOptions<C> = {}): Insert<C, Row> {
    return this.withConflict(doNothingClause(this.table, options));
  }

  /**
   * MySQL's and MariaDB's upsert, on a conflict with any unique key: `ON DUPLICATE KEY UPDATE ...`
   * (elsewhere compiling raises `UnsupportedCompilationError`: use `onConflictDoUpdate`).
   *
   * ```ts
   * await engine.execute(
   *   insert(users).values({ email: "ann@example.com", name: "Ann" }).onDuplicateKeyUpdate({ set: (excluded) => ({ name: excluded.name }) }),
   * ); // INSERT ... ON DUPLICATE KEY UPDATE name = VALUES(name)
   * ```
   */
  onDuplicateKeyUpdate(options: OnDuplicateKeyUpdateOptions<C>): Insert<C, Row> {
    return this.withConflict(duplicateKeyClause(this.table, options));
  }

  private withConflict(onConflict: OnConflictNode): Insert<C, Row> {
    this.refuseSpanning("an upsert clause", "select the existing rows, then update(X) them and insert the others with session.execute(insert(X), rows)");
    if (this.node.onConflict) throw new ArgumentError(`insert(${this.table.name}) already has an upsert clause; give only one.`);
    return this.with({ ...this.node, onConflict });
  }

  /**
   * `RETURNING ...`: the inserted rows' columns (generated keys, server defaults) come back as the
   * result's rows. PostgreSQL, SQLite, MariaDB; MySQL has none (compiling raises `CompileError`).
   * The rows of a multi-row INSERT come back in the database's order, which no database promises
   * to be the order of the rows given; pass the items as an array with
   * `{ sortByParameterOrder: true }` to get them in that order (see `ReturningOptions`).
   *
   * ```ts
   * const { rows } = await engine.execute(insert(users).values({ email: "new@example.com" }).returning(users.c.id));
   * console.log(rows[0]!.id); // INSERT ... RETURNING users.id
   * const made = await engine.execute(
   *   insert(users).values([{ email: "a@example.com" }, { email: "b@example.com" }]).returning([users.c.id, users.c.email], { sortByParameterOrder: true }),
   * );
   * console.log(made.rows.map((row) => row.email)); // ["a@example.com", "b@example.com"]: row i is the row given i-th
   * ```
   */
  returning<const I extends readonly SelectItem[]>(...items: I): Insert<C, RowOfItems<I>, M, TupleOfItems<I>>;
  returning<const I extends readonly SelectItem[]>(items: I, options: ReturningOptions): Insert<C, RowOfItems<I>, M, TupleOfItems<I>>;
  returning(...args: unknown[]): Insert<C, any, M, any> {
    this.refuseSpanning("returning()", "insert them with session.execute(insert(X), rows), then read them with select(X)");
    const listed = Array.isArray(args[0]);
    const items = (listed ? args[0] : args) as readonly SelectItem[];
    const { labels, layout } = labelItems(items);
    const sorted = listed && (args[1] as ReturningOptions | undefined)?.sortByParameterOrder === true;
    const { sortByParameterOrder: _, ...node } = this.node;
    return this.with({ ...node, returning: labels, ...(sorted ? { sortByParameterOrder: true } : {}) }, layout);
  }
  /**
   * This INSERT as a data-modifying CTE (PostgreSQL): the statement that reads it gets the rows
   * its RETURNING gives, and it runs once, whether or not they are all read. SQLite and MariaDB
   * have none (compiling raises `UnsupportedFeatureError`).
   *
   * ```ts
   * const added = insert(users).values([{ email: "a@example.com" }, { email: "b@example.com" }]).returning(users.c.id).cte("added");
   * await engine.execute(insert(orders).fromSelect([orders.c.userId, orders.c.total], select(added.c.id, literal("0", types.numeric(10, 2)))));
   * ```
   */
  cte(name: string): Cte<Row> {
    return writeCteOf<Row>(this.node, this.returningLayout, name, this.entity);
  }

}

/** How `insert(...).returning([items], options)` returns its rows. */
export interface ReturningOptions {
  /**
   * RETURNING's rows in the order of the rows given, as SQLAlchemy's `sort_by_parameter_order`:
   * paired by the key the rows give, or by the order the database generates keys in (MariaDB's
   * AUTO_INCREMENT, a PostgreSQL sequence), else inserted one row per statement (SQLite, a key
   * not returned, an upsert). Never by position alone.
   */
  readonly sortByParameterOrder?: boolean;
}

/**
 * `INSERT INTO table`: then `.values(row)` or `.values([rows])`, and optionally `.returning(...)`.
 * With a mapped class, `insert(Book)`, rows are keyed by attribute; the ORM's
 * `session.execute(insert(Book), rows)` inserts plain objects in bulk. A class whose rows span
 * several tables (joined-table inheritance) is inserted that way only, one table at a time.
 *
 * ```ts
 * await engine.execute(insert(users).values({ id: 1, name: "Ada", email: "ada@example.com" }));
 * const made = await engine.execute(
 *   insert(users).values([{ name: "Grace", email: "grace@example.com" }, { name: "Alan", email: "alan@example.com" }]).returning(users.c.id),
 * ); // { id: number }[] (RETURNING; MySQL has none)
 * ```
 */
export function insert<C extends ColumnMap>(table: Table<string, C>): Insert<C>;
export function insert<T extends object>(entity: abstract new (...args: any[]) => T): Insert<ColumnMap, {}, T>;
export function insert(target: Table | EntityClass): Insert<ColumnMap, {}, any> {
  const entity = typeof target === "function" ? target : undefined;
  const source = entity ? targetOf("insert", entity, true) : undefined;
  const table = source ? (source.underlyingTable as Table) : (target as Table);
  const node: InsertNode = { kind: "insert", table: table.fromNode, columns: [], rows: [], select: undefined, onConflict: undefined, returning: [] };
  // An entity whose rows span several tables: only the ORM session writes it (its rows given apart).
  return new Insert(table, withUnwritable(node, "insert", entity, source), entity);
}

/** Each row with the preset values added; a row giving another value for one is refused. */
function withPresetValues(name: string, preset: Readonly<Record<string, unknown>>, rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const entries = Object.entries(preset);
  return rows.map((row) => {
    for (const [key, value] of entries) {
      if (row[key] !== undefined && row[key] !== value) {
        throw new ArgumentError(`insert(${name}): '${key}' is ${String(value)} in every row of this statement, not ${String(row[key])}. Leave it out (it is written for you).`);
      }
    }
    return { ...row, ...preset };
  });
}

/** Rows keyed by a model's attributes, keyed by its table's column keys instead. */
function byColumnKey(entity: EntityClass, table: Table, rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const source = targetOf("insert", entity);
  const keyOf = new Map<string, string>();
  for (const [attr, expr] of Object.entries(source.c)) {
    if (source.computed?.has(attr)) continue;
    const column = expr.node.kind === "column" ? table.columnList.find((c) => c.name === (expr.node as { name: string }).name) : undefined;
    if (column) keyOf.set(attr, column.key);
  }
  const implied = Object.entries(source.impliedValues ?? {});
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const attr of Object.keys(row)) {
      const key = keyOf.get(attr);
      if (key === undefined) {
        throw new ArgumentError(`insert(${entity.name}): '${attr}' is not a column attribute of ${entity.name}; use one of: ${[...keyOf.keys()].join(", ")}.`);
      }
      out[key] = row[attr];
    }
    // Values every row of the entity has (an ORM subclass's discriminator): written, never contradicted.
    for (const [attr, value] of implied) {
      if (row[attr] !== undefined && row[attr] !== value) {
        throw new ArgumentError(
          `insert(${entity.name}): '${attr}' is ${JSON.stringify(value)} in every row of ${entity.name}, not ${JSON.stringify(row[attr])}. Leave it out (it is written for you), or insert through the class whose rows have that value.`,
        );
      }
      out[keyOf.get(attr)!] = value;
    }
    return out;
  });
}

/**
 * Lays rows out on one column list: the columns given in the rows plus the columns with a client
 * default. A column given in some rows but not others takes its client default there, or NULL
 * when nullable; anything else is an error rather than a silent guess.
 */
function buildRows(table: Table, rows: readonly Record<string, unknown>[], entity: EntityClass | undefined): { columns: string[]; rows: ExprNode[][]; freshValues: boolean } {
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
  const statement = () => `insert(${entity ? entity.name : table.name})`;
  const checks = used.map((column) => valueCheck(column.type));
  const labels = used.map((column) => columnLabel(entity, column));
  for (let c = 0; c < used.length; c++) refuseGeneratedValue(used[c]!, statement(), labels[c]!);
  let freshValues = true;
  const nodes = rows.map((row, i) => {
    const where = () => `${statement()}, row ${i}`;
    return used.map((column, c): ExprNode => {
      const value = row[column.key];
      if (value instanceof Expression) freshValues = false;
      if (value !== undefined) return value instanceof Expression ? value.node : valueParam(column.type, value, where, labels[c]!, checks[c]);
      if (column.default !== undefined) return { kind: "param", value: column.defaultValue(), type: column.type };
      if (column.nullable && column.serverDefault === undefined) return { kind: "param", value: null, type: column.type };
      throw new ArgumentError(
        `insert(${table.name}): row ${i} has no value for '${column.key}', which other rows give, and the column ` +
          `is not nullable or has a server default that a multi-row INSERT cannot apply per row. Give every row a value.`,
      );
    });
  });
  return { columns: used.map((c) => c.name), rows: nodes, freshValues };
}

/** A column as the rows named it: its key, or the attribute of `insert(Model)`. */
function columnLabel(entity: EntityClass | undefined, column: Column): string {
  if (!entity) return column.key;
  for (const [attr, expr] of Object.entries(targetOf("insert", entity).c)) {
    if (expr.node.kind === "column" && (expr.node as { name: string }).name === column.name) return attr;
  }
  return column.key;
}
