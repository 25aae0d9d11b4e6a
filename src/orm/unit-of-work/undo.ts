/**
 * What the unit of work does when the database undid its flushes: after a failed flush or COMMIT
 * the work is kept, pending again to be written once (`restoreWork`); after a rollback it is
 * dropped, the objects as they were before the transaction (`discardWork`). The journal the
 * flushes kept says what each one wrote.
 */
import type { IdentityMap } from "../identity/identity-map.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { uncommitCollections } from "./flush.js";
import { restoreMovedCounters, undoUpdate, type Journal } from "./journal.js";
import type { PendingObjects } from "./pending.js";
import { clearReadBack } from "./read-back.js";
import type { Snapshots } from "../state/snapshots.js";
import type { AddedValues } from "./added-values.js";
import type { InstrumentedList } from "../state/collection.js";

/** The unit of work's sets, as the undo changes them. */
export interface UndoTarget {
  readonly owner: StateOwner;
  readonly identity: IdentityMap;
  readonly pending: PendingObjects;
  readonly modified: Set<InstanceState>;
  readonly deleting: Set<InstanceState>;
  readonly awaitingKeys: Set<InstanceState>;
  readonly rejoined: Set<InstanceState>;
  /** Each of `rejoined` as it joined. */
  readonly rejoinedAs: Snapshots;
  /** New objects as they joined. */
  readonly addedAs: AddedValues;
  /** Takes the object out of every set and map but `pending`, and detaches it. */
  forget(state: InstanceState): void;
  /** Forgets every object. */
  clear(): void;
}

/**
 * The database work of the journal's flushes was rolled back, the work itself is kept: objects
 * inserted are pending again, deleted ones marked for deletion again, updated ones modified
 * again, so the next flush writes each change once (a failed flush, a failed COMMIT).
 */
export function restoreWork(uow: UndoTarget, journal: Journal): void {
  const { owner, identity } = uow;
  // Lists first: an inserted object's lists are uncommitted below, whatever a later flush recorded.
  journal.restoreCollections();
  // A failed flush leaves its objects in `pending`; those of earlier flushes return to it.
  const stillPending = new Set(uow.pending.all);
  for (const state of journal.inserted.flat()) {
    unInsert(uow, state);
    if (state.session === owner && !stillPending.has(state)) uow.pending.push(state);
  }
  clearGeneratedKeys(journal);
  const overwritten: object[] = [];
  // Backwards, as everything is undone: of two objects deleted under one key, the first is the row's.
  for (let i = journal.deleted.length - 1; i >= 0; i--) {
    const state = journal.deleted[i]!;
    state.undoDeletion();
    if (state.session === owner && state.key !== undefined) {
      refile(uow, state, state.key, overwritten);
      if (journal.deletedByDatabase.has(state)) continue; // its parent's DELETE, written again, deletes it again
      state.markForDeletion();
      uow.deleting.add(state);
    }
  }
  for (const [state, before] of journal.updated) {
    state.touch();
    // What the database holds again wins over a flushed value the rollback undid.
    undoUpdate(state, before, state.session === owner ? identity : undefined, false, overwritten);
    if (state.session === owner && state.key !== undefined) uow.modified.add(state);
  }
  restoreMovedCounters(journal, identity);
  settleOverwritten(uow, overwritten);
  clearReadBack(journal.readBack);
}

/**
 * The transaction was rolled back, work and all (`session.rollback()`): objects it inserted or
 * added leave the session, transient again; objects it deleted or marked for deletion are
 * persistent again. Nothing of it is written later. The caller expires what stays.
 */
export function discardWork(uow: UndoTarget, journal: Journal): void {
  const { owner, identity } = uow;
  journal.restoreCollections();
  const inserted: InstanceState[] = [];
  for (const state of journal.inserted.flat()) {
    unInsert(uow, state);
    if (state.session !== owner) continue;
    state.detach();
    inserted.push(state);
  }
  clearGeneratedKeys(journal);
  // New objects leave with the values they joined with: what the transaction set on them is its
  // work, and a retry (`sessionMaker().transaction`) sets it again (`added-values.ts`).
  for (const state of inserted) uow.addedAs.restore(state, journal.updated.get(state));
  const overwritten: object[] = [];
  for (let i = journal.deleted.length - 1; i >= 0; i--) {
    const state = journal.deleted[i]!;
    state.undoDeletion();
    if (state.session === owner && state.key !== undefined) refile(uow, state, state.key, overwritten);
  }
  for (const [state, before] of journal.updated) if (state.session === owner && !uow.rejoined.has(state)) undoUpdate(state, before, identity, true, overwritten);
  restoreMovedCounters(journal, identity);
  clearReadBack(journal.readBack);
  for (const state of uow.pending.all) {
    uow.addedAs.restore(state, undefined);
    state.detach();
  }
  uow.pending.reset([]);
  for (const state of uow.deleting) state.unmarkForDeletion();
  // Expiring them would drop changes made while detached, and a retry (`sessionMaker().transaction`)
  // adding them again would commit without those: they leave as they came, their changes made
  // while detached to be written when added again. Those made in the session are the
  // transaction's, dropped with it: kept, a retry made them again (`balance -= 100` twice).
  for (const state of uow.rejoined) {
    if (state.session !== owner || state.key === undefined) continue;
    const before = journal.updated.get(state);
    if (before) undoUpdate(state, before, identity, false, overwritten);
    uow.rejoinedAs.restoreOne(state);
    uow.forget(state);
  }
  settleOverwritten(uow, overwritten);
  uow.clear();
}

/**
 * A savepoint's rollback: the objects that joined inside it leave: those without a row (in one
 * pass over `pending`), and detached ones added back, detached again with their changes, as a
 * rollback of the whole transaction leaves them (`discardWork`): the outer commit must not write them.
 */
export function expungeAdded(uow: UndoTarget, added: ReadonlySet<InstanceState>): void {
  if (added.size === 0) return;
  const dropped = new Set([...added].filter((state) => state.key === undefined));
  if (dropped.size) uow.pending.reset(uow.pending.all.filter((state) => !dropped.has(state)));
  for (const state of added) {
    if (state.session === uow.owner && (dropped.has(state) || uow.rejoined.delete(state))) uow.forget(state);
  }
}

/** Objects whose deletion mark a savepoint's rollback put back: the set follows the marks. */
export function syncDeletions(uow: UndoTarget, states: readonly InstanceState[]): void {
  for (const state of states) {
    if (state.deletePending) uow.deleting.add(state);
    else uow.deleting.delete(state);
  }
}

/** A deleted object's row is back: the identity map finds it under its key again. */
function refile(uow: UndoTarget, state: InstanceState, key: unknown, overwritten: object[]): void {
  const held = uow.identity.get(state.mapper, key);
  if (held !== undefined && held !== state.obj) overwritten.push(held);
  uow.identity.set(state.mapper, key, state.obj);
}

/**
 * Objects whose place in the identity map an undone deletion or key change took. One whose own
 * key was undone too is in its place again (two objects exchanging keys). Another was read in the
 * transaction from a row it made again under that key (SQL text, a bulk INSERT, then a query):
 * the rollback removed that row, and the row under the key is the other object's again. It leaves
 * the session, or two objects would hold one row and the commit write both, the last over the
 * first. Where no object holds its key any more, it stays: the row there is its key's.
 */
function settleOverwritten(uow: UndoTarget, overwritten: readonly object[]): void {
  for (const obj of overwritten) {
    const state = stateOf(obj)!;
    if (state.session !== uow.owner || state.key === undefined) continue;
    const holder = uow.identity.get(state.mapper, state.key);
    if (holder === obj) continue;
    if (holder === undefined) {
      uow.identity.set(state.mapper, state.key, obj);
      continue;
    }
    state.unmarkForDeletion();
    uow.forget(state); // which takes its key out of the map: the holder's entry
    uow.identity.set(state.mapper, state.key, holder);
  }
}

function committedOf(list: InstrumentedList<object>): readonly object[] {
  return list.awaitsCommitted ? [] : (list.committed ?? []);
}

/** The object's row is gone: no key, no committed lists, nothing to reload. */
function unInsert(uow: UndoTarget, state: InstanceState): void {
  // Only its own entry: an object expunged after its insert leaves its key to the one the session
  // read of that row since (a merge, a get), which the rollback expires; removed, that object was
  // left out of the session, and the commit resolved without its changes.
  if (state.key !== undefined && uow.identity.get(state.mapper, state.key) === state.obj) uow.identity.delete(state.mapper, state.key);
  state.forgetKey();
  uncommitCollections(state);
  state.expired = undefined;
  uow.awaitingKeys.delete(state);
}

/**
 * Keys the database generated for the journal's inserts were never committed: they are cleared,
 * and so are their copies the flush made into the foreign keys of rows it inserted (a child of
 * a list without a back-reference has no reference to copy the key from again). Left, such a
 * child added again alone named a row that was never committed: on SQLite, where keys are
 * reused, the next row of the parent's table, and the commit resolved.
 */
function clearGeneratedKeys(journal: Journal): void {
  const generated = journal.generatedKeys.flat();
  if (generated.length === 0) return;
  const keys = new Map<InstanceState, unknown>();
  for (const state of generated) keys.set(state, state.dict[state.mapper.generatedKey!.attr]);
  const inserted = new Set(journal.inserted.flat());
  const clear = (child: InstanceState | undefined, fk: string, parent: InstanceState, key: string) => {
    if (child !== undefined && inserted.has(child) && key === parent.mapper.generatedKey!.attr && child.dict[fk] === keys.get(parent)) child.dict[fk] = undefined;
  };
  for (const [parent] of keys) {
    for (const rel of parent.mapper.flushedRelationships.oneToMany) {
      const value = parent.dict[rel.key];
      const members = value == null ? [] : rel.collection ? [...(value as object[]), ...committedOf(value as InstrumentedList<object>)] : [value as object];
      for (const member of members) for (const [key, fk] of rel.attributePairs) clear(stateOf(member), fk, parent, key);
    }
  }
  for (const child of inserted) {
    for (const rel of child.mapper.flushedRelationships.manyToOne) {
      const target = child.dict[rel.key];
      const parent = target == null ? undefined : stateOf(target as object);
      if (parent !== undefined && keys.has(parent)) for (const [fk, key] of rel.attributePairs) clear(child, fk, parent, key);
    }
  }
  for (const state of generated) state.dict[state.mapper.generatedKey!.attr] = undefined;
}
