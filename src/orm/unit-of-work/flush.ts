/**
 * The unit of work: turns the session's pending, modified and deleted objects into SQL.
 *
 * Tables are processed in foreign-key dependency order (referenced tables first), and rows of a
 * self-referential table in waves (parents before children). For each table: many-to-one keys
 * are copied from the related objects, new rows inserted (their generated keys read back), the
 * keys copied into the children of one-to-many collections, and changed rows updated. Then the
 * links of plain many-to-many collections are written, and deletions run in reverse order.
 * A many-to-many that is a view over association objects writes nothing itself: its links are
 * the association objects, flushed as rows of their own table.
 */
import type { Column } from "../../core/schema/column.js";
import type { Connection } from "../../engine/connection.js";
import { FlushOrderError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { IdentityMap } from "../session/identity-map.js";
import type { InstrumentedList } from "../state/collection.js";
import { ensureState, stateOf, type InstanceState } from "../state/instance-state.js";
import type { Journal } from "./journal.js";
import { identityKeyOf } from "../session/identity-map.js";
import { deleteByKeys, deleteStates, insertLinks, insertStates, switchRows, updateState, type PersistContext } from "./persister.js";

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
}

/** Writes the work; returns how many of the pending objects it inserted. */
export async function flush(work: FlushWork): Promise<number> {
  const ctx: PersistContext = { conn: work.conn, identity: work.identity, journal: work.journal, expiring: work.expiring ?? false };
  // Rows already in the database whose keys the flush changes: those written before the change
  // (a parent processed after its child, in a cycle between tables) are updated again at the end.
  const changedRows: InstanceState[] = [];
  const deleting = await expandDeletes(work, changedRows);
  // Deletions may cascade to pending objects, which then must not be inserted: filtered here.
  const pendingBy = work.pendingByMapper !== undefined && work.deleting.length === 0 ? work.pendingByMapper : byMapper(work.pending, true);
  const modifiedBy = byMapper(work.modified, true);
  const deletingBy = byMapper(deleting, false);
  const mappers = mapperOrder([...pendingBy.keys(), ...modifiedBy.keys(), ...deletingBy.keys()]);

  // The loops over states are indexed: each runs once per flush over up to every object of the
  // session, mostly before V8 optimizes it, when `for...of` allocates an iterator result per state.
  let inserted = 0;
  // Each row to insert copies its many-to-one keys first (in the insert's own pass over the rows).
  const copyKeys = (state: InstanceState) => syncManyToOne(state, changedRows, work.awaitingKeys);
  for (const mapper of mappers) {
    // Mappers without relationships of a direction skip that pass over their objects entirely.
    const { manyToOne, oneToMany } = mapper.flushedRelationships;
    let toInsert = pendingBy.get(mapper) ?? [];
    const deletions = deletingBy.get(mapper);
    if (deletions !== undefined && toInsert.length !== 0 && mapper.versionAttribute === undefined) {
      const switches = rowSwitches(mapper, toInsert, deletions, copyKeys);
      if (switches.length) {
        const taken = new Set(switches.map(([state]) => state));
        const freed = new Set(switches.map(([, old]) => old));
        toInsert = toInsert.filter((state) => !taken.has(state));
        const stillDeleted = deletions.filter((state) => !freed.has(state));
        if (stillDeleted.length) deletingBy.set(mapper, stillDeleted);
        else deletingBy.delete(mapper);
        await switchRows(ctx, mapper, switches);
        inserted += switches.length;
      }
    }
    for (const wave of insertWaves(mapper, toInsert)) {
      await insertStates(ctx, mapper, wave, manyToOne.length ? copyKeys : undefined);
      inserted += wave.length;
      if (oneToMany.length) for (let i = 0; i < wave.length; i++) syncOneToMany(wave[i]!, changedRows, true);
    }
    const modified = modifiedBy.get(mapper) ?? [];
    for (const state of modified) {
      syncManyToOne(state, changedRows, work.awaitingKeys);
      syncOneToMany(state, changedRows, false);
    }
    for (const state of modified) await updateState(ctx, mapper, state, mapper.versionAttribute);
  }
  retryAwaitingKeys(work.awaitingKeys, changedRows);
  // Rows whose keys changed after they were written (rare: a cycle between tables, or a parent
  // flushed after its children).
  for (const state of changedRows) {
    if (state.committed && !state.deletePending && state.key !== undefined) await updateState(ctx, state.mapper, state, state.mapper.versionAttribute);
  }

  await writeLinks(work, [pendingBy, modifiedBy, deletingBy]);

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
  return unique.sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table));
}

/** States grouped by mapper, in their order; those marked for deletion left out when `skipDeleted`. */
function byMapper(states: readonly InstanceState[], skipDeleted: boolean): Map<Mapper, InstanceState[]> {
  const groups = new Map<Mapper, InstanceState[]>();
  let mapper: Mapper | undefined;
  let group: InstanceState[] | undefined;
  for (let i = 0; i < states.length; i++) {
    const state = states[i]!;
    if (skipDeleted && state.deletePending) continue;
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
  if (placed < pending.length) {
    throw new FlushOrderError(`Rows of ${mapper.name} reference each other in a cycle; insert them in two flushes, or break the cycle with a nullable key.`);
  }
  return waves;
}

/** Sets a column attribute for the flush: a change to record (in `changedRows` too) when the row already exists. */
function setAttribute(state: InstanceState, attr: string, value: unknown, changedRows: InstanceState[]): void {
  const old = state.dict[attr];
  if (old === value) return;
  if (state.key !== undefined) {
    state.recordChange(attr, old ?? null);
    changedRows.push(state);
  }
  state.dict[attr] = value;
}

function keyValue(state: InstanceState, column: Column): unknown {
  return state.dict[state.mapper.attributeFor(column)!];
}

/** Rows that waited for a key copy it now, if their target has one; the others wait on. */
function retryAwaitingKeys(awaitingKeys: Set<InstanceState>, changedRows: InstanceState[]): void {
  if (awaitingKeys.size === 0) return;
  const retry = [...awaitingKeys];
  awaitingKeys.clear();
  for (const state of retry) {
    // Not inserted (a failed flush undid it): its next insert copies the keys anyway.
    if (state.key !== undefined && !state.deletePending && !state.deleted) syncManyToOne(state, changedRows, awaitingKeys);
  }
}

/**
 * Copies the key of each many-to-one target into this row's foreign-key columns; a row whose
 * target has no key yet goes to `awaitingKeys`.
 */
function syncManyToOne(state: InstanceState, changedRows: InstanceState[], awaitingKeys: Set<InstanceState>): void {
  const relationships = state.mapper.flushedRelationships.manyToOne;
  for (let r = 0; r < relationships.length; r++) {
    const rel = relationships[r]!;
    let target = state.dict[rel.key] as object | null | undefined;
    if (target === undefined) continue; // not loaded and not assigned: leave the key as it is
    if (target !== null && stateOf(target)?.deletePending) target = null; // it is being deleted
    const targetDict = target === null ? undefined : ensureState(target, rel.resolved.target).dict;
    const pairs = rel.attributePairs;
    for (let p = 0; p < pairs.length; p++) {
      const value = targetDict === undefined ? null : targetDict[pairs[p]![1]];
      if (targetDict !== undefined && (value === undefined || value === null)) {
        awaitingKeys.add(state); // the target is not inserted yet
        continue;
      }
      setAttribute(state, pairs[p]![0], value, changedRows);
    }
  }
}

/**
 * Copies this row's key into its one-to-many children, and clears it in removed children. For a
 * row just inserted, children whose many-to-one points back here copy the key themselves: new
 * ones before their own insert, those with a row as modified objects, or when the key exists
 * (`awaitingKeys`). Its lists are not even walked then: every member of a list with a
 * back-reference points back, as the in-memory events keep them.
 */
function syncOneToMany(state: InstanceState, changedRows: InstanceState[], justInserted: boolean): void {
  const relationships = state.mapper.flushedRelationships.oneToMany;
  for (let r = 0; r < relationships.length; r++) {
    const rel = relationships[r]!;
    const value = state.dict[rel.key];
    if (value === undefined) continue;
    const pairs = rel.attributePairs;
    // A new child whose many-to-one points back here copies the key itself, before its insert.
    const back = rel.backRef !== undefined && !rel.backRef.viewonly ? rel.backRef.key : undefined;
    if (justInserted && back !== undefined) continue;
    const current: readonly object[] = rel.collection ? (value as object[]) : value === null ? [] : [value as object];
    for (let c = 0; c < current.length; c++) {
      const childState = ensureState(current[c]!, rel.resolved.target);
      if (childState.key === undefined && back !== undefined && childState.dict[back] === state.obj) continue;
      for (let p = 0; p < pairs.length; p++) setAttribute(childState, pairs[p]![1], state.dict[pairs[p]![0]], changedRows);
    }
    if (!rel.collection || !(value as InstrumentedList<object>).changed) continue;
    const committed = (value as InstrumentedList<object>).committed;
    if (!committed?.length) continue;
    const members = new Set(current);
    for (const removed of committed) {
      if (members.has(removed)) continue;
      const childState = stateOf(removed);
      if (!childState || childState.deletePending || childState.deleted) continue;
      const stillOurs = rel.backRef ? childState.dict[rel.backRef.key] === state.obj : true;
      if (stillOurs || childState.dict[rel.backRef?.key ?? ""] == null) {
        for (const [, fkAttr] of pairs) setAttribute(childState, fkAttr, null, changedRows);
      }
    }
  }
}

/**
 * Adds to the deletions what deleting an object implies: children with a delete cascade (or that
 * cannot exist without it) are deleted too, and so is what a many-to-one or many-to-many with a
 * delete cascade holds; other children lose their foreign key. Plain many-to-many links of a
 * deleted object are removed by `writeLinks`.
 */
async function expandDeletes(work: FlushWork, changedRows: InstanceState[]): Promise<InstanceState[]> {
  const result = new Set<InstanceState>();
  const initially = new Set(work.deleting);
  const modified = new Set(work.modified);
  const queue = [...work.deleting];
  for (let i = 0; i < queue.length; i++) {
    const state = queue[i]!;
    if (result.has(state)) continue;
    result.add(state);
    state.deletePending = true;
    for (const rel of state.mapper.relationships.values()) {
      if (rel.viewonly) continue;
      if (rel.resolved.direction !== "oneToMany") {
        // A delete cascade along a many-to-one or a many-to-many deletes what it holds too
        // (the link rows of a many-to-many go with the deleted objects: `writeLinks`).
        if (rel.cascades("delete")) for (const target of await relatedForDelete(work, state, rel)) queue.push(ensureState(target, rel.resolved.target));
        continue;
      }
      const cascades = rel.cascades("delete") || rel.resolved.pairs.some(([, fk]) => fk.primaryKey);
      if (rel.spec.options.passiveDeletes && !cascades) continue;
      for (const child of await relatedForDelete(work, state, rel)) {
        const childState = ensureState(child, rel.resolved.target);
        if (cascades) queue.push(childState);
        else if (!childState.deletePending && !initially.has(childState)) {
          for (const [, fkAttr] of rel.attributePairs) setAttribute(childState, fkAttr, null, changedRows);
          if (!modified.has(childState)) {
            modified.add(childState);
            (work.modified as InstanceState[]).push(childState);
          }
        }
      }
    }
  }
  return [...result].filter((s) => s.key !== undefined);
}

/**
 * What `rel` of an object being deleted holds, loaded first if it is not; nothing when it is not
 * loaded and `passiveDeletes` leaves it to the database's ON DELETE.
 */
async function relatedForDelete(work: FlushWork, state: InstanceState, rel: RelationshipProperty): Promise<object[]> {
  if (state.dict[rel.key] === undefined) {
    if (rel.spec.options.passiveDeletes || state.key === undefined) return [];
    await work.load(rel, [state.obj]);
  }
  const value = state.dict[rel.key];
  return Array.isArray(value) ? [...(value as object[])] : value ? [value as object] : [];
}

/** Deletes of one table: in one go, or, for a self-referential table, children before their parents. */
function deleteWaves(states: readonly InstanceState[]): InstanceState[][] {
  const mapper = states[0]!.mapper;
  const selfReferential = [...mapper.relationships.values()].some((r) => r.resolved.direction === "manyToOne" && r.resolved.target === mapper);
  if (!selfReferential) return [[...states]];
  const waves: InstanceState[][] = [];
  let remaining = [...states];
  while (remaining.length) {
    const wave = remaining.filter((s) => !remaining.some((other) => other !== s && referencesRow(other, s)));
    if (wave.length === 0) return [...waves, remaining];
    waves.push(wave);
    remaining = remaining.filter((s) => !wave.includes(s));
  }
  return waves;
}

/** Whether `child`'s row (as stored: committed values win) references `parent`'s row. */
function referencesRow(child: InstanceState, parent: InstanceState): boolean {
  const stored = (s: InstanceState, attr: string) => (s.committed && attr in s.committed ? s.committed[attr] : s.dict[attr]);
  for (const rel of child.mapper.relationships.values()) {
    if (rel.resolved.direction !== "manyToOne" || rel.resolved.target !== parent.mapper) continue;
    if (rel.resolved.pairs.every(([fk, key]) => stored(child, child.mapper.attributeFor(fk)!) === stored(parent, parent.mapper.attributeFor(key)!))) return true;
  }
  return false;
}

/**
 * Link rows of plain many-to-many collections: the difference between each loaded collection
 * and its committed members, and every link of a deleted object. Both sides of a pair may
 * report the same link; each is written once.
 */
async function writeLinks(work: FlushWork, groups: readonly ReadonlyMap<Mapper, readonly InstanceState[]>[]): Promise<void> {
  const inserts = new Map<RelationshipProperty, Map<string, unknown[]>>();
  const deletes = new Map<RelationshipProperty, Map<string, unknown[]>>();
  const canonical = (rel: RelationshipProperty) => (rel.backRef && String(rel.backRef) < String(rel) ? rel.backRef : rel);
  const add = (target: Map<RelationshipProperty, Map<string, unknown[]>>, rel: RelationshipProperty, owner: InstanceState, member: InstanceState) => {
    // Store the link as seen from the canonical side, so the two sides of a pair agree.
    const main = canonical(rel);
    const [a, b] = main === rel ? [owner, member] : [member, owner];
    const values = [...main.resolved.pairs.map(([key]) => keyValue(a, key)), ...main.resolved.secondaryPairs.map(([key]) => keyValue(b, key))];
    let map = target.get(main);
    if (!map) target.set(main, (map = new Map()));
    map.set(JSON.stringify(values, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)), values);
  };
  const deletedOwners = new Map<RelationshipProperty, unknown[][]>();
  // By mapper: most have no plain many-to-many, and their objects need no look at all.
  for (const [mapper, states] of groups.flatMap((group) => [...group])) {
    const relationships = mapper.collectionRelationships.filter(
      (rel) => rel.resolved.direction === "manyToMany" && !rel.viewonly && !rel.associationView,
    );
    if (relationships.length === 0) continue;
    for (const state of states) {
      for (const rel of relationships) {
        if (state.deletePending) {
          const keys = deletedOwners.get(rel) ?? [];
          keys.push(rel.resolved.pairs.map(([key]) => keyValue(state, key)));
          deletedOwners.set(rel, keys);
          continue;
        }
        const list = state.dict[rel.key] as InstrumentedList<object> | undefined;
        if (!list?.changed) continue;
        const committed = new Set(list.committed ?? []);
        const current = new Set<object>(list);
        for (const member of current) if (!committed.has(member)) add(inserts, rel, state, ensureState(member, rel.resolved.target));
        for (const member of committed) if (!current.has(member)) add(deletes, rel, state, ensureState(member, rel.resolved.target));
      }
    }
  }
  for (const [rel, links] of deletes) {
    const columns = [...rel.resolved.pairs.map(([, fk]) => fk), ...rel.resolved.secondaryPairs.map(([, fk]) => fk)];
    await deleteByKeys(work.conn, rel.resolved.secondary!, columns, [...links.values()]);
  }
  for (const [rel, keys] of deletedOwners) {
    await deleteByKeys(work.conn, rel.resolved.secondary!, rel.resolved.pairs.map(([, fk]) => fk), keys);
  }
  for (const [rel, links] of inserts) {
    const columns = [...rel.resolved.pairs.map(([, fk]) => fk), ...rel.resolved.secondaryPairs.map(([, fk]) => fk)];
    const existing = deletes.get(rel);
    const rows = [...links].filter(([id]) => !existing?.has(id)).map(([, values]) => values);
    if (rows.length) await insertLinks(work.conn, rel.resolved.secondary!, columns, rows);
  }
}

/**
 * After a flush, the loaded lists it wrote hold what the database holds. (Views over association
 * objects write nothing, and nothing asks whether they changed: they are left as they are.)
 */
function commitCollections(state: InstanceState, journal: Journal | undefined): void {
  if (state.deletePending || state.deleted) return;
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
