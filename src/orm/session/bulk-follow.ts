/**
 * How the session's objects follow the rows a bulk UPDATE or DELETE changed, once their keys are
 * known (bulk.ts, bulk-joined.ts): the objects of those keys, the rows it holds none of (for the
 * database's own foreign key actions to follow), and, when nothing is known (`synchronizeSession:
 * false`), every object that may have matched expired.
 */
import { identityKey, type IdentityMap } from "../identity/identity-map.js";
import { checkBulkKey } from "../loading/exact-keys.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import type { Journal } from "../unit-of-work/journal.js";
import { MISSING } from "./bulk-evaluate.js";
import { followDeleteCascades, followUpdateCascades, type ChangedRow } from "./bulk-cascades.js";
import { VERSION_STEP } from "./bulk-version.js";
import { expireAttributes, expireState } from "./expiry.js";
import type { BulkHost } from "./bulk.js";

/** The session's objects of `mapper` whose keys are in `rows` (from column `start` on). */
export function objectsWithKeys(host: BulkHost, mapper: Mapper, rows: readonly unknown[][], start: number): InstanceState[] {
  const byKey = host.identity.forMapper(mapper);
  const width = mapper.primaryKey.length;
  const states: InstanceState[] = [];
  for (const row of rows) {
    checkBulkKey(mapper, row, start);
    const obj = byKey.get(identityKey(row.slice(start, start + width)));
    if (obj) states.push(stateOf(obj)!);
  }
  return states;
}

/** Strategy false: which objects matched is not known, so every one of the class that could have is expired. */
export function expireWhatMayMatch(host: BulkHost, mapper: Mapper, values: Map<string, unknown> | undefined): void {
  for (const obj of objectsOf(host.identity, mapper)) {
    const state = stateOf(obj)!;
    host.owner.changing(state);
    if (values) expireAttributes(state, [...values.keys()]);
    else expireState(state);
  }
}

/** The database's own foreign key actions on the rows `changed` (bulk-cascades.ts): the session's objects of the rows they changed follow. */
export function followCascades(host: BulkHost, tx: { readonly journal: Journal }, mapper: Mapper, values: Map<string, unknown> | undefined, changed: readonly ChangedRow[]): void {
  if (changed.length === 0) return;
  const cascadeHost = { identity: host.identity, journal: tx.journal, changing: (state: InstanceState) => host.owner.changing(state) };
  if (values) followUpdateCascades(cascadeHost, mapper, changed);
  else followDeleteCascades(cascadeHost, mapper, changed);
}

/** The rows of `keys` the session holds no object of, by their key values (and, for an UPDATE, those it sets). */
export function rowsNotHeld(host: BulkHost, mapper: Mapper, keys: readonly unknown[][], values: Map<string, unknown> | undefined): ChangedRow[] {
  const byKey = host.identity.forMapper(mapper);
  const width = mapper.primaryKey.length;
  const rows: ChangedRow[] = [];
  for (const row of keys) {
    if (byKey.get(identityKey(row.slice(0, width))) !== undefined) continue;
    const before: Record<string, unknown> = {};
    mapper.keyAttributes.forEach((attr, i) => (before[attr] = row[i]));
    if (!values) {
      rows.push({ before });
      continue;
    }
    const after: Record<string, unknown> = { ...before };
    for (const [attr, value] of values) after[attr] = value === MISSING || value === VERSION_STEP ? undefined : value;
    rows.push({ before, after });
  }
  return rows;
}

/** A copy of the class's objects in the identity map: deleting from the map while walking it is not allowed. */
export function objectsOf(identity: IdentityMap, mapper: Mapper): object[] {
  const objects: object[] = [];
  identity.forMapper(mapper).forEach((obj) => objects.push(obj));
  return objects;
}
