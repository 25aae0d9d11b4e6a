/**
 * Relationships that refuse to load when read: `lazy: "raise"` in the mapping, or `raiseLoad()` in
 * the query that returned the object. Reading one that is not loaded raises, whether the read is
 * synchronous or `await lazy(obj).key`, and the error names the loader option to use instead.
 */
import { RelationshipNotLoadedError } from "../errors.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstanceState } from "./instance-state.js";

/**
 * Keys marked by a `raiseLoad()` query, per object. Kept aside rather than on every state: only
 * the objects of such queries pay for it, and it is read only when a relationship is not loaded.
 * A mark stays until the object is gone; once a later query loads the relationship, it is moot.
 */
const raisingByQuery = new WeakMap<InstanceState, Set<string>>();

/** `raiseLoad(Model, key)`: the query marks each object it returned whose `key` is not loaded. */
export function markRaiseLoad(state: InstanceState, key: string): void {
  if (state.dict[key] !== undefined) return;
  let keys = raisingByQuery.get(state);
  if (keys === undefined) raisingByQuery.set(state, (keys = new Set()));
  keys.add(key);
}

/** The error for reading `rel` of an object while it is not loaded, when loading it is refused; else undefined. */
export function raiseLoadError(state: InstanceState, rel: RelationshipProperty): RelationshipNotLoadedError | undefined {
  const byMapping = rel.spec.options.lazy === "raise";
  if (!byMapping && raisingByQuery.get(state)?.has(rel.key) !== true) return undefined;
  const reason = byMapping ? `its mapping says lazy: "raise"` : `the query that returned it said raiseLoad(${rel.parent.name}, "${rel.key}")`;
  return new RelationshipNotLoadedError(
    `${rel} is not loaded, and ${reason}: it is never loaded on access. ` +
      `Add selectinLoad(${rel.parent.name}, "${rel.key}") or joinedLoad(${rel.parent.name}, "${rel.key}") to the query.`,
  );
}
