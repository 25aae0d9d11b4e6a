/**
 * The mysql2 driver: its own pool, server-side prepared statements (`execute`), UTC dates,
 * BIGINT and DECIMAL as strings so no precision is lost, affected rows counted as rows matched.
 */
import mysql from "mysql2/promise";
import type { Connection as CallbackConnection } from "mysql2";
import type { Driver, DriverConnection, DriverCursor, DriverOptions, DriverResult, ExecuteOptions } from "../../engine/driver.js";
import { afterResetStatements, connectionOptionsOf, keepsNoDatabase, mysqlConfig, sessionSetup } from "./config.js";
import { tlsMaterial } from "../shared/tls-material.js";
import { MappedRows } from "../shared/mapped-rows.js";
import { abandonOnAbort } from "../../engine/acquire-deadline.js";
import { repeatedField, withDuplicate } from "../shared/column-names.js";
import { ConnectStatements } from "../shared/connect-statements.js";
import { connectTimedOut, connectTimeoutOf, setUpWithin } from "../shared/connect-deadline.js";
import { openTimeout } from "../shared/pool.js";
import { prepares, send, whenLost } from "./commands.js";
import { killOnServer, type KillTarget } from "./kill-query.js";
import { ResetsInFlight } from "../shared/resets-in-flight.js";

/** Server status flags of an OK packet: a transaction is open; autocommit is on. */
const IN_TRANSACTION = 0x0001;
const AUTOCOMMIT = 0x0002;

class MySqlConnection implements DriverConnection {
  readonly cursorSharing = "exclusive";
  readonly mapsRows = true;
  private lost = false;
  /** The statement sent last: the one `cancelOnServer` asks the server to stop. */
  private running: string | undefined;
  /** The last OK packet said a transaction is open, or autocommit is off (see `release`). */
  private transactionOpen = false;
  private readonly onError = () => {
    this.lost = true;
  };

  constructor(
    private readonly conn: mysql.PoolConnection,
    private readonly setup: ConnectStatements<CallbackConnection>,
    /** What runs after a reset (`afterResetStatements`): the engine's session setup, and the URL's database again (`USE`). */
    private readonly afterReset: readonly string[],
    /** `DriverConnection.reused`: the connection served an earlier checkout. */
    readonly reused: boolean,
    /** `pool.connectTimeoutMs`: the limit on a reset (`resetThenRelease`). */
    private readonly resetMs: number,
    /** Where `cancelOnServer` sends its KILL QUERY. */
    private readonly killTarget: KillTarget,
    /** The driver's resets under way, which `engine.dispose()` waits for. */
    private readonly resets: ResetsInFlight,
  ) {
    // A fatal connection error is emitted as 'error' as well as failing the query: listen, so
    // that it does not crash the process, and discard the connection on release.
    conn.on("error", this.onError);
    conn.on("end", this.onError);
  }

  isLost(): boolean {
    return this.lost;
  }

  /** The socket closed at once: mysql2 fails the command under way as a lost connection. */
  destroy(): void {
    this.lost = true;
    destroySocket(rawConnection(this.conn) as unknown as CommandState & CallbackConnection);
  }

  /** KILL QUERY, on a connection of its own, for the statement the server runs for this one (kill-query.ts). */
  cancelOnServer(): void {
    const raw = this.callbackConnection as unknown as { threadId?: number | null; stream?: { localPort?: number } };
    const localPort = raw.stream?.localPort;
    // Through a Unix socket the stream has no port; over TCP, one not known names no thread.
    if (this.running === undefined || raw.threadId == null || (localPort === undefined && this.killTarget.connection.socketPath === undefined)) return;
    killOnServer(this.killTarget, { threadId: raw.threadId, localPort, sql: this.running });
  }

  async execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    this.running = sql;
    const shape = options?.rowShape ?? "objects";
    const rowsAsArray = shape !== "objects";
    if (options?.mapRow !== undefined && shape !== "values") return this.mapped(sql, params, rowsAsArray, options.mapRow);
    const [result, fields] = prepares(sql, params)
      ? await this.conn.execute({ sql, rowsAsArray }, params as mysql.ExecuteValues[])
      : await this.conn.query({ sql, rowsAsArray });
    if (Array.isArray(result)) {
      const rows = shape === "values" ? (result as unknown[][]).map(firstColumn) : result;
      return withDuplicate({ rows, rowCount: result.length, lastInsertId: undefined }, rowsAsArray ? undefined : repeatedField(fields as mysql.FieldPacket[] | undefined));
    }
    const header = this.noted(result as mysql.ResultSetHeader);
    return { rows: [], rowCount: header.affectedRows, lastInsertId: header.insertId || undefined };
  }

  /** Keeps the header's server status: whether a transaction is open once the statement ran. */
  private noted(header: mysql.ResultSetHeader): mysql.ResultSetHeader {
    const status = (header as { serverStatus?: number }).serverStatus;
    if (typeof status === "number") this.transactionOpen = (status & IN_TRANSACTION) !== 0 || (status & AUTOCOMMIT) === 0;
    return header;
  }

  /**
   * Each row mapped as mysql2 parses it (a command without a callback emits its rows rather than
   * collecting them): the row dies before the next arrives, where a collected result keeps every
   * row alive to the last (for 100,000 rows, 45 % of the time went to the collector).
   */
  private mapped(sql: string, params: readonly unknown[], rowsAsArray: boolean, mapRow: (row: any) => unknown): Promise<DriverResult> {
    return new Promise((resolve, reject) => {
      const mapped = new MappedRows(mapRow);
      let header: mysql.ResultSetHeader | undefined;
      let columns = false;
      let duplicate: string | undefined;
      const raw = this.callbackConnection;
      const stopListening = whenLost(raw, reject);
      const command = send(raw, sql, params, rowsAsArray);
      // A result set's rows follow its columns ('fields'); a statement without one answers with its header.
      command.on("fields", (fields: unknown) => {
        columns = fields !== undefined;
        if (!rowsAsArray) duplicate = repeatedField(fields as mysql.FieldPacket[] | undefined);
      });
      command.on("result", (row: unknown) => (columns ? mapped.add(row) : void (header = row as mysql.ResultSetHeader)));
      command.on("error", (error: unknown) => {
        stopListening();
        reject(error);
      });
      command.on("end", () => {
        stopListening();
        try {
          const rows = mapped.result();
          if (header !== undefined) resolve({ rows: [], rowCount: this.noted(header).affectedRows, lastInsertId: header.insertId || undefined });
          else resolve(withDuplicate({ rows, rowCount: rows.length, lastInsertId: undefined }, duplicate));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  /** mysql2's row stream on the underlying connection, paused whenever a batch is full. */
  async openCursor(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverCursor> {
    this.running = sql;
    return new MySqlRowStream(this.callbackConnection, sql, params, options?.rowShape ?? "objects");
  }

  /** The connection under mysql2's promise wrapper: its commands emit rows one by one. */
  private get callbackConnection(): CallbackConnection {
    return rawConnection(this.conn);
  }

  release(broken = false, resetSession = false): void {
    this.conn.off("error", this.onError);
    this.conn.off("end", this.onError);
    // A transaction left open by SQL text, or autocommit turned off (the engine rolls back its
    // own): the next user would run inside it, and commit it. Discarded, the server rolls it back.
    if (broken || this.lost || this.transactionOpen) return discard(this.conn);
    if (resetSession) return this.resetThenRelease();
    this.conn.release();
  }

  /**
   * COM_RESET_CONNECTION drops the session's variables, temporary tables, prepared statements
   * (mysql2 forgets its own with them) and locks; the connection's setup runs again. The pool gets
   * the connection back once both answered. It used to get it at once, the next user's statements
   * queued behind them: a reset that failed (a KILL QUERY landing on the setup's SET, or a KILL)
   * closed the connection under those statements, and they failed (with a write error not even
   * taken for a lost connection), though they had done nothing. Now such a connection is
   * discarded, and the next user gets another. So is one whose reset is not answered within
   * `pool.connectTimeoutMs` (a server gone silent kept its place in the pool for ever).
   * And so is one a `USE` left in a database that the engine's URL does not name (`afterResetStatements`).
   */
  private resetThenRelease(): void {
    const conn = this.conn;
    const raw = this.callbackConnection;
    // mysql2 closes its cached prepared statements when the reset's answer clears them, writing
    // while it reads that answer, which breaks the connection: they are closed first, in order.
    (raw as unknown as { _statements: { clear(): void } })._statements.clear();
    this.setup.reset(raw);
    const reset = new Promise<void>((resolve, reject) => {
      let failed: unknown;
      const noted = (error: unknown) => void (failed ??= error ?? undefined);
      raw.reset(noted);
      // A fatal error fails the last one too; a refused reset is followed by the rest, answered in order.
      const last = (sql: string) => (error: unknown, rows: unknown) =>
        failed || error ? reject(failed ?? error) : keepsNoDatabase(sql, rows) ? resolve() : reject(new Error("a database was selected (USE)"));
      this.afterReset.forEach((sql, i, all) => raw.query(sql, i < all.length - 1 ? noted : last(sql)));
    }).then(() => restoreCharset(raw));
    const destroy = () => destroySocket(raw as unknown as CommandState & CallbackConnection);
    const released = setUpWithin(reset, this.resetMs, destroy).then(
      () => conn.release(),
      () => conn.destroy(),
    );
    this.resets.track(released, destroy);
  }
}

const firstColumn = (row: readonly unknown[]): unknown => row[0];

/** The character set each connection's handshake asked for (`handshakeCharset`). */
const handshakeCharsets = new WeakMap<CallbackConnection, number>();
type CharsetConfig = { config: { charsetNumber: number } };

/** @internal Notes the character set `conn` opened with: what a reset puts back (`restoreCharset`). */
function noteHandshakeCharset(conn: CallbackConnection): void {
  handshakeCharsets.set(conn, (conn as unknown as CharsetConfig).config.charsetNumber);
}

/**
 * mysql2 encodes text in the character set the server last reported for the session: after a `SET
 * NAMES latin1` it went on sending latin1 once COM_RESET_CONNECTION had put the server back to the
 * handshake's utf8mb4, and every later user's text was garbled ('é😀' stored as '?=').
 */
function restoreCharset(conn: CallbackConnection): void {
  const charset = handshakeCharsets.get(conn);
  if (charset !== undefined) (conn as unknown as CharsetConfig).config.charsetNumber = charset;
}

/** The parts of mysql2's connection that tell whether a command is under way on a live socket. */
interface CommandState {
  readonly _command: unknown;
  readonly _closing: boolean;
  readonly _fatalError: unknown;
  readonly stream: { destroy(): void };
  _removeFromPool(): void;
}

/**
 * Closes the connection for good. mysql2's `destroy()` marks it closing first, and then never
 * settles a command still waiting for its answer (a COMMIT whose reply is slow, when
 * `engine.dispose()` or `invalidate()` closes it): its caller waited for ever. With a command
 * under way the socket is destroyed instead, so that mysql2 fails it as a lost connection (for a
 * COMMIT: `CommitOutcomeUnknownError`) and closes it.
 */
function discard(conn: mysql.PoolConnection): void {
  const raw = rawConnection(conn) as unknown as CommandState & CallbackConnection;
  if (!raw._command || raw._closing || raw._fatalError) return conn.destroy();
  destroySocket(raw);
}

/** Closes the socket without a goodbye: a command under way fails as a lost connection. */
function destroySocket(raw: CommandState & CallbackConnection): void {
  // Out of the pool now: the pool's end() would otherwise meet it closing, and fail.
  raw._removeFromPool();
  // mysql2 may report the loss as an 'error' too: heard here, whoever else listens or not.
  raw.once("error", () => undefined);
  raw.stream.destroy();
}

const rawConnection = (conn: mysql.PoolConnection) => (conn as unknown as { connection: CallbackConnection }).connection;

/**
 * A query's rows as the server sends them, read a batch at a time: the socket is paused once a
 * batch is full (the server then waits on TCP), resumed by the next fetch. The MySQL protocol
 * runs one command at a time, so ending early reads the rest of the rows and drops them: the
 * connection, and any transaction on it, stays usable.
 */
class MySqlRowStream implements DriverCursor {
  private buffer: unknown[] = [];
  private ended = false;
  private failure: unknown;
  private wanted = 0;
  private wake: (() => void) | undefined;
  private discarding = false;
  private readonly stopListening: () => void;
  /** `DriverCursor.duplicateColumn`, from the result's columns. */
  duplicateColumn: string | undefined;

  constructor(
    private readonly conn: CallbackConnection,
    sql: string,
    params: readonly unknown[],
    shape: "objects" | "arrays" | "values",
  ) {
    const rowsAsArray = shape !== "objects";
    const failed = (error: unknown) => {
      this.stopListening();
      this.failure = error;
      this.ended = true;
      this.notify();
    };
    this.stopListening = whenLost(conn, failed);
    const query = send(conn, sql, params, rowsAsArray);
    if (!rowsAsArray) query.on("fields", (fields: unknown) => void (this.duplicateColumn = repeatedField(fields as mysql.FieldPacket[] | undefined)));
    query.on("result", (row: unknown) => {
      if (this.discarding) return;
      this.buffer.push(shape === "values" ? (row as unknown[])[0] : row);
      if (this.buffer.length >= this.wanted) {
        this.conn.pause();
        this.notify();
      }
    });
    query.on("error", failed);
    query.on("end", () => {
      this.stopListening();
      this.ended = true;
      this.notify();
    });
    this.conn.pause(); // until the first fetch says how many rows it wants
  }

  async fetch(count: number): Promise<unknown[]> {
    this.wanted = count;
    if (this.buffer.length < count && !this.ended) {
      const arrived = new Promise<void>((resolve) => (this.wake = resolve));
      this.conn.resume();
      await arrived;
    }
    if (this.failure !== undefined) throw this.failure;
    return this.buffer.splice(0, count);
  }

  async close(): Promise<void> {
    this.buffer = [];
    if (this.ended) return;
    this.discarding = true;
    const ended = new Promise<void>((resolve) => (this.wake = resolve));
    this.conn.resume();
    await ended;
    while (!this.ended) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** mysql2's error when `connectTimeout` ran out before the handshake was done, as `ConnectTimeoutError`. */
function handshakeTimedOut(error: unknown, ms: number): Error | undefined {
  const timedOut = (error as { code?: unknown })?.code === "ETIMEDOUT" && (error as Error).message === "connect ETIMEDOUT";
  return timedOut ? connectTimedOut(ms, "the server did not finish the handshake", error) : undefined;
}

export async function createMySqlDriver(
  url: string,
  options: DriverOptions,
): Promise<Driver & { serverVersion: string; rollbackOnTimeout: boolean }> {
  const config = mysqlConfig(url, options, options.tls && options.tls !== "disable" ? await tlsMaterial(options.tls) : undefined);
  const pool = mysql.createPool(config);
  const killTarget = { connection: connectionOptionsOf(config), user: config.user! };
  const setup = new ConnectStatements<CallbackConnection>(options.connectStatements);
  const { onConnect, afterReset: settings } = sessionSetup(options.readOnly === true);
  const afterReset = afterResetStatements(config.database, settings);
  const setupMs = connectTimeoutOf(options);
  const openMs = openTimeout(options);
  /** Runs `sql` on `conn`, or closes it with `ConnectTimeoutError` past `pool.connectTimeoutMs`. */
  const setUp = <T>(conn: mysql.PoolConnection, work: Promise<T>) =>
    setUpWithin(work, setupMs, () => destroySocket(rawConnection(conn) as unknown as CommandState & CallbackConnection));
  let serverVersion: string;
  let rollbackOnTimeout: boolean;
  try {
    const conn = await pool.getConnection().catch((error: unknown) => {
      throw handshakeTimedOut(error, openMs) ?? error;
    });
    try {
      const [rows] = await setUp(conn, conn.query("SELECT VERSION() AS v, @@innodb_rollback_on_timeout AS r"));
      const row = (rows as { v: string; r: number | string }[])[0]!;
      serverVersion = String(row.v);
      rollbackOnTimeout = Number(row.r) === 1;
    } finally {
      conn.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined); // nothing was written: the opening's error is the one to tell
    throw error;
  }
  const served = new WeakSet<CallbackConnection>();
  const resets = new ResetsInFlight();
  return {
    serverVersion,
    maxConnections: options.max ?? 10,
    rollbackOnTimeout,
    acquire: async (wait) => {
      let conn: mysql.PoolConnection;
      try {
        conn = await abandonOnAbort(pool.getConnection(), wait, (c) => c.release());
      } catch (error) {
        throw handshakeTimedOut(error, openMs) ?? error;
      }
      const raw = rawConnection(conn);
      const reused = served.has(raw);
      if (!reused) noteHandshakeCharset(raw);
      // A new connection's session setup, then the engine's connectStatements (again after a reset).
      if (!reused || setup.pending(raw)) {
        const run = (sql: string) => conn.query(sql);
        const ready = (reused ? Promise.resolve() : run(onConnect)).then(() => setup.ensure(raw, run, () => undefined));
        await setUp(conn, ready).catch((error: unknown) => {
          conn.destroy();
          throw error;
        });
      }
      served.add(raw);
      return new MySqlConnection(conn, setup, afterReset, reused, setupMs, killTarget, resets);
    },
    // The pool's end queues each connection's goodbye behind its commands: a reset under way
    // finishes (or is closed, `closeResets`) first, or a reset never answered held the end for ever.
    dispose: async () => {
      await resets.settled();
      await pool.end();
    },
    closeResets: () => resets.destroyAll(),
  };
}
