/**
 * A connection checked out of the engine's pool: executes statements and runs transactions.
 * Outside a transaction each statement commits on its own; `begin()` starts a transaction and
 * `beginNested()` a savepoint inside it. An error that leaves a transaction rolled back by the
 * database (or good only for a rollback) marks it failed: until its `rollback()`, statements and
 * commits are refused here, never sent (see `noteFailure`).
 */
import type { CompiledQuery, ValueProcessor } from "../core/compiler/compiled-query.js";
import type { StatementCache } from "../core/compiler/statement-cache.js";
import { InvalidRequestError, OperationalError, ResourceClosedError, type DBAPIError } from "../core/errors.js";
import type { Executable } from "../core/statements/executable.js";
import type { Select } from "../core/statements/select.js";
import type { DriverConnection, EngineDialect, ExecuteOptions, IsolationLevel } from "./driver.js";
import type { SqlLogger } from "./logging.js";
import { Result, firstValue } from "./result.js";
import { Transaction } from "./transaction.js";

export interface ConnectionContext {
  readonly dialect: EngineDialect;
  readonly cache: StatementCache;
  readonly log: SqlLogger;
  /** Called once when the connection goes back to the pool or is discarded. */
  readonly released?: (conn: Connection) => void;
}

/** Options of `connection.begin()` and `engine.transaction()`. */
export interface BeginOptions {
  readonly isolationLevel?: IsolationLevel;
}

/** One connection from the pool: runs statements, and transactions with `begin()`. Give it back with `close()`. */
export class Connection {
  private driverConnection: DriverConnection | undefined;
  private transactions: Transaction[] = [];
  private savepointCounter = 0;
  /** Set when a statement failed in a way that may have broken the connection. */
  private broken = false;
  /** Why `invalidate()` closed the connection, for the error of a later use. */
  private invalidatedBecause: string | undefined;
  /** The outermost failed transaction: statements and commits are refused until it is rolled back. */
  private failed: Transaction | undefined;
  /** Statements sent and not answered yet, and who waits for there to be none. */
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    driverConnection: DriverConnection,
    private readonly context: ConnectionContext,
  ) {
    this.driverConnection = driverConnection;
  }

  get dialect(): EngineDialect {
    return this.context.dialect;
  }

  get closed(): boolean {
    return this.driverConnection === undefined;
  }

  /** Whether the connection is known to be lost: it is discarded, not reused, when closed. */
  get invalidated(): boolean {
    return this.broken || this.driverConnection?.isLost?.() === true;
  }

  /** Whether a transaction (not only a savepoint) is open. */
  get inTransaction(): boolean {
    return this.transactions.length > 0;
  }

  /** Runs a statement built with `select`, `insert`, `update`, `deleteFrom` or `sql`. */
  async execute<Row>(statement: Executable<Row>): Promise<Result<Row>> {
    return this.executeCompiled<Row>(this.compile(statement));
  }

  /** The statement's SQL and parameters for this connection's dialect (compiled once per shape). */
  compile(statement: Executable<unknown>): CompiledQuery {
    return this.context.cache.compile(statement.node);
  }

  /** The first column of the first row, or `undefined` when there is no row. */
  async scalar<T>(statement: Select<unknown, T> | Executable<Record<string, T>>): Promise<T | undefined> {
    const result = await this.execute(statement as Executable<Record<string, unknown>>);
    return result.rows.length ? (firstValue(result.rows[0]) as T) : undefined;
  }

  /**
   * Runs an already compiled statement. Rows are objects keyed by column label, or as
   * `rowShape` asks: arrays in select-list order (how the ORM reads them), or the first column's
   * values.
   */
  async executeCompiled<Row>(compiled: CompiledQuery, options: ExecuteOptions = {}): Promise<Result<Row>> {
    const result = await this.run(compiled.sql, compiled.params, options);
    const rows = result.rows;
    const shape = options.rowShape ?? "objects";
    if (shape === "values") convertValuesInPlace(rows, compiled.resultProcessorsByIndex);
    else {
      const processors = shape === "arrays" ? compiled.resultProcessorsByIndex : compiled.resultProcessors;
      if (processors.length) convertInPlace(rows, processors);
    }
    return new Result<Row>(rows as Row[], result.rowCount, result.lastInsertId);
  }

  /**
   * Runs SQL text with driver-level parameters; errors are wrapped, the SQL logged. Refused,
   * without reaching the database, while a transaction is failed.
   */
  async run(sql: string, params: readonly unknown[] = [], options?: ExecuteOptions) {
    const conn = this.checkOpen();
    if (this.failed) throw this.failed.rolledBackError("run a statement");
    return this.send(conn, sql, params, options);
  }

  /** @internal COMMIT, ROLLBACK and savepoint statements: run even while a transaction is failed. */
  runTransactionControl(sql: string) {
    return this.send(this.checkOpen(), sql, []);
  }

  private async send(conn: DriverConnection, sql: string, params: readonly unknown[], options?: ExecuteOptions) {
    this.context.log?.(sql, params);
    this.inFlight++;
    try {
      return await conn.execute(sql, params, options);
    } catch (error) {
      throw this.noteFailure(this.dialect.translateError(error, sql, params));
    } finally {
      if (--this.inFlight === 0 && this.idleWaiters.length) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /**
   * Records what an error did to the open transactions: a lost connection, or a database that
   * rolled the transaction back (a MySQL deadlock; SQLite reporting no transaction open any
   * more), fails them all; an error that aborts the innermost one (PostgreSQL) fails that one.
   */
  private noteFailure(error: DBAPIError): DBAPIError {
    if (error.connectionInvalidated) this.broken = true;
    const open = this.transactions;
    if (!open.length) return error;
    if (error.connectionInvalidated || error.abortsTransaction === "all" || this.driverInTransaction() === false) {
      for (const tx of open) tx.markFailed(error, true);
      this.failed = open[0];
    } else if (error.abortsTransaction === "innermost") {
      const innermost = open[open.length - 1]!;
      innermost.markFailed(error, false);
      this.failed ??= innermost;
    }
    return error;
  }

  /** @internal Throws the error for `action` when a transaction is failed or the connection is known lost. */
  assertUsable(action: string): void {
    if (!this.failed && this.driverConnection?.isLost?.()) {
      // Lost before anything was sent: the database rolled the transaction back.
      const lost = new OperationalError("The connection to the database was lost.", { connectionInvalidated: true }, undefined);
      this.noteFailure(lost);
    }
    // A failed transaction is the one to commit, inside it, or encloses it: none can commit.
    if (this.failed) throw this.failed.rolledBackError(action);
  }

  /** @internal Whether the driver reports a transaction open; undefined where it cannot tell without asking. */
  driverInTransaction(): boolean | undefined {
    return this.driverConnection?.inTransaction?.();
  }

  /** Resolves once no statement is waiting for the database's answer. */
  whenIdle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts a transaction; inside one, a savepoint (like `beginNested`). */
  async begin(options: BeginOptions = {}): Promise<Transaction> {
    if (this.transactions.length) return this.beginNested();
    for (const statement of this.dialect.beginStatements(options.isolationLevel)) await this.run(statement);
    return this.push(new Transaction(this, undefined));
  }

  /** A savepoint inside the current transaction: its rollback undoes only what came after it. */
  async beginNested(): Promise<Transaction> {
    if (!this.transactions.length) throw new InvalidRequestError("beginNested() needs a transaction; call begin() first.");
    const name = `sp_${++this.savepointCounter}`;
    await this.run(`SAVEPOINT ${name}`);
    return this.push(new Transaction(this, name));
  }

  /**
   * Runs `fn` in a transaction (a savepoint when one is already open): committed when `fn`
   * resolves, rolled back when it throws, and the error rethrown.
   */
  async transaction<T>(fn: (connection: Connection) => Promise<T>, options: BeginOptions = {}): Promise<T> {
    const tx = await this.begin(options);
    let result: T;
    try {
      result = await fn(this);
    } catch (error) {
      if (tx.isActive) await tx.rollback().catch(() => undefined);
      throw error;
    }
    if (tx.isActive) {
      try {
        await tx.commit();
      } catch (error) {
        // Refused (failed), or failed with the transaction still open (SQLite): roll it back.
        if (tx.isActive) await tx.rollback().catch(() => undefined);
        throw error;
      }
    }
    return result;
  }

  /** Returns the connection to the pool, rolling back an open transaction. */
  async close(): Promise<void> {
    const conn = this.driverConnection;
    if (!conn) return;
    if (this.transactions.length && !this.broken) {
      try {
        await this.transactions[0]!.rollback();
      } catch {
        this.broken = true;
      }
      if (this.driverConnection !== conn) return; // invalidated meanwhile
    }
    this.driverConnection = undefined;
    conn.release(this.broken);
    this.context.released?.(this);
  }

  /**
   * Discards the physical connection at once: it is closed, not returned to the pool, and an
   * open transaction is lost (the database rolls it back). Using this connection afterwards
   * throws `ResourceClosedError` saying `reason`.
   */
  invalidate(reason = "it was invalidated"): void {
    const conn = this.driverConnection;
    if (!conn) return;
    this.driverConnection = undefined;
    this.invalidatedBecause = reason;
    this.transactions.splice(0).forEach((t) => t.markEnded());
    conn.release(true);
    this.context.released?.(this);
  }

  /** Called by `Transaction` when it ends: it and any savepoints inside it are closed. */
  endTransaction(tx: Transaction): void {
    const index = this.transactions.indexOf(tx);
    if (index >= 0) this.transactions.splice(index).forEach((t) => t.markEnded());
    if (this.failed && !this.transactions.includes(this.failed)) this.failed = undefined;
  }

  private push(tx: Transaction): Transaction {
    this.transactions.push(tx);
    return tx;
  }

  private checkOpen(): DriverConnection {
    if (!this.driverConnection) {
      throw new ResourceClosedError(this.invalidatedBecause ? `This connection is closed: ${this.invalidatedBecause}.` : "This connection is closed.");
    }
    return this.driverConnection;
  }
}

/**
 * Applies each column's conversion to every row, in place. Indexed loops and no destructuring:
 * this runs once per value read, often before V8 has optimized it, when `for...of` and `[a, b] =`
 * each cost an iterator call.
 */
/** Rows that are the first column's values: that column's conversion, if it has one. */
function convertValuesInPlace(values: unknown[], processors: readonly (readonly [number, ValueProcessor])[]): void {
  const process = processors.find(([index]) => index === 0)?.[1];
  if (process === undefined) return;
  for (let i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) values[i] = process(values[i]);
}

function convertInPlace(rows: any[], processors: readonly (readonly [string | number, ValueProcessor])[]): void {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let p = 0; p < processors.length; p++) {
      const key = processors[p]![0];
      const value = row[key];
      if (value !== null && value !== undefined) row[key] = processors[p]![1](value);
    }
  }
}
