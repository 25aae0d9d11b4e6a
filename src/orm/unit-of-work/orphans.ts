/**
 * Whether an object that left a delete-orphan list is still held by another. With a
 * back-reference, the object says who holds it. Without one, nothing on the object does: the
 * loaded lists of the relationship in the session are searched (once per decision, and only when
 * such an orphan waits), so that a child moved to another parent's list is not deleted from under it.
 */
import type { IdentityMap } from "../identity/identity-map.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";

/** The objects that `rel` (no back-reference) holds in the session's objects: its loaded lists and values. */
export function heldThrough(rel: RelationshipProperty, identity: IdentityMap, pending: readonly InstanceState[]): Set<object> {
  const held = new Set<object>();
  const collect = (owner: object) => {
    const state = stateOf(owner);
    if (state === undefined || state.deletePending || state.deleted) return;
    const value = state.dict[rel.key];
    if (Array.isArray(value)) for (const member of value as object[]) held.add(member);
    else if (value !== undefined && value !== null) held.add(value as object);
  };
  identity.forMapper(rel.parent).forEach(collect);
  for (const state of pending) if (state.mapper === rel.parent) collect(state.obj);
  return held;
}
