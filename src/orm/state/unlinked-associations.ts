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
 * The owner's session's count of flushes and rollbacks when each was unlinked: one is taken back
 * only before the next. After a flush (a commit even), a link added again brought back the extra
 * data of a pending one removed long before; after a rollback, one unlinked in the work it undid.
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
 * taken out of it; of several, the last unlinked. Forgets those the flush deleted since.
 */
export function unlinkedAssociation(owner: object, view: AssociationView, member: object): object | undefined {
  const unlinked = unlinkedThroughView.get(owner);
  if (unlinked === undefined) return undefined;
  const session = stateOf(owner)?.session;
  // The last one unlinked is the link's: one made and unlinked before it was superseded by it.
  let found: object | undefined;
  for (const association of unlinked) {
    const state = stateOf(association);
    // Since a rollback, one marked for deletion again (session.delete) was not unlinked by a view;
    // one a flush deleted (its row taken over by a row switch, still marked) has no row to keep.
    const waiting =
      state !== undefined &&
      unlinkedAt.get(association) === session?.flushes &&
      (state.key === undefined ? state.session === undefined : state.deletePending && !state.deleted && state.session === session);
    if (!waiting) {
      unlinked.delete(association);
      continue;
    }
    if (state.dict[view.toOwner.key] === owner && linksTo(state.dict, view, member)) found = association;
  }
  if (found !== undefined) unlinked.delete(found);
  return found;
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
