/**
 * A session's database transaction, or one of its savepoints, as SQLAlchemy's
 * SessionTransaction: the connection, the engine's transaction, the journal of the flushes made
 * in it, and for a savepoint the copies of the objects it touched. Savepoints form a stack, each
 * with its parent; the root holds the connection and returns it to the pool when it ends.
 *
 * What each end promises (docs/reliability.md):
 * - commit: the work is in the database; a COMMIT that fails leaves the work to be written again.
 * - rollback of the root: nothing of the transaction survives, in the database or in memory.
 * - rollback of a savepoint: the database and the objects it touched are as when it began.
 * - a flush that fails inside a savepoint rolls back to it; the transaction goes on.
 */
import { CommitOutcomeUnknownError, DBAPIError, InvalidRequestError, TransactionRolledBackError } from "../../core/errors.js";
import type { Connection } from "../../engine/connection.js";
import type { IsolationLevel } from "../../engine/driver.js";
import type { Engine } from "../../engine/engine.js";
import type { Transaction } from "../../engine/transaction.js";
import type { InstanceState } from "../state/instance-state.js";
import { watchedBy } from "../state/mutable-values.js";
import { Journal, restoreMovedCounters } from "../unit-of-work/journal.js";
import { expungeAdded, syncDeletions } from "../unit-of-work/undo.js";
import type { UnitOfWork } from "../unit-of-work/unit-of-work.js";
import { expireState } from "./expiry.js";
import { Snapshots } from "../state/snapshots.js";
import { savepointRollbackBesideStream } from "./streaming.js";

export interface BeginOptions {
  readonly isolationLevel?: IsolationLevel | undefined;
  /** Who holds the connection, for the pool's reports. */
  readonly holder: string;
}

export class SessionTransaction {
  journal = new Journal();
  /** Objects as this savepoint found them (undefined for the root: its rollback expires them all). */
  private readonly snapshots: Snapshots | undefined;
  /** Objects given values read from the database inside this savepoint: its rollback expires them (undefined for the root). */
  readonly reads: Set<InstanceState> | undefined;
  /** Objects whose rows a locking read of this transaction locked (the root's set, shared by its savepoints). */
  readonly lockedRows: Set<InstanceState>;
  /** How many there were when this savepoint began: more, and its rollback may end some (PostgreSQL). */
  private readonly locksAtBegin: number;
  /** Objects that joined the session inside this savepoint (no row, or detached): its rollback takes them out. */
  private readonly added = new Set<InstanceState>();
  /** Objects linked from their own side after this mark were linked in this savepoint: its rollback forgets them. */
  private readonly linkedMark: number;
  private ended = false;
  /**
   * Statements of the application's own ran in this transaction or savepoint (`session.connection()`,
   * SQL text or DML through `session.execute`): rolling it back would undo them.
   */
  private lent = false;
  /**
   * Why this transaction can only be rolled back: the database rolled it back (a deadlock, a
   * lost connection: the root) or refuses to go on in it (PostgreSQL after an error: the
   * innermost savepoint, or the root), or it holds work the session cannot write again. Every
   * savepoint inside a failed transaction fails with it; rolling the failed one back clears it.
   */
  private failure: unknown;

  private constructor(
    readonly connection: Connection,
    private tx: Transaction,
    readonly parent: SessionTransaction | undefined,
    private readonly uow: UnitOfWork,
  ) {
    this.snapshots = parent ? new Snapshots() : undefined;
    this.reads = parent ? new Set() : undefined;
    this.lockedRows = parent ? parent.lockedRows : new Set();
    this.locksAtBegin = this.lockedRows.size;
    this.linkedMark = uow.linked.mark;
  }

  /** Checks a connection out of the engine's pool and begins the root transaction on it. */
  static async begin(engine: Engine, uow: UnitOfWork, options: BeginOptions): Promise<SessionTransaction> {
    const connection = await engine.connect({ holder: options.holder });
    try {
      const tx = await connection.begin(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {});
      // Its work is the session's: SQL text must not commit it behind the session's back (`refusedText`).
      tx.refusesImplicitCommits = true;
      return new SessionTransaction(connection, tx, undefined, uow);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  get root(): SessionTransaction {
    return this.parent ? this.parent.root : this;
  }

  get isActive(): boolean {
    return !this.ended;
  }

  /** @internal The database's transaction or savepoint it runs in now (a flush failed in a savepoint begins another). */
  get database(): Transaction {
    return this.tx;
  }

  /** A savepoint inside this transaction. */
  async beginNested(): Promise<SessionTransaction> {
    this.checkUsable();
    return new SessionTransaction(this.connection, await this.connection.beginNested(), this, this.uow);
  }

  /** Throws when only a rollback can follow. */
  checkUsable(): void {
    const failed = this.failedLevel();
    if (failed !== undefined) {
      const what = failed.parent ? "savepoint" : "transaction";
      const fix = failed.parent ? "Roll the savepoint back" : "Call session.rollback()";
      throw new TransactionRolledBackError(
        `This session's ${what} cannot go on after an earlier error (${describeError(failed.failure)}): the database ` +
          `rolled back, or will only roll back, the work written in it. ${fix} first.`,
        failed.failure instanceof Error ? failed.failure : new Error(String(failed.failure)),
      );
    }
    if (this.ended) throw new InvalidRequestError(`This ${this.parent ? "savepoint" : "transaction"} has already ended.`);
  }

  /** The outermost transaction, from this one up, that only a rollback can end. */
  private failedLevel(): SessionTransaction | undefined {
    let failed: SessionTransaction | undefined;
    for (let tx: SessionTransaction | undefined = this; tx; tx = tx.parent) if (tx.failure !== undefined) failed = tx;
    return failed;
  }

  /** Marks this transaction (and every savepoint inside it) as one that only a rollback can end. */
  private fail(cause: unknown): void {
    this.failure ??= cause;
  }

  /**
   * A statement in this transaction failed: the engine knows what it left unusable (the root
   * after a deadlock or a lost connection, the innermost savepoint on PostgreSQL).
   */
  statementFailed(error: unknown): void {
    for (let level: SessionTransaction | undefined = this; level; level = level.parent) {
      if (level.tx.isFailed) level.fail(level.tx.failureCause ?? error);
    }
  }

  /**
   * A statement of the application's ran here, and what followed it failed (the session could
   * not take in its rows): the caller, told it failed, must not commit it. Only a rollback of this
   * level (which undoes the statement) may end it.
   */
  failedAfterWrite(error: unknown): void {
    this.fail(error);
  }

  /** Before an object changes: the copy a rollback of this savepoint restores. */
  changing(state: InstanceState): void {
    this.snapshots?.take(state);
  }

  joined(state: InstanceState): void {
    if (this.parent) this.added.add(state);
  }

  // ------------------------------------------------------------------ ends

  /** Releases the savepoint into its parent, or commits the transaction and returns the connection. */
  async commit(): Promise<void> {
    this.checkUsable();
    if (this.parent) {
      try {
        await this.tx.commit();
      } catch (error) {
        this.statementFailed(error); // the savepoint went with the transaction (a deadlock, a lost connection)
        throw error;
      }
      this.foldInto(this.parent);
      return;
    }
    try {
      await this.tx.commit();
    } catch (error) {
      await this.connection.close();
      // The rows may be in: nothing is put back to be written again (the caller expires all).
      if (error instanceof CommitOutcomeUnknownError) {
        this.ended = true;
        throw error;
      }
      // Lost with the connection, or refused for a deadlock or a serialization failure, or
      // holding statements of the application's own or row locks that went with it: as for a
      // flush (see `flushFailed`), only a rollback may follow.
      if (voidsTransaction(error) || this.lent || this.lockedRows.size > 0) {
        this.fail(error);
        throw error;
      }
      // Refused for its data (a deferred constraint, say): its work is held again, to be written once.
      this.ended = true;
      this.uow.restore(this.journal);
      throw error;
    }
    this.ended = true;
    await this.connection.close();
  }

  /** Savepoints still open when the transaction commits are released with it. */
  foldInto(parent: SessionTransaction): void {
    this.ended = true;
    parent.journal.absorb(this.journal);
    if (parent.snapshots) this.snapshots?.passTo(parent.snapshots);
    if (parent.reads) for (const state of this.reads!) parent.reads.add(state);
    if (parent.parent) for (const state of this.added) parent.added.add(state);
  }

  /**
   * Rolls the savepoint back (objects as it found them; those added in it leave), or the whole
   * transaction (nothing of it survives: see `UnitOfWork.discard`) and returns the connection.
   */
  async rollback(): Promise<void> {
    if (this.ended) return;
    // SQLite and MySQL/MariaDB would refuse it beside their cursor: refused before anything, the savepoint and the stream go on.
    if (this.parent && this.connection.streamRefusesWrites) throw savepointRollbackBesideStream();
    this.ended = true;
    if (!this.parent) {
      this.uow.discard(this.journal);
      await this.rollbackAndRelease();
      return;
    }
    // Rolling back to the savepoint clears its own failure, not an enclosing transaction's.
    if (this.parent.failedLevel() === undefined) {
      try {
        await this.tx.rollback();
      } catch (error) {
        this.root.fail(error); // the savepoint is gone with the transaction (a deadlock, a lost connection)
      }
    }
    this.uow.restore(this.journal);
    this.uow.flushes++; // an association object unlinked in the savepoint is not taken back
    expungeAdded(this.uow, this.added);
    this.uow.linked.forgetSince(this.linkedMark);
    syncDeletions(this.uow, this.snapshots!.restore(watchedBy(this.uow.owner)));
    // After the copies: an object a bulk UPDATE's RETURNING made was copied with the moved counter.
    restoreMovedCounters(this.journal, this.uow.identity);
    this.uow.forgetOrphans();
    // Read in the savepoint, maybe from rows written in it (SQL text, bulk DML): stale now. The
    // savepoint began with a flush, so expiring them loses no change.
    for (const state of this.reads!) if (state.session === this.uow.owner) expireState(state);
  }

  /**
   * A flush inside this transaction failed. In a savepoint, the database goes back to it and the
   * flushes made in it are undone in memory (their work pending again), and the savepoint stays
   * open. In the root, the transaction is rolled back and the work kept for the next one. When
   * the database already rolled everything back under open savepoints, only a rollback can follow.
   * Returns whether the transaction ended.
   */
  async flushFailed(error: unknown): Promise<boolean> {
    // The database rolled the transaction back, or it cannot commit any more (a deadlock, a
    // serialization failure, a lost connection): what was read in it is void, so its work is
    // not written again on its own either. Only a rollback may follow (then a retry, which
    // `sessionMaker().transaction` does).
    if (voidsTransaction(error)) {
      this.root.fail(error);
      return false;
    }
    if (this.parent) {
      // As for the root below: rolling back to the savepoint would undo them unseen, or end
      // the row locks taken in it (PostgreSQL).
      if (this.lent || this.lockedRows.size > this.locksAtBegin) {
        this.fail(error);
        return false;
      }
      try {
        await this.tx.rollback();
        this.tx = await this.connection.beginNested();
      } catch {
        this.root.fail(error); // the savepoint is gone with the transaction (a deadlock, a lost connection)
        return false;
      }
      this.uow.restore(this.journal);
      this.journal = new Journal();
      return false;
    }
    // Statements of the application's own ran in the transaction: the session cannot write them
    // again, so going on as if nothing was lost would lie. Nor can it take back the row locks of
    // its locking reads, which the rollback ends: another transaction may change those rows
    // before the next commit writes values computed under the lock. Only a rollback may follow.
    if (this.lent || this.lockedRows.size > 0) {
      this.fail(error);
      return false;
    }
    this.ended = true;
    this.uow.restore(this.journal);
    await this.rollbackAndRelease();
    return true;
  }

  /**
   * Once the root has ended and the session has read its records: an ended transaction holds no
   * object of the application's (the session keeps the last one, see kept-shapes.ts).
   */
  forgetRecords(): void {
    this.journal = new Journal();
    this.lockedRows.clear(); // the locks ended with the transaction
  }

  /** The connection, for statements of the application's own (see `flushFailed`). */
  lend(): Connection {
    this.checkUsable();
    // Rolling back this savepoint or any around it undoes what runs on it now.
    for (let level: SessionTransaction | undefined = this; level; level = level.parent) level.lent = true;
    return this.connection;
  }

  private async rollbackAndRelease(): Promise<void> {
    // The ROLLBACK may fail on a broken connection: the database rolls back on its own then. The
    // one failure that would hide committed work, MySQL/MariaDB's implicit commit
    // (`ImplicitlyCommittedError`), cannot happen here: a session's transaction refuses the text.
    if (this.tx.isActive) await this.tx.rollback().catch(() => undefined);
    await this.connection.close();
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
}

/**
 * Whether a failed flush or COMMIT voids the whole transaction, what it read included: the
 * connection is gone, the database rolled the transaction back (a MariaDB deadlock), or running
 * it again is the cure (a deadlock, a serialization failure). Else the failure is the data's
 * (a constraint, a bad value), and rolling back the flush is enough.
 */
function voidsTransaction(error: unknown): boolean {
  // The engine refused: an earlier statement (perhaps the application's own) failed the transaction.
  if (error instanceof TransactionRolledBackError) return true;
  return error instanceof DBAPIError && (error.connectionInvalidated || error.abortsTransaction === "all" || error.retryable);
}
