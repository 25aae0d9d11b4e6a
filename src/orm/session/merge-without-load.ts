/**
 * `session.merge(obj, { load: false })` (SQLAlchemy's `load=False`): a clean object's state
 * copied as it is, without a SELECT, into the session's object of its key, which is made when
 * the identity map has none. Nothing becomes dirty: the values copied are taken as the row's.
 */
import { ExcludedRowError, MergeDirtyObjectError } from "../errors.js";
import { describeKey } from "./expiry.js";
import { keyOf } from "../identity/object-keys.js";
import { hasPendingChanges } from "../loading/populate.js";
import { attachState, InstanceState, stateOf } from "../state/instance-state.js";
import { setLoaded } from "../state/loaded-lists.js";
import { mutatedFrom, sameValue } from "../state/mutable-values.js";
import type { InstrumentedList } from "../state/collection.js";
import type { MergeHost } from "./merge.js";
import { assertNotMarkedForDeletion, assertSameVersion } from "./merge-version.js";

type MergeOne = (host: MergeHost, obj: object, merged: Map<object, object>) => Promise<object>;

/** Merges `state`'s object without a SELECT; `mergeInto` merges the objects the cascade reaches. */
export async function mergeWithoutLoad(host: MergeHost, state: InstanceState, merged: Map<object, object>, mergeInto: MergeOne): Promise<object> {
  const { mapper } = state;
  refuseDirty(state);
  const key = keyOf(mapper, state);
  let target = host.identity.get(mapper, key);
  let targetState: InstanceState;
  if (target === undefined) {
    // No SELECT: whether the criteria keep this row cannot be known, and later changes would be written to it.
    if (host.filtered?.(mapper)) {
      throw new ExcludedRowError(
        `merge(${mapper.name}, { load: false }): the session's loader criteria filter ${mapper.name}, and without a SELECT it cannot know ` +
          `that they keep this row (${describeKey(mapper.keyAttributes, mapper.primaryKey.map((c) => state.dict[mapper.attributeFor(c)!]))}), ` +
          `which its changes would then be written to. Nothing of it was merged: merge it with load: true (the default).`,
      );
    }
    target = mapper.newInstance() as object;
    targetState = new InstanceState(mapper);
    // Not copied below (never loaded, or expired on the original): not loaded here either.
    targetState.unloaded = mapper.expirableColumns;
    attachState(target, targetState);
    targetState.loaded(host.owner, key);
    host.identity.set(mapper, key, target);
  } else {
    targetState = stateOf(target)!;
    assertNotMarkedForDeletion(targetState);
    assertSameVersion(state, targetState);
    // Copied over as loaded, the object's own changes would be dropped, and the commit resolve without them.
    if (hasPendingChanges(targetState)) {
      throw new MergeDirtyObjectError(
        `merge(${mapper.name}, { load: false }): the session's ${mapper.name} of this key has changes not flushed, which the copy would drop; ` +
          `flush them first, or merge with load: true (the default).`,
      );
    }
  }
  merged.set(state.obj, target);
  for (const attr of mapper.columns.keys()) {
    const value = state.dict[attr];
    if (value === undefined || state.expired?.has(attr) || state.unloaded?.has(attr)) continue;
    targetState.dict[attr] = value;
    targetState.markLoaded(attr);
    targetState.unexpire(attr);
    if (targetState.committed) delete targetState.committed[attr];
  }
  if (targetState.committed && Object.keys(targetState.committed).length === 0) targetState.committed = undefined;
  // Along the merge cascade, related objects merged the same way, set as loaded (no change to flush).
  for (const rel of mapper.relationships.values()) {
    const value = state.dict[rel.key];
    if (value === undefined || rel.viewonly || !rel.cascades("merge")) continue;
    if (Array.isArray(value)) {
      const members: object[] = [];
      for (const member of value as object[]) members.push(await mergeInto(host, member, merged));
      setLoaded(target, rel, members);
    } else targetState.dict[rel.key] = value === null ? null : await mergeInto(host, value as object, merged);
  }
  return target;
}

/** Only an object as its row holds it can be copied without loading: no key or a change refuses it. */
function refuseDirty(state: InstanceState): void {
  const { mapper } = state;
  const fix = `flush its changes first, or merge it with load: true (the default).`;
  if (state.key === undefined || state.status === "deleted" || state.deletePending) {
    const what = state.key === undefined ? "was never flushed (it has no row)" : "is deleted";
    throw new MergeDirtyObjectError(`merge(${mapper.name}, { load: false }): the object ${what}; ${fix}`);
  }
  const committed = state.committed ?? {};
  const changed = Object.keys(committed).filter((k) => !sameValue(committed[k], state.dict[k]));
  for (const { attr, kind } of mapper.mutableColumns) if (!(attr in committed) && mutatedFrom(state, attr, kind)) changed.push(attr);
  for (const rel of mapper.collectionRelationships) if ((state.dict[rel.key] as InstrumentedList<object> | undefined)?.changed) changed.push(rel.key);
  if (changed.length) {
    throw new MergeDirtyObjectError(`merge(${mapper.name}, { load: false }): the object has changes not flushed (${changed.join(", ")}); ${fix}`);
  }
}
