/**
 * `session.stream`: a query's results a batch at a time (`yieldPer`), read through a cursor in
 * the session's transaction. As SQLAlchemy's `yield_per`, the objects of a finished batch leave
 * the session (they are detached: keep references to those you need), so that memory holds about
 * one batch. Objects the session held before the stream began stay, and so do objects changed or
 * marked for deletion during the loop: the next flush writes them. A row the session deleted and
 * flushed during the loop is not yielded (PostgreSQL's cursor still has it: deleted-rows.ts), and
 * once the transaction wrote beside the cursor each batch is read again (gone-rows.ts,
 * stream-rejoins.ts). The transaction ending, or a savepoint the current batch was read in rolled
 * back, ends the stream at the next row (`StreamEndedError`).
 */
import type { Select } from "../../core/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import type { Engine } from "../../engine/engine.js";
import type { Transaction } from "../../engine/transaction.js";
import type { IdentityMap } from "../identity/identity-map.js";
import { streamQuery, type StreamContext } from "../loading/query-runner.js";
import { InvalidRequestError, StreamEndedError, StreamInProgressError } from "../../core/errors.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import type { UnitOfWork } from "../unit-of-work/unit-of-work.js";
import { StreamSideReads } from "./stream-side-reads.js";
import { DeletedRows } from "../loading/deleted-rows.js";
import type { SessionTransaction } from "./session-transaction.js";

export interface StreamHost {
  /** The autoflush a query makes first (once: loads of each batch do not flush beside a cursor). */
  autoflush(): Promise<void> | undefined;
  readonly context: StreamContext;
  readonly identity: IdentityMap;
  readonly uow: UnitOfWork;
  readonly owner: StateOwner;
  readonly engine: Engine;
  /** The connection of the session's open transaction, if one is open. */
  connection(): Connection | undefined;
  /** The session's innermost open transaction (or savepoint), if one is open. */
  transaction(): SessionTransaction | undefined;
}

export async function* streamResults(
  host: StreamHost,
  statement: Select<unknown>,
  single: boolean,
  yieldPer: number | undefined,
): AsyncGenerator<unknown, void, undefined> {
  await host.autoflush();
  // What the session held before: never released. One pass over the identity map per stream.
  const before = new Set<object>();
  host.identity.forEachObject((obj) => before.add(obj));
  // Select-in loads beside a stream that holds the connection (MySQL/MariaDB) take a second one.
  const side = new StreamSideReads(host.engine, host.connection);
  try {
    const deletedRows = new DeletedRows(host.identity, () => deletedIn(host.transaction()), host.connection);
    // The transaction the cursor reads in: once it has ended, the next batch's read fails on the closed cursor.
    let reading: SessionTransaction | undefined;
    try {
      for await (const batch of streamQuery({ ...side.context(host.context), deletedRows }, statement, single, yieldPer)) {
        reading ??= host.transaction()?.root;
        // The batch was read (its rows checked, its eager loads run) in these: once one is rolled back, it may show undone rows.
        const readIn = databaseTransactions(host.transaction());
        for (let i = 0; i < batch.length; i++) {
          if ((reading !== undefined && !reading.isActive) || undone(readIn)) throw streamEnded(undefined);
          yield batch[i];
        }
        // The caller asked for the next row: this batch is finished.
        release(host, batch, before);
      }
    } catch (error) {
      // The next batch's read failed on the cursor the transaction's end closed (errors of the loop's body do not come here).
      if (reading !== undefined && !reading.isActive && !(error instanceof StreamEndedError)) throw streamEnded(error);
      throw error;
    }
  } finally {
    await side.close();
  }
}

/**
 * @internal A flush asked for while a stream of the session reads on SQLite (no write beside its cursor) or MySQL/MariaDB
 * (no statement beside it): refused before anything, so the transaction, the stream and the changes stay as they are.
 */
export function flushBesideStream(): StreamInProgressError {
  return new StreamInProgressError(
    `Cannot flush while a stream of the session reads (session.stream's loop): SQLite cannot write beside its cursor, and ` +
      `MySQL/MariaDB run no other statement on its connection. Nothing was sent: the transaction and the stream go on, and ` +
      `the changes stay in the session for the first flush after the loop (commit() writes them).`,
  );
}

/**
 * @internal A savepoint's rollback asked for while a stream of the session reads on SQLite or MySQL/MariaDB, which refuse
 * it beside the cursor: refused before anything. It used to be taken as done (the objects restored) while the database
 * kept the savepoint, and the whole transaction failed with it, the work flushed before the savepoint lost.
 */
export function savepointRollbackBesideStream(): StreamInProgressError {
  return new StreamInProgressError(
    `Cannot roll a savepoint back while a stream of the session reads (session.stream's loop): SQLite and MySQL/MariaDB ` +
      `refuse it beside the stream's cursor. Nothing was sent: the savepoint and the stream go on; roll it back after the loop.`,
  );
}

function streamEnded(cause: unknown): StreamEndedError {
  return new StreamEndedError(
    `The session's transaction ended while session.stream's loop ran (a commit(), a rollback(), or a failed flush, which ` +
      `rolls it back), or a savepoint open when the stream read its current batch was rolled back: the rows read in it may ` +
      `be undone, so none more is yielded. The session is usable; start a new stream to go on. ` +
      `To keep a stream past a flush that may fail, flush in a savepoint: const sp = await session.beginNested(); ` +
      `await session.flush(); await sp.commit() (a failed flush then rolls back the savepoint only).`,
    cause === undefined ? undefined : { cause },
  );
}

/** The database's transaction and savepoints `tx` runs in now, the outermost first. */
function databaseTransactions(tx: SessionTransaction | undefined): Transaction[] {
  const open: Transaction[] = [];
  for (let t = tx; t !== undefined; t = t.parent) open.unshift(t.database);
  return open;
}

/** Whether the transaction has ended, or it or a savepoint of `open` was rolled back since. */
function undone(open: readonly Transaction[]): boolean {
  if (open.length !== 0 && !open[0]!.isActive) return true;
  for (let i = 0; i < open.length; i++) if (open[i]!.undone) return true;
  return false;
}

/** The objects the flushes of `tx` and the transactions around it deleted: one list per journal that has some. */
function deletedIn(tx: SessionTransaction | undefined): (readonly InstanceState[])[] {
  const lists: (readonly InstanceState[])[] = [];
  for (let t = tx; t !== undefined; t = t.parent) if (t.journal.deleted.length !== 0) lists.push(t.journal.deleted);
  return lists;
}

/** Detaches the batch's objects and those loaded with them (relationships, recursively) that are new to the session and unchanged. */
function release(host: StreamHost, batch: readonly unknown[], before: ReadonlySet<object>): void {
  const seen = new Set<object>();
  const work: object[] = [];
  const visit = (value: unknown) => {
    if (typeof value !== "object" || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (before.has(value) || seen.has(value)) return;
    seen.add(value);
    work.push(value);
  };
  for (const item of batch) visit(item);
  for (let i = 0; i < work.length; i++) {
    const state = stateOf(work[i]!);
    if (state === undefined) continue;
    for (const rel of state.mapper.relationshipList) visit(state.dict[rel.key]);
  }
  const rejoin = rejoiner(host);
  for (const obj of work) {
    const state = stateOf(obj);
    if (state === undefined || !releasable(host, state)) continue;
    host.uow.forget(state);
    state.letGo(rejoin);
  }
}

/**
 * How the session takes back an object it let go of, when the program changes it later: as
 * `session.add` would (the change is then written), unless the session was closed since (the
 * object stays detached) or read its row again as another object (refused: two objects for one
 * row would both be written).
 */
function rejoiner(host: StreamHost): (state: InstanceState) => void {
  const generation = host.identity.generation;
  return (state) => {
    if (host.identity.generation !== generation) return;
    const holder = host.identity.get(state.mapper, state.key);
    if (holder !== undefined && holder !== state.obj) {
      throw new InvalidRequestError(
        `This ${state.mapper.name} was let go by session.stream when its batch ended, and the session has read its row again since, ` +
          `as another object: change that one, or merge this one (session.merge(obj)).`,
      );
    }
    host.uow.add(state);
  };
}

function releasable(host: StreamHost, state: InstanceState): boolean {
  return state.session === host.owner && state.key !== undefined && !state.deletePending && !host.uow.modified.has(state);
}
