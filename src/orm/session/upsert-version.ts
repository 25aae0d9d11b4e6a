/**
 * An upsert through the session on a versioned model moves the counter of the rows it updates
 * (bulk-version.ts). Which rows it updated is not known from the statement: a conflict may be on
 * another unique key than the primary key, a `where` may leave the row alone. So for the
 * session's objects of the primary keys it proposes, the rows' counters are read before (locked)
 * and after it: an object that held the counter the row had, which the upsert moved on by one,
 * steps its own and reads again what the upsert set; one read before another transaction's
 * change is expired (its flush names the old counter and fails with StaleDataError).
 */
import type { InsertNode, OnConflictNode } from "../../core/ast/nodes.js";
import { select } from "../../core/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import { identityKey, identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { keyFilter } from "../loading/keys.js";
import { hasPendingChanges } from "../loading/populate.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { stepVersion } from "./bulk-version.js";
import { expireAttributes, expireState } from "./expiry.js";

/** Runs the upsert (`execute`) between the two reads of counters, and has the session's objects follow it. */
export async function upsertVersioned<R>(
  connection: Connection,
  identity: IdentityMap,
  owner: StateOwner,
  mapper: Mapper,
  node: InsertNode,
  clause: OnConflictNode,
  execute: () => Promise<R>,
): Promise<R> {
  const held = heldObjects(identity, mapper, node);
  if (held.length === 0) return execute();
  const before = await countersOf(connection, mapper, held, true);
  const result = await execute();
  const after = await countersOf(connection, mapper, held, false);
  const attr = mapper.versionAttribute!;
  const setAttributes = clause.set.flatMap(([name]) => {
    const column = mapper.table.columnList.find((c) => c.name === name);
    const set = column && mapper.attributeFor(column);
    return set === undefined || set === attr ? [] : [set];
  });
  for (const state of held) {
    const [was, now] = [before.get(state.key), after.get(state.key)];
    if (was === now) continue; // the upsert left this row alone
    owner.changing(state);
    const current = was !== undefined && now === was + 1 && state.dict[attr] === was;
    if (current) stepVersion(state, attr);
    // Changes not flushed (autoflush off) are kept: a current object writes them, a stale one fails.
    if (hasPendingChanges(state)) continue;
    if (current) expireAttributes(state, setAttributes);
    else expireState(state);
  }
  return result;
}

/** The session's objects (not deleted) of the primary keys in the rows proposed. */
function heldObjects(identity: IdentityMap, mapper: Mapper, node: InsertNode): InstanceState[] {
  const positions = mapper.primaryKey.map((column) => node.columns.indexOf(column.name));
  if (positions.some((i) => i < 0)) return [];
  const byKey = identity.forMapper(mapper);
  // A Set: an upsert of thousands of rows the session holds checked each against every one before.
  const held = new Set<InstanceState>();
  for (const row of node.rows) {
    const values = positions.map((i) => (row[i]!.kind === "param" ? (row[i] as { value: unknown }).value : undefined));
    const obj = values.includes(undefined) ? undefined : byKey.get(identityKey(values));
    const state = obj && stateOf(obj);
    if (state && !state.deleted && !state.deletePending) held.add(state);
  }
  return [...held];
}

/** The counters of the objects' rows by identity key; with `lock`, FOR UPDATE. */
async function countersOf(connection: Connection, mapper: Mapper, states: readonly InstanceState[], lock: boolean): Promise<Map<unknown, number>> {
  const version = mapper.columns.get(mapper.versionAttribute!)!;
  const keys = mapper.primaryKey;
  const query = select(...keys, version).where(keyFilter(keys, mapper.keyAttributes, states.map((s) => s.dict))).forUpdate(lock);
  const rows = (await connection.execute<unknown>(query, { rowShape: "arrays" })).rows as unknown as unknown[][];
  const indexes = keys.map((_, i) => i);
  return new Map(rows.map((row) => [identityKeyOf(indexes, row), Number(row[keys.length])]));
}
