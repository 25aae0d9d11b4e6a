/**
 * Matching the keys a multi-row `INSERT ... RETURNING` generated to the rows it inserted. No
 * database promises RETURNING's rows in the order of the VALUES (PostgreSQL: "intentionally
 * unspecified"; SQLite's documentation: "arbitrary"), so the rows are never matched by position.
 * What the databases do promise is how they generate keys, and the dialect's
 * `generatedKeyOrder` says which promise holds there:
 *
 * - "ascending" (MariaDB): AUTO_INCREMENT gives a statement's rows increasing keys as it inserts
 *   them, in the order of VALUES (InnoDB, every `innodb_autoinc_lock_mode`, Galera's offsets too).
 *   The returned rows are sorted by key.
 * - "sequence" (PostgreSQL): an IDENTITY or SERIAL key is the next value of the column's own
 *   sequence, taken row by row: increasing or decreasing as its increment says, which the catalog
 *   gives (once per table and engine). A key without a sequence of its own (a trigger's, another
 *   default), or one whose sequence cycles, is read back one row per statement.
 * - "perRow" (SQLite): no INSERT form ties a new rowid to its row of VALUES; one row per statement,
 *   whose RETURNING can only be its own row. SQLAlchemy's insertmanyvalues does the same there.
 *
 * Rows that give no column at all (only their key is generated) are alike but for their key: any
 * match is a right one, so they keep one statement whatever the dialect.
 */
import { InvalidRequestError } from "../core/errors.js";
import type { Column } from "../core/schema/column.js";
import type { Table } from "../core/schema/table.js";
import type { Connection } from "./connection.js";

/** How a statement's generated keys follow its rows: sorted one way, or one row per statement (`undefined`). */
export type KeyOrder = "ascending" | "descending" | undefined;

/** What was read of each pool's database, per table: its key sequence's direction, and whether its key is the rowid. */
const sequenceOrders = new WeakMap<object, Map<Table, KeyOrder>>();
const rowidAliases = new WeakMap<object, Map<Table, boolean>>();

/**
 * @internal Forgets what was read of the pool's sequences: DDL ran (`ALTER SEQUENCE ... INCREMENT -1`,
 * a table dropped and made again), and the next multi-row INSERT reads the catalog again.
 */
export function forgetKeyOrders(pool: object): void {
  sequenceOrders.delete(pool);
  rowidAliases.delete(pool);
}

/**
 * @internal How the keys `column` gets in a multi-row INSERT into `table` follow the rows: the
 * returned rows are sorted that way to be matched to the rows in order, or, for `undefined`, the
 * rows must be inserted one per statement. A PostgreSQL table's answer is read from the catalog
 * the first time, in the caller's transaction, and kept for the pool until DDL runs through it. (A
 * sequence altered by another process to count the other way while the pool is open is not seen:
 * `engine.dispose()` after such a change.)
 */
export function generatedKeyOrder(conn: Connection, table: Table, column: Column): KeyOrder | Promise<KeyOrder> {
  // Only integers are generated in order (a key `autoincrement` marks, of another type, is not).
  if (column.type.kind !== "integer" && column.type.kind !== "bigint") return undefined;
  const kind = conn.dialect.capabilities.generatedKeyOrder;
  if (kind !== "sequence") return kind === "ascending" ? "ascending" : undefined;
  // Per pool (the dialect object is shared by every engine): two engines may reach different databases.
  let known = sequenceOrders.get(conn.pool);
  if (!known) sequenceOrders.set(conn.pool, (known = new Map()));
  if (known.has(table)) return known.get(table);
  return sequenceOrderOf(conn, table, column).then((order) => (known.set(table, order), order));
}

/** The direction of the sequence that owns `column` (IDENTITY or SERIAL), if it has one and it never cycles. */
async function sequenceOrderOf(conn: Connection, table: Table, column: Column): Promise<KeyOrder> {
  const query = conn.dialect.sequenceIncrementQuery?.(table.schema, table.name, column.name);
  if (query === undefined) return undefined;
  const { rows } = await conn.execute<{ increment: number | string | null; cycles: boolean | null }>(query);
  const row = rows[0];
  if (!row || row.increment === null || row.cycles !== false) return undefined;
  return Number(row.increment) > 0 ? "ascending" : "descending";
}

/**
 * @internal Whether the insert id a statement reports (`Result.lastInsertId`) is the key `column`
 * was given: SQLite's rowid, where `column` is that rowid's other name (an INTEGER PRIMARY KEY).
 * Then a row inserted alone needs no RETURNING for its key (SQLite's RETURNING costs about as
 * much again as the INSERT). Asked of the driver once per table and pool; forgotten on DDL.
 */
export function insertIdIsKey(conn: Connection, table: Table, column: Column): boolean {
  if (conn.dialect.capabilities.generatedKeyOrder !== "perRow") return false;
  let known = rowidAliases.get(conn.pool);
  if (!known) rowidAliases.set(conn.pool, (known = new Map()));
  let alias = known.get(table);
  if (alias === undefined) known.set(table, (alias = conn.rowidAlias(table.schema, table.name, column.name)));
  return alias;
}

/**
 * @internal Puts a multi-row INSERT's RETURNING rows in the order of its VALUES rows, sorting them
 * by their key (`keyOf`) as `order` says. Rows with a key missing are left as they are: the
 * caller refuses a row without its key. A key given twice cannot be matched to either row: refused.
 */
export function inInsertOrder<R>(table: Table, rows: readonly R[], order: "ascending" | "descending", keyOf: (row: R) => unknown): readonly R[] {
  const sign = order === "ascending" ? 1 : -1;
  // Most often they come back in that order already: checked without allocating.
  let sorted = true;
  for (let i = 0; i < rows.length; i++) {
    const key = keyOf(rows[i]!);
    if (key === null || key === undefined) return rows;
    if (sorted && i > 0 && sign * compareKeys(keyOf(rows[i - 1]!), key) >= 0) sorted = false;
  }
  if (sorted) return rows;
  const keyed = rows.map((row) => ({ row, key: keyOf(row) }));
  keyed.sort((a, b) => sign * compareKeys(a.key, b.key));
  for (let i = 1; i < keyed.length; i++) {
    if (compareKeys(keyed[i - 1]!.key, keyed[i]!.key) === 0) {
      throw new InvalidRequestError(
        `An INSERT into ${table.name} returned the generated key ${String(keyed[i]!.key)} for two of its rows, which cannot then be told apart. ` +
          `Is the key column unique in the database (its primary key)? Nothing was kept: the flush or statement is rolled back.`,
      );
    }
  }
  return keyed.map(({ row }) => row);
}

/** Integer keys as the drivers give them: numbers, bigints, or decimal strings (MariaDB's BIGINT). */
function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = BigInt(a as string | number | bigint);
  const y = BigInt(b as string | number | bigint);
  return x < y ? -1 : x > y ? 1 : 0;
}
