/**
 * A connection checked out of the engine's pool: executes statements and runs transactions.
 * Outside a transaction each statement commits on its own; `begin()` starts a transaction and
 * `beginNested()` a savepoint inside it. An error that leaves a transaction rolled back by the
 * database (or good only for a rollback) marks it failed: until its `rollback()`, statements and
 * commits are refused here, never sent (see `noteFailure`).
 */
import type { CompiledQuery } from "../core/compiler/compiled-query.js";
import { ImplicitlyCommittedError, InvalidRequestError, OperationalError, ResourceClosedError, StreamInProgressError, type DBAPIError } from "../core/errors.js";
import { executeAsSeveral } from "./insert-as-several.js";
import type { Executable } from "../core/statements/executable.js";
import type { Select } from "../core/statements/select.js";
import type { DriverConnection, DriverResult, EngineDialect, ExecuteOptions } from "./driver.js";
import { mappedWhileRead, shapedResult } from "./convert-rows.js";
import { streamBatches, streamStatement, type StreamAccess, type StreamState } from "./connection-stream.js";
import { type BeginOptions, type ConnectionContext, type StreamOptions } from "./connection-options.js";
import { mayWrite, streamInProgress } from "./statement-kind.js";
import { Result, firstValue } from "./result.js";
import { checkedColumns } from "./duplicate-columns.js";
import { runInTransaction, Transaction } from "./transaction.js";
import { commitsWatched, connectsWatched, noteAnswered, watchedStatement } from "./committed-work.js";
import { answeredWithin } from "./answer-deadline.js";
import { ConnectionApi } from "./connection-api.js";
import { classifiedDuplicate, failedTransaction, failureOutcome, keyedTable, notTheDatabases } from "./connection-failures.js";
import type { Table } from "../core/schema/table.js";
import { StatementsInFlight } from "./statements-in-flight.js";
import { checkedText } from "./text-checks.js";

export type { BeginOptions, ConnectionContext, StreamOptions } from "./connection-options.js";

/** One connection from the pool: runs statements, and transactions with `begin()`. Give it back with `close()`. */
export class Connection extends ConnectionApi {
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
  private readonly inFlight = new StatementsInFlight();
  /**
   * The SQL of an open stream that holds the connection (MySQL/MariaDB): other statements are refused meanwhile. Streams whose
   * cursor is open here: SQLite and MySQL/MariaDB refuse writes beside them (`streamRefusesWrites`).
   */
  private readonly streams: StreamState = { exclusiveStream: undefined, openCursors: 0 };
  private madeStreamAccess: StreamAccess | undefined;
  /** The first statement that may have changed data in the open transaction (see `statement-kind.ts`). */
  private firstWrite: string | undefined;
  /** Such statements, counted from the first and while a stream is open: never reset (`writesBesideStreams`). */
  private writes = 0;
  /** SQL text may have changed the session (`changesSession`): reset before the pool hands it on. */
  private sessionChanged = false;

  constructor(
    driverConnection: DriverConnection,
    private readonly context: ConnectionContext,
  ) {
    super();
    this.driverConnection = driverConnection;
  }

  get dialect(): EngineDialect {
    return this.context.dialect;
  }

  /** @internal What this connection shares with the others of its pool: a key for what is learnt of their database. */
  get pool(): object {
    return this.context;
  }

  /** @internal `DriverConnection.rowidAlias`: false where the driver cannot tell. */
  rowidAlias(schema: string | undefined, table: string, column: string): boolean {
    return this.checkOpen().rowidAlias?.(schema, table, column) ?? false;
  }

  /** @internal The engine reaches the database through a pooler in transaction mode (`transactionPooler`). */
  get behindTransactionPooler(): boolean {
    return this.context.transactionPooler === true;
  }

  get closed(): boolean {
    return this.driverConnection === undefined;
  }

  get invalidated(): boolean {
    return this.broken || this.driverConnection?.isLost?.() === true;
  }

  /** @internal How a stream shares the connection with other statements (`DriverConnection.cursorSharing`). */
  get cursorSharing(): DriverConnection["cursorSharing"] {
    return this.driverConnection?.cursorSharing;
  }

  /** @internal Whether the open transaction may have changed data (a statement other than a SELECT or transaction control ran in it). */
  get wroteInTransaction(): boolean {
    return this.firstWrite !== undefined && this.transactions.length > 0;
  }

  /** @internal The open transaction's first statement that may have changed data (`wroteInTransaction`). */
  get firstWriteInTransaction(): string | undefined {
    return this.transactions.length > 0 ? this.firstWrite : undefined;
  }

  get inTransaction(): boolean {
    return this.transactions.length > 0;
  }

  async execute<Row>(statement: Executable<Row>, options: ExecuteOptions = {}): Promise<Result<Row>> {
    const node = statement.node;
    // An INSERT or UPDATE: a duplicate key it causes is read by its table's metadata (connection-failures.ts).
    const table = keyedTable(node);
    const several = executeAsSeveral<Row>(this, node, options);
    if (several !== undefined) {
      try {
        return await several; // its error comes out of the transaction they run in
      } catch (error) {
        throw table === undefined ? error : classifiedDuplicate(this, error, table);
      }
    }
    const compiled = this.compile(statement);
    if (node.kind === "raw") this.checkText(compiled.sql);
    return this.executeCompiledNow<Row>(compiled, options, table);
  }

  compile(statement: Executable<unknown>): CompiledQuery {
    return this.context.cache.compile(statement.node);
  }

  async scalar<T>(statement: Select<unknown, T> | Executable<Record<string, T>>): Promise<T | undefined> {
    const result = await this.execute(statement as Executable<Record<string, unknown>>);
    return result.rows.length ? (firstValue(result.rows[0]) as T) : undefined;
  }

  async executeCompiled<Row>(compiled: CompiledQuery, options: ExecuteOptions = {}): Promise<Result<Row>> {
    return this.executeCompiledNow<Row>(compiled, options);
  }

  /**
   * @internal `executeCompiled`, answered without a promise when the driver answers at once (SQLite). Throws rather than rejects.
   * `table`: the table an INSERT or UPDATE names, whose metadata reads a duplicate key it causes.
   */
  executeCompiledNow<Row>(compiled: CompiledQuery, options: ExecuteOptions = {}, table?: Table): Result<Row> | Promise<Result<Row>> {
    if (this.failed) throw this.failed.rolledBackError("run a statement");
    const conn = this.checkOpen();
    const mapRow = options.mapRow;
    if (mapRow !== undefined && conn.mapsRows === true && options.rowShape !== "values") return mappedWhileRead<Row>(compiled, options, mapRow, (withEach) => this.sendNow(conn, compiled.sql, compiled.params, withEach, table));
    const answer = this.sendNow(conn, compiled.sql, compiled.params, options, table);
    return answer instanceof Promise ? answer.then((result) => shapedResult<Row>(compiled, result, options)) : shapedResult<Row>(compiled, answer, options);
  }

  stream<Row>(statement: Executable<Row>, options: StreamOptions = {}): AsyncGenerator<Row, void, undefined> {
    return streamStatement<Row>(this.streamAccess, statement, options);
  }

  streamCompiled<Row>(compiled: CompiledQuery, options: StreamOptions & ExecuteOptions = {}): AsyncGenerator<Row[], void, undefined> {
    return streamBatches<Row>(this.streamAccess, compiled, options);
  }

  /** What the streams (connection-stream.ts) need of this connection's own state; made at the first stream. */
  private get streamAccess(): StreamAccess {
    return (this.madeStreamAccess ??= {
      connection: this,
      checkOpen: () => this.checkOpen(),
      failedError: () => this.failed?.rolledBackError("run a statement"),
      state: this.streams,
      transactions: () => this.transactions,
      guard: (sql, params, call) => this.guard(sql, params, call),
      log: (sql, params) => this.context.log?.(sql, params),
    });
  }

  /** Runs a driver call of a stream: logged once per statement, errors wrapped and recorded as `send` does. */
  private async guard<T>(sql: string, params: readonly unknown[], call: () => Promise<T>): Promise<T> {
    // A stream may write (INSERT ... RETURNING): its transaction's COMMIT, or its own in autocommit, commits it (committed-work.ts).
    if (this.firstWrite === undefined && this.transactions.length > 0 && mayWrite(sql)) this.firstWrite = sql;
    this.inFlight.sent();
    try {
      // Past statementTimeoutMs, a lost connection (answer-deadline.ts): `failure` marks the connection broken and its transactions failed.
      const answer = await answeredWithin(call(), this.context.statementTimeoutMs, sql, this.driverConnection);
      if (commitsWatched()) noteAnswered(sql, this.transactions[0]);
      return answer;
    } catch (error) {
      throw this.failure(error, sql, params);
    } finally {
      this.inFlight.answered();
    }
  }

  run(sql: string, params: readonly unknown[] = [], options?: ExecuteOptions): Promise<DriverResult> {
    try {
      this.checkText(sql);
      return this.runOwn(sql, params, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * @internal SQL text about to run here: refused as `refusedText` says, noted when it may change the session (reset before the
   * pool hands it on) or commits the open transaction (MySQL/MariaDB); DDL makes the pool forget how keys are generated.
   */
  checkText(sql: string): void {
    this.sessionChanged = checkedText(sql, this.dialect, this.transactions, this.firstWrite, this.context, this.sessionChanged);
  }

  /** `run`, for the connection's own statements (BEGIN, SAVEPOINT). */
  private runOwn(sql: string, params: readonly unknown[] = [], options?: ExecuteOptions): Promise<DriverResult> {
    // Not `async` (one frame less per statement); what it refuses, it refuses as a rejection.
    try {
      if (this.failed) throw this.failed.rolledBackError("run a statement");
      const conn = this.checkOpen();
      return this.send(conn, sql, params, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** @internal COMMIT, ROLLBACK and savepoint statements: run even while a transaction is failed. */
  runTransactionControl(sql: string): Promise<DriverResult> {
    try {
      return this.send(this.checkOpen(), sql, []);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private send(conn: DriverConnection, sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    const answer = this.sendNow(conn, sql, params, options);
    return answer instanceof Promise ? answer : Promise.resolve(answer);
  }

  /** Sends a statement; a driver that answered at once (SQLite) left nothing in flight and no frame to keep. */
  private sendNow(conn: DriverConnection, sql: string, params: readonly unknown[], options?: ExecuteOptions, table?: Table): DriverResult | Promise<DriverResult> {
    if (this.streams.exclusiveStream !== undefined) throw streamInProgress(this.streams.exclusiveStream, sql);
    this.context.log?.(sql, params);
    // Counted while a cursor reads (its stream checks its rows then: connection-stream.ts); else noted once.
    if ((this.firstWrite === undefined || this.streams.openCursors !== 0) && this.transactions.length > 0 && mayWrite(sql)) {
      this.firstWrite ??= sql;
      this.writes++;
    }
    // Inside a retried fn, a write in autocommit here is fn's work until answered, unless the connection is already (committed-work.ts).
    const settle = this.transactions.length === 0 && connectsWatched() ? watchedStatement(this, sql) : undefined;
    let answer: DriverResult | Promise<DriverResult>;
    try {
      answer = conn.execute(sql, params, options);
    } catch (error) {
      settle?.();
      throw this.failure(error, sql, params, table);
    }
    if (answer instanceof Promise) return this.awaitAnswer(answer, sql, params, table, settle);
    settle?.();
    if (commitsWatched()) noteAnswered(sql, this.transactions[0]); // inside a retried fn: did it commit? (committed-work.ts)
    return checkedColumns(answer, sql);
  }

  private async awaitAnswer(answer: Promise<DriverResult>, sql: string, params: readonly unknown[], table: Table | undefined, settle: (() => void) | undefined): Promise<DriverResult> {
    this.inFlight.sent();
    try {
      const result = await answeredWithin(answer, this.context.statementTimeoutMs, sql, this.driverConnection); // as in `guard`
      if (commitsWatched()) noteAnswered(sql, this.transactions[0]);
      return checkedColumns(result, sql);
    } catch (error) {
      throw this.failure(error, sql, params, table);
    } finally {
      this.inFlight.answered();
      settle?.();
    }
  }

  /** What a driver error becomes: translated, and recorded against the open transactions (connection-failures.ts). */
  private failure(error: unknown, sql: string, params: readonly unknown[], table?: Table): Error {
    if (notTheDatabases(error)) return error;
    return failureOutcome(this, this.noteFailure(this.dialect.translateError(error, sql, params)), sql, this.transactions, table);
  }

  /** Records what an error did to the open transactions (`failedTransaction`) and the connection. */
  private noteFailure(error: DBAPIError): DBAPIError {
    if (error.connectionInvalidated) this.broken = true;
    this.failed = failedTransaction(this, error, this.transactions, this.failed);
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

  /** @internal A count that changes when a statement that may write runs in a transaction while a stream is open here. */
  get writesBesideStreams(): number {
    return this.writes;
  }

  /** @internal Whether a stream open here refuses writes beside its cursor (SQLite), or any statement (MySQL/MariaDB). */
  get streamRefusesWrites(): boolean {
    return this.streams.openCursors !== 0 && this.driverConnection?.cursorSharing !== "transaction";
  }

  /** @internal Whether the driver reports a transaction open; undefined where it cannot tell without asking. */
  driverInTransaction(): boolean | undefined {
    return this.driverConnection?.inTransaction?.();
  }

  whenIdle(): Promise<void> {
    return this.inFlight.whenIdle();
  }

  async begin(options: BeginOptions = {}): Promise<Transaction> {
    if (this.transactions.length) return this.beginNested();
    this.firstWrite = undefined;
    for (const statement of this.dialect.beginStatements(options.isolationLevel)) await this.runOwn(statement);
    return this.push(new Transaction(this, undefined));
  }

  async beginNested(): Promise<Transaction> {
    if (!this.transactions.length) throw new InvalidRequestError("beginNested() needs a transaction; call begin() first.");
    const name = `sp_${++this.savepointCounter}`;
    await this.runOwn(`SAVEPOINT ${name}`);
    return this.push(new Transaction(this, name));
  }

  async transaction<T>(fn: (connection: Connection) => Promise<T>, options: BeginOptions = {}): Promise<T> {
    return runInTransaction(await this.begin(options), () => fn(this));
  }

  async close(): Promise<void> {
    const conn = this.driverConnection;
    if (!conn) return;
    // A stream still reading (MySQL/MariaDB) holds it mid-result: the next user would wait behind it.
    if (this.streams.exclusiveStream !== undefined) this.broken = true;
    let committed: ImplicitlyCommittedError | undefined;
    if (this.transactions.length && !this.broken) {
      // Refused beside a SQLite cursor (nothing sent), it is not broken: the driver's release ends the cursor, then rolls
      // back (an in-memory database closed as broken went with it, every committed row and table).
      const error = await this.transactions[0]!.rollback().then(() => undefined, (e: unknown) => e ?? new Error("ROLLBACK failed"));
      if (error instanceof StreamInProgressError) this.endTransaction(this.transactions[0]!);
      // Nothing to roll back (MySQL/MariaDB committed it): the connection is sound, the caller must hear it.
      else if (error instanceof ImplicitlyCommittedError) committed = error;
      else if (error !== undefined) this.broken = true;
      if (this.driverConnection !== conn) return; // invalidated meanwhile
    }
    this.driverConnection = undefined;
    conn.release(this.broken, this.sessionChanged);
    this.context.released?.(this);
    if (committed) throw committed;
  }

  invalidate(reason = "it was invalidated"): void {
    const conn = this.driverConnection;
    if (!conn) return;
    this.driverConnection = undefined;
    this.invalidatedBecause = reason;
    // Not merely ended: a session must not take it for one that failed on its data, whose work it writes again.
    this.noteFailure(new OperationalError(`The connection was closed: ${reason}.`, { connectionInvalidated: true }, undefined));
    conn.release(true);
    this.context.released?.(this);
  }

  /** @internal Called by `Transaction` when it ends: it and any savepoints inside it are closed. */
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
