/**
 * Association objects unlinked through a many-to-many view (`removeLinkByAssociation`) until the
 * flush deletes them: a link removed and added again before then (a child spliced out of
 * `parent.children` and back in at another index) takes its association object back, with its
 * extra data, where a new one wrote null over it (`relink` in relationship-events.ts).
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import { ensureState, stateOf } from "./instance-state.js";

/** @internal */
export type AssociationView = NonNullable<RelationshipProperty["associationView"]>;

/** By each of their two ends. */
const unlinkedThroughView = new WeakMap<object, Set<object>>();
/**
 * The owner's session's count of flushes when each was unlinked. One that was pending is taken
 * back only before the next flush, as one deleted by it cannot be: after a flush (a commit even),
 * a link added again brought back the extra data of the one removed long before.
 */
const unlinkedAt = new WeakMap<object, number>();

/** @internal `association`, of the link `dict` names, was unlinked through `view`. */
export function noteUnlinked(association: object, dict: Record<string, unknown>, view: AssociationView): void {
  const session = stateOf(dict[view.toOwner.key] as object)?.session;
  if (session !== undefined) unlinkedAt.set(association, session.flushes);
  for (const end of [view.toOwner, view.toMember]) {
    const target = dict[end.key] as object | null | undefined;
    if (!target) continue;
    const unlinked = unlinkedThroughView.get(target);
    if (unlinked === undefined) unlinkedThroughView.set(target, new Set([association]));
    else unlinked.add(association);
  }
}

/**
 * @internal
 * The association object of the link `owner` to `member` that was unlinked through a view and is
 * not deleted yet: marked for deletion in the owner's session (not flushed), or pending and so
 * taken out of it. Forgets those the flush deleted since.
 */
export function unlinkedAssociation(owner: object, view: AssociationView, member: object): object | undefined {
  const unlinked = unlinkedThroughView.get(owner);
  if (unlinked === undefined) return undefined;
  const session = stateOf(owner)?.session;
  for (const association of unlinked) {
    const state = stateOf(association);
    const waiting =
      state !== undefined &&
      (state.key === undefined
        ? state.session === undefined && unlinkedAt.get(association) === session?.flushes
        : state.deletePending && state.session === session && session !== undefined);
    if (!waiting) {
      unlinked.delete(association);
      continue;
    }
    if (state.dict[view.toOwner.key] === owner && linksTo(state.dict, view, member)) {
      unlinked.delete(association);
      return association;
    }
  }
  return undefined;
}


/**
 * Whether an association's member end is `member`: the end loaded, else its foreign key (an
 * association object loaded through its owner's list, then taken out of it, has not read it).
 */
function linksTo(dict: Record<string, unknown>, view: AssociationView, member: object): boolean {
  const linked = dict[view.toMember.key];
  if (linked !== undefined) return linked === member;
  const { pairs, target } = view.toMember.resolved;
  const memberDict = ensureState(member, target).dict;
  return pairs.every(([fk, key]) => {
    const value = dict[view.association.attributeFor(fk)!];
    return value !== undefined && value === memberDict[target.attributeFor(key)!];
  });
}

/** Pending association objects made through a view while no loaded list of association objects held them, by owner. */
const madeThroughView = new WeakMap<object, Set<object>>();

/** @internal `association` (pending) was made for a link added through a view of `owner` whose association objects are not loaded. */
export function noteMade(owner: object, association: object): void {
  const made = madeThroughView.get(owner);
  if (made === undefined) madeThroughView.set(owner, new Set([association]));
  else made.add(association);
}

/**
 * @internal
 * The association object made through a view of `owner` for its link to `member` that has no row
 * yet (pending in the owner's session, or both in none), taken out of the record. No loaded list
 * holds it: its link removed through the view before the flush was deleted by a stand-in keyed
 * by the link, for a row that was never written (a false StaleDataError at the commit), while
 * the pending one was inserted. Forgets those flushed or gone elsewhere since.
 */
export function madeAssociation(owner: object, view: AssociationView, member: object): object | undefined {
  const made = madeThroughView.get(owner);
  if (made === undefined) return undefined;
  const session = stateOf(owner)?.session;
  for (const association of made) {
    const state = stateOf(association);
    if (state === undefined || state.key !== undefined || state.session !== session) {
      made.delete(association);
      continue;
    }
    if (state.dict[view.toOwner.key] === owner && state.dict[view.toMember.key] === member) {
      made.delete(association);
      return association;
    }
  }
  return undefined;
}
