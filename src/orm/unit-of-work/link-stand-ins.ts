/**
 * An object in no session that lost its link (`StateOwner.orphaned`): a link stand-in, made when
 * a link was removed through a many-to-many view whose association objects were not loaded, or
 * an association object linked from its own side and then unlinked through a view.
 */
import { fillLinkKey } from "../identity/object-keys.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import type { LinkedObjects } from "./linked-objects.js";
import { removedLink, type RemovedLink } from "./removed-links.js";
import { noteUnlinked } from "../state/unlinked-associations.js";

/** @internal What of the unit of work the stand-ins act on. */
export interface StandInHost {
  readonly owner: StateOwner;
  readonly identity: IdentityMap;
  readonly linked: LinkedObjects;
  readonly removedLinks: RemovedLink[];
  delete(state: InstanceState): void;
}

/**
 * @internal
 * A link removed through a view whose association objects were not loaded (`via`: the view):
 * the stand-in is the row to delete, by its link. Unless the link is not its key (a surrogate),
 * or the row is versioned (its DELETE names the version read; the stand-in has none, and failed
 * with a false StaleDataError): the flush loads the association objects and deletes the one found.
 */
export function orphanedOutside(uow: StandInHost, state: InstanceState, via: RelationshipProperty | undefined): void {
  if (state.key !== undefined || state.session !== undefined) return;
  // An association object linked from its own side, then unlinked through a view: its ends
  // still name the session's objects, but the link is gone, so it must not join at the commit.
  // It has no row: deleted by its link's key, the row of a link deleted before was deleted again.
  if (via === undefined) return uow.linked.forget(state.obj);
  const view = via.associationView;
  if (view !== undefined && (!view.keyedByLinks || view.association.versionAttribute !== undefined)) {
    const link = removedLink(state, via);
    if (link) uow.removedLinks.push(link);
    return;
  }
  const key = fillLinkKey(state);
  if (key === undefined) return;
  const known = uow.identity.get(state.mapper, key);
  if (known) {
    // The session's object of the row is deleted in the stand-in's place, and noted as unlinked
    // through the view: the link added again before the flush takes it back, with its extra
    // data (a new object took the row over with none).
    const held = stateOf(known)!;
    if (held.gone) return; // deleted already, by the application or a flush
    uow.delete(held);
    if (view === undefined) return;
    for (const end of [view.toOwner, view.toMember]) held.dict[end.key] ??= state.dict[end.key];
    return noteUnlinked(known, held.dict, view);
  }
  state.loaded(uow.owner, key);
  uow.identity.set(state.mapper, key, state.obj);
  uow.delete(state);
}
