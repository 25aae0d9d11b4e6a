/**
 * `session.merge(obj)`: a detached or foreign object's state copied onto the session's object of
 * the same key (loaded, or made), and along the merge cascade its related objects'.
 */
import { select, type Select } from "../../core/statements/select.js";
import { ExcludedRowError, ObjectDeletedError } from "../errors.js";
import { keyOf } from "../identity/object-keys.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { changedColumns } from "../state/changed-columns.js";
import type { InstanceState, StateOwner } from "../state/instance-state.js";
import { sameValue } from "../state/mutable-values.js";
import { stateFor } from "../state/state-for.js";
import { describeKey } from "./expiry.js";
import { mergeListChanges, type ListMerge } from "./merge-lists.js";
import { assertNotMarkedForDeletion, assertSameVersion } from "./merge-version.js";
import { checkWithoutLoad, mergeWithoutLoad } from "./merge-without-load.js";
import { filters } from "../loading/criteria.js";
import { loadByKey, type GetContext } from "../loading/get-by-key.js";

/** Options of `session.merge(obj, options)`. */
export interface MergeOptions {
  /**
   * `false`: no SELECT (SQLAlchemy's `load=False`), for objects from a cache. The object (and
   * each one the merge cascades to) must be persistent or detached and clean: its state is copied
   * as it is into the session's object of its key, made if the identity map has none, as if just
   * loaded (nothing to flush). A dirty or never-flushed object raises `MergeDirtyObjectError`.
   */
  readonly load?: boolean;
  /**
   * An object that had a row (detached, or another session's) whose row is not in the database:
   * `"refuse"` (the default) raises `ObjectDeletedError`, where SQLAlchemy inserts it again and
   * brings back a row another transaction deleted; `"insert"` writes it as a new row on purpose
   * (to copy objects from one database into another, say). An object that never had a row is
   * inserted either way.
   */
  readonly missing?: "refuse" | "insert";
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
  /** `MergeOptions.missing`. */
  readonly missing?: "refuse" | "insert" | undefined;
  /** Loads a relationship of session objects (a list the merge changes). */
  loadRelationship(rel: RelationshipProperty, objects: readonly object[]): Promise<void>;
  /** Whether the session's loader criteria filter `mapper`'s rows (a row `getByKey` misses may be one they exclude). */
  filtered?(mapper: Mapper): boolean;
  /** Whether the row of this key exists, the criteria aside. */
  rowExists?(mapper: Mapper, values: readonly unknown[]): Promise<boolean>;
}

/** The session's side of a merge: its identity map, loads by key (obeying its loader criteria), and `add`. */
export function mergeHost(context: GetContext, add: (obj: object) => void, options: MergeOptions): MergeHost {
  return {
    identity: context.identity,
    owner: context.owner,
    add,
    load: options.load,
    missing: options.missing,
    getByKey: (mapper, values) => loadByKey(context, mapper, values),
    loadRelationship: context.load,
    filtered: (mapper) => filters(context.criteria, mapper),
    rowExists: async (mapper, values) => {
      // Not a query of the model: the criteria do not apply to a statement of its key columns.
      const query = select(...mapper.primaryKey).where(...mapper.primaryKey.map((c, i) => c.eq(values[i] as never)));
      return (await context.rows(query as unknown as Select<unknown>)).length > 0;
    },
  };
}

function listMerge(host: MergeHost, merged: Map<object, object>): ListMerge {
  return {
    mergeMember: (member) => mergeInto(host, member, merged),
    sessionCopyOf: (member) => {
      const state = stateFor(member);
      return merged.get(member) ?? host.identity.get(state.mapper, keyOf(state.mapper, state));
    },
    loadRelationship: (rel, objects) => host.loadRelationship(rel, objects),
  };
}

/**
 * `session.merge(obj)`: every object the merge cascade reaches is looked up and checked first
 * (its row gone, its version stale), then copied. A merge that fails its checks has copied
 * nothing, where one that failed half-way left the objects before it merged, for the next commit
 * to write.
 */
export async function mergeGraph<T extends object>(host: MergeHost, obj: T): Promise<T> {
  if (host.load === false) checkWithoutLoad(host, stateFor(obj));
  else await checkGraph(host, obj, new Set());
  return mergeInto(host, obj, new Map());
}

async function checkGraph(host: MergeHost, obj: object, seen: Set<object>): Promise<void> {
  if (seen.has(obj)) return;
  seen.add(obj);
  const state = stateFor(obj);
  await existingTarget(host, state);
  for (const [, value] of cascaded(state)) {
    if (Array.isArray(value)) for (const member of value as object[]) await checkGraph(host, member, seen);
    else if (value !== null) await checkGraph(host, value as object, seen);
  }
}

/**
 * The session's object of the row `state` names (from the identity map, else loaded), checked:
 * undefined when there is none to merge onto (no key, or no row and `missing: "insert"`).
 */
async function existingTarget(host: MergeHost, state: InstanceState): Promise<object | undefined> {
  const mapper = state.mapper;
  const keyValues = mapper.primaryKey.map((c) => state.dict[mapper.attributeFor(c)!]);
  if (!keyValues.every((v) => v !== null && v !== undefined)) return undefined;
  const target = (host.identity.get(mapper, keyOf(mapper, state)) ?? (await host.getByKey(mapper, keyValues))) as object | undefined;
  // Not found: under loader criteria the row may be there, excluded. Inserting the object would
  // fail on its key, or (`missing: "insert"`, a row another session reads) write where it must not.
  if (target === undefined && host.filtered?.(mapper) && (await host.rowExists!(mapper, keyValues))) throw excludedRow(mapper, keyValues);
  if (target !== undefined) assertNotMarkedForDeletion(stateFor(target));
  if (target !== undefined) assertSameVersion(state, stateFor(target));
  // Its key as read (a key changed on the object names another row, made anew).
  else if (state.key !== undefined && keyOf(mapper, state) === state.key && host.missing !== "insert") throw rowGone(mapper, keyValues);
  return target;
}

/** The relationships the merge cascade follows from an object, with their values. */
function* cascaded(state: InstanceState): Generator<readonly [RelationshipProperty, unknown]> {
  for (const rel of state.mapper.relationships.values()) {
    const value = state.dict[rel.key];
    if (value === undefined || rel.viewonly || !rel.cascades("merge")) continue;
    // As for columns: a list expired on the object is the rows' as they were.
    if (state.expired?.has(rel.key) || state.unloaded?.has(rel.key)) continue;
    // A view whose association objects are merged too: they carry its links (merging both
    // paths would make each link twice).
    const through = rel.associationView?.derivedFrom;
    if (through !== undefined && state.dict[through.key] !== undefined) continue;
    yield [rel, value];
  }
}

/** Merges `obj`; `merged` maps each object of the graph merged so far to its session copy. */
export async function mergeInto<T extends object>(host: MergeHost, obj: T, merged: Map<object, object>): Promise<T> {
  const done = merged.get(obj);
  if (done) return done as T;
  const state = stateFor(obj);
  if (host.load === false) return mergeWithoutLoad(host, state, merged, mergeInto) as Promise<T>;
  const mapper = state.mapper;
  let target = (await existingTarget(host, state)) as T | undefined;
  // The session's own object: nothing to copy onto itself (SQLAlchemy alike). Merging its lists
  // onto themselves merged each member again while the merge's back-references grew the list.
  if (target === obj) {
    merged.set(obj, obj);
    return obj;
  }
  const made = target === undefined;
  target ??= mapper.newInstance() as T;
  merged.set(obj, target);
  // Of an object that had a row, onto that row: the columns it changed since it was loaded (or
  // flushed). Its other values are the row's as it was read; copied, the commit wrote them back
  // over what another transaction had committed since (SQLAlchemy copies them all).
  const changed = state.key !== undefined && stateFor(target).key !== undefined ? new Set(changedColumns(state)) : undefined;
  for (const attr of mapper.columns.keys()) {
    if (changed !== undefined && !changed.has(attr)) continue;
    // An expired value (kept in memory until read again) is the row's as it was: not copied either.
    if (state.dict[attr] === undefined || state.expired?.has(attr) || state.unloaded?.has(attr)) continue;
    // A generated column is the database's to compute: the target reads its own.
    if (mapper.generatedColumns.length && mapper.generatedColumns.includes(attr)) continue;
    (target as Record<string, unknown>)[attr] = state.dict[attr];
  }
  // Added with its columns, which are its values as it joined: a rollback sends it away with them
  // (added-values.ts), not empty.
  if (made) host.add(target);
  // Merge cascade: related objects are merged too, and the merged ones assigned.
  for (const [rel, value] of cascaded(state)) {
    let mergedValue: unknown = null;
    if (Array.isArray(value) && (await mergeListChanges(listMerge(host, merged), rel, value as object[], target))) continue;
    if (Array.isArray(value)) {
      // One after the other: merges of a graph share their memo and must not interleave.
      const members: object[] = [];
      for (const member of Array.from(value as object[])) members.push(await mergeInto(host, member, merged));
      mergedValue = members;
    } else if (value !== null) mergedValue = await mergeInto(host, value as object, merged);
    // As for columns: a reference the object holds as it was read is not assigned back over the
    // row's, which another transaction may have changed since.
    if (changed !== undefined && rel.resolved.direction === "manyToOne" && referenceAsRead(state, rel, value as object | null)) continue;
    (target as Record<string, unknown>)[rel.key] = mergedValue;
  }
  return target;
}

/** A row the session's loader criteria exclude: not to be written from this session. */
function excludedRow(mapper: Mapper, keyValues: readonly unknown[]): ExcludedRowError {
  return new ExcludedRowError(
    `merge(${mapper.name}): the row of this ${mapper.name} (${describeKey(mapper.keyAttributes, keyValues)}) is in the database, but the ` +
      `session's loader criteria (withLoaderCriteria(${mapper.name}, ...)) exclude it: merging would write into a row this session ` +
      `must not see. Nothing was merged. Merge it in a session whose criteria keep the row, or give the object a key of its own.`,
  );
}

/** An object that had a row, merged when its row is gone: inserting it would bring the row back. */
function rowGone(mapper: Mapper, keyValues: readonly unknown[]): ObjectDeletedError {
  return new ObjectDeletedError(
    `merge(${mapper.name}): the row of this ${mapper.name} (${describeKey(mapper.keyAttributes, keyValues)}) is not in the database: another ` +
      `transaction deleted it (or has not committed it). Merging would insert it again. To write it as a new row on purpose, ` +
      `pass { missing: "insert" } to merge().`,
  );
}

/**
 * Whether a many-to-one names the row its foreign key was read with (the key not changed since):
 * the object did not change it.
 */
function referenceAsRead(state: InstanceState, rel: RelationshipProperty, value: object | null): boolean {
  for (const [foreignKey, key] of rel.resolved.pairs) {
    const attr = state.mapper.attributeFor(foreignKey);
    if (attr === undefined || (state.committed !== undefined && attr in state.committed)) return false;
    const read = state.dict[attr];
    const named = value === null ? null : (stateFor(value).dict[rel.target.attributeFor(key)!] ?? undefined);
    if (read === undefined || named === undefined || !sameValue(read, named)) return false;
  }
  return true;
}
