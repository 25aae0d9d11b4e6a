/**
 * `session.merge(obj, { load: false })` (SQLAlchemy's `load=False`): a clean object's state
 * copied as it is, without a SELECT, into the session's object of its key, which is made when
 * the identity map has none. Nothing becomes dirty: the values copied are taken as the row's.
 *
 * Under loader criteria that filter the model, an object the session does not hold is refused:
 * trusted as the row's state, it still cannot tell that the row is one the criteria keep now (a
 * cached object of a row soft-deleted since), and the flush writes by primary key, so a later
 * change would be written into a row the criteria hide. (SQLAlchemy applies criteria to SELECTs
 * only, and merges it.) Every object the cascade reaches is checked before any is copied.
 */
import { ExcludedRowError, MergeDirtyObjectError } from "../errors.js";
import { describeKey } from "./expiry.js";
import { keyOf } from "../identity/object-keys.js";
import { hasPendingChanges } from "../loading/populate.js";
import { attachState, InstanceState, stateOf } from "../state/instance-state.js";
import { setLoaded } from "../state/loaded-lists.js";
import { mutatedFrom, sameValue } from "../state/mutable-values.js";
import type { InstrumentedList } from "../state/collection.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateFor } from "../state/state-for.js";
import type { MergeHost } from "./merge.js";
import { assertNotMarkedForDeletion, assertSameVersion } from "./merge-version.js";

type MergeOne = (host: MergeHost, obj: object, merged: Map<object, object>) => Promise<object>;

/**
 * The refusals of a merge without load, for `state` and every object its cascade reaches, before
 * any is copied: one refused half-way left those before it merged, the session's objects
 * overwritten with the cached state.
 */
export function checkWithoutLoad(host: MergeHost, state: InstanceState, seen: Set<InstanceState> = new Set()): void {
  if (seen.has(state)) return;
  seen.add(state);
  const { mapper } = state;
  refuseDirty(state);
  const target = host.identity.get(mapper, keyOf(mapper, state));
  if (target === undefined && host.filtered?.(mapper)) throw unknownToCriteria(state);
  if (target !== undefined) checkTarget(mapper.name, stateOf(target)!, state);
  for (const [, value] of cascadedWithoutLoad(state)) {
    for (const member of Array.isArray(value) ? (value as object[]) : value === null ? [] : [value as object]) checkWithoutLoad(host, stateFor(member), seen);
  }
}

/** Merges `state`'s object without a SELECT (checked by `checkWithoutLoad`); `mergeInto` merges the objects the cascade reaches. */
export async function mergeWithoutLoad(host: MergeHost, state: InstanceState, merged: Map<object, object>, mergeInto: MergeOne): Promise<object> {
  const { mapper } = state;
  refuseDirty(state);
  const key = keyOf(mapper, state);
  let target = host.identity.get(mapper, key);
  let targetState: InstanceState;
  if (target === undefined) {
    if (host.filtered?.(mapper)) throw unknownToCriteria(state);
    target = mapper.newInstance() as object;
    targetState = new InstanceState(mapper);
    // Not copied below (never loaded, or expired on the original): not loaded here either.
    targetState.unloaded = mapper.expirableColumns;
    attachState(target, targetState);
    targetState.loaded(host.owner, key);
    host.identity.set(mapper, key, target);
  } else {
    targetState = stateOf(target)!;
    checkTarget(mapper.name, targetState, state);
  }
  merged.set(state.obj, target);
  for (const attr of mapper.columns.keys()) copyLoaded(state, targetState, attr);
  // Column properties too: the values the database computed when the original was loaded, as its columns are.
  for (const attr of mapper.propertyKeys) copyLoaded(state, targetState, attr);
  if (targetState.committed && Object.keys(targetState.committed).length === 0) targetState.committed = undefined;
  // Along the merge cascade, related objects merged the same way, set as loaded (no change to flush).
  for (const [rel, value] of cascadedWithoutLoad(state)) {
    if (Array.isArray(value)) {
      const members: object[] = [];
      for (const member of value as object[]) members.push(await mergeInto(host, member, merged));
      setLoaded(target, rel, members);
    } else targetState.dict[rel.key] = value === null ? null : await mergeInto(host, value as object, merged);
  }
  return target;
}

/** One attribute of the original, copied as loaded, unless it was not loaded (or expired) there. */
function copyLoaded(state: InstanceState, targetState: InstanceState, attr: string): void {
  const value = state.dict[attr];
  if (value === undefined || state.expired?.has(attr) || state.unloaded?.has(attr)) return;
  targetState.dict[attr] = value;
  targetState.markLoaded(attr);
  targetState.unexpire(attr);
  if (targetState.committed) delete targetState.committed[attr];
}

/** The relationships a merge without load follows from an object, with their values. */
function* cascadedWithoutLoad(state: InstanceState): Generator<readonly [RelationshipProperty, unknown]> {
  for (const rel of state.mapper.relationships.values()) {
    const value = state.dict[rel.key];
    if (value !== undefined && !rel.viewonly && rel.cascades("merge")) yield [rel, value];
  }
}

/** The session's object of the key, to be overwritten: not deleted, of the same version, without changes to drop. */
function checkTarget(name: string, targetState: InstanceState, state: InstanceState): void {
  assertNotMarkedForDeletion(targetState);
  assertSameVersion(state, targetState);
  // Copied over as loaded, the object's own changes would be dropped, and the commit resolve without them.
  if (hasPendingChanges(targetState)) {
    throw new MergeDirtyObjectError(
      `merge(${name}, { load: false }): the session's ${name} of this key has changes not flushed, which the copy would drop; ` +
        `flush them first, or merge with load: true (the default).`,
    );
  }
}

/** An object the session does not hold, of a model its loader criteria filter: see the file's comment. */
function unknownToCriteria(state: InstanceState): ExcludedRowError {
  const { mapper } = state;
  const key = describeKey(mapper.keyAttributes, mapper.primaryKey.map((c) => state.dict[mapper.attributeFor(c)!]));
  return new ExcludedRowError(
    `merge(${mapper.name}, { load: false }): the session's loader criteria filter ${mapper.name} (withLoaderCriteria(${mapper.name}, ...)), and ` +
      `without a SELECT it cannot know that they keep this row (${key}), which its changes would then be written to. Nothing was ` +
      `merged. Merge it with load: true (the default), which reads the row under the criteria, or load it into the session first.`,
  );
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
