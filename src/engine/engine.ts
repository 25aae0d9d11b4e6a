/**
 * The engine: a dialect, a connection pool and a statement cache. `createEngine(url)` (in
 * `dialects/`) picks the dialect from the URL; everything here is dialect-neutral.
 */
import { statementCacheOf, type StatementCache } from "../core/compiler/statement-cache.js";
import type { MetaData, SchemaExecutor } from "../core/schema/metadata.js";
import { AthanorError, ArgumentError, ResourceClosedError } from "../core/errors.js";
import { ConnectionsNotReturnedWarning } from "../core/pool-errors.js";
import type { Executable } from "../core/statements/executable.js";
import { AcquireDeadline, abandonOnAbort } from "./acquire-deadline.js";
import { Checkouts, describeHolders, poolTimeout } from "./checkouts.js";
import { Connection, type BeginOptions, type ConnectionContext, type StreamOptions } from "./connection.js";
import type { Driver, DriverConnection, EngineDialect, PoolOptions } from "./driver.js";
import { Inspector } from "./inspector.js";
import { sqlLogger, type EchoOption } from "./logging.js";
import type { Result } from "./result.js";
import { runSchemaOperation } from "./schema-runner.js";
import { closeAfter } from "./transaction.js";
import { checkClusterOptions } from "./cluster-options.js";
import { acquirePinged, DEFAULT_PING_TIMEOUT_MS } from "./pre-ping.js";
import { closeDriver, settledWithin } from "./dispose-bounds.js";
import { tlsSettingsOf, type TlsOptions, type TlsSettings } from "./tls.js";
import { checkoutEnded, connectsWatched, watchedConnect } from "./committed-work.js";

/** Options of `createEngine(url, options)`. */
export interface EngineOptions {
  /** Log every statement and its parameters: `true` for the console, or a function. */
  readonly echo?: EchoOption;
  readonly pool?: PoolOptions;
  /**
   * The database takes no writes through this engine: a read replica (docs/clusters.md). A
   * Session on it refuses to flush (`ReadOnlySessionError`, before anything is sent), and its
   * connections refuse any other write too (`ReadOnlyDatabaseError`; PostgreSQL's
   * `default_transaction_read_only`, MariaDB's `tx_read_only`, SQLite's `query_only`), as a hot
   * standby does by itself.
   */
  readonly readOnly?: boolean;
  /**
   * PostgreSQL: the URL points at a pooler in transaction mode (PgBouncer `pool_mode =
   * transaction`, or another that runs each transaction on any server connection). Statements
   * are sent unnamed (not prepared under a name that another server connection would not know)
   * and migrations are refused (they need a session-level lock: run them on a direct URL).
   */
  readonly transactionPooler?: boolean;
  /**
   * PostgreSQL and MySQL/MariaDB: how long a statement waits for the database's answer before
   * the client gives up (default: no limit). A server that stops answering without closing its
   * sockets (power lost, a network partition, a failover) would otherwise keep the statement
   * waiting for many minutes, or for ever. The connection is then closed, never reused, and the
   * statement fails as on a lost connection: `CommitOutcomeUnknownError` for a COMMIT or a write
   * in autocommit (it may have been applied), a retryable `OperationalError` otherwise. Set it
   * above your slowest statement (and above the server's `statement_timeout`, which cancels
   * cleanly). A stream's limit is per batch. SQLite: accepted, never applies (in-process).
   */
  readonly statementTimeoutMs?: number;
  /**
   * PostgreSQL and MySQL/MariaDB: TLS with certificates held in memory (`{ ca, cert, key }` as
   * PEM text), `true` (`verify-full`) or `false` (none). Each field given wins over the URL's
   * `sslmode`, `sslrootcert`, `sslcert` and `sslkey`. See docs/tls.md.
   */
  readonly tls?: boolean | TlsOptions;
}

/** Options of `engine.connect()`. */
export interface ConnectOptions {
  /**
   * Who holds the connection (`"Session #3"`), as `PoolTimeoutError` and the warning of
   * `dispose()` name it. By default, the place in the code that called `connect()`.
   */
  readonly holder?: string;
}

const DEFAULT_ACQUIRE_TIMEOUT_MS = 30_000;
/** The drivers' pool size when `pool.max` is not given (what `PoolTimeoutError` names before a driver has opened). */
const DEFAULT_POOL_SIZE = 10;
const DEFAULT_DISPOSE_TIMEOUT_MS = 5_000;

/** One opened pool and the connections checked out of it: `dispose()` ends it, the next `connect()` opens another. */
interface OpenPool {
  readonly driver: Promise<Driver>;
  /** The driver, once opened: later `connect()` calls take it without waiting. */
  opened?: Driver;
  readonly checkouts: Checkouts<Connection>;
  readonly context: ConnectionContext;
  /** The `connect()` calls waiting for a connection: `dispose()` refuses them at once. */
  readonly waiting: Set<AcquireDeadline>;
}

/**
 * A database, through a pool of connections: made by `createEngine(url)`, closed with `dispose()`.
 *
 * ```ts
 * const engine = createEngine("sqlite:app.db");
 * try {
 *   await metadata.createAll(engine, { checkFirst: true });
 *   await engine.execute(insert(users).values({ name: "Ada", email: "ada@example.com" }));
 *   const { rows } = await engine.execute(select(users.c.id, users.c.name)); // { id: number; name: string | null }[]
 * } finally {
 *   await engine.dispose();
 * }
 * ```
 */
export class Engine implements SchemaExecutor {
  readonly cache: StatementCache;
  private pool: OpenPool | undefined;
  private readonly log;
  private readonly acquireTimeoutMs: number;
  private readonly disposeTimeoutMs: number;
  /** `pool.prePing`'s limit on a ping's answer; undefined: no ping. */
  private readonly pingTimeoutMs: number | undefined;
  private readonly tls: TlsSettings | "disable" | undefined;

  constructor(
    readonly dialect: EngineDialect,
    readonly url: string,
    readonly options: EngineOptions = {},
  ) {
    this.cache = statementCacheOf(dialect);
    this.log = sqlLogger(options.echo);
    this.acquireTimeoutMs = milliseconds(options.pool?.acquireTimeoutMs, DEFAULT_ACQUIRE_TIMEOUT_MS, "pool.acquireTimeoutMs");
    this.disposeTimeoutMs = milliseconds(options.pool?.disposeTimeoutMs, DEFAULT_DISPOSE_TIMEOUT_MS, "pool.disposeTimeoutMs");
    milliseconds(options.pool?.busyTimeoutMs, 0, "pool.busyTimeoutMs");
    milliseconds(options.pool?.connectTimeoutMs, 0, "pool.connectTimeoutMs");
    const keepAlive: unknown = options.pool?.keepAliveInitialDelayMs;
    // TCP counts keepalive's idle time in whole seconds: below one, the system's default (2 hours on Linux) would apply.
    if (keepAlive !== undefined && !(typeof keepAlive === "number" && Number.isFinite(keepAlive) && keepAlive >= 1000)) {
      throw new ArgumentError(`pool.keepAliveInitialDelayMs must be a finite number of milliseconds, at least 1000; got ${String(keepAlive)}.`);
    }
    const statementTimeoutMs = options.statementTimeoutMs === undefined ? undefined : milliseconds(options.statementTimeoutMs, 0, "statementTimeoutMs");
    const prePing: unknown = options.pool?.prePing;
    if (prePing !== undefined && typeof prePing !== "boolean") throw new ArgumentError(`pool.prePing must be true or false; got ${String(prePing)}.`);
    this.pingTimeoutMs = prePing === true ? (statementTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS) : undefined;
    const statements: unknown = options.pool?.connectStatements;
    if (statements !== undefined && !(Array.isArray(statements) && statements.every((s) => typeof s === "string"))) {
      throw new ArgumentError(`pool.connectStatements must be an array of SQL strings; got ${String(statements)}.`);
    }
    checkClusterOptions(dialect, options);
    this.tls = tlsSettingsOf(dialect.name, url, options.tls);
  }

  /**
   * Checks a connection out of the pool. Close it when done: `await conn.close()`. When none is
   * free within `pool.acquireTimeoutMs`, throws `PoolTimeoutError` naming who holds them. Called by
   * work a failed attempt of `sessionMaker().transaction(fn)` left behind, once `fn` is run again,
   * it throws `AbandonedAttemptError` (docs/reliability.md).
   *
   * ```ts
   * const conn = await engine.connect();
   * try {
   *   const tx = await conn.begin({ isolationLevel: "serializable" });
   *   await conn.execute(update(users).set({ name: "Ada" }).where(users.c.id.eq(1)));
   *   await tx.commit();
   * } finally {
   *   await conn.close();
   * }
   * ```
   */
  connect(options: ConnectOptions = {}): Promise<Connection> {
    // Inside a retried fn, its work until given back: fn is not run again while it may still commit (committed-work.ts);
    // refused when it comes from an attempt given up for a retry.
    return connectsWatched() ? watchedConnect(() => this.checkout(options), (conn) => this.pool?.checkouts.holderOf(conn)) : this.checkout(options);
  }

  private async checkout(options: ConnectOptions): Promise<Connection> {
    // Before the first await: after it the caller's frames are no longer on the stack.
    const site = options.holder === undefined ? new Error() : undefined;
    const pool = (this.pool ??= this.openPool());
    const driver = pool.opened ?? (await this.opening(pool));
    const raw = await this.acquire(driver, pool);
    const conn = new Connection(raw, pool.context);
    pool.checkouts.add(conn, options.holder, site);
    return conn;
  }

  private openPool(): OpenPool {
    const checkouts = new Checkouts<Connection>();
    const pool: OpenPool = {
      driver: this.dialect.createDriver(this.url, {
        ...this.options.pool,
        acquireTimeoutMs: this.acquireTimeoutMs, // with its default: opening a connection is given up a second after it
        readOnly: this.options.readOnly === true,
        transactionPooler: this.options.transactionPooler === true,
        ...(this.tls && { tls: this.tls }),
      }),
      checkouts,
      waiting: new Set(),
      context: {
        dialect: this.dialect,
        cache: this.cache,
        log: this.log,
        released: (conn) => (checkouts.remove(conn), checkoutEnded(conn)),
        transactionPooler: this.options.transactionPooler === true,
        ...(this.options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: this.options.statementTimeoutMs }),
      },
    };
    pool.driver.then(
      (driver) => void (pool.opened = driver),
      // A pool that failed to open is forgotten, even when every caller gave up waiting for it: the next connect() opens another.
      () => void (this.pool === pool && (this.pool = undefined)),
    );
    return pool;
  }

  /**
   * The driver of a pool still opening, within `acquireTimeoutMs`: opening may need the server
   * (MariaDB reads its version first), and the first `connect()` to a server that never answered
   * waited for the driver's own limit (mysql2's 10 s) whatever `acquireTimeoutMs` said.
   */
  private async opening(pool: OpenPool): Promise<Driver> {
    const deadline = new AcquireDeadline(this.acquireTimeoutMs);
    pool.waiting.add(deadline);
    try {
      return await abandonOnAbort(pool.driver, deadline, () => undefined);
    } catch (error) {
      if (deadline.expired) throw poolTimeout(this.options.pool?.max ?? DEFAULT_POOL_SIZE, deadline.timeoutMs, pool.checkouts);
      // Athanor's own errors (a driver package not installed, dispose()) are already clear: not the driver's.
      if (error instanceof AthanorError) throw error;
      throw this.dialect.translateError(error, undefined, undefined);
    } finally {
      pool.waiting.delete(deadline);
      deadline.end();
    }
  }

  /** A connection from the driver, or `PoolTimeoutError` after `acquireTimeoutMs`. */
  private async acquire(driver: Driver, pool: OpenPool): Promise<DriverConnection> {
    if (this.pool !== pool) throw disposedWhileWaiting(); // disposed while the driver opened
    const deadline = new AcquireDeadline(this.acquireTimeoutMs);
    pool.waiting.add(deadline);
    try {
      return await (this.pingTimeoutMs === undefined ? driver.acquire(deadline) : acquirePinged(driver, deadline, this.pingTimeoutMs));
    } catch (error) {
      if (deadline.expired) throw poolTimeout(driver.maxConnections, deadline.timeoutMs, pool.checkouts);
      if (error instanceof AthanorError) throw error;
      throw this.dialect.translateError(error, undefined, undefined);
    } finally {
      pool.waiting.delete(deadline);
      deadline.end();
    }
  }

  /**
   * Runs `fn` with a connection checked out of the pool, closed (returned) afterwards however
   * `fn` ends; a transaction it left open is rolled back. On MySQL/MariaDB, when SQL text had
   * committed that transaction implicitly (DDL, LOCK TABLES...), the call rejects with
   * `ImplicitlyCommittedError` (`fn`'s error, if it threw, as its cause): the work is in.
   *
   * ```ts
   * const names = await engine.withConnection(async (conn) => (await conn.execute(select(users.c.name))).scalars());
   * ```
   */
  async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    let result: T;
    try {
      result = await fn(conn);
    } catch (error) {
      await closeAfter(conn, error);
      throw error;
    }
    await conn.close();
    return result;
  }

  /**
   * Runs `fn` in a transaction on a fresh connection: commit on success, rollback on error.
   *
   * ```ts
   * const orderId = await engine.transaction(async (conn) => {
   *   const [order] = (await conn.execute(insert(orders).values({ userId: 1, total: "9.50", placedAt: new Date() }).returning(orders.c.id))).rows;
   *   await conn.execute(update(users).set({ name: "a customer" }).where(users.c.id.eq(1)));
   *   return order!.id;
   * });
   * ```
   */
  transaction<T>(fn: (conn: Connection) => Promise<T>, options: BeginOptions = {}): Promise<T> {
    return this.withConnection((conn) => conn.transaction(fn, options));
  }

  /**
   * Runs one statement on a pooled connection, outside any transaction: a write commits on its own.
   *
   * ```ts
   * const { rows } = await engine.execute(select(users.c.id, users.c.email).where(users.c.name.isNull()));
   * await engine.execute(deleteFrom(orders).where(orders.c.placedAt.lt(new Date("2020-01-01"))));
   * ```
   */
  execute<Row>(statement: Executable<Row>): Promise<Result<Row>> {
    return this.withConnection((conn) => conn.execute(statement));
  }

  /**
   * Streams a query's rows on a pooled connection, `yieldPer` at a time (see `Connection.stream`).
   * The connection is checked out on the first read and returned to the pool when the loop ends,
   * however it ends (break, return, error).
   *
   * ```ts
   * for await (const order of engine.stream(select(orders.c.id, orders.c.total), { yieldPer: 1000 })) {
   *   console.log(order.id, order.total);
   * }
   * ```
   */
  async *stream<Row>(statement: Executable<Row>, options: StreamOptions = {}): AsyncGenerator<Row, void, undefined> {
    const conn = await this.connect();
    try {
      yield* conn.stream(statement, options);
    } finally {
      await conn.close();
    }
  }

  /**
   * Schema inspection: table names, columns, constraint names and the whole schema as the database
   * reports them (each call checks a connection out for its queries).
   *
   * ```ts
   * const tables = await engine.inspect().tableNames();
   * ```
   */
  inspect(): Inspector {
    return new Inspector(this);
  }

  /** @internal */
  runSchemaOperation(operation: "create" | "drop", metadata: MetaData, options: { checkFirst: boolean }): Promise<void> {
    return this.withConnection((conn) => runSchemaOperation(conn, operation, metadata, options));
  }

  /**
   * Closes every pooled connection. Connections still checked out get `pool.disposeTimeoutMs` to
   * be returned; then they are closed (open transactions roll back) and a
   * `ConnectionsNotReturnedWarning` naming their holders is emitted with `process.emitWarning`.
   * Connections being reset after their return (SQL text changed their session) get as long
   * again; a reset still unanswered then (a server gone silent) has its socket closed.
   * A warning rather than a rejection: dispose usually runs in a `finally`, where an error would
   * replace the one that is already on its way; the warning loses neither (Node prints it, and
   * `process.on("warning")` receives it).
   *
   * ```ts
   * try {
   *   await engine.execute(select(users.c.id));
   * } finally {
   *   await engine.dispose(); // the process can exit: no pooled sockets left open
   * }
   * ```
   */
  async dispose(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (!pool) return;
    // Callers waiting for a connection would otherwise wait out the returns below, or forever.
    for (const deadline of pool.waiting) deadline.refuse(disposedWhileWaiting());
    let driver: Driver;
    try {
      driver = await pool.driver;
    } catch {
      return; // it never opened: nothing to close
    }
    await pool.checkouts.whenEmpty(this.disposeTimeoutMs);
    const holders = pool.checkouts.holders();
    const left = [...pool.checkouts.keys()];
    // A statement in flight on one of them (a COMMIT above all) finishes before its connection is closed.
    await settledWithin(left.map((conn) => conn.whenIdle()), this.disposeTimeoutMs);
    for (const conn of left) conn.invalidate("engine.dispose() closed it: it was not returned in time");
    await closeDriver(driver, this.disposeTimeoutMs);
    if (holders.length) {
      const message =
        `engine.dispose() closed ${holders.length} connection(s) not returned within ${this.disposeTimeoutMs} ms ` +
        `(pool.disposeTimeoutMs); any transaction open on them was rolled back (one whose COMMIT was still waiting for its answer ` +
        `may have been committed: its commit() failed with CommitOutcomeUnknownError). Held by: ${describeHolders(holders)}. ` +
        `Close each connection and session when done (conn.close(), session.close()) before disposing the engine.`;
      process.emitWarning(new ConnectionsNotReturnedWarning(message, holders));
    }
  }
}

function disposedWhileWaiting(): ResourceClosedError {
  return new ResourceClosedError(
    "The engine was disposed (engine.dispose()) while this connect() waited for a connection. " +
      "Close connections before dispose(), or connect again: the engine then opens a new pool.",
  );
}

/** An option in milliseconds: a positive number (Infinity: no limit), or the default. */
function milliseconds(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0)) {
    throw new ArgumentError(`${option} must be a positive number of milliseconds (or Infinity for no limit); got ${String(value)}.`);
  }
  return value;
}
