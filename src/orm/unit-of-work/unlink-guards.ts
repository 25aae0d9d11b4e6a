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
 * The attributes the UPDATE of `state` names at their values as stored (`before`), once: the
 * guard is used up. Not where they are NULL as stored (a guard left by an UPDATE that did not
 * take it, the key cleared since): that would match no row.
 * @internal
 */
export function takeUnlinkGuard(state: InstanceState, before: Readonly<Record<string, unknown>>): readonly string[] | undefined {
  const attrs = guarded.get(state);
  if (attrs === undefined) return undefined;
  guarded.delete(state);
  return attrs.every((attr) => before[attr] !== null && before[attr] !== undefined) ? attrs : undefined;
}
