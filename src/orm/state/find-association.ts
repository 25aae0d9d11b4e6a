/**
 * Finding the association object of a link through a many-to-many view, in the lists of
 * association objects the session has loaded (relationship-events.ts).
 */
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "./collection.js";
import { ensureState, stateOf, type InstanceState } from "./instance-state.js";
import { collectionOf, listIfMade, stateIn } from "./loaded-lists.js";
import { madeLink } from "./made-links.js";

/**
 * @internal
 * The association object linking `owner` to `member` through view `rel`, if loaded: in the
 * owner's list of association objects, else in the member's if that one is loaded, else one made
 * in memory that the owner's session is to insert (made-links.ts). With `live`,
 * one deleted (or marked for deletion) does not count: a deleted association object stays in
 * those lists until the commit, and a link added again through the view used to find it and
 * make no new one, so the commit resolved without the link the view showed.
 */
export function findAssociation(owner: object, rel: RelationshipProperty, member: object, live = false): object | undefined {
  const view = rel.associationView!;
  const associations = view.toOwner.backRef ? collectionOf(owner, view.toOwner.backRef) : undefined;
  if (associations !== undefined) return associations.find((a) => links(a, view.association, view.toMember, member) && (!live || !isGone(a)));
  const ofMember = view.toMember.backRef?.collection ? (stateIn(member).dict[view.toMember.backRef.key] as InstrumentedList<object> | undefined) : undefined;
  if (ofMember !== undefined) return ofMember.find((a) => links(a, view.association, view.toOwner, owner) && (!live || !isGone(a)));
  return madeLink(owner, view, member); // neither list loaded: one made in memory, not inserted yet (made-links.ts)
}

/** @internal Whether an object is deleted, or marked for deletion at the next flush. */
export function isGone(obj: object): boolean {
  return stateOf(obj)?.gone === true;
}

/** @internal Whether association object `a`'s end `end` is `target`: the loaded end, else its foreign key. */
export function links(a: object, association: Mapper, end: RelationshipProperty, target: object): boolean {
  const dict = ensureState(a, association).dict;
  const linked = dict[end.key];
  if (linked !== undefined) return linked === target;
  // The end is not loaded: compare the association's foreign key with the target's key.
  const targetDict = ensureState(target, end.resolved.target).dict;
  return end.resolved.pairs.every(([fk, key]) => dict[association.attributeFor(fk)!] === targetDict[end.resolved.target.attributeFor(key)!]);
}

/**
 * @internal
 * The members of `owner`'s view `rel` whose link has only a deleted association object (deleted
 * with `session.delete` while the view still listed them), or undefined when none can have:
 * assigned the view again, such a member is a link added again, not one kept.
 */
export function linksGone(owner: object, rel: RelationshipProperty, members: Iterable<object>): Set<object> | undefined {
  const view = rel.associationView!;
  const associations = view.toOwner.backRef ? collectionOf(owner, view.toOwner.backRef) : undefined;
  // Mostly none is deleted: one pass over the owner's list, no search per member.
  if (associations !== undefined && !associations.some(isGone)) return undefined;
  let gone: Set<object> | undefined;
  for (const member of members) {
    if (findAssociation(owner, rel, member, true) === undefined && findAssociation(owner, rel, member) !== undefined) (gone ??= new Set()).add(member);
  }
  return gone;
}

/**
 * @internal
 * An association object marked for deletion with `session.delete`: its link leaves the views over
 * it that are loaded, as it does when it leaves its owner's list. Left there, the view showed the
 * link, and a member pushed again stood twice: the copy removed later kept the new link written.
 */
export function leaveViews(state: InstanceState): void {
  const ends = state.mapper.flushedRelationships.manyToOne;
  for (let i = 0; i < ends.length; i++) {
    for (const view of ends[i]!.views) {
      const { toOwner, toMember } = view.associationView!;
      if (toOwner !== ends[i]) continue;
      const owner = state.dict[toOwner.key] as object | null | undefined;
      const member = state.dict[toMember.key] as object | null | undefined;
      if (owner && member) listIfMade(owner, view)?.removeQuietly(member);
    }
  }
}
