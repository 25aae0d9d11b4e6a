/**
 * The unit of work: turns the session's pending, modified and deleted objects into SQL.
 *
 * Deletions are planned first (`deletes.ts`: what the delete cascades reach). Tables are then
 * processed in foreign-key dependency order (referenced tables first), and rows of a
 * self-referential table in waves (parents before children). For each table: new rows copy
 * their many-to-one keys and are inserted (their generated keys read back; a new row with the
 * key of a deleted one takes its row over), and modified rows copy keys both ways and are updated
 * (`key-sync.ts`). Then the links of plain many-to-many collections are written (`links.ts`),
 * and deletions run in reverse order. A many-to-many that is a view over association objects
 * writes nothing itself: its links are the association objects, rows of their own table.
 *
 * Before any of it, the values to write are checked (`value-checks.ts`); every UPDATE and DELETE
 * must then match exactly the rows it names (`persister.ts`).
 */
import { orderUniqueUpdates, updatesBeforeInserts } from "./unique-order.js";
import { classHandOvers } from "./class-hand-overs.js";
import type { Connection } from "../../engine/connection.js";
import { FlushOrderError } from "../errors.js";
import { isJoined } from "../mapping/joined-tables.js";
import { orderByTables } from "./joined-writes.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { InstrumentedList } from "../state/collection.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import type { Journal } from "./journal.js";
import { identityKeyOf } from "../identity/identity-map.js";
import { checkNewKeys, duplicateLink } from "./new-keys.js";
import { deleteWaves, expandDeletes } from "./deletes.js";
import { retryAwaitingKeys, syncManyToOne, syncOneToMany } from "./key-sync.js";
import { writeLinks } from "./links.js";
import { deleteStates, insertStates, switchRows, updateState, type PersistContext } from "./persister.js";
import { checkSwitchedRowsUnreferenced } from "./switch-references.js";
import { updateChangedKeys, updateUnlinked, type Unlinked } from "./unlink-updates.js";
import { checkValues } from "./value-checks.js";
import { heldLists } from "./orphans.js";
import { clearKeysBetweenDeleted } from "./cycle-deletes.js";
import { earlyDeletes, runEarlyDeletes } from "./unique-deletes.js";
import { runAfterHooks, runBeforeDeletes } from "./flush-hooks.js";
import type { FlushHooks, SavepointTracker } from "./collaborators.js";
import { runSetBased, SetBasedDeletes } from "./write-only-deletes.js";

export interface FlushWork {
  readonly conn: Connection;
  readonly identity: IdentityMap;
  readonly journal: Journal;
  /** Pending objects, in the order they were added. */
  readonly pending: readonly InstanceState[];
  /** The same, grouped by mapper, when the session kept them so (else the flush groups them). */
  readonly pendingByMapper?: ReadonlyMap<Mapper, readonly InstanceState[]>;
  readonly modified: readonly InstanceState[];
  readonly deleting: readonly InstanceState[];
  /**
   * Rows written while an object their many-to-one points to had no key yet (a cycle between
   * tables, or that object not flushed with them): their foreign keys are copied once it has
   * one, in this flush or a later one. Kept by the session between flushes.
   */
  readonly awaitingKeys: Set<InstanceState>;
  /**
   * A commit follows that expires every object (unless it fails, which undoes the flush): the
   * lists of the objects inserted are dropped then, so they are not marked committed first.
   */
  readonly expiring?: boolean;
  /** Loads a relationship of persistent objects (children to delete or detach). */
  load(rel: RelationshipProperty, objects: readonly object[]): Promise<void>;
  /** Runs the models' beforeDelete and after* hooks (flush-hooks.ts); absent, none run. */
  readonly hooks?: FlushHooks | undefined;
  /** The open savepoint, told of objects a cascade deletes: its rollback restores them. */
  readonly savepoint?: SavepointTracker | undefined;
}

/** Writes the work; returns how many of the pending objects it inserted. */
export async function flush(work: FlushWork): Promise<number> {
  // Every value to write is checked before the first statement (the loads of `expandDeletes` too).
  checkValues(work.pending, work.pendingByMapper, work.modified);
  const ctx: PersistContext = { conn: work.conn, identity: work.identity, journal: work.journal, expiring: work.expiring ?? false };
  // Rows already in the database whose keys the flush changes: those written before the change
  // (a parent processed after its child, in a cycle between tables) are updated again at the end.
  const changedRows: InstanceState[] = [];
  // Members of write-only collections of deleted parents that the session does not hold: one statement each.
  const setBased = work.deleting.length !== 0 ? new SetBasedDeletes(work.conn, work.identity) : undefined;
  // Children unlinked from deleted parents: the keys cleared, which their UPDATEs may share (unlink-updates.ts).
  const unlinked: Unlinked = new Map();
  const deleting = await expandDeletes(work, changedRows, setBased, unlinked);
  // Deletions may cascade to pending objects, which then must not be inserted: filtered here.
  const pendingBy = work.pendingByMapper !== undefined && work.deleting.length === 0 ? work.pendingByMapper : byMapper(work.pending, true);
  const modifiedBy = byMapper(work.modified, true);
  const deletingBy = byMapper(deleting, false);
  // Before the first write: a key already taken was an IntegrityError after the others ran.
  checkNewKeys(pendingBy, work.identity);
  const mappers = mapperOrder([...pendingBy.keys(), ...modifiedBy.keys(), ...deletingBy.keys()]);
  if (work.hooks !== undefined && deletingBy.size !== 0) await runBeforeDeletes(work.hooks, mappers, deletingBy);
  // First of all writes: before the early deletes (unique-deletes.ts) may delete a parent.
  if (setBased !== undefined && setBased.statements.length !== 0) await runSetBased(work.conn, setBased);
  // What the afterDelete hooks are for (early deletes and row switches take states out of `deletingBy`).
  const deletedBy = work.hooks !== undefined ? new Map(deletingBy) : deletingBy;
  // A deleted row whose unique value another row of the flush takes is deleted first (unique-deletes.ts).
  const early = deletingBy.size !== 0 ? earlyDeletes(deletingBy, pendingBy, modifiedBy) : undefined;
  if (early !== undefined) await runEarlyDeletes(ctx, early, mappers, deletingBy, changedRows, work.awaitingKeys, heldLists(work.identity, work.pending));

  // The loops over states are indexed: each runs once per flush over up to every object of the
  // session, mostly before V8 optimizes it, when `for...of` allocates an iterator result per state.
  let inserted = 0;
  // Deleted objects whose rows new objects took over: their link rows go (`writeLinks`).
  const switched = new Map<Mapper, InstanceState[]>();
  // Each row to insert copies its many-to-one keys first (in the insert's own pass over the rows).
  const copyKeys = (state: InstanceState) => syncManyToOne(state, changedRows, work.awaitingKeys);
  // Rows of a later class giving up a unique value a row of an earlier class of their hierarchy takes.
  const handOvers = mappers.length > 1 && modifiedBy.size !== 0 ? classHandOvers(mappers, modifiedBy, pendingBy) : undefined;
  const held = heldLists(work.identity, work.pending);
  const syncKeys = (state: InstanceState) => {
    syncManyToOne(state, changedRows, work.awaitingKeys);
    syncOneToMany(state, changedRows, false, held);
  };
  for (const mapper of mappers) {
    const givers = handOvers?.first.get(mapper);
    if (givers !== undefined) {
      for (const state of givers) {
        syncKeys(state);
        await updateState(ctx, state.mapper, state, state.mapper.versionAttribute);
      }
    }
    // Mappers without relationships of a direction skip that pass over their objects entirely.
    const { manyToOne, oneToMany } = mapper.flushedRelationships;
    let toInsert = pendingBy.get(mapper) ?? [];
    const deletions = deletingBy.get(mapper);
    const switches = deletions !== undefined && toInsert.length !== 0 ? rowSwitches(mapper, toInsert, deletions, copyKeys) : [];
    if (switches.length) {
      const taken = new Set(switches.map(([state]) => state));
      const freed = new Set(switches.map(([, old]) => old));
      toInsert = toInsert.filter((state) => !taken.has(state));
      const stillDeleted = deletions!.filter((state) => !freed.has(state));
      if (stillDeleted.length) deletingBy.set(mapper, stillDeleted);
      else deletingBy.delete(mapper);
    }
    const all = modifiedBy.get(mapper) ?? [];
    const modified = handOvers === undefined ? all : all.filter((state) => !handOvers.moved.has(state));
    const updates = async () => {
      for (const state of modified) syncKeys(state);
      // A row giving up a unique value is updated before the row taking it (unique-order.ts).
      // Rows whose only change is a foreign key share statements (unlink-updates.ts).
      const rest = await updateUnlinked(ctx, mapper, modified, unlinked);
      for (const state of orderUniqueUpdates(mapper, rest)) await updateState(ctx, mapper, state, mapper.versionAttribute);
    };
    // Updated first when a new row takes a unique value an updated row gives up; so does a row
    // taking a deleted one over (its UPDATE collided when it ran before the giver's).
    const updatedFirst = updatesBeforeInserts(mapper, switches.length ? [...toInsert, ...switches.map(([state]) => state)] : toInsert, modified, copyKeys);
    if (updatedFirst) await updates();
    if (switches.length) {
      const freed = switches.map(([, old]) => old);
      await checkSwitchedRowsUnreferenced(ctx.conn, ctx.identity, mapper, freed);
      await switchRows(ctx, mapper, switches);
      switched.set(mapper, freed);
      inserted += switches.length;
    }
    for (const wave of insertWaves(mapper, toInsert)) {
      await insertStates(ctx, mapper, wave, withFirstVersion(mapper, manyToOne.length ? copyKeys : undefined)).catch((error: unknown) => {
        throw duplicateLink(error, mapper, ctx.conn.dialect.identifierLimit) ?? error;
      });
      inserted += wave.length;
      if (oneToMany.length) for (let i = 0; i < wave.length; i++) syncOneToMany(wave[i]!, changedRows, true);
    }
    if (!updatedFirst) await updates();
  }
  retryAwaitingKeys(work.awaitingKeys, changedRows);
  // Rows whose keys changed after they were written (a cycle between tables, a parent flushed
  // after its children, a child a list with no back-reference lost or gained). Those whose only
  // change is a foreign key share statements first, as in the passes above.
  await updateChangedKeys(ctx, changedRows, unlinked);
  for (const state of changedRows) {
    if (state.committed && !state.gone && state.key !== undefined) await updateState(ctx, state.mapper, state, state.mapper.versionAttribute);
  }

  await writeLinks(work, [pendingBy, modifiedBy, deletingBy], switched, early && new Set([...early.deletes.values()].flat()));

  await clearKeysBetweenDeleted(ctx, mappers, deletingBy);
  for (const mapper of [...mappers].reverse()) {
    const states = deletingBy.get(mapper);
    if (!states) continue;
    for (const wave of deleteWaves(states)) await deleteStates(ctx, mapper, wave, mapper.versionAttribute);
  }

  // An inserted object's lists were never committed: undoing the insert uncommits them
  // (`uncommitCollections`), so they need no journal record.
  if (!work.expiring) {
    for (const [mapper, states] of pendingBy) {
      if (mapper.flushedRelationships.collections.length) for (let i = 0; i < states.length; i++) commitCollections(states[i]!, undefined);
    }
  }
  for (let i = 0; i < work.modified.length; i++) commitCollections(work.modified[i]!, work.journal);
  if (work.hooks !== undefined) await runAfterHooks(work.hooks, mappers, { inserted: pendingBy, updated: modifiedBy, deleted: deletedBy });
  return inserted;
}

/**
 * New rows with the key of a row deleted in this flush: [new object, deleted object]. Their
 * many-to-one keys are copied first (an association row's key is its foreign keys).
 */
function rowSwitches(
  mapper: Mapper,
  pending: readonly InstanceState[],
  deleting: readonly InstanceState[],
  copyKeys: (state: InstanceState) => void,
): [InstanceState, InstanceState][] {
  const deletedByKey = new Map<unknown, InstanceState>(deleting.map((state) => [state.key, state]));
  const switches: [InstanceState, InstanceState][] = [];
  for (const state of pending) {
    if (mapper.flushedRelationships.manyToOne.length) copyKeys(state);
    if (mapper.keyAttributes.some((attr) => state.dict[attr] === undefined || state.dict[attr] === null)) continue;
    const key = identityKeyOf(mapper.keyAttributes, state.dict);
    const old = deletedByKey.get(key);
    if (old === undefined) continue;
    switches.push([state, old]);
    deletedByKey.delete(key);
  }
  return switches;
}

/** Table dependency order of the mappers involved (the order of their MetaData's tables). */
function mapperOrder(mappers: readonly Mapper[]): Mapper[] {
  const unique = [...new Set(mappers)];
  if (unique.length === 0) return [];
  const order = unique[0]!.table.metadata.sortedTables;
  const sorted = unique.sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table));
  // A class of joined-table inheritance writes several tables at once: ordered by all of them.
  return sorted.some(isJoined) ? orderByTables(sorted) : sorted;
}

/** States grouped by mapper, in their order; those marked for deletion (or deleted) left out when `skipDeleted`. */
function byMapper(states: readonly InstanceState[], skipDeleted: boolean): Map<Mapper, InstanceState[]> {
  const groups = new Map<Mapper, InstanceState[]>();
  let mapper: Mapper | undefined;
  let group: InstanceState[] | undefined;
  for (let i = 0; i < states.length; i++) {
    const state = states[i]!;
    // Deleted too: by a bulk DELETE after it changed (autoflush off), its changes have no row to go to.
    if (skipDeleted && state.gone) continue;
    // Consecutive states are mostly of one mapper: look the group up only when it changes.
    if (state.mapper !== mapper) {
      mapper = state.mapper;
      group = groups.get(mapper);
      if (!group) groups.set(mapper, (group = []));
    }
    group!.push(state);
  }
  return groups;
}

/**
 * Pending rows of one table in insert order. Only a self-referential relationship makes a row
 * wait for another row of its own table (a parent category before its children); without one,
 * all rows go at once. Otherwise each row's dependencies are found once and the rows are
 * inserted in waves, each wave the rows whose parents are already in.
 */
function insertWaves(mapper: Mapper, pending: readonly InstanceState[]): (readonly InstanceState[])[] {
  if (pending.length === 0) return [];
  const selfReferences = [...mapper.relationships.values()].filter(
    (rel) => !rel.viewonly && rel.resolved.target === mapper && rel.resolved.direction !== "manyToMany",
  );
  if (selfReferences.length === 0) return [pending];
  const waves = wavesAlong(pending, selfReferences);
  if (waves !== undefined) return waves;
  // A cycle (a parent naming its favourite child): rows wait only along keys that cannot be
  // NULL; the others are inserted empty and updated once their target has a row (`awaitingKeys`).
  // One relationship left out first (a tree's parent keeps ordering the rows), then all that can.
  // Pairs are [this side, the other]: the foreign key is on this side of a many-to-one.
  const nullable = (rel: RelationshipProperty) => rel.resolved.pairs.every(([local, remote]) => (rel.resolved.direction === "manyToOne" ? local : remote).nullable);
  for (const left of selfReferences.filter(nullable)) {
    const broken = wavesAlong(pending, selfReferences.filter((rel) => rel !== left));
    if (broken !== undefined) return broken;
  }
  const required = selfReferences.filter((rel) => !nullable(rel));
  const broken = required.length < selfReferences.length ? wavesAlong(pending, required) : undefined;
  if (broken !== undefined) return broken;
  throw new FlushOrderError(`Rows of ${mapper.name} reference each other in a cycle through keys that cannot be NULL; insert them in two flushes, or make one of those keys nullable.`);
}

/** Kahn's algorithm over the rows' references along `selfReferences`; undefined when they form a cycle. */
function wavesAlong(pending: readonly InstanceState[], selfReferences: readonly RelationshipProperty[]): (readonly InstanceState[])[] | undefined {
  const isPending = new Set(pending);
  // Kahn's algorithm: how many rows each row waits for, and who waits for it.
  const waitsFor = new Map<InstanceState, Set<InstanceState>>(pending.map((s) => [s, new Set()]));
  const dependents = new Map<InstanceState, InstanceState[]>();
  const edge = (waiter: InstanceState, blocker: InstanceState) => {
    const blockers = waitsFor.get(waiter)!;
    if (blockers.has(blocker)) return;
    blockers.add(blocker);
    let list = dependents.get(blocker);
    if (!list) dependents.set(blocker, (list = []));
    list.push(waiter);
  };
  for (const state of pending) {
    for (const rel of selfReferences) {
      const value = state.dict[rel.key];
      if (value === undefined || value === null) continue;
      for (const related of Array.isArray(value) ? value : [value as object]) {
        const other = stateOf(related);
        if (!other || other === state || !isPending.has(other)) continue;
        // Many-to-one: this row waits for its parent; one-to-many: the child waits for this row.
        if (rel.resolved.direction === "manyToOne") edge(state, other);
        else edge(other, state);
      }
    }
  }
  const left = new Map([...waitsFor].map(([state, blockers]) => [state, blockers.size]));
  const waves: InstanceState[][] = [];
  let wave = pending.filter((s) => left.get(s) === 0);
  let placed = 0;
  while (wave.length) {
    waves.push(wave);
    placed += wave.length;
    const next: InstanceState[] = [];
    for (const done of wave) {
      for (const waiter of dependents.get(done) ?? []) {
        const count = left.get(waiter)! - 1;
        left.set(waiter, count);
        if (count === 0) next.push(waiter);
      }
    }
    wave = next;
  }
  return placed < pending.length ? undefined : waves;
}

/**
 * After a flush, the loaded lists it wrote hold what the database holds. (Views over association
 * objects write nothing, and nothing asks whether they changed: they are left as they are.)
 */
function commitCollections(state: InstanceState, journal: Journal | undefined): void {
  if (state.gone) return;
  const relationships = state.mapper.flushedRelationships.collections;
  for (let r = 0; r < relationships.length; r++) {
    const list = state.dict[relationships[r]!.key] as InstrumentedList<object> | undefined;
    if (!list) continue;
    journal?.recordCollection(list);
    list.markCommitted();
  }
}

/** Undoing an insert: the object's lists are again lists that were never flushed. */
export function uncommitCollections(state: InstanceState): void {
  for (const rel of state.mapper.collectionRelationships) {
    (state.dict[rel.key] as InstrumentedList<object> | undefined)?.restoreCommitted(undefined);
  }
}

/**
 * A versioned row whose version column has no default starts at 1, as SQLAlchemy's does: inserted
 * NULL, no UPDATE or DELETE could name it by its version (each failed with StaleDataError).
 */
function withFirstVersion(mapper: Mapper, prepare: ((state: InstanceState) => void) | undefined): ((state: InstanceState) => void) | undefined {
  const attr = mapper.versionAttribute;
  const column = attr === undefined ? undefined : mapper.columns.get(attr);
  if (column === undefined || column.default !== undefined || column.serverDefault !== undefined) return prepare;
  return (state) => {
    prepare?.(state);
    if (state.dict[attr!] === undefined || state.dict[attr!] === null) state.dict[attr!] = 1;
  };
}
