/**
 * `session.merge(obj)`: a detached or foreign object's state copied onto the session's object of
 * the same key (loaded, or made), and along the merge cascade its related objects'.
 */
import { keyOf } from "../identity/object-keys.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateFor } from "../state/state-for.js";
import type { StateOwner } from "../state/instance-state.js";
import { ObjectDeletedError } from "../errors.js";
import { describeKey } from "./expiry.js";
import { assertSameVersion } from "./merge-version.js";
import { mergeWithoutLoad } from "./merge-without-load.js";

/** Options of `session.merge(obj, options)`. */
export interface MergeOptions {
  /**
   * `false`: no SELECT (SQLAlchemy's `load=False`), for objects from a cache. The object (and
   * each one the merge cascades to) must be persistent or detached and clean: its state is copied
   * as it is into the session's object of its key, made if the identity map has none, as if just
   * loaded (nothing to flush). A dirty or never-flushed object raises `MergeDirtyObjectError`.
   */
  readonly load?: boolean;
}

/** What merging needs from the session. */
export interface MergeHost {
  readonly identity: IdentityMap;
  /** The session, owner of the objects merged without loading. */
  readonly owner: StateOwner;
  /** The object of this key from the database, or undefined. */
  getByKey(mapper: Mapper, values: readonly unknown[]): object | undefined | Promise<object | undefined>;
  add(obj: object): void;
  /** `MergeOptions.load`. */
  readonly load?: boolean;
}

/** Merges `obj`; `merged` maps each object of the graph merged so far to its session copy. */
export async function mergeInto<T extends object>(host: MergeHost, obj: T, merged: Map<object, object>): Promise<T> {
  const done = merged.get(obj);
  if (done) return done as T;
  const state = stateFor(obj);
  if (host.load === false) return mergeWithoutLoad(host, state, merged, mergeInto) as Promise<T>;
  const mapper = state.mapper;
  const keyValues = mapper.primaryKey.map((c) => state.dict[mapper.attributeFor(c)!]);
  const hasKey = keyValues.every((v) => v !== null && v !== undefined);
  let target = hasKey ? ((host.identity.get(mapper, keyOf(mapper, state)) ?? (await host.getByKey(mapper, keyValues))) as T | undefined) : undefined;
  if (!target) {
    // A detached object had a row: gone now, another transaction deleted it. Made pending, it
    // used to be inserted again (as SQLAlchemy does), undoing that deletion without a word.
    if (state.key !== undefined && keyOf(mapper, state) === state.key) throw rowDeleted(mapper, keyValues);
    target = mapper.newInstance() as T;
    host.add(target);
  } else assertSameVersion(state, stateFor(target));
  merged.set(obj, target);
  for (const attr of mapper.columns.keys()) {
    // An expired value (kept in memory until read again) is the row's as it was: not copied, or
    // the commit wrote it back over what another transaction committed since.
    if (state.dict[attr] === undefined || state.expired?.has(attr) || state.unloaded?.has(attr)) continue;
    (target as Record<string, unknown>)[attr] = state.dict[attr];
  }
  // Merge cascade: related objects are merged too, and the merged ones assigned.
  for (const rel of mapper.relationships.values()) {
    const value = state.dict[rel.key];
    if (value === undefined || rel.viewonly || !rel.cascades("merge")) continue;
    // A view whose association objects are merged too: they carry its links (merging both
    // paths would make each link twice).
    const through = rel.associationView?.derivedFrom;
    if (through !== undefined && state.dict[through.key] !== undefined) continue;
    let mergedValue: unknown = null;
    if (Array.isArray(value)) {
      // One after the other: merges of a graph share their memo and must not interleave.
      const members: object[] = [];
      for (const member of value as object[]) members.push(await mergeInto(host, member, merged));
      mergedValue = members;
    } else if (value !== null) mergedValue = await mergeInto(host, value as object, merged);
    (target as Record<string, unknown>)[rel.key] = mergedValue;
  }
  return target;
}

function rowDeleted(mapper: Mapper, keyValues: readonly unknown[]): ObjectDeletedError {
  const key = describeKey(mapper.keyAttributes, keyValues);
  return new ObjectDeletedError(
    `merge(${mapper.name}): the object's row (${key}) no longer exists in the database: another transaction deleted it since the object was read. ` +
      `To write it again, add a new ${mapper.name} object with its values.`,
  );
}
