/**
 * A row deleted in a flush whose unique value a new row (or an UPDATE) of the same flush takes:
 * `session.delete(a); session.add(new User({ email: a.email }))`. The flush deletes last, after
 * every INSERT and UPDATE, so the INSERT collided with the row still there and the commit failed
 * with an IntegrityError (SQLAlchemy's too). Such deleted rows are deleted first, before any
 * INSERT or UPDATE, with what must be deleted before them (rows of the flush referencing them, to
 * be deleted too, their many-to-many link rows) and the UPDATEs of rows that stop referencing them. A row that cannot go first
 * (a row referencing it points at a new object only after that object's INSERT) is a cycle: a
 * FlushOrderError naming both objects, before any statement.
 *
 * A new row with the primary key of a deleted row takes that row over (`switchRows`): not this.
 */
import { identityKey } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { FlushOrderError } from "../errors.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { clearKeysBetweenDeleted } from "./cycle-deletes.js";
import { deleteWaves } from "./deletes.js";
import { deleteLinksOfDeleted } from "./links.js";
import { syncManyToOne, syncOneToMany } from "./key-sync.js";
import { deleteStates, updateState, type PersistContext } from "./persister.js";
import { uniqueKeys } from "./unique-order.js";

/** What must run before the flush's INSERTs and UPDATEs: UPDATEs freeing the rows, then the DELETEs. */
export interface EarlyDeletes {
  readonly updates: InstanceState[];
  readonly deletes: Map<Mapper, InstanceState[]>;
}

/** A taker and the deleted row whose value it takes, for the message of a cycle. */
type Hand = readonly [taker: InstanceState, giver: InstanceState, key: readonly string[]];

/**
 * The deleted rows whose unique values rows of the flush take, with what must go before them;
 * undefined (the usual case, at the cost of a lookup per mapper) when no row takes one.
 */
export function earlyDeletes(
  deletingBy: ReadonlyMap<Mapper, InstanceState[]>,
  pendingBy: ReadonlyMap<Mapper, readonly InstanceState[]>,
  modifiedBy: ReadonlyMap<Mapper, readonly InstanceState[]>,
): EarlyDeletes | undefined {
  const hands: Hand[] = [];
  for (const [mapper, deleting] of deletingBy) {
    const pending = pendingBy.get(mapper);
    const modified = modifiedBy.get(mapper);
    if (pending === undefined && modified === undefined) continue;
    takenValues(mapper, deleting, pending ?? [], modified ?? [], hands);
  }
  if (hands.length === 0) return undefined;
  const early = new Set(hands.map(([, giver]) => giver));
  const updates = new Set<InstanceState>();
  const deletingAll = [...deletingBy.values()].flat();
  const modifiedAll = [...modifiedBy.values()].flat();
  // Rows of the flush referencing an early row, as stored: deleted early too, or updated first.
  for (let grew = true; grew; ) {
    grew = false;
    for (const state of deletingAll) {
      if (!early.has(state) && referencesAny(state, early)) early.add(state), (grew = true);
    }
  }
  for (const state of modifiedAll) {
    if (early.has(state) || !referencesAny(state, early)) continue;
    // Its UPDATE must come before the DELETE, and (taking the deleted row's value) after it.
    const waitsFor = keylessTarget(state) ?? (hands.some(([taker]) => taker === state) ? state : undefined);
    if (waitsFor !== undefined) throw cycle(hands, early, state, waitsFor);
    updates.add(state);
  }
  const deletes = new Map<Mapper, InstanceState[]>();
  for (const [mapper, states] of deletingBy) {
    const first = states.filter((state) => early.has(state));
    if (first.length) deletes.set(mapper, first);
  }
  return { updates: [...updates], deletes };
}

/**
 * Runs the early work before the flush's INSERTs and UPDATEs, and takes the rows it deleted out
 * of `deletingBy`. The rows it updated stay the flush's (their links are written with the others'):
 * its pass over them writes nothing more.
 */
export async function runEarlyDeletes(
  ctx: PersistContext,
  early: EarlyDeletes,
  order: readonly Mapper[],
  deletingBy: Map<Mapper, InstanceState[]>,
  changedRows: InstanceState[],
  awaitingKeys: Set<InstanceState>,
  held: (rel: RelationshipProperty) => ReadonlySet<object>,
): Promise<void> {
  for (const state of early.updates) {
    // As the flush's own pass over modified rows would (its keys both ways), then its UPDATE.
    syncManyToOne(state, changedRows, awaitingKeys);
    syncOneToMany(state, changedRows, false, held);
    await updateState(ctx, state.mapper, state, state.mapper.versionAttribute);
  }
  await clearKeysBetweenDeleted(ctx, order, early.deletes);
  // Their many-to-many link rows name them: deleted first (`writeLinks` skips them later).
  await deleteLinksOfDeleted(ctx.conn, early.deletes);
  for (const mapper of [...order].reverse()) {
    const states = early.deletes.get(mapper);
    if (states === undefined) continue;
    for (const wave of deleteWaves(states)) await deleteStates(ctx, mapper, wave, mapper.versionAttribute);
    const done = new Set(states);
    const rest = deletingBy.get(mapper)!.filter((state) => !done.has(state));
    if (rest.length) deletingBy.set(mapper, rest);
    else deletingBy.delete(mapper);
  }
}

/** Adds to `hands` each pending or modified row of `mapper` taking a unique value a deleted row holds. */
function takenValues(mapper: Mapper, deleting: readonly InstanceState[], pending: readonly InstanceState[], modified: readonly InstanceState[], hands: Hand[]): void {
  const keys = uniqueKeys(mapper);
  const primary = mapper.keyAttributes;
  // A deleted row whose key a new row takes is taken over by it (`rowSwitches`), not deleted.
  const switched = new Set<unknown>();
  for (const state of pending) if (primary.every((attr) => state.dict[attr] !== undefined && state.dict[attr] !== null)) switched.add(identityKey(primary.map((attr) => state.dict[attr])));
  for (const key of keys) {
    const held = new Map<unknown, InstanceState>();
    for (const state of deleting) if (state.key === undefined || !switched.has(state.key)) held.set(identityKey(key.map((attr) => storedValue(state, attr))), state);
    if (held.size === 0) continue;
    const isPrimary = key.length === primary.length && key.every((attr, i) => attr === primary[i]);
    const take = (state: InstanceState) => {
      const values = key.map((attr) => state.dict[attr]);
      if (values.some((value) => value === null || value === undefined)) return; // NULLs never collide
      const giver = held.get(identityKey(values));
      if (giver !== undefined && giver !== state) hands.push([state, giver, key]);
    };
    if (!isPrimary) for (const state of pending) take(state);
    for (const state of modified) {
      const committed = state.committed;
      if (committed !== undefined && key.some((attr) => attr in committed)) take(state);
    }
  }
}

/** Whether `state`'s row, as stored, references one of `rows` through a relationship of either side. */
function referencesAny(state: InstanceState, rows: ReadonlySet<InstanceState>): boolean {
  for (const rel of state.mapper.relationshipList) {
    if (rel.viewonly || rel.resolved.direction !== "manyToOne") continue;
    const pairs = rel.attributePairs;
    for (const row of rows) {
      if (row.mapper !== rel.resolved.target || row === state) continue;
      if (pairs.every(([fk, key]) => sameStored(storedValue(state, fk), storedValue(row, key)))) return true;
    }
  }
  // A one-to-many without a back-reference: the foreign key is known only from the parent's side.
  for (const row of rows) {
    for (const rel of row.mapper.relationshipList) {
      if (rel.viewonly || rel.resolved.direction !== "oneToMany" || rel.resolved.target !== state.mapper || row === state) continue;
      if (rel.attributePairs.every(([key, fk]) => sameStored(storedValue(state, fk), storedValue(row, key)))) return true;
    }
  }
  return false;
}

function sameStored(a: unknown, b: unknown): boolean {
  return a !== null && a !== undefined && identityKey([a]) === identityKey([b]);
}

/** A many-to-one target of `state` with no key yet (a new object): its UPDATE must wait for that INSERT. */
function keylessTarget(state: InstanceState): InstanceState | undefined {
  for (const rel of state.mapper.flushedRelationships.manyToOne) {
    const target = state.dict[rel.key];
    const targetState = target ? stateOf(target as object) : undefined;
    if (targetState !== undefined && targetState.key === undefined) return targetState;
  }
  return undefined;
}

function cycle(hands: readonly Hand[], early: ReadonlySet<InstanceState>, blocked: InstanceState, waitsFor: InstanceState): FlushOrderError {
  const [taker, giver, key] = hands.find(([, g]) => early.has(g))!;
  const waits = waitsFor === blocked ? "which takes the value too" : `which waits for the INSERT of ${describe(waitsFor)}`;
  return new FlushOrderError(
    `${describe(taker)} takes ${key.join(", ")} (unique) from ${describe(giver)}, deleted in this flush: that row must be deleted first, ` +
      `but ${describe(blocked)} references it until its UPDATE, ${waits}. ` +
      `Write it in two flushes: delete (and move what references the deleted row) and flush, then add the new object.`,
  );
}

function describe(state: InstanceState): string {
  const mapper = state.mapper;
  if (state.key === undefined) return `a new ${mapper.name}`;
  return `${mapper.name} (${mapper.keyAttributes.map((attr) => `${attr}=${JSON.stringify(storedValue(state, attr))}`).join(", ")})`;
}
