/**
 * The boundary between athanor and a database driver package (better-sqlite3, pg, mysql2).
 * A dialect folder implements these interfaces; everything above speaks only to them.
 */
import type { Dialect } from "../core/compiler/dialect.js";
import type { Executable } from "../core/statements/executable.js";
import type { DBAPIError } from "../core/errors.js";
import type { SchemaModel } from "../core/schema/schema-model.js";
import type { TlsSettings } from "./tls.js";

export interface DriverResult {
  /** Objects keyed by column name, or as the `rowShape` option asks. */
  readonly rows: any[];
  /** Rows changed by INSERT/UPDATE/DELETE, or returned by a SELECT. */
  readonly rowCount: number;
  /** The generated key of the (first) inserted row, where the driver reports one. */
  readonly lastInsertId: number | bigint | undefined;
  /**
   * Object rows only: a column name the result has twice (`SELECT a.id, b.id`), whose values
   * the rows could not all hold. The connection refuses such a result (`checkedColumns`).
   */
  readonly duplicateColumn?: string | undefined;
}

/** One physical connection, checked out of the driver's pool. */
export interface ExecuteOptions {
  /**
   * - `objects` (the default): objects keyed by column name;
   * - `arrays`: arrays in column order: no key lookups, no clashes between equal column names;
   * - `values`: the first column's value alone, for one-column results (generated keys read
   *   back): no array per row.
   */
  readonly rowShape?: RowShape;
  /**
   * Applied to each row, after its conversions, as it is read: the result's rows are what it
   * returns. A driver that steps through rows (SQLite) calls it before reading the next row, so a
   * large result's rows die young instead of all living until the last is read (the ORM builds
   * its objects this way). An error it throws is not the database's: it comes out as thrown.
   */
  readonly mapRow?: (row: any) => unknown;
  /**
   * The statement matches at most one row (a lookup by primary key): a driver may read just that
   * one (SQLite's `stmt.get`, which allocates about 200 bytes less than `stmt.all`).
   */
  readonly oneRow?: boolean;
}

export type RowShape = "objects" | "arrays" | "values";

/** A result read a batch at a time, through a server-side cursor or the driver's row stream. */
export interface DriverCursor {
  /** The next rows, at most `count`, shaped as `ExecuteOptions.rowShape` asks: fewer than `count` only at the end. */
  fetch(count: number): Promise<any[]>;
  /** Object rows only: a column name the result has twice, known once the first `fetch` answered (see `DriverResult.duplicateColumn`). */
  readonly duplicateColumn?: string | undefined;
  /** Ends the result early (or after the end): frees what the server and driver hold. Safe to call twice. */
  close(): Promise<void>;
}

export interface DriverConnection {
  /**
   * Runs a statement. A driver that has the answer at once (SQLite) may return it rather than a
   * promise, and throw rather than reject: a lookup by key then costs no promise in the engine.
   */
  execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): DriverResult | Promise<DriverResult>;
  /**
   * Whether `execute` applies `ExecuteOptions.mapRow` itself, row by row, to object and array
   * rows; if not (and for `values` rows), the engine maps the rows it returns.
   */
  readonly mapsRows?: boolean;
  /** Opens a cursor over a query's rows (every dialect's driver has one; schema helpers' stand-ins do not). */
  openCursor?(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverCursor>;
  /**
   * How an open cursor shares the connection: `"transaction"` (PostgreSQL: it lives in a
   * transaction, other statements run beside it); `"reads"` (SQLite: other reads run beside it,
   * writes wait until it is closed); `"exclusive"` (MySQL/MariaDB: the row stream holds the
   * connection, nothing else runs until it is closed).
   */
  readonly cursorSharing?: "transaction" | "reads" | "exclusive";
  /**
   * Returns the connection to the pool; `broken` discards it instead. `resetSession`: SQL text
   * may have changed its session (settings, temporary tables, locks): the next user must not
   * inherit that, so the driver resets the session first, or discards the connection.
   */
  release(broken?: boolean, resetSession?: boolean): void;
  /** Whether the driver has seen the connection end (the server closed it, the socket reset). */
  isLost?(): boolean;
  /**
   * Closes the socket at once, without the goodbye a silent peer would never answer: a command
   * under way fails as on a lost connection. The connection is then released as broken.
   * Network drivers only: SQLite has no socket, and its waits (a busy database) are not a silent peer.
   */
  destroy?(): void;
  /**
   * Asks the server, on a connection of its own, to stop the statement it runs for this one, which
   * the client gave up on (`statementTimeoutMs`); best effort, not awaited. PostgreSQL: a
   * CancelRequest, which names the backend by a secret key. MariaDB/MySQL: KILL QUERY, whose
   * thread id through a proxy or a cluster's balancer may be another client's, so it is sent only
   * when the server's process list shows the thread as this client's (dialects/mysql/kill-query.ts).
   */
  cancelOnServer?(): void;
  /** Whether this connection served an earlier checkout (it waited idle in the pool): what `pool.prePing` checks. */
  readonly reused?: boolean;
  /** Whether the database has a transaction open, where the driver knows without asking (SQLite). */
  inTransaction?(): boolean;
  /**
   * SQLite: whether `column` is `table`'s rowid under another name, so that an INSERT's
   * `lastInsertId` is the key it generated (generated-key-order.ts).
   */
  rowidAlias?(schema: string | undefined, table: string, column: string): boolean;
}

export interface Driver {
  /**
   * Checks a connection out, waiting while all are in use. When `wait.signal` aborts the wait is
   * given up: the promise rejects, and a connection that arrives later goes back to the pool.
   */
  acquire(wait?: AcquireWait): Promise<DriverConnection>;
  /** Closes the pool: idle connections at once, checked-out ones and those being reset once back. */
  dispose(): Promise<void>;
  /**
   * Closes the sockets of the connections still being reset after their return (network drivers):
   * `engine.dispose()` calls it when `dispose()` has not finished within `pool.disposeTimeoutMs`,
   * as a reset sent to a server gone silent is never answered.
   */
  closeResets?(): void;
  /** The most connections the pool opens at once. */
  readonly maxConnections: number;
}

/** How long a caller of `Driver.acquire` waits. */
export interface AcquireWait {
  /**
   * Aborts when the caller gives up. Made, and its timer started, when first read: a driver reads
   * it only when it has to wait (or cannot tell).
   */
  readonly signal: AbortSignal;
}

/** A transaction isolation level, for `begin({ isolation })`. */
export type IsolationLevel = "read uncommitted" | "read committed" | "repeatable read" | "serializable";

/** Options of the connection pool, `createEngine(url, { pool })`. */
export interface PoolOptions {
  /** Most connections open at once (default 10; 1 for an in-memory SQLite database). */
  readonly max?: number;
  /**
   * How long `engine.connect()` waits for a free connection before it throws `PoolTimeoutError`,
   * which names who holds the connections (default 30 000 ms).
   */
  readonly acquireTimeoutMs?: number;
  /**
   * How long `engine.dispose()` waits for checked-out connections to be returned before it closes
   * them and warns (`ConnectionsNotReturnedWarning`) naming their holders (default 5 000 ms); and
   * then, as long again at most, for the resets of connections returned (their sockets closed after).
   */
  readonly disposeTimeoutMs?: number;
  /**
   * PostgreSQL and MySQL/MariaDB: how long a new connection may take to open (the driver's
   * handshake), and then to run its setup statements (the engine's session settings and
   * `connectStatements`; after the pool reset a connection's session, the reset), each (default
   * 10 000 ms; Infinity: no limit). A server that accepts TCP but never answers kept `connect()`
   * waiting for ever. Past the limit the socket is closed and `connect()` throws
   * `ConnectTimeoutError`; the pool stays usable. Opening is also given up a second after
   * `acquireTimeoutMs`, whichever comes first. SQLite: accepted, never applies (in-process).
   */
  readonly connectTimeoutMs?: number;
  /**
   * PostgreSQL and MySQL/MariaDB: TCP keepalive's idle time on the pool's sockets (default
   * 30 000 ms, at least 1 000): after this long without traffic the operating system probes the
   * server, so that an idle pooled connection to a host that died without closing it (power lost,
   * a partition) fails and leaves the pool. Lower it where a firewall or load balancer drops idle
   * connections sooner. SQLite: accepted, never applies.
   */
  readonly keepAliveInitialDelayMs?: number;
  /**
   * SQLite: how long a statement retries while another connection holds the database's write
   * lock (SQLITE_BUSY), before it fails (default 5 000 ms). The waiting is asynchronous, in
   * short steps, so that the event loop keeps running.
   */
  readonly busyTimeoutMs?: number;
  /**
   * PostgreSQL: statements with parameters are prepared on the server under a name, so that
   * running one again only binds and executes it (default true). Behind a pooler in transaction mode
   * (PgBouncer), make the engine with `transactionPooler: true` instead: it turns this off and
   * refuses what else needs one server session. SQLite and MySQL/MariaDB always reuse prepared statements.
   */
  readonly preparedStatements?: boolean;
  /**
   * PostgreSQL and MySQL/MariaDB: most prepared statements kept per connection (default 256).
   * MySQL/MariaDB closes the least recently used one on the server when a connection needs
   * another (the server refuses past `max_prepared_stmt_count`, 16,382 for all connections by
   * default); PostgreSQL names at most this many statement texts, later ones are parsed each time.
   * Also `?maxPreparedStatements=N` in a MySQL/MariaDB URL.
   */
  readonly maxPreparedStatements?: number;
  /**
   * SQL run on each new connection before its first use, and again after the pool reset its
   * session: settings every connection should have (`SET statement_timeout = 5000`,
   * `SET SESSION innodb_lock_wait_timeout = 5`, `PRAGMA cache_size = -64000`). A statement that
   * fails makes `connect()` fail with its error. SQL text run on a checked-out connection lasts
   * only until the connection goes back to the pool, which resets what it changed.
   */
  readonly connectStatements?: readonly string[];
  /**
   * PostgreSQL and MySQL/MariaDB: a connection that waited idle in the pool is asked `SELECT 1`
   * when checked out, and one that fails or does not answer (within `statementTimeoutMs`, or
   * 5 s) is discarded for another, unseen by the caller (SQLAlchemy's `pool_pre_ping`): the
   * server may have ended it (a restart, a failover, `wait_timeout`), or its host gone silent,
   * before the driver heard. Costs a round trip per checkout of a pooled connection (default
   * false). SQLite: accepted, nothing to check (in-process).
   */
  readonly prePing?: boolean;
}

/** What a dialect's driver is opened with: the pool's options and the engine's (`EngineOptions`). */
export interface DriverOptions extends PoolOptions {
  /** `EngineOptions.readOnly`. */
  readonly readOnly?: boolean;
  /** `EngineOptions.transactionPooler`. */
  readonly transactionPooler?: boolean;
  /** The URL's TLS parameters and `EngineOptions.tls`, merged; undefined: neither asked for anything. */
  readonly tls?: TlsSettings | "disable";
}

export interface TableInfo {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string; readonly nullable: boolean }[];
}

/**
 * The names of a table's constraints and indexes as the database has them, each list sorted.
 * SQLite keeps no catalog of constraints: there, only names given in its CREATE TABLE are listed.
 */
export interface ConstraintNames {
  /** The primary key's name; MySQL/MariaDB call every one `PRIMARY`; undefined when SQLite has none named. */
  readonly primaryKey: string | undefined;
  readonly foreignKeys: readonly string[];
  readonly uniques: readonly string[];
  readonly checks: readonly string[];
  /** Indexes made by CREATE INDEX, not those behind a primary key, unique or foreign key constraint. */
  readonly indexes: readonly string[];
}

/** What `Inspector.reflect` reads. */
export interface ReflectOptions {
  /**
   * Schemas to read besides the default one (PostgreSQL schemas, MySQL databases, SQLite
   * attached databases). Tables of the default schema carry no `schema`, as in a MetaData.
   */
  readonly schemas?: readonly string[];
  /** Table names left out (athanor's own `athanor_migrations` by default). */
  readonly exclude?: readonly string[];
}

/** A dialect that can also connect: what `createEngine` needs. */
export interface EngineDialect extends Dialect {
  /** Opens the driver's pool (loading the driver package on first use). */
  createDriver(url: string, options: DriverOptions): Promise<Driver>;
  /** Wraps a driver error in the athanor hierarchy, keeping the SQL and the original error. */
  translateError(error: unknown, sql: string | undefined, params: readonly unknown[] | undefined): DBAPIError;
  /** Statements that start a transaction. */
  beginStatements(isolation: IsolationLevel | undefined): readonly string[];
  /** Whether foreign keys can be added and dropped with ALTER TABLE (not on SQLite). */
  readonly alterForeignKeys: boolean;
  /** Statements that turn foreign-key enforcement off or on for the connection. */
  foreignKeyChecks(enabled: boolean): readonly string[];
  /** Lists tables (of the default schema, or `schema`) and describes one. */
  tableNames(conn: DriverConnection, schema: string | undefined): Promise<string[]>;
  describeTable(conn: DriverConnection, name: string, schema: string | undefined): Promise<TableInfo | undefined>;
  constraintNames(conn: DriverConnection, name: string, schema: string | undefined): Promise<ConstraintNames>;
  /** Reads the schema as plain data, normalised as `DdlCompiler.tableModel` writes it (see `SchemaModel`). */
  reflect(conn: DriverConnection, options: ReflectOptions): Promise<SchemaModel>;
  /**
   * Where keys follow a sequence (`generatedKeyOrder: "sequence"`): the query giving the
   * `increment` and `cycles` of the sequence that owns the column, or no row (generated-key-order.ts).
   */
  sequenceIncrementQuery?(schema: string | undefined, table: string, column: string): Executable<{ increment: number | string | null; cycles: boolean | null }>;
}
