/**
 * A to-many relationship of a detached object merged onto the session's object of its row: the
 * changes the detached list holds since it was loaded (members added, members taken out) are
 * made to the session's list, loaded first; members nobody took out stay, those another
 * transaction added since included.
 *
 * SQLAlchemy assigns the detached list whole. A member another transaction had added since the
 * list was loaded was then taken out: deleted as an orphan, or its foreign key cleared, and the
 * commit said nothing. A list whose loaded members are not known (made by hand, or assigned
 * whole while not loaded) is the state to merge, and is still assigned whole.
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "../state/collection.js";
import { collectionOf } from "../state/loaded-lists.js";
import { stateOf } from "../state/instance-state.js";
import { WriteOnlyCollection } from "../state/write-only.js";

/** What merging a list needs of the merge. */
export interface ListMerge {
  /** The member merged (memoized: each object of the graph once). */
  mergeMember(member: object): Promise<object>;
  /** The session's object of a member's row, if it holds one: a member taken out is not merged. */
  sessionCopyOf(member: object): object | undefined;
  loadRelationship(rel: RelationshipProperty, objects: readonly object[]): Promise<void>;
}

/**
 * Merges `source`'s changes into `target`'s list of `rel`, when `source` knows the members it
 * was loaded with and `target` has a row; returns false when the list is to be assigned whole.
 */
export async function mergeListChanges(how: ListMerge, rel: RelationshipProperty, source: readonly object[], target: object): Promise<boolean> {
  if (rel.writeOnly) return mergeQueued(how, rel, source as InstrumentedList<object>, target);
  const loaded = loadedMembers(source);
  if (loaded === undefined || stateOf(target)?.key === undefined) return false;
  const before = new Set(loaded);
  const now = new Set(source);
  // Every member is merged (its own changes, along the cascade), in the list's order.
  const copies = new Map<object, object>();
  // Over a copy: a member merged may be appended to the lists it names by its back-reference.
  const members = Array.from(source);
  for (const member of members) copies.set(member, await how.mergeMember(member));
  let list = collectionOf(target, rel);
  if (list === undefined) {
    await how.loadRelationship(rel, [target]);
    list = collectionOf(target, rel)!;
  }
  for (const member of loaded) {
    // Moved to another parent while detached (its back-reference names it): that parent's merge
    // moves it. Taken out here, it was deleted as an orphan (an association object at once), and
    // that merge then failed with ObjectDeletedError, or the row was lost.
    if (now.has(member) || movedElsewhere(how, rel, member, target)) continue;
    const copy = how.sessionCopyOf(member);
    const at = copy === undefined ? -1 : list.indexOf(copy);
    if (at >= 0) list.splice(at, 1);
  }
  const added: object[] = [];
  for (const member of members) {
    const copy = copies.get(member)!;
    // A member added while detached; or one loaded with the list whose row is gone, written anew
    // (`missing: "insert"`): the session's list, loaded from the rows, lacked it.
    if ((!before.has(member) || stateOf(copy)?.key === undefined) && list.indexOf(copy) < 0) added.push(copy);
  }
  if (added.length) list.push(...added);
  return true;
}

/**
 * A write-only collection's queued changes, made again on the session's object: the members
 * added (merged first) are added, those removed are removed. Nothing is loaded.
 */
async function mergeQueued(how: ListMerge, rel: RelationshipProperty, queued: InstrumentedList<object>, target: object): Promise<true> {
  const collection = new WriteOnlyCollection(target, rel);
  const before = new Set(queued.committed ?? []);
  for (const member of Array.from(queued)) {
    const copy = await how.mergeMember(member);
    if (!before.has(member)) collection.add(copy);
  }
  const now = new Set<object>(queued);
  for (const member of before) {
    const copy = now.has(member) ? undefined : how.sessionCopyOf(member);
    if (copy !== undefined) collection.remove(copy);
  }
  return true;
}

/**
 * Whether `member`, taken out of a list of `rel`, names by its back-reference a parent other than
 * the one merged onto `target` (an association object taken out keeps naming its owner).
 */
function movedElsewhere(how: ListMerge, rel: RelationshipProperty, member: object, target: object): boolean {
  const back = rel.backRef;
  if (back === undefined || back.collection) return false;
  const parent = stateOf(member)?.dict[back.key] as object | null | undefined;
  return parent !== undefined && parent !== null && parent !== target && how.sessionCopyOf(parent) !== target;
}

/** The members `list` was loaded (or last flushed) with; undefined when not known. */
function loadedMembers(list: readonly object[]): readonly object[] | undefined {
  const instrumented = list as InstrumentedList<object>;
  if (typeof instrumented.gained !== "function" || instrumented.awaitsCommitted) return undefined;
  return instrumented.committed;
}
