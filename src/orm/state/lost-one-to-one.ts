/**
 * A one-to-one whose foreign key is on the other side (`account.settings`, the key on settings)
 * assigned another object, or null: the object it held must stop naming the owner, or a reload
 * finds it again (the assignment silently undone). A collection finds the members it lost by
 * comparing with its committed members at flush; a single object has no such record, so the
 * object lost is dealt with when known: at the assignment if the attribute was loaded (or the
 * object held is otherwise known), else at the next flush, which reads it first (as SQLAlchemy
 * loads it on assignment; a setter cannot wait for the database).
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf, type InstanceState } from "./instance-state.js";
import { changingState } from "./relationship-events.js";

/** Whether `rel` is such a one-to-one. */
export function holdsOtherSideKey(rel: RelationshipProperty): boolean {
  return !rel.collection && !rel.viewonly && rel.resolved.direction === "oneToMany";
}

/**
 * `owner` no longer holds `lost` through `rel`: it is deleted (delete-orphan: at the flush, if no
 * other owner took it), or its back-reference (else its foreign key) stops naming `owner`, so
 * that the flush clears the key. A back-reference already naming another owner is left as it is.
 */
export function oneToOneLost(owner: object, rel: RelationshipProperty, lost: object): void {
  const state = stateOf(lost);
  const ownerState = stateOf(owner);
  if (state === undefined || ownerState === undefined) return;
  const back = rel.backRef;
  const backValue = back === undefined ? undefined : state.dict[back.key];
  if (backValue !== undefined && backValue !== null && backValue !== owner) return;
  // Written as the session's own changes (this runs in a flush too), not through the accessors.
  changingState(state);
  // A back-reference naming the owner (or not loaded) is cleared: the flush clears the key from it.
  if (back !== undefined && backValue !== null) {
    state.dict[back.key] = null;
    if (state.key !== undefined) state.sessionForChange?.markModified(state);
  }
  if (rel.cascades("delete-orphan")) {
    (state.session ?? ownerState.session)?.orphaned(lost, rel, owner);
    return;
  }
  if (back !== undefined) return;
  for (const [key, fk] of rel.attributePairs) {
    // A key not loaded (expired) was read with the owner's attribute: it named the owner.
    if (state.dict[fk] !== undefined && state.dict[fk] !== ownerState.dict[key]) continue;
    state.recordChange(fk, state.dict[fk]);
    state.dict[fk] = null;
  }
}

/** One-to-ones of persistent objects assigned while not loaded: what they held is read at the next flush. */
const assignedUnread = new WeakMap<InstanceState, Set<RelationshipProperty>>();
/** How many objects have such marks (objects collected with theirs keep it above 0: no harm). */
let marked = 0;

export function markAssignedUnread(state: InstanceState, rel: RelationshipProperty): void {
  let set = assignedUnread.get(state);
  if (set === undefined) {
    assignedUnread.set(state, (set = new Set()));
    marked++;
  }
  set.add(rel);
}

/** Whether any object may have such a mark: flushes skip the look at every object when none has. */
export function anyAssignedUnread(): boolean {
  return marked !== 0;
}

/** The one-to-ones of `state` assigned while not loaded (kept until `settledUnread`). */
export function assignedWhileUnread(state: InstanceState): ReadonlySet<RelationshipProperty> | undefined {
  return assignedUnread.get(state);
}

export function settledUnread(state: InstanceState): void {
  if (assignedUnread.delete(state)) marked--;
}
