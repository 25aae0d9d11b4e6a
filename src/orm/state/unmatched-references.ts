/**
 * Many-to-one references read as null while the object's key named a row: no row answered (a
 * key left dangling where the database has no foreign key constraint, a row deleted since). The
 * flush copies a reference's key into the foreign key, and a null one read so was copied as a
 * NULL over a key the object was never told to lose: any change to the object (a title) unlinked
 * its row, and the commit resolved. Such a reference is not copied until one is assigned (as
 * SQLAlchemy, which copies a key only from a reference assigned).
 *
 * A WeakMap beside the states rather than a field of each: only these few objects pay for it.
 */
import type { InstanceState } from "./instance-state.js";

const unmatched = new WeakMap<InstanceState, Set<string>>();
/** None marked yet (the usual case): every assignment of a reference asks, so it is a variable read. */
let anyMarked = false;

/** Records that the reference `key` of `state` was read as null while its foreign key named a row. */
export function markUnmatched(state: InstanceState, key: string): void {
  anyMarked = true;
  let keys = unmatched.get(state);
  if (keys === undefined) unmatched.set(state, (keys = new Set()));
  keys.add(key);
}

/** A reference assigned: its value is the user's, to be copied. */
export function clearUnmatched(state: InstanceState, key: string): void {
  if (anyMarked) unmatched.get(state)?.delete(key);
}

/** Whether the reference `key` of `state` holds null only because no row answered its key. */
export function isUnmatched(state: InstanceState, key: string): boolean {
  return anyMarked && (unmatched.get(state)?.has(key) ?? false);
}
