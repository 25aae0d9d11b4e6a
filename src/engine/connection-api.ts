/**
 * The reference documentation of `Connection`'s public members, kept out of connection.ts (which
 * has the work to do): `Connection extends ConnectionApi`, an abstract class of signatures only, so
 * that the compiler checks each is implemented and editors show these comments on Connection's
 * members (as session-api.ts does for Session). A new public Connection method gets its doc here.
 */
import type { CompiledQuery } from "../core/compiler/compiled-query.js";
import type { Executable } from "../core/statements/executable.js";
import type { Select } from "../core/statements/select.js";
import type { BeginOptions, StreamOptions } from "./connection-options.js";
import type { Connection } from "./connection.js";
import type { DriverResult, EngineDialect, ExecuteOptions } from "./driver.js";
import type { Result } from "./result.js";
import type { Transaction } from "./transaction.js";

/** The documented public API of `Connection`: signatures only, implemented by `Connection`. */
export abstract class ConnectionApi {
  /** The dialect of the engine the connection came from: its name, capabilities and compiler. */
  abstract get dialect(): EngineDialect;

  /** Whether `close()` returned the connection to the pool (or `invalidate()` discarded it): using it now throws `ResourceClosedError`. */
  abstract get closed(): boolean;

  /** Whether the connection is known to be lost: it is discarded, not reused, when closed. */
  abstract get invalidated(): boolean;

  /** Whether a transaction (not only a savepoint) is open. */
  abstract get inTransaction(): boolean;

  /**
   * Runs a statement built with `select`, `insert`, `update`, `deleteFrom` or `sql`, and returns
   * its rows (objects keyed by column label, values converted from the column types) and row
   * count. Outside a transaction it commits on its own. A multi-row INSERT with more bind
   * parameters than the database allows runs in chunks. A driver error is thrown as a `DBAPIError`
   * subclass (`IntegrityError`, `OperationalError`...) carrying the SQL.
   *
   * ```ts
   * const result = await conn.execute(select(users.c.id, users.c.name).where(users.c.email.eq("ann@example.com")));
   * // SELECT users.id, users.name FROM users WHERE users.email = $1
   * result.rows; // { id: number; name: string | null }[]
   * await conn.execute(insert(users).values([{ email: "a@example.com" }, { email: "b@example.com" }]));
   * ```
   */
  abstract execute<Row>(statement: Executable<Row>, options?: ExecuteOptions): Promise<Result<Row>>;

  /**
   * The statement's SQL and parameters for this connection's dialect, without running it
   * (compiled once per statement shape, then taken from the engine's cache).
   *
   * ```ts
   * const { sql, params } = conn.compile(select(users.c.name).where(users.c.id.eq(7)));
   * // sql: 'SELECT users.name FROM users WHERE users.id = $1' (PostgreSQL), params: [7]
   * ```
   */
  abstract compile(statement: Executable<unknown>): CompiledQuery;

  /**
   * Runs a query and returns the first column of its first row, or `undefined` when there is no row.
   *
   * ```ts
   * const count = await conn.scalar(select(func.count()).from(users)); // SELECT count(*) FROM users
   * ```
   */
  abstract scalar<T>(statement: Select<unknown, T> | Executable<Record<string, T>>): Promise<T | undefined>;

  /**
   * Runs a statement compiled by `compile`: rows are objects keyed by column label, or as
   * `rowShape` asks (`"arrays"`, or `"values"` for the first column's values).
   *
   * ```ts
   * const compiled = conn.compile(select(users.c.id, users.c.name));
   * const result = await conn.executeCompiled<[number, string | null]>(compiled, { rowShape: "arrays" });
   * ```
   */
  abstract executeCompiled<Row>(compiled: CompiledQuery, options?: ExecuteOptions): Promise<Result<Row>>;

  /**
   * Runs a query and yields its rows, reading `yieldPer` (default 1,000) at a time through a
   * server-side cursor (PostgreSQL: DECLARE/FETCH, in a transaction begun for it when none is
   * open), the driver's row stream (MySQL/MariaDB; other statements on the connection are refused
   * meanwhile with `StreamInProgressError`) or the statement's iterator (SQLite). A write with
   * RETURNING runs whole, as `execute` runs it, and its rows are yielded. Rows are
   * converted as `execute` converts them. Leaving the loop early, or an error, closes the cursor.
   *
   * ```ts
   * for await (const row of conn.stream(select(orders.c.id, orders.c.total), { yieldPer: 500 })) {
   *   console.log(row.id, row.total);
   * }
   * ```
   */
  abstract stream<Row>(statement: Executable<Row>, options?: StreamOptions): AsyncGenerator<Row, void, undefined>;

  /**
   * `stream` for a compiled statement, yielding a batch of rows at a time (shaped as `rowShape` asks).
   *
   * ```ts
   * for await (const batch of conn.streamCompiled<[number]>(conn.compile(select(orders.c.id)), { yieldPer: 100, rowShape: "arrays" })) {
   *   console.log(batch.length); // up to 100
   * }
   * ```
   */
  abstract streamCompiled<Row>(compiled: CompiledQuery, options?: StreamOptions & ExecuteOptions): AsyncGenerator<Row[], void, undefined>;

  /**
   * Runs SQL text with the driver's own placeholders (`$1` on PostgreSQL, `?` elsewhere) and
   * returns the driver's rows, unconverted; errors are wrapped and the SQL logged. Refused, without
   * reaching the database, while a transaction is failed, and, in an open transaction, for text
   * that would begin or end a transaction or savepoint behind its back. Prefer `execute(sql\`...\`)`.
   *
   * ```ts
   * const { rows } = await conn.run("SELECT name FROM users WHERE id = ?", [1]); // SQLite or MySQL placeholders
   * ```
   */
  abstract run(sql: string, params?: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult>;

  /**
   * Resolves once no statement is waiting for the database's answer (a query started and not
   * awaited, a COMMIT under way).
   *
   * ```ts
   * const pending = conn.execute(select(users.c.id)); // not awaited yet
   * await conn.whenIdle(); // the answer has come (or the error: read it from `pending`)
   * await pending;
   * ```
   */
  abstract whenIdle(): Promise<void>;

  /**
   * Starts a transaction (BEGIN, at the isolation level asked); inside one, opens a savepoint as
   * `beginNested` does. End it with the returned transaction's `commit()` or `rollback()`.
   *
   * ```ts
   * const tx = await conn.begin({ isolationLevel: "repeatable read" }); // BEGIN (SET TRANSACTION ISOLATION LEVEL ...)
   * await conn.execute(update(users).set({ name: "Ann" }).where(users.c.id.eq(1)));
   * await tx.commit(); // COMMIT
   * ```
   */
  abstract begin(options?: BeginOptions): Promise<Transaction>;

  /**
   * Opens a savepoint inside the current transaction (`SAVEPOINT sp_1`): its rollback undoes only
   * what came after it, its commit releases it. Without a transaction, throws `InvalidRequestError`.
   *
   * ```ts
   * const tx = await conn.begin();
   * const sp = await conn.beginNested();
   * await conn.execute(deleteFrom(orders).where(orders.c.userId.eq(1)));
   * await sp.rollback(); // ROLLBACK TO SAVEPOINT sp_1: the orders are back
   * await tx.commit();
   * ```
   */
  abstract beginNested(): Promise<Transaction>;

  /**
   * Runs `fn` in a transaction (a savepoint when one is already open): committed when `fn`
   * resolves, rolled back when it throws, and the error rethrown.
   *
   * ```ts
   * const id = await conn.transaction(async (c) => {
   *   const [row] = (await c.execute(insert(users).values({ email: "new@example.com" }).returning(users.c.id))).rows;
   *   return row!.id;
   * }); // BEGIN; INSERT ... RETURNING users.id; COMMIT
   * ```
   */
  abstract transaction<T>(fn: (connection: Connection) => Promise<T>, options?: BeginOptions): Promise<T>;

  /**
   * Returns the connection to the pool, rolling back an open transaction (and resetting what SQL
   * text changed of the connection's settings). Closing twice does nothing. On MySQL/MariaDB, when
   * SQL text committed that transaction implicitly (DDL, LOCK TABLES...), nothing can be rolled
   * back: the connection is returned, then `close()` rejects with `ImplicitlyCommittedError`.
   *
   * ```ts
   * const conn = await engine.connect();
   * try {
   *   await conn.execute(select(users.c.id));
   * } finally {
   *   await conn.close();
   * }
   * ```
   */
  abstract close(): Promise<void>;

  /**
   * Discards the physical connection at once: it is closed, not returned to the pool, and an
   * open transaction is lost (the database rolls it back): failed, as after a lost connection, its
   * commit and statements throw `TransactionRolledBackError` until its `rollback()`. Otherwise
   * using this connection throws `ResourceClosedError` saying `reason`.
   *
   * ```ts
   * conn.invalidate("the upstream proxy was restarted");
   * await conn.close(); // nothing goes back to the pool
   * ```
   */
  abstract invalidate(reason?: string): void;
}
