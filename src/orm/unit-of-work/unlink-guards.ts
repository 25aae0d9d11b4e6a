/**
 * Children whose foreign key a flush clears because their parent is deleted (a one-to-many
 * without a delete cascade): their UPDATE names the parent they were read with too, so that a
 * row another transaction has moved to another parent since is not unlinked from it. The UPDATE
 * matches nothing then, and the flush fails with StaleDataError (it used to set the key NULL by
 * the row's primary key alone, and the commit resolved with the row taken from its new parent).
 */
import type { InstanceState } from "../state/instance-state.js";

const guarded = new WeakMap<InstanceState, readonly string[]>();

/**
 * The next UPDATE of `state` also names `attrs` (its foreign key) at their values as read.
 * @internal
 */
export function guardUnlink(state: InstanceState, attrs: readonly string[]): void {
  guarded.set(state, attrs);
}

/**
 * The attributes the UPDATE of `state` names at their values as read, once (the guard is used up).
 * @internal
 */
export function takeUnlinkGuard(state: InstanceState): readonly string[] | undefined {
  const attrs = guarded.get(state);
  if (attrs !== undefined) guarded.delete(state);
  return attrs;
}
