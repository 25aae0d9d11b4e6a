/**
 * Lists filled from a query's own JOIN (`containsEager`), which hold only the rows that query
 * kept: a WHERE on the joined table leaves the others out. Changed in place (push, splice), such
 * a list says exactly which members come and go. Replaced whole (`author.books = [...]`), it is
 * treated as a list that was not loaded: the flush reads what the database holds and removes
 * every member not given, where the diff against the few rows loaded would have left the others
 * linked (and not deleted as orphans) while the commit resolved. SQLAlchemy keeps them.
 *
 * A WeakSet beside the lists rather than a field of each: only these few lists pay for it.
 */
const partial = new WeakSet<object>();

/** Marks a list as holding the rows a query kept, not necessarily every member. */
export function markPartial(list: object): void {
  partial.add(list);
}

/** Whether `list` was filled from a query's own JOIN (see above). */
export function isPartial(list: object): boolean {
  return partial.has(list);
}
