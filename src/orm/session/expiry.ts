/**
 * Expiring objects: attributes marked to be reloaded on next read (after commit, rollback,
 * `expire()`), and `refresh`, which reloads them at once.
 */
import { exactKeyCheck } from "../loading/exact-keys.js";
import { InvalidRequestError } from "../../core/errors.js";
import { select, type Select } from "../../core/statements/select.js";
import { ObjectDeletedError } from "../errors.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { cascadedObjects } from "../state/cascaded.js";
import { changedDuringRead, changesBefore, relationshipChangedDuringRead, relationshipsBefore } from "../state/changed-during-read.js";
import { lockedIfAny } from "../loading/locked-rows.js";

/** Expires every attribute but the primary key. */
export function expireState(state: InstanceState): void {
  if (state.key === undefined) return;
  state.expireAllColumns();
  state.committed = undefined;
  state.mapper.unloadRelationships(state.dict);
}

/**
 * Expires some attributes. Apart from `expireState`: its callbacks capture the state, and V8
 * then allocates a context on every call, which commit would pay once per object.
 */
export function expireAttributes(state: InstanceState, attributes: readonly string[]): void {
  if (state.key === undefined) return;
  const { mapper } = state;
  // The primary key is the object's identity, which the session keeps: it stays readable.
  const keys = attributes.filter((k) => mapper.expirableColumns.has(k) || mapper.relationships.has(k));
  unloadReferencesOf(state, keys);
  for (const key of keys) {
    if (mapper.relationships.has(key)) state.dict[key] = undefined;
    else if (state.committed) delete state.committed[key];
  }
  state.expire(keys.filter((k) => !mapper.relationships.has(k)));
  if (state.committed && Object.keys(state.committed).length === 0) state.committed = undefined;
}

/**
 * The many-to-ones whose foreign key is among `attributes`, about to take the row's value (read
 * again, or set by a bulk UPDATE), are unloaded too when they name the object the key names now:
 * left loaded, the next flush of the object copied the old object's key over the row's new one.
 * One assigned another object (a change not flushed) is kept.
 */
export function unloadReferencesOf(state: InstanceState, attributes: readonly string[]): void {
  for (const rel of state.mapper.flushedRelationships.manyToOne) {
    const pairs = rel.attributePairs;
    const target = state.dict[rel.key];
    if (target === undefined || !pairs.some(([fk]) => attributes.includes(fk))) continue;
    const targetDict = target === null ? undefined : stateOf(target as object)?.dict;
    if (pairs.every(([fk, key]) => (targetDict === undefined ? null : targetDict[key]) === (state.dict[fk] ?? null))) state.dict[rel.key] = undefined;
  }
}

/**
 * Reloads an object's columns from its row, at once (under the lock if `locked` holds it); its
 * relationships are reloaded on demand. Returns whether it kept a relationship changed while the
 * read was in flight (the object then still has a change to flush).
 */
export async function refreshState(state: InstanceState, rows: (statement: Select<unknown>) => Promise<unknown[][]>, locked?: ReadonlySet<InstanceState>): Promise<boolean> {
  const mapper = state.mapper;
  if (state.key === undefined) throw new InvalidRequestError(`${mapper.name} object has no row to refresh from: it was never flushed.`);
  const keyValues = mapper.primaryKey.map((c) => state.dict[mapper.attributeFor(c)!]);
  const plan = mapper.defaultLoad;
  const before = changesBefore([state], plan.keys);
  const relationships = relationshipsBefore(state);
  const query = select(mapper.class_).where(...mapper.primaryKey.map((c, i) => c.eq(keyValues[i] as never))) as unknown as Select<unknown>;
  const row = (await rows(lockedIfAny(query, [state], locked)))[0];
  if (!row) throw new ObjectDeletedError(`${mapper.name} object (${describeKey(mapper.keyAttributes, keyValues)}) no longer exists in the database: another transaction deleted it.`);
  exactKeyCheck(mapper, plan.keys, 0)?.(row); // a timestamp naming rows read inexactly is refused (exact-keys.ts)
  state.session?.changing(state); // an open savepoint keeps the object as it was: its rollback undoes the read
  // The columns a plain query loads; deferred ones are not loaded any more (as in SQLAlchemy).
  // A column assigned while the read was in flight keeps its value, to be written over the row's.
  let kept: Record<string, unknown> | undefined;
  plan.keys.forEach((key, i) => {
    if (changedDuringRead(state, key, before)) (kept ??= {})[key] = row[i];
    else state.dict[key] = row[i];
  });
  state.unloaded = plan.unloaded;
  if (plan.unloaded) for (const key of plan.unloaded) state.dict[key] = undefined; // what is not loaded has no value
  state.expired = undefined;
  state.committed = kept;
  // Unloaded, to be read again; but one assigned (or a list changed) while the read was in flight keeps the change.
  const rels = mapper.relationshipList;
  let keptRelationship = false;
  for (let i = 0; i < rels.length; i++) {
    if (relationshipChangedDuringRead(state, i, relationships)) keptRelationship = true;
    else state.dict[rels[i]!.key] = undefined;
  }
  return keptRelationship;
}

/**
 * `session.refresh(obj)`: the object, then along the refresh-expire cascade the persistent objects
 * it reaches. `refreshed(state, false, keptChanges)` after each (`keptChanges`: a relationship changed
 * while its read was in flight, still to flush); `refreshed(state, true)` for one whose row is
 * gone, before `ObjectDeletedError` is thrown: the session lets it go (it used to keep it, and
 * `get` of its key returned it, values and all, as if the row were there). Rows of `locked` are
 * read under the lock.
 */
export async function refreshCascading(
  state: InstanceState,
  rows: (statement: Select<unknown>) => Promise<unknown[][]>,
  refreshed: (state: InstanceState, gone: boolean, keptChanges?: boolean) => void,
  locked: ReadonlySet<InstanceState> | undefined,
  seen = new Set<InstanceState>(),
): Promise<void> {
  if (seen.has(state)) return;
  seen.add(state);
  const cascaded = cascadedObjects(state, "refresh-expire");
  let keptChanges: boolean;
  try {
    keptChanges = await refreshState(state, rows, locked);
  } catch (error) {
    if (error instanceof ObjectDeletedError) refreshed(state, true);
    throw error;
  }
  refreshed(state, false, keptChanges);
  for (const related of cascaded) {
    const next = stateOf(related);
    if (next?.key !== undefined) await refreshCascading(next, rows, refreshed, locked, seen);
  }
}

/** `session.expire(obj, attributes?)`: all of it (and along the refresh-expire cascade, objects of `owner`), or the attributes named. */
export function expireCascading(state: InstanceState, attributes: readonly string[] | undefined, owner: unknown): void {
  const cascaded = attributes ? [] : cascadedObjects(state, "refresh-expire");
  if (attributes) expireAttributes(state, attributes);
  else expireState(state);
  for (const related of cascaded) if (stateOf(related)?.session === owner) expireState(stateOf(related)!);
}

export function describeKey(attributes: readonly string[], values: readonly unknown[]): string {
  return attributes.map((attr, i) => `${attr}=${typeof values[i] === "string" ? JSON.stringify(values[i]) : String(values[i])}`).join(", ");
}
