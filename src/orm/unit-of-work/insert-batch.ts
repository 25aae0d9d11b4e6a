/**
 * The multi-row INSERTs of a flush, compiled once per shape. The SQL for `rows` rows of given
 * columns of a table (and what it returns) is rendered the first time a flush needs it; after
 * that, a batch only lays the objects' values out as parameters. Building a statement tree of
 * rows x columns parameter nodes for every batch, and walking it for the cache key, cost more
 * than the database's own work.
 */
import type { CompiledQuery, ValueProcessor } from "../../core/compiler/compiled-query.js";
import type { Expression } from "../../core/expression/expression.js";
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { insert } from "../../core/statements/insert.js";
import type { Connection } from "../../engine/connection.js";
import type { Result } from "../../engine/result.js";
import type { MappedColumn } from "../mapping/mapper.js";
import { valuesReader, type ValuesReader } from "../state/dict-shape.js";

export interface InsertShape {
  readonly table: Table;
  /** The columns the rows give, in table order. */
  readonly columns: readonly MappedColumn[];
  readonly rows: number;
  /**
   * Rows that give no column but whose generated key is read back: the key column is named with
   * this value (NULL, or the DEFAULT keyword), so that several rows fit in one statement.
   */
  readonly keyOnlyValue?: Expression<unknown> | null;
  /** The generated key to read back with RETURNING, if any. */
  readonly returning: Column | undefined;
  /**
   * Columns RETURNING gives after the key (server defaults and generated columns, read-back.ts):
   * then the result's rows are arrays, where without them they are the key's values.
   */
  readonly readBack?: readonly Column[] | undefined;
}

interface PreparedInsert {
  readonly compiled: CompiledQuery;
  /** Lays one row's values out as parameters, in column order. */
  readonly read: ValuesReader;
  /** Bind conversions of the columns that have one, with their positions in a row. */
  readonly processors: readonly { readonly at: number; readonly process: ValueProcessor }[];
}

/** Compiled shapes kept per table; a flush of the same objects needs two (full and last batch). */
const MAX_SHAPES_PER_TABLE = 64;

const prepared = new WeakMap<object, Map<Table, Map<string, PreparedInsert>>>();

/**
 * Executes one batch: `rows` give every column of the shape. The result's rows are the RETURNING
 * column's values, one per row inserted; with `readBack`, arrays of the key and those columns.
 */
export function executeInsertBatch(conn: Connection, shape: InsertShape, rows: readonly RowValues[]): Promise<Result<unknown>> {
  const prepared = preparedInsert(conn, shape);
  const params = shape.keyOnlyValue === undefined ? rowParams(prepared, shape.columns.length, rows) : prepared.compiled.params;
  return conn.executeCompiled<unknown>({ ...prepared.compiled, params }, { rowShape: shape.readBack === undefined ? "values" : "arrays" });
}

/**
 * Executes `shape` (of one row) once per row of `rows`, in order: each statement's RETURNING is
 * its own row's, whatever order the database gives a multi-row statement's in. Its rows come
 * back in the order of `rows` (a shape returning nothing: each statement's insert id). A SQLite
 * statement is answered at once: no promise per row.
 */
export async function executeInsertEach(conn: Connection, shape: InsertShape, rows: readonly RowValues[]): Promise<unknown[]> {
  const prepared = preparedInsert(conn, shape);
  const width = shape.columns.length;
  // One row each: SQLite then reads it with `stmt.get`, cheaper than `stmt.all`.
  const options = { rowShape: shape.readBack === undefined ? "values" : "arrays", oneRow: true } as const;
  const returned = new Array<unknown>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const answer = conn.executeCompiledNow<unknown>({ ...prepared.compiled, params: rowParams(prepared, width, rows, r, r + 1) }, options);
    const result = answer instanceof Promise ? await answer : answer;
    // Without RETURNING, the key is the statement's insert id (`insertIdIsKey`).
    returned[r] = shape.returning === undefined && shape.readBack === undefined ? result.lastInsertId : result.rows[0];
  }
  return returned;
}

/** A row to insert: its attribute values (an object's state has them). */
export interface RowValues {
  readonly dict: Readonly<Record<string, unknown>>;
}

/** The parameters of the rows (`from` to `to`), row after row, each row's columns in the shape's order. */
function rowParams({ read, processors }: PreparedInsert, width: number, rows: readonly RowValues[], from = 0, to = rows.length): unknown[] {
  const params = new Array<unknown>((to - from) * width);
  for (let r = from; r < to; r++) read(rows[r]!.dict, params, (r - from) * width);
  for (const { at, process } of processors) {
    for (let i = at; i < params.length; i += width) if (params[i] !== null && params[i] !== undefined) params[i] = process(params[i]);
  }
  return params;
}

function preparedInsert(conn: Connection, shape: InsertShape): PreparedInsert {
  // Compiled SQL depends on the dialect only; the engine's dialect object is shared by its connections.
  let byTable = prepared.get(conn.dialect);
  if (!byTable) prepared.set(conn.dialect, (byTable = new Map()));
  let shapes = byTable.get(shape.table);
  if (!shapes) byTable.set(shape.table, (shapes = new Map()));
  // The attributes too: the reader takes the values by attribute, and two models may map one table.
  const key = `${shape.rows}|${shape.columns.map((c) => `${c.column.key}=${c.attr}`).join(",")}|${shape.keyOnlyValue === undefined ? "" : "key-only"}|${shape.returning?.key ?? ""}${shape.readBack === undefined ? "" : `|${shape.readBack.map((c) => c.key).join(",")}`}`;
  let entry = shapes.get(key);
  if (!entry) {
    entry = prepare(conn, shape);
    if (shapes.size >= MAX_SHAPES_PER_TABLE) shapes.delete(shapes.keys().next().value!);
    shapes.set(key, entry);
  }
  return entry;
}

/** Compiles the statement once, with NULL for every value: only its SQL and layout are kept. */
function prepare(conn: Connection, shape: InsertShape): PreparedInsert {
  const row: Record<string, unknown> = {};
  if (shape.keyOnlyValue !== undefined) row[shape.returning!.key] = shape.keyOnlyValue;
  for (const { column } of shape.columns) row[column.key] = null;
  let statement = insert(shape.table).values(Array.from({ length: shape.rows }, () => row) as never);
  const named = statement.node.columns;
  const expected = shape.keyOnlyValue !== undefined ? [shape.returning!.name] : shape.columns.map((c) => c.column.name);
  if (named.join(",") !== expected.join(",")) {
    throw new Error(`internal: the INSERT of ${shape.table.name} names (${named.join(", ")}), the flush gives (${expected.join(", ")})`);
  }
  const returning = [...(shape.returning ? [shape.returning] : []), ...(shape.readBack ?? [])];
  if (returning.length) statement = statement.returning(...returning) as never;
  const processors = shape.columns.flatMap(({ column }, at) => {
    const process = conn.dialect.bindProcessor(column.type);
    return process ? [{ at, process }] : [];
  });
  return { compiled: conn.compile(statement), read: valuesReader(shape.columns.map((c) => c.attr)), processors };
}
