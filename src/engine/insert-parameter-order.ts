/**
 * `insert(t).values(rows).returning([...], { sortByParameterOrder: true })`: RETURNING's rows in
 * the order of the rows given (SQLAlchemy 2.0's `sort_by_parameter_order`). No database promises
 * that order for a multi-row INSERT, so it is established, never assumed:
 *
 * - the rows give every key column and RETURNING returns it: one statement, its rows paired with
 *   the rows given by their keys;
 * - the key is generated in an order the dialect vouches for (generated-key-order.ts: MariaDB's
 *   AUTO_INCREMENT, a PostgreSQL sequence either way) and RETURNING returns it: one statement,
 *   its rows sorted by key;
 * - otherwise (no key returned, SQLite, a key without a sequence, an upsert, whose row may be an
 *   existing one): one row per statement, each returning its own row.
 *
 * All in one transaction (a savepoint inside one): a statement whose rows cannot be paired (a key
 * not among the rows given, a row short) raises `InvalidRequestError`, and nothing is kept.
 */
import type { ExprNode, InsertNode, LabelNode, TableNode } from "../core/ast/nodes.js";
import { ArgumentError, InvalidRequestError } from "../core/errors.js";
import type { Column } from "../core/schema/column.js";
import type { Table } from "../core/schema/table.js";
import type { Connection } from "./connection.js";
import type { ExecuteOptions } from "./driver.js";
import { generatedKeyOrder, inInsertOrder } from "./generated-key-order.js";
import { Result } from "./result.js";
import { combinedResult } from "./chunked-insert.js";

/** How the returned rows are paired with the rows given. */
type Pairing =
  | { readonly kind: "givenKeys"; readonly positions: readonly number[]; readonly keys: readonly string[] }
  | { readonly kind: "generatedKey"; readonly position: number; readonly order: "ascending" | "descending" }
  | { readonly kind: "perRow" };

const PER_ROW: Pairing = { kind: "perRow" };

/** @internal Runs `node` (its `sortByParameterOrder` set) with RETURNING's rows in the order of its rows. */
export async function executeInParameterOrder<Row>(conn: Connection, node: InsertNode, options: ExecuteOptions): Promise<Result<Row>> {
  const { sortByParameterOrder: _, ...plain } = node;
  if (plain.select !== undefined) {
    throw new ArgumentError(
      `insert(${node.table.name}).fromSelect(...) with returning(..., { sortByParameterOrder: true }): an INSERT ... SELECT has no rows given to pair RETURNING's rows with. Leave the option out.`,
    );
  }
  if (plain.rows.length < 2) return conn.execute<Row>({ node: plain }, options);
  return conn.transaction(async () => {
    const pairing = await pairingOf(conn, plain);
    return pairing.kind === "perRow" ? onePerStatement<Row>(conn, plain, options) : paired<Row>(conn, plain, pairing, options);
  });
}

async function pairingOf(conn: Connection, node: InsertNode): Promise<Pairing> {
  const table = node.table.table as Table;
  const keyColumns = table.primaryKey;
  // An upsert's returned row may be an existing row's, under another key than the one given.
  if (keyColumns.length === 0 || node.onConflict !== undefined) return PER_ROW;
  const positions = keyColumns.map((column) => node.returning.findIndex((label) => names(label, node.table, column)));
  if (positions.includes(-1)) return PER_ROW;
  const given = keyColumns.map((column) => node.columns.indexOf(column.name));
  if (!given.includes(-1)) {
    const keys: string[] = [];
    for (const row of node.rows) {
      const values = given.map((i) => row[i]!);
      if (values.some((value) => value.kind !== "param" || value.value === null || value.value === undefined)) return PER_ROW;
      keys.push(keyText(values.map((value) => (value as Extract<ExprNode, { kind: "param" }>).value)));
    }
    // A key given twice fails on the database (or, if not unique there, could not be told apart).
    return new Set(keys).size === keys.length ? { kind: "givenKeys", positions, keys } : PER_ROW;
  }
  if (keyColumns.length !== 1 || !conn.dialect.capabilities.insertReturning) return PER_ROW;
  const order = await generatedKeyOrder(conn, table, keyColumns[0]!);
  return order === undefined ? PER_ROW : { kind: "generatedKey", position: positions[0]!, order };
}

/** Whether a RETURNING item is `column` of the inserted table itself. */
function names(label: LabelNode, table: TableNode, column: Column): boolean {
  const expr = label.expr;
  return expr.kind === "column" && expr.name === column.name && expr.source.kind === "table" && expr.source.table === table.table;
}

/** One statement, its rows put in the order of the rows given. */
async function paired<Row>(conn: Connection, node: InsertNode, pairing: Exclude<Pairing, { kind: "perRow" }>, options: ExecuteOptions): Promise<Result<Row>> {
  const result = await conn.execute<unknown>({ node }, { rowShape: "arrays" });
  const rows = result.rows as unknown as unknown[][];
  const what = `insert(${node.table.name}) with sortByParameterOrder`;
  if (rows.length !== node.rows.length) throw unpaired(`${what}: ${node.rows.length} rows were given and RETURNING returned ${rows.length}`);
  let ordered: readonly unknown[][];
  if (pairing.kind === "generatedKey") {
    const at = pairing.position;
    const missing = rows.findIndex((row) => row[at] === null || row[at] === undefined);
    if (missing >= 0) throw unpaired(`${what}: RETURNING gave a row no key`);
    ordered = inInsertOrder(node.table.table as Table, rows, pairing.order, (row) => row[at]);
  } else {
    const indexOf = new Map(pairing.keys.map((key, i) => [key, i]));
    const placed: unknown[][] = new Array(rows.length);
    for (const row of rows) {
      const key = keyText(pairing.positions.map((p) => row[p]));
      const i = indexOf.get(key);
      if (i === undefined) throw unpaired(`${what}: RETURNING gave the key ${key}, which no row given has (as the database returns it)`);
      indexOf.delete(key);
      placed[i] = row;
    }
    ordered = placed;
  }
  return new Result<Row>(shaped(ordered, node.returning, options) as Row[], result.rowCount, result.lastInsertId);
}

/** Each row in a statement of its own: its RETURNING can only be its own row. */
async function onePerStatement<Row>(conn: Connection, node: InsertNode, options: ExecuteOptions): Promise<Result<Row>> {
  const results: Result<Row>[] = [];
  for (let i = 0; i < node.rows.length; i++) {
    const result = await conn.execute<Row>({ node: { ...node, rows: [node.rows[i]!] } }, options);
    if (result.rows.length !== 1) {
      throw unpaired(`insert(${node.table.name}) with sortByParameterOrder: row ${i} returned ${result.rows.length} rows (an upsert that skipped it, or a trigger or rule?), so the rows returned cannot be paired with the rows given`);
    }
    results.push(result);
  }
  return combinedResult(conn, results);
}

function unpaired(message: string): InvalidRequestError {
  return new InvalidRequestError(`${message}. Nothing was kept: the statement is rolled back.`);
}

/** A key's values as one text, comparable between the values given and those the database returns. */
function keyText(values: readonly unknown[]): string {
  return values.map((value) => (value instanceof Date ? value.toISOString() : value instanceof Uint8Array ? Buffer.from(value).toString("hex") : String(value))).join("\u0000");
}

/** Array rows in the shape the caller asked for, `mapRow` applied. */
function shaped(rows: readonly unknown[][], labels: readonly LabelNode[], options: ExecuteOptions): unknown[] {
  const shape = options.rowShape ?? "objects";
  let out: unknown[] =
    shape === "arrays"
      ? [...rows]
      : shape === "values"
        ? rows.map((row) => row[0])
        : rows.map((row) => {
            const object: Record<string, unknown> = {};
            for (let i = 0; i < labels.length; i++) object[labels[i]!.name] = row[i];
            return object;
          });
  const mapRow = options.mapRow;
  if (mapRow !== undefined) out = out.map((row) => mapRow(row));
  return out;
}
