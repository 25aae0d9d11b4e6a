/** The node-postgres driver: pg's own pool, with athanor's type parsers. */
import pg from "pg";
import { randomBytes } from "node:crypto";
import type { Driver, DriverConnection, DriverCursor, DriverResult, DriverOptions, ExecuteOptions } from "../../engine/driver.js";
import { abandonOnAbort } from "../../engine/acquire-deadline.js";
import { statementTexts } from "../../engine/statement-texts.js";
import { keepAliveDelayOf, openTimeout } from "../shared/pool.js";
import { connectTimedOut, connectTimeoutOf, setUpWithin } from "../shared/connect-deadline.js";
import { MappedRows } from "../shared/mapped-rows.js";
import { repeatedField, withDuplicate } from "../shared/column-names.js";
import { ConnectStatements } from "../shared/connect-statements.js";
import { postgresTypeParsers } from "./values.js";
import { cancelOnServer } from "./cancel-request.js";
import { ResetsInFlight } from "../shared/resets-in-flight.js";
import { tlsMaterial } from "../shared/tls-material.js";
import { pgSsl, withoutTlsParameters } from "./tls.js";

let cursorsMade = 0;

class PostgresConnection implements DriverConnection {
  readonly cursorSharing = "transaction";
  readonly mapsRows = true;
  /** Set when the server ended the connection while it was checked out. */
  private lost = false;
  private readonly onError = () => {
    this.lost = true;
  };
  /** A CancelRequest under way (`cancelOnServer`): the socket closes only once it is out. */
  private cancelling: Promise<void> | undefined;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly names: StatementNames | undefined,
    private readonly setup: ConnectStatements<pg.PoolClient>,
    /**
     * False behind a pooler in transaction mode: a server session is not this client's to reset,
     * and DISCARD ALL would land on any server connection (another client's session locks included).
     */
    private readonly resetsSessions: boolean,
    /** `DriverConnection.reused`: the client served an earlier checkout. */
    readonly reused: boolean,
    /** `pool.connectTimeoutMs`: the limit on a reset (`resetThenRelease`). */
    private readonly resetMs: number,
    /** The driver's resets under way, which `engine.dispose()` waits for. */
    private readonly resets: ResetsInFlight,
  ) {
    // A checked-out client whose connection dies emits 'error'; unheard, it would crash the
    // process. The failure reaches the caller through the next query; the client is discarded.
    client.on("error", this.onError);
    client.on("end", this.onError);
  }

  isLost(): boolean {
    return this.lost || lostClients.has(this.client);
  }

  /** A CancelRequest for the statement the server runs for this client (`cancel-request.ts`). */
  cancelOnServer(): void {
    this.cancelling = cancelOnServer(this.client);
  }

  /**
   * The socket closed at once (pg fails the query under way, "Connection terminated", and emits
   * 'error', heard here), or, with a CancelRequest under way, once it is out: never used again.
   */
  destroy(): void {
    this.lost = true;
    const close = () => (this.client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    if (this.cancelling === undefined) close();
    else void this.cancelling.then(close);
  }

  async execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    // Named, a statement is parsed once per connection (pg remembers which it has prepared).
    // Text without parameters may be several statements (PostgreSQL runs it as a script), each read.
    const statements = params.length === 0 ? statementTexts(sql, "postgresql") : undefined;
    if (statements !== undefined) this.names?.noteSchemaChange(statements);
    const name = params.length !== 0 ? this.names?.nameOf(sql) : undefined;
    if (name !== undefined && preparedGeneration.get(this.client) !== this.names!.generation) await this.deallocateOlder();
    const query = { text: sql, values: params as unknown[], name };
    const shape = options?.rowShape ?? "objects";
    let result: pg.QueryResult;
    try {
      if (options?.mapRow !== undefined && shape !== "values") return await this.mapped(query, shape, options.mapRow);
      result = lastResult(shape === "objects" ? await this.client.query(query) : await this.client.query({ ...query, rowMode: "array" }));
      // SQL text dropped prepared statements pg still counts as prepared: all go before the next named one.
      if (statements?.some((text) => DROPS_PREPARED.test(text))) preparedGeneration.set(this.client, STALE);
    } catch (error) {
      // Its plan predates a change of a column's type (made elsewhere): never prepared again.
      if (name !== undefined && (error as { code?: string }).code === CACHED_PLAN_CHANGED) this.names!.forget(sql);
      throw error;
    }
    const rows = shape === "values" ? (result.rows as unknown[][]).map(firstColumn) : result.rows;
    return withDuplicate({ rows, rowCount: result.rowCount ?? result.rows.length, lastInsertId: undefined }, shape === "objects" ? repeatedField(result.fields) : undefined);
  }

  /**
   * Each row mapped as pg parses it (a query with a row listener does not collect rows): the row
   * dies before the next arrives, where a collected result keeps every row alive to the last.
   */
  private mapped(query: pg.QueryConfig, shape: "objects" | "arrays", mapRow: (row: any) => unknown): Promise<DriverResult> {
    return new Promise((resolve, reject) => {
      const mapped = new MappedRows(mapRow);
      const submitted = new pg.Query(shape === "arrays" ? ({ ...query, rowMode: "array" } as pg.QueryConfig) : query);
      submitted.on("row", (row: unknown) => mapped.add(row));
      submitted.on("error", reject);
      submitted.on("end", (result: pg.QueryResult) => {
        try {
          const rows = mapped.result();
          resolve(withDuplicate({ rows, rowCount: result.rowCount ?? rows.length, lastInsertId: undefined }, shape === "objects" ? repeatedField(result.fields) : undefined));
        } catch (error) {
          reject(error);
        }
      });
      this.client.query(submitted);
    });
  }

  /**
   * Drops the statements this connection prepared under names from before a schema change (the
   * engine named their texts anew), from the server and from pg's record of what it prepared,
   * so that a connection keeps at most one generation of names: DDL does not add up.
   */
  private async deallocateOlder(): Promise<void> {
    if (preparedGeneration.has(this.client)) {
      await this.client.query("DEALLOCATE ALL");
      (this.client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements = {};
    }
    preparedGeneration.set(this.client, this.names!.generation);
  }

  /**
   * DECLARE ... CURSOR, then FETCH a batch at a time: the server keeps the result, other
   * statements run on the connection between fetches. The caller has a transaction open (a
   * cursor without HOLD lives only inside one).
   */
  async openCursor(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverCursor> {
    const name = `athanor_cursor_${++cursorsMade}`;
    await this.client.query({ text: `DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, values: params as unknown[] });
    const shape = options?.rowShape ?? "objects";
    let open = true;
    let duplicateColumn: string | undefined;
    return {
      get duplicateColumn() {
        return duplicateColumn;
      },
      fetch: async (count) => {
        if (!open) return [];
        const text = `FETCH FORWARD ${Math.trunc(count)} FROM ${name}`;
        const result = shape === "objects" ? await this.client.query(text) : await this.client.query({ text, rowMode: "array" });
        if (shape === "objects") duplicateColumn ??= repeatedField(result.fields);
        return shape === "values" ? (result.rows as unknown[][]).map(firstColumn) : result.rows;
      },
      close: async () => {
        if (!open) return;
        open = false;
        await this.client.query(`CLOSE ${name}`);
      },
    };
  }

  release(broken = false, resetSession = false): void {
    this.client.off("error", this.onError);
    this.client.off("end", this.onError);
    // A transaction left open by SQL text (the engine rolls back its own): the next user would
    // run inside it, and commit it. Discarded, the server rolls it back.
    const status = this.client.getTransactionStatus();
    const discard = broken || this.lost || status === "T" || status === "E";
    if (resetSession && !discard && this.resetsSessions) return resetThenRelease(this.client, this.setup, this.resetMs, () => this.destroy(), this.resets);
    if (discard && this.cancelling !== undefined) endAfter(this.client, this.cancelling);
    this.client.release(discard || undefined);
  }
}

const firstColumn = (row: readonly unknown[]): unknown => row[0];

/**
 * The result of SQL text's last statement: pg answers text of several statements (a script, run
 * without parameters) with one result each, which was read as one and failed ("Cannot read
 * properties of undefined") after every statement had run.
 */
function lastResult(result: pg.QueryResult | pg.QueryResult[]): pg.QueryResult {
  return Array.isArray(result) ? result[result.length - 1]! : result;
}

/**
 * The pool lets go of a discarded client at once (its slot is free for the next checkout) and
 * ends it; its socket must outlive the CancelRequest under way (`cancel-request.ts`), so the end
 * waits for it.
 */
function endAfter(client: pg.PoolClient, cancelling: Promise<void>): void {
  const end = client.end.bind(client) as (callback?: () => void) => void;
  (client as unknown as { end(callback?: () => void): void }).end = (callback) => void cancelling.then(() => end(callback));
}

/** Clients whose connection the server or the network ended (see the pool's "connect" listener). */
const lostClients = new WeakSet<pg.PoolClient | pg.Client>();

/**
 * DISCARD ALL: the session's settings, temporary tables, prepared statements, cursors, LISTENs
 * and advisory locks go, and pg forgets the statements it had prepared; then the session settings
 * run again. The pool gets the client back once both answered, a closed one if either failed. It
 * used to get it at once, the next user's statements queued behind the reset: a backend
 * terminated while the reset ran (`pg_terminate_backend`, a failover) failed the next user's
 * `connect()` though it had done nothing. Now that user waits for the reset, or gets another
 * connection. A reset not answered within `pool.connectTimeoutMs` closes the connection.
 */
function resetThenRelease(client: pg.PoolClient, setup: ConnectStatements<pg.PoolClient>, ms: number, destroy: () => void, resets: ResetsInFlight): void {
  (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements = {};
  preparedGeneration.delete(client);
  setup.reset(client);
  const reset = client.query("DISCARD ALL").then(() => setup.ensure(client, (sql) => client.query(sql), () => undefined));
  // A server gone silent during the reset would keep the client's place in the pool for ever.
  const released = setUpWithin(reset, ms, destroy).then(
    () => client.release(),
    (error: unknown) => client.release(error instanceof Error ? error : true),
  );
  resets.track(released, destroy);
}

/**
 * SQL text that drops prepared statements behind pg's back (`DISCARD ALL`, `DEALLOCATE`): pg would
 * go on binding the names it prepared, and each such statement failed with "prepared statement
 * ... does not exist" on that connection, for every later user of it.
 */
const DROPS_PREPARED = /^\s*(discard\s+all|deallocate)\b/i;
/** A generation no engine has: the connection drops all its statements before it prepares one. */
const STALE = -1;

/** "cached plan must not change result type": a prepared SELECT whose columns changed type. */
const CACHED_PLAN_CHANGED = "0A000";

/** The generation of statement names (see `StatementNames.generation`) each client has prepared under. */
const preparedGeneration = new WeakMap<pg.PoolClient, number>();

/**
 * The names of the prepared statements of one engine, one per SQL text (pg refuses one name for
 * two texts, so a name is never reused). Each is prepared on every connection that runs it and
 * kept for the connection's life: at most `max` texts have names at a time, later ones are
 * parsed each time (applications run a bounded set of statement shapes; dynamically built SQL
 * must not fill the server). A schema change through the engine forgets them all: PostgreSQL
 * refuses to run a prepared SELECT whose result columns changed type.
 */
class StatementNames {
  /** Statements longer than this are not kept prepared (a multi-row INSERT's plan is large). */
  private static readonly MAX_LENGTH = 8192;
  private readonly names = new Map<string, string>();
  private made = 0;
  /**
   * Unique to this engine: two engines (processes) behind one pooler must never meet the same
   * name for different texts, where a Bind would run the other engine's statement with our values.
   */
  private readonly prefix = `athanor_${randomBytes(4).toString("hex")}_`;
  /** Counts schema changes: a connection that prepared statements under an older count drops them first. */
  generation = 0;

  /** At most `max` texts have names at a time (the engine's `maxPreparedStatements`). */
  constructor(private readonly max: number) {}

  nameOf(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined || sql.length > StatementNames.MAX_LENGTH || this.names.size >= this.max) return known;
    const name = `${this.prefix}${this.made++}`;
    this.names.set(sql, name);
    return name;
  }

  forget(sql: string): void {
    this.names.delete(sql);
  }

  /** DDL (run unnamed, having no parameters) forgets every name. */
  noteSchemaChange(statements: readonly string[]): void {
    if (!statements.some((sql) => DDL.test(sql))) return;
    this.names.clear();
    this.generation++;
  }
}

const DDL = /^\s*(ALTER|CREATE|DROP|TRUNCATE|COMMENT)\b/i;

/**
 * Each connection's settings, whatever the database or server says: values are read back as
 * these settings print them. TimeZone UTC: now() and CURRENT_TIMESTAMP (a server default, a cast
 * of a timestamptz) give the UTC wall-clock time athanor reads a TIMESTAMP as (a database in
 * another zone stored its local time, read back hours off). DateStyle ISO: timestamps and dates
 * are parsed as ISO text (under 'SQL, DMY' a TIMESTAMP read as Invalid Date, a TIMESTAMPTZ as
 * null, a DATE as '03/02/2024'). extra_float_digits 3: a double prints every digit (at 0,
 * 0.30000000000000004 read back as 0.3). SET on each new (or reset) connection, not as startup
 * options, which poolers refuse (PgBouncer in any mode); PgBouncer in transaction mode carries
 * TimeZone and DateStyle over to the server connections it lends (not extra_float_digits).
 */
const SESSION_SETTINGS = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET extra_float_digits = 3";

/** pg's error when `connectionTimeoutMillis` ran out before the server said it was ready. */
const OPEN_TIMED_OUT = "timeout expired";

/**
 * pg's Client with a limit on opening (`openTimeout`): without one, an attempt the network or
 * server never answers (a host gone silent: no reset) kept its place in the pool for ever, and
 * once `max` had, every connect() timed out though new connections would open. Given to the client, not the pool: pg-pool's own option
 * would also start a timer on every checkout.
 */
function clientOpenedWithin(ms: number): typeof pg.Client {
  return class extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super(typeof config === "string" ? { connectionString: config, connectionTimeoutMillis: ms } : { ...config, connectionTimeoutMillis: ms });
    }
  };
}

export async function createPostgresDriver(url: string, options: DriverOptions): Promise<Driver> {
  const max = options.max ?? 10;
  // Nothing asked of TLS: pg's default, which reads PGSSLMODE.
  const tls = options.tls === undefined ? undefined : options.tls === "disable" ? "disable" : await tlsMaterial(options.tls);
  const pool = new pg.Pool({
    connectionString: withoutTlsParameters(url.replace(/^postgres(ql)?\+?\w*:/, "postgresql:")),
    ...(tls && { ssl: pgSsl(tls) }),
    max,
    // Read-only by the server's rule, every transaction and autocommit statement alike. Not
    // through a transaction pooler: PgBouncer refuses the startup parameter (a replica refuses
    // writes by itself, and the session refuses to flush).
    ...(options.readOnly && !options.transactionPooler ? { options: "-c default_transaction_read_only=on" } : {}),
    types: postgresTypeParsers(pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown),
    Client: clientOpenedWithin(openTimeout(options)),
    // Off in pg by default: an idle client of a host gone silent stayed in the pool, looking alive.
    keepAlive: true,
    keepAliveInitialDelayMillis: keepAliveDelayOf(options),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener the
  // process would crash. The next checkout gets a fresh connection.
  pool.on("error", () => undefined);
  // pg-pool hands a new client over while pg parses the packet that said it is ready, with no
  // 'error' listener until the caller's code runs: a FATAL later in the same packet (a backend
  // terminated at once) was emitted unheard and crashed the process. Heard for the client's life.
  pool.on("connect", (client) => client.on("error", () => lostClients.add(client)));
  // Behind a transaction pooler, statements stay unnamed: each transaction may run on another
  // server connection, where a name prepared earlier does not exist.
  const setup = new ConnectStatements<pg.PoolClient>([SESSION_SETTINGS, ...(options.connectStatements ?? [])]);
  const names = options.preparedStatements === false || options.transactionPooler ? undefined : new StatementNames(options.maxPreparedStatements ?? 256);
  const served = new WeakSet<pg.PoolClient>();
  const setupMs = connectTimeoutOf(options);
  const openMs = openTimeout(options);
  const resets = new ResetsInFlight();
  return {
    maxConnections: max,
    acquire: async (wait) => {
      let client: pg.PoolClient;
      try {
        client = await abandonOnAbort(pool.connect(), wait, (c) => c.release());
      } catch (error) {
        throw (error as Error)?.message === OPEN_TIMED_OUT ? connectTimedOut(openMs, "the server did not finish the handshake", error) : error;
      }
      const reused = served.has(client);
      served.add(client);
      // Made before the setup runs: from here on the client's 'error' (a reset socket) is heard.
      const conn = new PostgresConnection(client, names, setup, !options.transactionPooler, reused, setupMs, resets);
      if (setup.pending(client)) await setUpWithin(setup.ensure(client, (sql) => client.query(sql), () => conn.release(true)), setupMs, () => conn.destroy());
      return conn;
    },
    dispose: () => pool.end(),
    closeResets: () => resets.destroyAll(),
  };
}
