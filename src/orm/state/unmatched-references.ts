/**
 * Many-to-one references read as null while the object's key named a row: no row answered (a
 * key left dangling where the database has no foreign key constraint, a row deleted since). The
 * flush copies a reference's key into the foreign key, and a null one read so was copied as a
 * NULL over a key the object was never told to lose: any change to the object (a title) unlinked
 * its row, and the commit resolved. Such a reference is not copied until one is assigned (as
 * SQLAlchemy, which copies a key only from a reference assigned).
 */
import type { InstanceState } from "./instance-state.js";
import { StateKeyMarks } from "./state-key-marks.js";

const unmatched = new StateKeyMarks();

/** Records that the reference `key` of `state` was read as null while its foreign key named a row. */
export function markUnmatched(state: InstanceState, key: string): void {
  unmatched.mark(state, key);
}

/** A reference assigned: its value is the user's, to be copied. */
export function clearUnmatched(state: InstanceState, key: string): void {
  unmatched.clear(state, key);
}

/** Whether the reference `key` of `state` holds null only because no row answered its key. */
export function isUnmatched(state: InstanceState, key: string): boolean {
  return unmatched.has(state, key);
}
