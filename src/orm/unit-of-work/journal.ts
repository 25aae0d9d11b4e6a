/**
 * What flushes changed in memory during a transaction (or savepoint): rows inserted and deleted,
 * values flushed, collections committed. Rolling back the transaction, or a failed flush, undoes
 * these in memory too, so the session again holds exactly the unflushed changes, nothing lost.
 */
import type { CommittedMembers, InstrumentedList } from "../state/collection.js";
import { identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import type { Mapper } from "../mapping/mapper.js";
import { FLAGGED, storedValue } from "../state/mutable-values.js";
import type { ReadBackBatch } from "./read-back.js";

export class Journal {
  /** Inserted objects, a batch (one INSERT's rows) at a time: one record per statement, not per row. */
  readonly inserted: (readonly InstanceState[])[] = [];
  /** Batches of inserted objects whose key the database generated (`mapper.generatedKey`): cleared on undo. */
  readonly generatedKeys: (readonly InstanceState[])[] = [];
  /** Server defaults and generated values INSERTs read back (read-back.ts): cleared on undo. */
  readonly readBack: ReadBackBatch[] = [];
  readonly deleted: InstanceState[] = [];
  /**
   * Those of `deleted` whose rows the database deleted by itself for a flush (ON DELETE CASCADE):
   * the flush did not mean to delete them, so undoing it does not mark them for deletion again.
   */
  readonly deletedByDatabase = new Set<InstanceState>();
  /** For each updated state, its column values before the first flush of this transaction. */
  readonly updated = new Map<InstanceState, Record<string, unknown>>();
  /**
   * Collections committed by a flush, and beside each its committed members before, in the
   * order recorded (a list may appear twice: the first record is the one to restore). Two
   * arrays rather than a Map: a large flush records tens of thousands of lists.
   */
  readonly collections: InstrumentedList<object>[] = [];
  readonly collectionsBefore: CommittedMembers<object>[] = [];
  /**
   * Rows of a versioned model whose counter a bulk UPDATE or an upsert moved on while the session held no
   * object of them: the counter before, by mapper and identity key. An object read later shows
   * the moved counter, which a rollback must put back (`restoreMovedCounters`).
   */
  movedCounters: Map<Mapper, Map<unknown, number>> | undefined;

  /** A row's counter before a bulk UPDATE or an upsert moved it on; the first record in the transaction wins. */
  recordMovedCounter(mapper: Mapper, key: unknown, before: number): void {
    this.movedCounters ??= new Map();
    let rows = this.movedCounters.get(mapper);
    if (rows === undefined) this.movedCounters.set(mapper, (rows = new Map()));
    if (!rows.has(key)) rows.set(key, before);
  }

  recordUpdate(state: InstanceState, before: Record<string, unknown>): void {
    const known = this.updated.get(state);
    if (known) {
      for (const key in before) if (!(key in known)) known[key] = before[key];
    } else this.updated.set(state, { ...before });
  }

  /** Call before `list.markCommitted()`. A list unchanged since it was committed needs no record. */
  recordCollection(list: InstrumentedList<object>): void {
    if (!list.changed) return;
    this.collections.push(list);
    this.collectionsBefore.push(list.saveCommitted());
  }

  /** Puts back the committed members of the recorded lists, the first record of each last, so that it wins. */
  restoreCollections(): void {
    for (let i = this.collections.length - 1; i >= 0; i--) this.collections[i]!.restoreCommitted(this.collectionsBefore[i]);
  }

  /** Folds a finished savepoint's journal into its parent's. */
  absorb(child: Journal): void {
    // Loops, not push(...list): a flush of many objects would exceed the argument limit.
    for (const batch of child.inserted) this.inserted.push(batch);
    for (const batch of child.generatedKeys) this.generatedKeys.push(batch);
    for (const batch of child.readBack) this.readBack.push(batch);
    for (const state of child.deleted) this.deleted.push(state);
    for (const state of child.deletedByDatabase) this.deletedByDatabase.add(state);
    for (const [state, before] of child.updated) this.recordUpdate(state, before);
    if (child.movedCounters) for (const [mapper, rows] of child.movedCounters) for (const [key, before] of rows) this.recordMovedCounter(mapper, key, before);
    // After this journal's own records, which are older and so win on restore.
    for (let i = 0; i < child.collections.length; i++) {
      this.collections.push(child.collections[i]!);
      this.collectionsBefore.push(child.collectionsBefore[i]);
    }
  }
}

/**
 * Undoes an UPDATE in memory once the database undid it (a failed flush or COMMIT, a rolled-back
 * savepoint or transaction). The row holds `before` again: those are the committed values, so
 * that the next UPDATE names the row by the key it has and writes what still differs. The
 * version counter goes back to the row's (a flushed increment left in place would make the next
 * UPDATE look for a version no row has: a false StaleDataError), and the identity map finds the
 * object under its row's key again (a flushed key change undone; `identity` is the session's, not
 * given for an object that left it; an object it held under that key goes to `overwritten`, for
 * the caller to settle). Its generated columns expire: the row holds the values from before the
 * UPDATE. With `discard`, the changes themselves are dropped too (the caller expires the object).
 */
export function undoUpdate(state: InstanceState, before: Record<string, unknown>, identity: IdentityMap | undefined, discard: boolean, overwritten?: object[]): void {
  const version = state.mapper.versionAttribute;
  const committed: Record<string, unknown> = { ...state.committed };
  for (const attr in before) {
    if (discard || attr === version) state.dict[attr] = before[attr];
    else if (committed[attr] !== FLAGGED) committed[attr] = before[attr];
  }
  if (version !== undefined) delete committed[version];
  state.committed = discard || Object.keys(committed).length === 0 ? undefined : committed;
  if (state.key === undefined) return;
  // Computed from the row the database undid (read back by the UPDATE's RETURNING, or expired already).
  if (state.mapper.generatedColumns.length) state.expire(state.mapper.generatedColumns);
  if (state.mapper.propertyKeys.length) state.expire(state.mapper.propertyKeys);
  const stored: Record<string, unknown> = {};
  for (const attr of state.mapper.keyAttributes) stored[attr] = storedValue(state, attr);
  const key = identityKeyOf(state.mapper.keyAttributes, stored);
  if (key === state.key) return;
  if (identity !== undefined) {
    if (identity.get(state.mapper, state.key) === state.obj) identity.delete(state.mapper, state.key);
    const held = identity.get(state.mapper, key);
    if (held !== undefined && held !== state.obj) overwritten?.push(held);
    identity.set(state.mapper, key, state.obj);
  }
  state.identifiedBy(key);
}

/**
 * The counters of the rows a rolled-back bulk UPDATE or upsert moved on, put back on the objects of those
 * rows the session read since (`Journal.movedCounters`): left moved, the next flush of such an
 * object named a counter no row had, a false StaleDataError. After the undone updates, being older.
 */
export function restoreMovedCounters(journal: Journal, identity: IdentityMap): void {
  if (journal.movedCounters === undefined) return;
  for (const [mapper, rows] of journal.movedCounters) {
    const attr = mapper.versionAttribute!;
    for (const [key, before] of rows) {
      const obj = identity.get(mapper, key);
      const state = obj && stateOf(obj);
      if (state !== undefined && typeof state.dict[attr] === "number") state.dict[attr] = before;
    }
  }
}
