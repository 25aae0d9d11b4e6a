/**
 * A bulk UPDATE or DELETE applied to an object of the session whose row it changed: new values
 * set as loaded (not as changes to write), the object filed under a new key, or deleted. The rows
 * changed are collected (`ChangedRow`) for the database's own foreign key actions to follow
 * (bulk-cascades.ts).
 */
import { keyOf } from "../identity/object-keys.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState, StateOwner } from "../state/instance-state.js";
import type { Journal } from "../unit-of-work/journal.js";
import { MISSING } from "./bulk-evaluate.js";
import { FLAGGED } from "../state/mutable-values.js";
import { stepVersion, VERSION_STEP } from "./bulk-version.js";
import { markDeleted, storedColumns, type ChangedRow } from "./bulk-cascades.js";
import { expireAttributes, unloadReferencesOf } from "./expiry.js";

/** What applying needs of the session. */
export interface ApplyHost {
  readonly identity: IdentityMap;
  readonly owner: StateOwner;
}

/** An object whose row the statement changed: new values set as loaded (not as changes to write), or deleted. */
export function apply(host: ApplyHost, mapper: Mapper, state: InstanceState, values: ReadonlyMap<string, unknown> | undefined, journal: Journal, changed?: ChangedRow[]): void {
  const before = changed && storedColumns(state);
  if (!values) {
    markDeleted({ ...host, journal, changing: (s) => host.owner.changing(s) }, mapper, state);
    if (before) changed!.push({ before });
    return;
  }
  host.owner.changing(state);
  const computed: string[] = [];
  const keyBefore: Record<string, unknown> = {};
  for (const attr of mapper.keyAttributes) if (values.get(attr) !== undefined && values.get(attr) !== MISSING) keyBefore[attr] = state.dict[attr];
  unloadReferencesOf(state, [...values.keys()]);
  const committed = state.committed;
  for (const [attr, value] of values) {
    if (value === VERSION_STEP) {
      stepVersion(state, attr, journal);
      continue;
    }
    // A change not flushed (autoflush off) is kept, as an upsert keeps it: the row's new value
    // becomes what it changes from (unknown for an SQL expression), and the flush writes it over.
    // Overwritten, it was dropped and the commit resolved without it.
    if (committed !== undefined && attr in committed && !mapper.keyAttributes.includes(attr)) {
      if (committed[attr] !== FLAGGED) committed[attr] = value === MISSING ? FLAGGED : value;
      continue;
    }
    if (value === MISSING) {
      computed.push(attr);
      continue;
    }
    state.dict[attr] = value;
    if (state.committed) delete state.committed[attr];
    state.unexpire(attr);
    state.markLoaded(attr);
  }
  if (state.committed && Object.keys(state.committed).length === 0) state.committed = undefined;
  // The database recomputed the generated columns of the row; a RETURNING row may have given them.
  for (const attr of mapper.generatedColumns) if (!values.has(attr)) computed.push(attr);
  // So were its column properties (never in a RETURNING of the UPDATE).
  for (let i = 0; i < mapper.propertyKeys.length; i++) computed.push(mapper.propertyKeys[i]!);
  if (computed.length) expireAttributes(state, computed);
  followKey(host, mapper, state, keyBefore, journal);
  if (before) changed!.push({ before, after: storedColumns(state) });
}

/**
 * A key column set: the object is filed under its row's new key (it stayed under the old one, and
 * `get` of the new key loaded a second object for the row, whose changes the commit wrote over
 * the first's). The change is recorded as a flush's is, so that a rollback files it back.
 */
function followKey(host: ApplyHost, mapper: Mapper, state: InstanceState, keyBefore: Record<string, unknown>, journal: Journal): void {
  const key = keyOf(mapper, state);
  if (key === state.key) return;
  journal.recordUpdate(state, keyBefore);
  if (host.identity.get(mapper, state.key) === state.obj) host.identity.delete(mapper, state.key);
  host.identity.set(mapper, key, state.obj);
  state.identifiedBy(key);
}
