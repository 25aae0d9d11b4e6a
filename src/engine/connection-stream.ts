/**
 * A connection's streams (`Connection.stream` and `streamCompiled`): a query read a batch at a
 * time through the driver's cursor. PostgreSQL's cursor lives in a transaction (one is begun for
 * a stream outside any, and ends with it); MySQL/MariaDB's holds the connection until it is read
 * to its end or closed.
 */
import type { CompiledQuery } from "../core/compiler/compiled-query.js";
import { InvalidRequestError, StreamEndedError } from "../core/errors.js";
import { writingCtes } from "../core/compiler/cte-clause.js";
import { insertChunks } from "../core/statements/chunking.js";
import type { Executable } from "../core/statements/executable.js";
import type { Connection } from "./connection.js";
import { yieldPerOf, type StreamOptions } from "./connection-options.js";
import { convertInPlace, convertValuesInPlace, processorsFor } from "./convert-rows.js";
import type { DriverConnection, DriverCursor, ExecuteOptions } from "./driver.js";
import { duplicateColumnError } from "./duplicate-columns.js";
import { statementTexts, streamInProgress } from "./statement-kind.js";
import type { Transaction } from "./transaction.js";

/** @internal The streams on one connection: written here, read by `Connection` before each statement. */
export interface StreamState {
  /** The SQL of the stream that holds the connection (MySQL/MariaDB), if one does. */
  exclusiveStream: string | undefined;
  /** The streams open on the connection (their cursors opened and not closed). */
  openCursors: number;
}

/** @internal What a stream needs of its connection's own state (kept private to `Connection`). */
export interface StreamAccess {
  readonly connection: Connection;
  /** The driver connection; throws when the connection is closed. */
  checkOpen(): DriverConnection;
  /** The failed transaction's error, when only a rollback may follow. */
  failedError(): Error | undefined;
  /** The connection's streams: the one holding it, the cursors open (shared with `Connection`). */
  readonly state: StreamState;
  /** The open transaction and its savepoints, outermost first. */
  transactions(): readonly Transaction[];
  /** Runs a driver call of the stream: errors wrapped and recorded as statements' are. */
  guard<T>(sql: string, params: readonly unknown[], call: () => Promise<T>): Promise<T>;
  log(sql: string, params: readonly unknown[]): void;
}

/** @internal `Connection.stream`: one row at a time. */
export async function* streamStatement<Row>(access: StreamAccess, statement: Executable<Row>, options: StreamOptions): AsyncGenerator<Row, void, undefined> {
  const connection = access.connection;
  // No one cursor reads an INSERT that execute() runs as several statements (chunks over the
  // parameter limit, rows paired by sortByParameterOrder), nor a statement that writes (an INSERT,
  // UPDATE or DELETE ... RETURNING, a data-modifying CTE: PostgreSQL declares cursors over queries
  // only): such a statement runs whole, and its rows are yielded from its result.
  const compiled = runsAsSeveral(statement.node, connection.dialect.capabilities.maxParameters) ? undefined : connection.compile(statement);
  if (compiled !== undefined && statement.node.kind === "raw") connection.checkText(compiled.sql); // as execute() checks it: MariaDB runs any text as a stream
  if (compiled === undefined || writes(statement.node, compiled.sql)) {
    yieldPerOf(options.yieldPer);
    yield* (await connection.execute(statement)).rows;
    return;
  }
  for await (const batch of streamBatches<Row>(access, compiled, options)) yield* batch;
}

/** @internal `Connection.streamCompiled`: a batch of `yieldPer` rows at a time. */
export async function* streamBatches<Row>(access: StreamAccess, compiled: CompiledQuery, options: StreamOptions & ExecuteOptions): AsyncGenerator<Row[], void, undefined> {
  const connection = access.connection;
  const batchSize = yieldPerOf(options.yieldPer);
  const failed = access.failedError();
  if (failed) throw failed;
  if (DML.test(statementTexts(compiled.sql, connection.dialect.name)[0] ?? "")) {
    // A write with RETURNING: run whole (PostgreSQL declares cursors over queries only), its rows yielded a batch at a time.
    const rows = (await connection.executeCompiled<Row>(compiled, options)).rows;
    for (let i = 0; i < rows.length; i += batchSize) yield rows.slice(i, i + batchSize);
    return;
  }
  const conn = access.checkOpen();
  if (!conn.openCursor) throw new InvalidRequestError("This connection's driver cannot stream results.");
  if (access.state.exclusiveStream !== undefined) throw streamInProgress(access.state.exclusiveStream, compiled.sql);
  // A PostgreSQL cursor lives inside a transaction: one begun for it ends with it.
  const own: Transaction | undefined = conn.cursorSharing === "transaction" && !connection.inTransaction ? await connection.begin() : undefined;
  let cursor: DriverCursor | undefined;
  let cursorGone = () => false;
  let broke = false;
  try {
    access.log(compiled.sql, compiled.params);
    cursor = await access.guard(compiled.sql, compiled.params, () => conn.openCursor!(compiled.sql, compiled.params, options));
    access.state.openCursors++;
    if (conn.cursorSharing === "exclusive") access.state.exclusiveStream = compiled.sql;
    // PostgreSQL closes the cursor at COMMIT, and at the rollback of a savepoint it was opened in:
    // a FETCH or CLOSE sent then would fail, and fail the transaction with it.
    const enclosing = conn.cursorSharing === "transaction" ? [...access.transactions()] : undefined;
    cursorGone = () => enclosing !== undefined && (!enclosing[0]!.isActive || enclosing.some((tx) => tx.undone));
    const shape = options.rowShape ?? "objects";
    const processors = processorsFor(compiled, shape);
    for (;;) {
      access.checkOpen(); // closed while the loop was suspended: its cursor went with it
      if (cursorGone()) throw new StreamEndedError(`The stream's cursor was closed: the transaction or savepoint it was opened in ended while its loop ran.`);
      const rows = await access.guard(compiled.sql, compiled.params, () => cursor!.fetch(batchSize));
      if (cursor.duplicateColumn !== undefined) throw duplicateColumnError(cursor.duplicateColumn, compiled.sql);
      if (shape === "values") convertValuesInPlace(rows, compiled.resultProcessorsByIndex);
      else if (processors.length) convertInPlace(rows, processors);
      if (rows.length) yield rows as Row[];
      if (rows.length < batchSize) break;
    }
  } catch (error) {
    broke = true;
    throw error;
  } finally {
    access.state.exclusiveStream = undefined;
    if (cursor) access.state.openCursors--;
    // In a failed transaction the cursor is gone with it (the rollback ends it).
    if (cursor && access.failedError() === undefined && !connection.closed && !cursorGone()) await cursor.close().catch(() => (broke = true));
    if (own?.isActive) await (broke ? own.rollback() : own.commit());
  }
}

/** Whether `node` (compiled as `sql`) writes: no cursor reads it (SQL text is read in `streamBatches`). */
function writes(node: Executable<unknown>["node"], sql: string): boolean {
  return node.kind === "insert" || node.kind === "update" || node.kind === "delete" || writingCtes(node, sql).length !== 0;
}

/** A DML statement's first word, after any comments in front (statement-texts.ts). */
const DML = /^(insert|update|delete|merge|replace)\b/i;

/** Whether `execute` runs `node` as more than one statement, or pairs its rows (see `streamStatement`). */
function runsAsSeveral(node: Executable<unknown>["node"], maxParameters: number): boolean {
  return node.kind === "insert" && (node.sortByParameterOrder === true || insertChunks(node, maxParameters) !== undefined);
}
