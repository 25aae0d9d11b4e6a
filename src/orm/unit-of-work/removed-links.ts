/**
 * Links removed through a many-to-many view over a surrogate-keyed association table (or a
 * versioned one) while their association objects were not loaded. The row's key (its version) is
 * not known from the link, so before the flush the association objects of those owners (else of
 * those members) are loaded, one query per list, and the one linking the two is deleted as an
 * object: by its key (and version), with the row-count check of any DELETE, and marked deleted
 * wherever the session holds it.
 */
import { StaleDataError } from "../errors.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { removeLinkByAssociation, takeOverAssociation } from "../state/relationship-events.js";
import { formatKey } from "./persister.js";
import type { RelationshipLoad } from "./unread-collections.js";

export interface RemovedLink {
  readonly owner: InstanceState;
  readonly member: InstanceState;
  /** The many-to-many view it was removed from. */
  readonly view: RelationshipProperty;
}

/**
 * Deletes the association objects of `links`; `pending` may hold some (added, then removed,
 * before a flush). A link the view shows again stays: put back by a savepoint's rollback, or
 * added again (its new association object then takes over the row). On an error, `links` keeps
 * those not done yet.
 */
export async function removeLinksByLoading(links: RemovedLink[], pending: readonly InstanceState[], load: RelationshipLoad): Promise<void> {
  const unloaded = new Map<RelationshipProperty, Set<object>>();
  const work: { link: RemovedLink; added: object | undefined; shown: boolean }[] = [];
  const addedLinks = pendingLinks(links, pending);
  for (const link of links) {
    const { owner, member, view } = link;
    const shown = (owner.dict[view.key] as readonly object[] | undefined)?.includes(member.obj) === true;
    const added = addedLinks.get(view)?.get(owner.obj)?.get(member.obj);
    if (shown && added === undefined) continue; // put back by a savepoint's rollback: nothing to do
    work.push({ link, added, shown });
    const { toOwner, toMember } = view.associationView!;
    // The owner's list is the one searched first (and the shorter one, mostly: an invoice's lines, not a track's).
    const [list, holder] = toOwner.backRef?.collection ? [toOwner.backRef, owner] : [toMember.backRef!, member];
    if (holder.key === undefined || holder.dict[list.key] !== undefined) continue;
    let holders = unloaded.get(list);
    if (holders === undefined) unloaded.set(list, (holders = new Set()));
    holders.add(holder.obj);
  }
  for (const [list, holders] of unloaded) await load(list, [...holders]);
  for (let i = 0; i < work.length; i++) {
    const { link, added, shown } = work[i]!;
    const { owner, member, view } = link;
    if (shown) {
      takeOverAssociation(owner.obj, view, member.obj, added!);
      continue;
    }
    if (removeLinkByAssociation(owner.obj, view, member.obj, added)) continue;
    // No row can link an object that has none.
    if (owner.key === undefined || member.key === undefined) continue;
    links.splice(0, links.length, ...work.slice(i).map((w) => w.link)); // those done are not looked for again
    throw new StaleDataError(
      `The link of ${describe(owner)} to ${describe(member)} removed from ${view} is not in '${view.resolved.secondary!.name}': ` +
        `it was deleted by another transaction. Nothing of this flush was written; reload the objects and apply the change again.`,
    );
  }
}

/**
 * The pending association objects that link two ends of the removed links' views (added through
 * a view while no list held them), by view, owner and member: one pass over `pending`.
 */
function pendingLinks(links: readonly RemovedLink[], pending: readonly InstanceState[]): Map<RelationshipProperty, Map<object, Map<object, object>>> {
  const found = new Map<RelationshipProperty, Map<object, Map<object, object>>>();
  const views = new Set(links.map((link) => link.view));
  for (const state of pending) {
    if (state.deletePending) continue;
    for (const view of views) {
      const { association, toOwner, toMember } = view.associationView!;
      const owner = state.dict[toOwner.key] as object | null | undefined;
      const member = state.dict[toMember.key] as object | null | undefined;
      if (state.mapper !== association || !owner || !member) continue;
      let byOwner = found.get(view);
      if (byOwner === undefined) found.set(view, (byOwner = new Map()));
      let byMember = byOwner.get(owner);
      if (byMember === undefined) byOwner.set(owner, (byMember = new Map()));
      byMember.set(member, state.obj);
    }
  }
  return found;
}

function describe(state: InstanceState): string {
  return `${state.mapper.name} (${state.mapper.keyAttributes.map((attr) => `${attr}=${formatKey(state.dict[attr])}`).join(", ")})`;
}

/** The states of a link stand-in's two ends, for `RemovedLink`. */
export function removedLink(stub: InstanceState, view: RelationshipProperty): RemovedLink | undefined {
  const { toOwner, toMember } = view.associationView!;
  const owner = stateOf(stub.dict[toOwner.key] as object);
  const member = stateOf(stub.dict[toMember.key] as object);
  return owner && member ? { owner, member, view } : undefined;
}
