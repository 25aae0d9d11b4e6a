/**
 * Lists filled from a query's own JOIN (`containsEager`), which hold only the rows that query
 * kept: a WHERE on the joined table leaves the others out. Changed in place (push, splice), such
 * a list says exactly which members come and go. Replaced whole (`author.books = [...]`), it is
 * treated as a list that was not loaded: the flush reads what the database holds and removes
 * every member not given, where the diff against the few rows loaded would have left the others
 * linked (and not deleted as orphans) while the commit resolved. SQLAlchemy keeps them.
 *
 * A one-to-one whose key is on the other side (`account.settings`) filled so is as partial when
 * the query's row had none: null may only mean that the JOIN's condition left its row out. Such a
 * null counts as not known when the attribute is assigned or its owner deleted: the flush reads
 * what the database holds, and the row left out stops naming the owner (it kept naming it, and
 * the commit resolved with two rows for one owner).
 *
 * A WeakSet beside the lists (and marks beside the states) rather than a field of each: only
 * these few pay for it.
 */
import type { InstanceState } from "./instance-state.js";
import { StateKeyMarks } from "./state-key-marks.js";

const partial = new WeakSet<object>();

/** Marks a list as holding the rows a query kept, not necessarily every member. */
export function markPartial(list: object): void {
  partial.add(list);
}

/** Whether `list` was filled from a query's own JOIN (see above). */
export function isPartial(list: object): boolean {
  return partial.has(list);
}

const partialNulls = new StateKeyMarks();

/** Records that the one-to-one `key` of `state` was filled as null from a query's own JOIN. */
export function markPartialNull(state: InstanceState, key: string): void {
  partialNulls.mark(state, key);
}

/** Whether the one-to-one `key` of `state` holds a null that a query's JOIN may have made (see above). */
export function isPartialNull(state: InstanceState, key: string): boolean {
  return partialNulls.has(state, key);
}

/** The one-to-one was assigned: its value is known. */
export function clearPartialNull(state: InstanceState, key: string): void {
  partialNulls.clear(state, key);
}
