/**
 * Values changed in place (JSON, dates, bytes) since they were read: found before each flush and
 * recorded as changes, so that the flush writes them (`state/mutable-values.ts` keeps their
 * images). Each watched object is compared once per flush. The values a flush writes are watched
 * from then on, since the program may hold them and change them afterwards, unless a commit
 * expiring every object follows.
 */
import type { InstanceState, StateOwner } from "../state/instance-state.js";
import { hasSnapshots, isWatched, mutatedFrom, unwatch, unwatchAll, watchedBy, watchedIn, watchWritten } from "../state/mutable-values.js";

/**
 * Records the changes in place of the session's watched objects, and of its modified ones (an
 * object that joined with a watched value): they alone must make the flush run. Objects that
 * left the session, or hold no watched value any more, stop being watched.
 */
export function recordMutations(owner: StateOwner, modified: ReadonlySet<InstanceState>): void {
  const watched = watchedBy(owner);
  if (watched !== undefined) {
    for (const state of watched) if (!compare(state, owner)) watched.delete(state);
  }
  for (const state of modified) {
    if (state.mapper.mutableColumns.length === 0 || watched?.has(state)) continue;
    if (compare(state, owner)) watchedIn(owner).add(state);
  }
}

/** Records the object's changes in place; returns whether it is still watched. */
function compare(state: InstanceState, owner: StateOwner): boolean {
  if (state.session !== owner) return false; // its snapshots go with it, for another session's flush
  if (state.gone) {
    unwatchAll(state);
    return false;
  }
  // A new object's INSERT writes its values as they are (watched so since a failed flush).
  if (state.key === undefined) return hasSnapshots(state);
  const columns = state.mapper.mutableColumns;
  for (let c = 0; c < columns.length; c++) {
    const { attr, kind } = columns[c]!;
    // Expired, reloaded or assigned since it was read: the snapshot is of a value no longer there.
    if (!isWatched(state, attr) || state.expired?.has(attr)) {
      unwatch(state, attr);
      continue;
    }
    const change = mutatedFrom(state, attr, kind);
    if (change !== undefined) state.recordChange(attr, change.before);
  }
  return hasSnapshots(state);
}

/**
 * The flush is about to write these objects: the values it writes (every one of a new object,
 * the changed ones of the others) are watched from then on. With a commit expiring every object
 * to follow, nothing is: every value is reloaded before it is read again.
 */
export function watchWrittenValues(owner: StateOwner, modified: ReadonlySet<InstanceState>, pending: readonly InstanceState[], expiring: boolean): void {
  if (expiring) return stopWatching(owner);
  for (const state of modified) if (state.mapper.mutableColumns.length !== 0) watchWrites(state, owner);
  for (let i = 0; i < pending.length; i++) if (pending[i]!.mapper.mutableColumns.length !== 0) watchWrites(pending[i]!, owner);
}

function watchWrites(state: InstanceState, owner: StateOwner): void {
  if (state.gone) return;
  const columns = state.mapper.mutableColumns;
  const committed = state.committed;
  let watching = false;
  for (let c = 0; c < columns.length; c++) {
    const { attr, kind } = columns[c]!;
    if (state.key !== undefined && (committed === undefined || !(attr in committed))) continue;
    watchWritten(state, attr, kind, state.dict[attr]);
    watching = true;
  }
  if (watching && hasSnapshots(state)) watchedIn(owner).add(state);
}

/**
 * The session watches nothing any more (a commit expiring every object, a rollback, close).
 * Snapshots are dropped too: a value read again (the commit failed, nothing expired) is watched anew.
 */
export function stopWatching(owner: StateOwner): void {
  const watched = watchedBy(owner);
  if (watched === undefined) return;
  for (const state of watched) unwatchAll(state);
  watched.clear();
}
