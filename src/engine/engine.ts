/**
 * The engine: a dialect, a connection pool and a statement cache. `createEngine(url)` (in
 * `dialects/`) picks the dialect from the URL; everything here is dialect-neutral.
 */
import { StatementCache } from "../core/compiler/statement-cache.js";
import type { MetaData, SchemaExecutor } from "../core/schema/metadata.js";
import type { Executable } from "../core/statements/executable.js";
import { Connection, type BeginOptions } from "./connection.js";
import type { Driver, EngineDialect, PoolOptions } from "./driver.js";
import { Inspector } from "./inspector.js";
import { sqlLogger, type EchoOption } from "./logging.js";
import type { Result } from "./result.js";
import { runSchemaOperation } from "./schema-runner.js";

export interface EngineOptions {
  /** Log every statement and its parameters: `true` for the console, or a function. */
  readonly echo?: EchoOption;
  readonly pool?: PoolOptions;
}

export class Engine implements SchemaExecutor {
  readonly cache: StatementCache;
  private driver: Promise<Driver> | undefined;
  private readonly log;
  /** Connections checked out and not closed yet: dispose() lets their statements finish. */
  private readonly checkedOut = new Set<Connection>();
  private readonly forget = (conn: Connection) => this.checkedOut.delete(conn);

  constructor(
    readonly dialect: EngineDialect,
    readonly url: string,
    readonly options: EngineOptions = {},
  ) {
    this.cache = new StatementCache(dialect);
    this.log = sqlLogger(options.echo);
  }

  /** Checks a connection out of the pool. Close it when done: `await conn.close()`. */
  async connect(): Promise<Connection> {
    this.driver ??= this.dialect.createDriver(this.url, this.options.pool ?? {});
    let driver: Driver;
    try {
      driver = await this.driver;
    } catch (error) {
      this.driver = undefined;
      throw this.dialect.translateError(error, undefined, undefined);
    }
    let raw;
    try {
      raw = await driver.acquire();
    } catch (error) {
      throw this.dialect.translateError(error, undefined, undefined);
    }
    const conn = new Connection(raw, { dialect: this.dialect, cache: this.cache, log: this.log, onClose: this.forget });
    this.checkedOut.add(conn);
    return conn;
  }

  /** Runs `fn` with a connection that is closed afterwards. */
  async withConnection<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  }

  /** Runs `fn` in a transaction on a fresh connection: commit on success, rollback on error. */
  transaction<T>(fn: (conn: Connection) => Promise<T>, options: BeginOptions = {}): Promise<T> {
    return this.withConnection((conn) => conn.transaction(fn, options));
  }

  /** Executes one statement on a pooled connection (autocommit). */
  execute<Row>(statement: Executable<Row>): Promise<Result<Row>> {
    return this.withConnection((conn) => conn.execute(statement));
  }

  /** Schema inspection: table names and columns as the database reports them. */
  inspect(): Inspector {
    return new Inspector(this);
  }

  runSchemaOperation(operation: "create" | "drop", metadata: MetaData, options: { checkFirst: boolean }): Promise<void> {
    return this.withConnection((conn) => runSchemaOperation(conn, operation, metadata, options));
  }

  /**
   * Closes every pooled connection. Statements already sent (a COMMIT above all) are waited for,
   * up to `timeoutMs` (default 10 s), so that their connection is not closed under them.
   */
  async dispose(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    const driver = this.driver;
    this.driver = undefined;
    if (!driver) return;
    await settledWithin([...this.checkedOut].map((conn) => conn.whenIdle()), options.timeoutMs ?? 10_000);
    await (await driver).dispose();
  }
}

/** Waits for the promises, but not longer than `ms`. */
async function settledWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (!promises.length) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([Promise.allSettled(promises), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
