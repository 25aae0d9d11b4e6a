/**
 * New rows whose primary key is already taken, found before the flush's first write: a new
 * object with the key of a row the session holds, or two new objects with one key (two
 * association objects for one link). Each was a raw IntegrityError from the database, after the
 * flush's earlier statements had run. Only keys known before any INSERT are checked: those given
 * by hand, or copied from many-to-one targets whose keys are known. A generated key is skipped
 * after one attribute read (a per-flush cost of a key lookup only for rows whose key is known).
 */
import { identityKey, identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { DuplicateKeyError } from "../errors.js";
import { IntegrityError } from "../../core/errors.js";
import type { IdentifierLimit } from "../../core/compiler/identifier-limit.js";
import { classifyDuplicate } from "../../core/schema/duplicate-key.js";
import { formatKey } from "./row-statements.js";

/**
 * Where each key attribute of `mapper` comes from: the many-to-one (and its target's attribute)
 * whose foreign key it is, if any.
 */
type KeySources = readonly (readonly [rel: string, targetAttr: string] | undefined)[];

function keySources(mapper: Mapper): KeySources {
  return mapper.keyAttributes.map((attr) => {
    for (const rel of mapper.flushedRelationships.manyToOne) {
      const pair = rel.attributePairs.find(([fk]) => fk === attr);
      if (pair !== undefined) return [rel.key, pair[1]] as const;
    }
    return undefined;
  });
}

/** One key value a new row will be inserted with, if known now. */
function keyPart(state: InstanceState, attr: string, source: KeySources[number]): unknown {
  // A many-to-one assigned gives its target's key (the flush copies it over the column); a target
  // being deleted gives none.
  const target = source === undefined ? undefined : (state.dict[source[0]] as object | null | undefined);
  if (target === undefined) return state.dict[attr];
  const targetState = target === null ? undefined : stateOf(target);
  return targetState === undefined || targetState.gone ? undefined : targetState.dict[source![1]];
}

/** The key values a new row will be inserted with, if all are known now (else undefined; nothing allocated for a generated key). */
function knownKey(state: InstanceState, sources: KeySources): unknown[] | undefined {
  const attrs = state.mapper.keyAttributes;
  const first = keyPart(state, attrs[0]!, sources[0]);
  if (first === undefined || first === null) return undefined;
  const values = [first];
  for (let i = 1; i < attrs.length; i++) {
    const value = keyPart(state, attrs[i]!, sources[i]);
    if (value === undefined || value === null) return undefined;
    values.push(value);
  }
  return values;
}

/**
 * Throws DuplicateKeyError for the first new row whose key the session's objects already hold.
 * The holder being deleted (or marked for deletion) is a row switch, not a duplicate.
 * @internal
 */
export function checkNewKeys(pendingBy: ReadonlyMap<Mapper, readonly InstanceState[]>, identity: IdentityMap): void {
  for (const [mapper, states] of pendingBy) {
    let sources: KeySources | undefined;
    let seen: Map<unknown, InstanceState> | undefined;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      const values = knownKey(state, (sources ??= keySources(mapper)));
      if (values === undefined) continue;
      const key = identityKey(values);
      const held = identity.get(mapper, key);
      if (held !== undefined && held !== state.obj && holdsKey(stateOf(held)!, key, sources)) throw duplicate(mapper, values, "the session already holds one for that row (loaded or added before)");
      const other = (seen ??= new Map()).get(key);
      if (other !== undefined && other !== state) throw duplicate(mapper, values, "another new one of this flush has that key too");
      seen.set(key, state);
    }
  }
}

/**
 * Whether an object of the session keeps the key it is held under through this flush: not
 * deleted, and its key not changed (a key expired is not changed), by hand or by a many-to-one
 * of its key re-pointed (an association object moved to another parent: its row is updated).
 */
function holdsKey(state: InstanceState, key: unknown, sources: KeySources): boolean {
  if (state.gone) return false;
  const attrs = state.mapper.keyAttributes;
  if (attrs.some((attr) => state.dict[attr] === undefined)) return true;
  if (sources.some((source) => source !== undefined && movesToNew(state, source[0]))) return false; // a new row's key: none held now
  const next = knownKey(state, sources);
  return (next === undefined ? identityKeyOf(attrs, state.dict) : identityKey(next)) === key;
}

/** Whether many-to-one `rel` of `state` names a new object (to be inserted by this flush, its key not known yet). */
function movesToNew(state: InstanceState, rel: string): boolean {
  const target = state.dict[rel] as object | null | undefined;
  const targetState = target ? stateOf(target) : undefined;
  return targetState !== undefined && targetState.key === undefined && !targetState.gone;
}

function duplicate(mapper: Mapper, values: readonly unknown[], why: string): DuplicateKeyError {
  const key = mapper.keyAttributes.map((attr, i) => `${attr}=${formatKey(values[i])}`).join(", ");
  return new DuplicateKeyError(
    `A new ${mapper.name} (${key}) cannot be inserted: ${why}, and the database refuses a second row with one key. ` +
      `session.merge(obj) copies a new or detached object's values onto the one the session holds; or expunge one of the two. Nothing was written.`,
  );
}

/**
 * The INSERT of new association objects refused for a duplicate primary key: a link that is
 * already in the table while the session held none of its association objects (not loaded), so
 * that the check before the flush could not see it. The database's IntegrityError again (code
 * that catches IntegrityError for a duplicate still does), its message naming the class, the
 * views and the fix, the driver's error its cause; else undefined.
 * @internal
 */
export function duplicateLink(error: unknown, mapper: Mapper, limit: IdentifierLimit | undefined): IntegrityError | undefined {
  if (!(error instanceof IntegrityError)) return undefined;
  classifyDuplicate(error, [mapper.table.metadata], limit);
  if (error.duplicate !== "primaryKey") return undefined;
  const views = mapper.flushedRelationships.manyToOne.flatMap((end) => end.views.map(String));
  if (views.length === 0) return undefined;
  const message =
    `A new ${mapper.name} cannot be inserted: its link is already in '${mapper.table.name}' (the database refused a second row with its key: ${error.message.split("\n")[0]}). ` +
    `The session held no ${mapper.name} of that link: the association objects of ${views.join(" and ")} were not loaded. ` +
    `To change the link's columns, load its ${mapper.name} (session.get(${mapper.name}, key), or the owner's list of them) and change that one; ` +
    `to replace it, remove the link and flush first. Nothing was written.`;
  const { sql, params, code, retryable, connectionInvalidated, abortsTransaction, duplicate, constraint } = error;
  return new IntegrityError(message, { sql, params, code, retryable, connectionInvalidated, abortsTransaction, duplicate, constraint }, error);
}
