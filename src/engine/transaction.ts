/**
 * A transaction or savepoint of a `Connection`. A statement error can leave it *failed*: rolled
 * back by the database, or good only for a rollback (see `Connection` for which errors do that).
 * A failed transaction refuses `commit()` and further statements with
 * `TransactionRolledBackError` until `rollback()` is called.
 */
import { DBAPIError, ImplicitlyCommittedError, InvalidRequestError, StreamInProgressError, TransactionRolledBackError } from "../core/errors.js";
import type { Connection } from "./connection.js";
import { commitOutcomeUnknown } from "./unknown-outcomes.js";
import { commitsWatched, noteTransactionCommit, refuseAbandonedCommit, transactionEnded, watchTransaction } from "./committed-work.js";

/** A transaction (or a savepoint, when nested) on a `Connection`, ended by `commit()` or `rollback()`. */
export class Transaction {
  private active = true;
  private failure: Error | undefined;
  /** The database no longer has it: rolled back with the whole transaction or the connection. */
  private gone = false;
  /** @internal A session's: SQL text that MySQL/MariaDB commit implicitly is refused in it (`refusedText`). */
  refusesImplicitCommits = false;
  /**
   * @internal SQL text before which MySQL/MariaDB committed it (DDL, LOCK TABLES...: `commitsImplicitly`);
   * every statement after it committed as it ran. No rollback can undo any of it.
   */
  committedBefore: string | undefined;
  /** @internal `committedBefore` is one statement, and nothing was written before it: failed, it committed nothing. */
  committedNothingBefore = false;
  /** @internal Ended by its rollback: PostgreSQL closed the cursors opened in it (connection-stream.ts). */
  undone = false;

  constructor(
    readonly connection: Connection,
    /** The savepoint name; undefined for the outermost transaction. */
    readonly savepoint: string | undefined,
  ) {
    if (savepoint === undefined && commitsWatched()) watchTransaction(this); // inside a retried fn: its work until it ends
  }

  /** Open: neither committed nor rolled back here (a failed transaction is still open until its rollback()). */
  get isActive(): boolean {
    return this.active;
  }

  /** Whether it is a savepoint inside another transaction (from `beginNested()`, or `begin()` inside one). */
  get isNested(): boolean {
    return this.savepoint !== undefined;
  }

  /** Whether an error left it rolled back by the database, or good only for `rollback()`. */
  get isFailed(): boolean {
    return this.failure !== undefined;
  }

  /** The error that failed it, or undefined. */
  get failureCause(): Error | undefined {
    return this.failure;
  }

  /**
   * Commits (COMMIT, or RELEASE SAVEPOINT when nested). A failed transaction refuses, with
   * `TransactionRolledBackError`, and sends nothing; a lost connection during COMMIT is a
   * `CommitOutcomeUnknownError`: the outcome is unknown, not failed. A second end throws `InvalidRequestError`.
   *
   * ```ts
   * const tx = await conn.begin();
   * await conn.execute(insert(users).values({ email: "ann@example.com" }));
   * await tx.commit(); // COMMIT
   * ```
   */
  async commit(): Promise<void> {
    this.checkActive("commit");
    // Refused before anything is sent: PostgreSQL answers COMMIT of an aborted transaction with
    // a silent ROLLBACK, which must never look like success.
    this.connection.assertUsable("commit");
    if (this.savepoint) {
      await this.connection.runTransactionControl(`RELEASE SAVEPOINT ${this.savepoint}`);
      this.connection.endTransaction(this);
      return;
    }
    refuseAbandonedCommit(this.connection.firstWriteInTransaction); // work left behind by a retried fn: the next attempt commits it
    // What it wrote, for a watched run (`committed-work.ts`) the commit is made in.
    const firstWrite = commitsWatched() ? this.connection.firstWriteInTransaction : undefined;
    try {
      await this.connection.runTransactionControl("COMMIT");
    } catch (error) {
      // Refused before it was sent (a stream holds the connection): the transaction is as it was.
      if (error instanceof StreamInProgressError) throw error;
      // A failed COMMIT ends the transaction on PostgreSQL and MySQL; SQLite keeps it open when
      // the database was busy, and then it can be committed again or rolled back.
      if (this.connection.driverInTransaction() !== true) this.connection.endTransaction(this);
      if (error instanceof DBAPIError && error.connectionInvalidated) throw commitOutcomeUnknown(error, firstWrite);
      throw error;
    }
    this.connection.endTransaction(this);
    noteTransactionCommit(firstWrite);
  }

  /**
   * Rolls back (ROLLBACK, or ROLLBACK TO SAVEPOINT when nested): the way out of a failed
   * transaction too. Nothing is sent when the database already rolled it back. On MySQL/MariaDB,
   * after SQL text that committed it implicitly (DDL, LOCK TABLES...), throws `InvalidRequestError`:
   * nothing can be rolled back.
   *
   * ```ts
   * const tx = await conn.begin();
   * try {
   *   await conn.execute(insert(users).values({ email: "taken@example.com" }));
   *   await tx.commit();
   * } catch (error) {
   *   if (tx.isActive) await tx.rollback(); // ROLLBACK
   *   throw error;
   * }
   * ```
   */
  async rollback(): Promise<void> {
    this.checkActive("rollback");
    // It resolved, though what it claimed to undo was committed.
    if (this.committedBefore !== undefined) {
      this.connection.endTransaction(this);
      throw implicitlyCommitted(this.committedBefore);
    }
    let sent = true;
    try {
      // Nothing to send when the database has already rolled it back: with the connection, or
      // (a savepoint) with the whole transaction, or when the driver knows none is open.
      const gone = this.gone && (this.savepoint !== undefined || this.connection.driverInTransaction() === false);
      if (!gone && !this.connection.invalidated) {
        if (this.savepoint) {
          await this.connection.runTransactionControl(`ROLLBACK TO SAVEPOINT ${this.savepoint}`);
          await this.connection.runTransactionControl(`RELEASE SAVEPOINT ${this.savepoint}`);
        } else {
          await this.connection.runTransactionControl("ROLLBACK");
        }
      }
    } catch (error) {
      // Refused before it was sent (a stream holds the connection): still open, to roll back later.
      if (error instanceof StreamInProgressError) sent = false;
      throw error;
    } finally {
      if (sent) {
        this.undone = true;
        this.connection.endTransaction(this);
      }
    }
  }

  /** @internal Called by the connection when an enclosing transaction ended. */
  markEnded(): void {
    this.active = false;
    if (this.savepoint === undefined) transactionEnded(this);
  }

  /** @internal Called by the connection when a statement error failed it. */
  markFailed(cause: Error, gone: boolean): void {
    this.failure ??= cause;
    this.gone ||= gone;
  }

  /**
   * The `TransactionRolledBackError` that a commit or statement attempted on it (or inside it)
   * while it is failed raises: it names `action` and carries the failure as its cause.
   *
   * ```ts
   * declare const tx: Transaction;
   * if (tx.isFailed) throw tx.rolledBackError("run my report"); // "Cannot run my report: the transaction was rolled back ..."
   * ```
   */
  rolledBackError(action: string): TransactionRolledBackError {
    const what = this.savepoint ? "savepoint (beginNested())" : "transaction";
    const cause = this.failure!;
    const recover = this.savepoint
      ? "Call rollback() on the savepoint to go on with the enclosing transaction, or roll back the transaction."
      : "Call rollback() and run the transaction again.";
    // Not "nothing": MySQL/MariaDB committed what ran before the statement, and what ran after it.
    const committed =
      this.committedBefore === undefined
        ? "Nothing in it was committed."
        : `But MySQL/MariaDB committed its work before "${this.committedBefore.trim().slice(0, 60)}" ran, and each statement after it as it ran.`;
    return new TransactionRolledBackError(
      `Cannot ${action}: the ${what} was rolled back by the database, or can only be rolled back, after an error ` + `(${firstLine(cause.message)}). ${committed} ${recover}`,
      cause,
    );
  }

  private checkActive(action: string): void {
    if (!this.active) throw new InvalidRequestError(`Cannot ${action}: this ${this.savepoint ? "savepoint" : "transaction"} has already ended.`);
  }
}

const firstLine = (message: string): string => message.split("\n")[0]!;

/**
 * The refusal of a rollback that could undo nothing: MySQL/MariaDB committed the transaction before
 * `sql`. With `failure`, the error that made `transaction(fn)` (or what `by` names) roll back: its cause.
 */
function implicitlyCommitted(sql: string, failure?: { readonly error: unknown; readonly by?: string }): ImplicitlyCommittedError {
  const after = failure === undefined ? "" : `${failure.by ?? "transaction(fn) rolled back"} after ${describe(failure.error)}, but `;
  return new ImplicitlyCommittedError(
    `${after}Nothing was rolled back: MySQL/MariaDB committed the transaction before "${sql.trim().slice(0, 60)}" ran (DDL, LOCK TABLES and a few ` +
      "other statements commit the open transaction first), and each statement after it committed as it ran. Run such statements " +
      "outside a transaction, or before its other work.",
    sql,
    failure === undefined ? undefined : { cause: failure.error },
  );
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : String(error));

/** Runs `fn` in `tx`: committed when `fn` resolves, rolled back when it throws, and the error rethrown. */
export async function runInTransaction<T>(tx: Transaction, fn: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    if (tx.isActive) await rollbackAfter(tx, error);
    throw error;
  }
  if (tx.isActive) {
    try {
      await tx.commit();
    } catch (error) {
      // Refused (failed), or failed with the transaction still open (SQLite): roll it back.
      if (tx.isActive) await rollbackAfter(tx, error);
      throw error;
    }
  }
  return result;
}

/**
 * Rolls back after `failure`, which the caller then throws. A rollback that could undo nothing
 * (MySQL/MariaDB committed the work: `committedBefore`) throws instead, `failure` as its cause:
 * thrown alone, `failure` said nothing was written while rows were committed. Any other failed
 * ROLLBACK (a lost connection) leaves the database to roll back on its own: `failure` is the truth.
 */
async function rollbackAfter(tx: Transaction, failure: unknown): Promise<void> {
  const committedBefore = tx.committedBefore;
  try {
    await tx.rollback();
  } catch (error) {
    if (error instanceof ImplicitlyCommittedError && committedBefore !== undefined) throw implicitlyCommitted(committedBefore, { error: failure });
  }
}

/**
 * @internal MySQL/MariaDB commit the open `transactions` before `sql` runs. `nothingBefore`: it is
 * one statement and nothing was written before it, so that, if it fails, nothing was committed.
 */
export function noteImplicitCommit(transactions: readonly Transaction[], sql: string, nothingBefore: boolean): void {
  for (const tx of transactions) {
    if (tx.committedBefore !== undefined) continue;
    tx.committedBefore = sql;
    tx.committedNothingBefore = nothingBefore;
  }
}

/**
 * @internal `sql` failed: when it was not run (a syntax error), or it was the first write (`CREATE
 * TABLE` of a table that exists), its implicit commit committed nothing, and a rollback undoes all.
 */
export function forgetImplicitCommit(transactions: readonly Transaction[], sql: string, notRun: boolean): void {
  for (const tx of transactions) if (tx.committedBefore === sql && (notRun || tx.committedNothingBefore)) tx.committedBefore = undefined;
}

/**
 * @internal Closes `conn` after `failure`, which the caller then throws (`engine.withConnection`).
 * When the close's rollback of a transaction left open could undo nothing (MySQL/MariaDB committed
 * it: `ImplicitlyCommittedError`), throws that instead, `failure` as its cause: thrown alone,
 * `failure` said nothing was written while rows were committed. A close failing otherwise leaves
 * `failure` the truth (the database rolls back what the connection held).
 */
export async function closeAfter(conn: Connection, failure: unknown): Promise<void> {
  try {
    await conn.close();
  } catch (error) {
    if (error instanceof ImplicitlyCommittedError) throw implicitlyCommitted(error.statement, { error: failure, by: "closing the connection rolled back the transaction left open" });
  }
}
