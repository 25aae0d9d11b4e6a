/**
 * A session's transactions over time: the one open now (begun on first use, once even when
 * calls race for it), its savepoints, innermost last, and the order of the flushes, commits and
 * rollbacks run on them. A flush waits for the one in flight; a rollback or close waits for the
 * flush or commit in flight rather than pulling the connection from under it.
 */
import { CommitOutcomeUnknownError, IntegrityError, InvalidRequestError, StreamInProgressError } from "../../core/errors.js";
import type { CompiledQuery } from "../../core/compiler/compiled-query.js";
import type { Select } from "../../core/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import type { ExecuteOptions, IsolationLevel } from "../../engine/driver.js";
import { yieldPerOf } from "../../engine/connection-options.js";
import type { Engine } from "../../engine/engine.js";
import type { Result } from "../../engine/result.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { Journal } from "../unit-of-work/journal.js";
import { UnitOfWork } from "../unit-of-work/unit-of-work.js";
import { explainExchange } from "../unit-of-work/unique-order.js";
import type { InstanceState, StateOwner } from "../state/instance-state.js";
import { expireState } from "./expiry.js";
import { assertAllExpired } from "./expiry-check.js";
import type { NestedTransaction } from "./session-options.js";
import { SessionTransaction } from "./session-transaction.js";
import { readOnlyFlush, readOnlyStatement } from "./read-only.js";
import { writingCtes } from "../../core/compiler/cte-clause.js";
import { unversionedCteUpdate } from "./bulk-version.js";
import { noteCommitted } from "./committed.js";
import { listenersOf, refuseInsideHooks, runInside, insideHooksOf, SessionListeners, type SessionEvents } from "./session-events.js";
import type { FlushHooks } from "../unit-of-work/collaborators.js";
import { runBeforeHooks, runHooks } from "../unit-of-work/flush-hooks.js";
import { flushHooksInUse, type HookKind } from "../mapping/model-events.js";
import { readExpiredForHooks } from "./hook-reads.js";
import { flushBesideStream } from "./streaming.js";

type Load = (rel: RelationshipProperty, objects: readonly object[]) => Promise<void>;

let sessionsMade = 0;
const NOTHING: Promise<void> = Promise.resolve();

export class Transactions {
  #innermost: SessionTransaction | undefined;

  /** The innermost open transaction: a savepoint, or the root. */
  get innermost(): SessionTransaction | undefined {
    return this.#innermost;
  }

  set innermost(tx: SessionTransaction | undefined) {
    this.#innermost = tx;
    // What the loaders read from now on is noted for the savepoint that a rollback would undo.
    this.identity.savepointReads = tx?.reads;
    // And the rows locked in the transaction, which its reads lock again (locked-rows.ts).
    this.identity.lockedRows = tx?.lockedRows;
  }

  /** The innermost savepoint, if one is open: it keeps copies of what changes inside it. */
  get openSavepoint(): SessionTransaction | undefined {
    const tx = this.innermost;
    return tx !== undefined && tx.parent !== undefined ? tx : undefined;
  }
  private starting: Promise<SessionTransaction> | undefined;
  private flushing: Promise<void> | undefined;
  private committing: Promise<void> | undefined;
  /** Who holds the connection, in the pool's reports. */
  private readonly holder = `Session #${++sessionsMade}`;
  /** The last root transaction that ended, its records forgotten: kept for its shapes (kept-shapes.ts). */
  lastEnded: SessionTransaction | undefined;

  /** The session's unit of work, whose savepoints are these transactions' (`openSavepoint`). */
  readonly uow: UnitOfWork;
  /** The session's event listeners (session-events.ts). */
  private readonly listeners: SessionListeners;
  /** While a flush runs its beforeFlush listeners and before hooks: objects may still change. */
  private preparing = false;
  /** Runs the models' hooks inside a flush, as the session's (session-events.ts). */
  private readonly flushHooks: FlushHooks = { run: (kind, states) => runInside(this.owner, () => this.runModelHooks(kind, states)) };

  constructor(
    private readonly engine: Engine,
    private readonly owner: StateOwner,
    private readonly identity: IdentityMap,
    private readonly isolationLevel: IsolationLevel | undefined,
    events?: SessionEvents | readonly SessionEvents[],
  ) {
    this.uow = new UnitOfWork({ owner, identity, savepoints: this });
    this.listeners = new SessionListeners(owner, listenersOf(events));
  }

  /** The innermost transaction, the root begun if none is open (once, however many calls race). */
  async current(): Promise<SessionTransaction> {
    const tx = this.innermost;
    if (tx) {
      tx.checkUsable();
      return tx;
    }
    this.starting ??= SessionTransaction.begin(this.engine, this.uow, { isolationLevel: this.isolationLevel, holder: this.holder })
      .then((begun) => (this.innermost = begun))
      .finally(() => (this.starting = undefined));
    return this.starting;
  }

  async lend(): Promise<Connection> {
    return (await this.current()).lend();
  }

  /** Runs a select for array rows. */
  async rows(statement: Select<unknown>): Promise<unknown[][]> {
    const compiled = this.engine.cache.compile(statement.node);
    const writing = this.writesBy(statement, compiled);
    if (writing !== undefined) await writing;
    return this.compiledRowsNow(compiled);
  }

  /** Runs a select, each array row mapped as it is read (`ExecuteOptions.mapRow`): what `mapRow` returns, in row order. */
  async mappedRows<T>(statement: Select<unknown>, mapRow: (row: unknown[]) => T): Promise<T[]> {
    const compiled = this.engine.cache.compile(statement.node);
    const writing = this.writesBy(statement, compiled);
    if (writing !== undefined) await writing;
    return (await this.compiledRowsNow(compiled, { rowShape: "arrays", mapRow })) as T[];
  }

  /**
   * A select that writes (a data-modifying CTE, `deleteFrom(t).returning(...).cte("gone")`) is
   * refused on a read-only engine, and so is one updating a versioned model without moving its
   * counter (bulk-version.ts); otherwise what it writes is the transaction's, as a bulk
   * statement's is (`lend`): a failed flush cannot roll it back and retry without it.
   */
  private writesBy(statement: Select<unknown>, compiled: CompiledQuery): Promise<unknown> | undefined {
    const writes = writingCtes(statement.node, compiled.sql);
    if (writes.length === 0) return undefined;
    if (this.readOnly) return Promise.reject(readOnlyStatement(writes[0]!.query.kind, writes[0]!.name));
    const refused = unversionedCteUpdate(writes);
    return refused === undefined ? this.lend() : Promise.reject(refused);
  }

  /**
   * Runs a compiled select for array rows: the rows themselves when a transaction is open and the
   * driver answers at once (SQLite), so a lookup by key takes no promise below `session.get`. Throws rather than rejects.
   */
  compiledRowsNow(compiled: CompiledQuery, options: ExecuteOptions = ARRAY_ROWS): unknown[][] | Promise<unknown[][]> {
    const open = this.innermost;
    if (open === undefined) return this.current().then((tx) => rowsIn(tx, compiled, options));
    open.checkUsable();
    return rowsIn(open, compiled, options);
  }

  /**
   * Streams a select's array rows, a batch at a time, through a cursor in the session's
   * transaction; a select that writes (a data-modifying CTE), over which PostgreSQL declares no
   * cursor, is run whole and its rows given in batches.
   */
  async *streamRows(statement: Select<unknown>, yieldPer: number | undefined): AsyncGenerator<unknown[][], void, undefined> {
    const compiled = this.engine.cache.compile(statement.node);
    const writing = this.writesBy(statement, compiled);
    if (writing !== undefined) {
      const batch = yieldPerOf(yieldPer);
      await writing;
      const rows = await this.compiledRowsNow(compiled);
      for (let i = 0; i < rows.length; i += batch) yield rows.slice(i, i + batch);
      return;
    }
    const tx = await this.current();
    try {
      // Errors thrown by the caller's loop body never come in here: only the cursor's own.
      yield* tx.connection.streamCompiled<unknown[]>(compiled, { rowShape: "arrays", yieldPer });
    } catch (error) {
      tx.statementFailed(error);
      throw error;
    }
  }

  // ------------------------------------------------------------------ flush and commit

  /**
   * Flushes the unit of work, after the flush in flight if there is one. Not async when there is
   * nothing to write: every query autoflushes, and `get` by key is measured in microseconds.
   */
  flush(expiring: boolean, load: Load): Promise<void> {
    return this.hasWork ? this.flushAfterOthers(expiring, load) : NOTHING;
  }

  /** Whether the engine is read-only (a replica): flushes and bulk statements are refused before sending. */
  get readOnly(): boolean {
    return this.engine.options.readOnly === true;
  }

  /** Whether a flush or commit is in flight (`StateOwner.writing`). */
  get writing(): boolean {
    return !this.preparing && (this.flushing !== undefined || this.committing !== undefined);
  }

  /** Whether a flush would write (or one is in flight): if not, a read need not wait for one. */
  get hasWork(): boolean {
    return this.flushing !== undefined || !this.uow.isEmpty;
  }

  private async flushAfterOthers(expiring: boolean, load: Load): Promise<void> {
    // From a hook or listener of the flush under way (a query's autoflush): that flush writes it.
    if (this.flushing !== undefined && insideHooksOf(this.owner)) return;
    // Its failure is its own caller's to hear (and is undone already); this flush only waits for it.
    while (this.flushing) await this.flushing.catch(() => undefined);
    if (this.uow.isEmpty) return;
    if (this.readOnly) throw readOnlyFlush({ added: this.uow.pending.all, changed: this.uow.modified, deleted: this.uow.deleting });
    await (this.flushing = this.runFlush(expiring, load).finally(() => (this.flushing = undefined)));
  }

  private async runFlush(expiring: boolean, load: Load): Promise<void> {
    const tx = await this.current();
    if (tx.connection.streamRefusesWrites) throw flushBesideStream(); // before anything: the transaction and the stream go on
    const addedByHooks: InstanceState[] = [];
    try {
      await this.prepareFlush(addedByHooks);
      const hooks = flushHooksInUse.mappers !== 0 ? this.flushHooks : undefined;
      await this.uow.flush({ connection: tx.connection, journal: tx.journal, expiring, load, hooks });
      if (this.listeners.has("afterFlush")) await this.listeners.emit("afterFlush");
    } catch (error) {
      // The next flush runs the hooks again, which add them again: not twice.
      for (const state of addedByHooks) if (state.key === undefined && state.session === this.owner) this.uow.expunge(state);
      const ended = await tx.flushFailed(error);
      if (ended) this.innermost = undefined;
      if (error instanceof IntegrityError) explainExchange(error, this.uow.modified);
      if (ended) await this.listeners.emitEnd("afterRollback", error);
      throw error;
    }
  }

  /** A model hook of a flush; before-hooks read their objects' expired columns first (hook-reads.ts). */
  private async runModelHooks(kind: HookKind, states: readonly InstanceState[]): Promise<void> {
    const rows = (statement: Select<unknown>) => this.rows(statement);
    if (kind === "beforeDelete") await readExpiredForHooks(states, ["beforeDelete", "afterDelete"], rows, this.identity.lockedRows);
    else if (kind === "beforeUpdate") await readExpiredForHooks(states, ["beforeUpdate"], rows, this.identity.lockedRows);
    await runHooks(kind, states);
  }

  /**
   * The part of a flush where objects may still change: the beforeFlush listeners, then the
   * models' beforeInsert and beforeUpdate hooks (flush-hooks.ts), before the flush takes its work.
   * Puts the objects they added on `added` (they leave again if the flush fails), even when one throws.
   */
  private async prepareFlush(added: InstanceState[]): Promise<void> {
    if (flushHooksInUse.mappers === 0 && !this.listeners.has("beforeFlush")) return;
    const joined = this.uow.pending.length;
    this.preparing = true;
    try {
      await this.listeners.emit("beforeFlush");
      await runBeforeHooks(this.uow, this.flushHooks);
    } finally {
      this.preparing = false;
      added.push(...this.uow.pending.all.slice(joined));
    }
  }

  /** Flushes and commits the transaction, open savepoints released with it; then expires (if asked). */
  commit(expire: boolean, load: Load): Promise<void> {
    refuseInsideHooks(this.owner, "session.commit()");
    return (this.committing = this.runCommit(expire, load).finally(() => (this.committing = undefined)));
  }

  private async runCommit(expire: boolean, load: Load): Promise<void> {
    this.innermost?.checkUsable();
    await this.flush(expire, load);
    let tx = this.innermost;
    if (tx) {
      tx.checkUsable();
      while (tx.parent) {
        tx.foldInto(tx.parent);
        tx = tx.parent;
      }
      this.innermost = undefined;
      // Refused before COMMIT, as a flush that failed for its data: rolled back, its work pending again.
      const unsaved = this.uow.unsavedReference();
      if (unsaved !== undefined) {
        if (!(await tx.flushFailed(unsaved))) this.innermost = tx;
        else await this.listeners.emitEnd("afterRollback", unsaved);
        throw unsaved;
      }
      try {
        await tx.commit();
      } catch (error) {
        if (tx.isActive) this.innermost = tx; // failed: only a rollback ends it
        // The rows may be in: nothing is put back to be written again (that could write them
        // twice); every object expires, so that what is read next is what the database holds.
        if (error instanceof CommitOutcomeUnknownError) {
          noteCommitted(this.owner); // perhaps: `sessionMaker().transaction` must not run fn again
          this.uow.clear();
          for (const state of tx.journal.deleted) state.detach();
          this.identity.forEachState(expireState);
        } else if (!tx.isActive) await this.listeners.emitEnd("afterRollback", error); // refused for its data: rolled back
        throw error;
      }
      noteCommitted(this.owner);
      // Deleted objects are gone for good: they leave the session.
      for (const state of tx.journal.deleted) state.detach();
      this.ended(tx);
    }
    this.uow.committed();
    if (expire) {
      this.identity.drainReached(expireState);
      assertAllExpired(this.identity);
    }
    if (tx && this.listeners.has("afterCommit")) await this.listeners.emitEnd("afterCommit");
  }

  // ------------------------------------------------------------------ rollback and savepoints

  /**
   * Rolls back the transaction, savepoints and all, once the work in flight has settled; discards
   * its work. `then` (the session's expiry) runs before the afterRollback listeners, which may throw.
   */
  async rollback(then?: () => void): Promise<void> {
    refuseInsideHooks(this.owner, "session.rollback()");
    await this.settle();
    let tx = this.innermost;
    this.innermost = undefined;
    if (!tx) {
      this.uow.discard(new Journal());
      then?.();
      return;
    }
    while (tx.parent) {
      tx.foldInto(tx.parent);
      tx = tx.parent;
    }
    try {
      await tx.rollback();
      this.ended(tx);
    } finally {
      then?.();
    }
    if (this.listeners.has("afterRollback")) await this.listeners.emitEnd("afterRollback");
  }

  private ended(root: SessionTransaction): void {
    root.forgetRecords();
    this.lastEnded = root;
  }

  /** Opens a savepoint; its handle commits (flushing with `load`) or rolls it back. */
  async beginNested(load: Load): Promise<NestedTransaction> {
    refuseInsideHooks(this.owner, "session.beginNested()");
    const savepoint = await (await this.current()).beginNested();
    this.innermost = savepoint;
    return {
      commit: () => this.commitNested(savepoint, load),
      rollback: () => this.rollbackNested(savepoint),
    };
  }

  /** Flushes and releases the savepoint; if the flush fails, the savepoint is rolled back and the error thrown. */
  async commitNested(savepoint: SessionTransaction, load: Load): Promise<void> {
    savepoint.checkUsable();
    if (savepoint !== this.innermost) throw new InvalidRequestError("A savepoint with savepoints open inside it cannot be committed: end those first.");
    try {
      this.uow.linked.adopt(this.owner); // as session.commit() and flush(): objects linked from their own side join
      await this.flush(false, load);
    } catch (error) {
      if (!(error instanceof StreamInProgressError)) await this.rollbackNested(savepoint); // refused before anything: the savepoint goes on
      throw error;
    }
    await savepoint.commit();
    this.innermost = savepoint.parent;
  }

  /** Rolls the savepoint back, and any inside it; a savepoint already ended is left as it is. */
  async rollbackNested(savepoint: SessionTransaction): Promise<void> {
    if (!savepoint.isActive) return;
    await this.settle();
    for (let tx = this.innermost; tx && tx !== savepoint.parent; tx = tx.parent) await tx.rollback();
    this.innermost = savepoint.parent;
  }

  /** Waits for the transaction being begun and the flush or commit in flight, whatever their outcome. */
  private async settle(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.flushing?.catch(() => undefined);
    await this.committing?.catch(() => undefined);
  }
}

const ARRAY_ROWS: ExecuteOptions = { rowShape: "arrays" };

/** A select's array rows on a transaction's connection; a failure is the transaction's to record. */
function rowsIn(tx: SessionTransaction, compiled: CompiledQuery, options: ExecuteOptions): unknown[][] | Promise<unknown[][]> {
  let answer: Result<unknown[]> | Promise<Result<unknown[]>>;
  try {
    answer = tx.connection.executeCompiledNow<unknown[]>(compiled, options);
  } catch (error) {
    tx.statementFailed(error);
    throw error;
  }
  if (!(answer instanceof Promise)) return answer.rows;
  return answer.then(
    (result) => result.rows,
    (error: unknown) => {
      tx.statementFailed(error);
      throw error;
    },
  );
}
