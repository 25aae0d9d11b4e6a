/**
 * An upsert through the session on a versioned model moves the counter of the rows it updates
 * (bulk-version.ts). Which rows it updated is not known from the statement: a conflict may be on
 * another unique key than the primary key, a `where` may leave the row alone. So the counters of
 * the rows it may update (upsert-targets.ts: by the primary key or another unique key its rows
 * propose) are read before it, locked, and those the session holds objects of again after it:
 * an object that held the counter the row had, which the upsert moved on by one, steps its own
 * and reads again what the upsert set; one read before another transaction's change is expired
 * (its flush names the old counter and fails with StaleDataError). The objects of the proposed
 * primary keys are looked at too, their rows there or not (an upsert may insert the row again).
 */
import type { InsertNode, OnConflictNode } from "../../core/ast/nodes.js";
import { select } from "../../core/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import type { Expression } from "../../core/expression/expression.js";
import { identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { keyFilter } from "../loading/keys.js";
import { hasPendingChanges } from "../loading/populate.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { stepVersion } from "./bulk-version.js";
import type { Journal } from "../unit-of-work/journal.js";
import { expireAttributes, expireState } from "./expiry.js";
import { heldOfProposedKeys, rowsItMayUpdate, rowsOfProposedValues } from "./upsert-targets.js";

/** Runs the `upsert` between the two reads of counters, and has the session's objects follow it. */
export async function upsertVersioned<R>(
  connection: Connection,
  identity: IdentityMap,
  owner: StateOwner,
  journal: Journal,
  mapper: Mapper,
  node: InsertNode,
  clause: OnConflictNode,
  upsert: () => Promise<R>,
): Promise<R> {
  const byKey = identity.forMapper(mapper);
  // The counters of the rows it may update that the session holds no object of: one read after it
  // shows the moved counter, which a rollback gives back (`Journal.movedCounters`).
  const notHeld = new Map<unknown, number>();
  for (const filter of rowsOfProposedValues(mapper, node) ?? []) {
    for (const [key, counter] of await countersOf(connection, mapper, filter, true)) if (byKey.get(key) === undefined) notHeld.set(key, counter);
  }
  const execute = async (): Promise<R> => {
    const result = await upsert();
    for (const [key, counter] of notHeld) journal.recordMovedCounter(mapper, key, counter);
    return result;
  };
  if (byKey.isEmpty) return execute();
  const proposed = heldOfProposedKeys(mapper, node, byKey);
  const filters = rowsItMayUpdate(mapper, node, byKey);
  const before = new Map<unknown, number>();
  for (const filter of filters ?? []) for (const [key, counter] of await countersOf(connection, mapper, filter, true)) before.set(key, counter);
  const held = liveStates([...proposed, ...[...before.keys()].map((key) => byKey.get(key))]);
  if (held.length === 0) return execute();
  // Without other unique keys, only the rows of the proposed keys: read now (locked).
  if (filters === undefined) for (const [key, counter] of await countersOf(connection, mapper, keysOf(mapper, held), true)) before.set(key, counter);
  const result = await execute();
  const after = await countersOf(connection, mapper, keysOf(mapper, held), false);
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
    if (current) stepVersion(state, attr, journal);
    // Changes not flushed (autoflush off) are kept: a current object writes them, a stale one
    // fails. The other columns it set are read again (they showed the old values).
    if (hasPendingChanges(state)) {
      if (current) expireAttributes(state, setAttributes.filter((set) => state.committed === undefined || !(set in state.committed)));
      continue;
    }
    if (current) expireAttributes(state, setAttributes);
    else expireState(state);
  }
  return result;
}

/** The states of `objects` (once each) that are neither deleted nor to be. */
function liveStates(objects: readonly (object | undefined)[]): InstanceState[] {
  const states = new Set<InstanceState>();
  for (const obj of objects) {
    const state = obj && stateOf(obj);
    if (state && !state.deleted && !state.deletePending) states.add(state);
  }
  return [...states];
}

function keysOf(mapper: Mapper, states: readonly InstanceState[]): Expression<boolean> {
  return keyFilter(mapper.primaryKey, mapper.keyAttributes, states.map((s) => s.dict));
}

/** The counters of the rows `filter` matches, by identity key; with `lock`, FOR UPDATE. */
async function countersOf(connection: Connection, mapper: Mapper, filter: Expression<boolean>, lock: boolean): Promise<Map<unknown, number>> {
  const version = mapper.columns.get(mapper.versionAttribute!)!;
  const keys = mapper.primaryKey;
  const query = select(...keys, version).where(filter).forUpdate(lock);
  const rows = (await connection.execute<unknown>(query, { rowShape: "arrays" })).rows as unknown as unknown[][];
  const indexes = keys.map((_, i) => i);
  return new Map(rows.map((row) => [identityKeyOf(indexes, row), Number(row[keys.length])]));
}
