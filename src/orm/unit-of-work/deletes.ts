/**
 * What a flush deletes: the objects marked for deletion and what their delete cascades reach (in
 * every direction), children that lose their foreign key instead, and the order of the DELETEs of
 * a self-referential table (children before their parents).
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import { ensureState, stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { isPartial, isPartialNull } from "../state/partial-lists.js";
import { queuedMembers } from "../state/write-only.js";
import type { FlushWork } from "./flush.js";
import { setAttribute } from "./key-sync.js";
import { MovedInChildren } from "./moved-in-children.js";
import { deleteAsChildOf, heldThrough } from "./orphans.js";
import { guardUnlink } from "./unlink-guards.js";
import type { SetBasedDeletes } from "./write-only-deletes.js";
import type { Unlinked } from "./unlink-updates.js";

/**
 * Adds to the deletions what deleting an object implies: children with a delete cascade (or that
 * cannot exist without it) are deleted too, and so is what a many-to-one or many-to-many with a
 * delete cascade holds; other children lose their foreign key. Plain many-to-many links of a
 * deleted object are removed by `writeLinks`. The members of a write-only collection that the
 * session does not hold may be left to one statement instead (`setBased`, write-only-deletes.ts).
 * Children moved into a deleted parent in memory are its members too (moved-in-children.ts).
 */
export async function expandDeletes(work: FlushWork, changedRows: InstanceState[], setBased: SetBasedDeletes | undefined, unlinked: Unlinked): Promise<InstanceState[]> {
  const result = new Set<InstanceState>();
  const initially = new Set(work.deleting);
  const modified = new Set(work.modified);
  const queue = [...work.deleting];
  const held = new Map<RelationshipProperty, Set<object>>();
  const movedIn = new MovedInChildren([work.pending, work.modified]);
  for (let i = 0, loadedTo = 0; i < queue.length; i++) {
    // The lists the objects queued since the last time need read, read for all of them at once:
    // one SELECT per relationship (per chunk of keys), where each object's was one SELECT.
    if (i === loadedTo) {
      await loadForDeletes(work, queue, i, result);
      loadedTo = queue.length;
    }
    const state = queue[i]!;
    // Its row is gone already (a bulk DELETE, or an earlier flush of the transaction): a second
    // DELETE would match nothing and fail the flush with a false StaleDataError.
    if (result.has(state) || state.deleted) continue;
    result.add(state);
    // Deleted by a cascade, not by session.delete(): a savepoint rolled back must find it as it was
    // (left marked, the commit deleted the row the rollback had kept).
    if (!state.deletePending) work.savepoint?.changing(state);
    state.markForDeletion();
    for (const rel of state.mapper.relationships.values()) {
      if (rel.viewonly) continue;
      if (rel.resolved.direction !== "oneToMany") {
        // A delete cascade along a many-to-one or a many-to-many deletes what it holds too
        // (the link rows of a many-to-many go with the deleted objects: `writeLinks`).
        if (rel.cascades("delete")) for (const target of await relatedForDelete(work, state, rel, setBased, undefined)) queue.push(ensureState(target, rel.resolved.target));
        continue;
      }
      const cascades = rel.cascades("delete") || rel.resolved.pairs.some(([, fk]) => fk.primaryKey);
      if (rel.spec.options.passiveDeletes && !cascades) continue;
      for (const child of await relatedForDelete(work, state, rel, setBased, movedIn.of(state, rel))) {
        const childState = ensureState(child, rel.resolved.target);
        // Read from the database, the list may hold a child moved to another parent in memory.
        if (movedAway(work, state, rel, childState, held)) continue;
        if (cascades) {
          // Read as this parent's (not moved into it in memory, nor read before another transaction
          // moved it in) and not deleted by the application itself: its DELETE names the parent,
          // so that a row another transaction moved to another parent meanwhile fails the flush
          // (it was deleted from under its new parent, and the commit resolved).
          if (!initially.has(childState) && !childState.deletePending && !childState.deleted && readAsChildOf(childState, state, rel)) deleteAsChildOf(childState, rel);
          queue.push(childState);
        }
        else if (!childState.deletePending && !childState.deleted && !initially.has(childState)) {
          // Read as this parent's: its UPDATE names the parent, so that one moved elsewhere meanwhile is not unlinked.
          if (readAsChildOf(childState, state, rel)) guardUnlink(childState, rel.attributePairs.map(([, fkAttr]) => fkAttr));
          for (const [, fkAttr] of rel.attributePairs) setAttribute(childState, fkAttr, null, changedRows);
          // Its UPDATE may share statements with the other children unlinked (unlink-updates.ts).
          const cleared = unlinked.get(childState);
          if (cleared === undefined) unlinked.set(childState, rel.attributePairs.map(([, fkAttr]) => fkAttr));
          else cleared.push(...rel.attributePairs.map(([, fkAttr]) => fkAttr));
          // Its many-to-one would show the deleted parent the row no longer names: unloaded, it
          // is read again when next used (null once committed; the parent again if the flush fails).
          const back = rel.backRef;
          if (back !== undefined && childState.dict[back.key] === state.obj) childState.dict[back.key] = undefined;
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
 * Reads, one load per relationship for all of `queue` from `from` on, the lists and references
 * that `storedAndLoaded` would otherwise read one object at a time: not loaded, of an object with
 * a row, followed by the delete (a one-to-many not left to the database, or a delete cascade) and
 * not write-only (its own statements: write-only-deletes.ts).
 */
async function loadForDeletes(work: FlushWork, queue: readonly InstanceState[], from: number, done: ReadonlySet<InstanceState>): Promise<void> {
  const toLoad = new Map<RelationshipProperty, Set<object>>();
  for (let i = from; i < queue.length; i++) {
    const state = queue[i]!;
    if (done.has(state) || state.deleted || state.key === undefined) continue;
    for (const rel of state.mapper.relationships.values()) {
      if (rel.viewonly || rel.writeOnly || rel.spec.options.passiveDeletes || state.dict[rel.key] !== undefined) continue;
      const followed = rel.resolved.direction === "oneToMany" || rel.cascades("delete");
      if (!followed) continue;
      const objects = toLoad.get(rel);
      if (objects === undefined) toLoad.set(rel, new Set([state.obj]));
      else objects.add(state.obj);
    }
  }
  // One object's list is read as before (`storedAndLoaded`): nothing to gather.
  for (const [rel, objects] of toLoad) if (objects.size > 1) await work.load(rel, [...objects]);
}

/**
 * What `rel` of an object being deleted holds, loaded first if it is not (with the children moved
 * into it in memory: `movedIn`); nothing but those when it is not loaded and `passiveDeletes`
 * leaves it to the database's ON DELETE.
 */
async function relatedForDelete(work: FlushWork, state: InstanceState, rel: RelationshipProperty, setBased: SetBasedDeletes | undefined, movedIn: readonly object[] | undefined): Promise<object[]> {
  const members = await storedAndLoaded(work, state, rel, setBased, movedIn ?? []);
  return movedIn === undefined || movedIn.length === 0 ? members : [...new Set([...members, ...movedIn])];
}

/** What `rel` holds as loaded, or as the database holds it (`movedIn`: to be handled one by one, not by a write-only statement). */
async function storedAndLoaded(work: FlushWork, state: InstanceState, rel: RelationshipProperty, setBased: SetBasedDeletes | undefined, movedIn: readonly object[]): Promise<object[]> {
  // A write-only collection's list holds only what was queued on it: the members in the database
  // are left to one statement where that skips nothing, else read (never with passiveDeletes,
  // which leaves them to the database's ON DELETE).
  if (rel.writeOnly) {
    const queued = queuedMembers(state, rel);
    if (rel.spec.options.passiveDeletes || state.key === undefined) return queued;
    // The children moved in are handled one by one, as those queued: the statement leaves them out.
    const held = await setBased?.plan(state, rel, movedIn.length === 0 ? queued : [...new Set([...queued, ...movedIn])]);
    if (held !== undefined) return held;
    return [...new Set([...queued, ...(await committedMembers(work, state, rel))])];
  }
  const value = state.dict[rel.key];
  if (value === undefined) {
    if (rel.spec.options.passiveDeletes || state.key === undefined) return [];
    await work.load(rel, [state.obj]);
  } else if (isPartial(value as object) && state.key !== undefined) {
    // Filled by containsEager from a filtered JOIN: the rows its query left out are members too
    // (the delete cascaded to, or unlinked, the loaded ones only, and the parent's DELETE failed
    // on the others' foreign key, or left them pointing at a row gone where no constraint holds).
    return [...new Set([...(value as object[]), ...(await committedMembers(work, state, rel))])];
  } else if (value === null && state.key !== undefined && isPartialNull(state, rel.key)) {
    // A one-to-one the same JOIN found nothing for: the row it left out names this object too.
    return committedMembers(work, state, rel);
  }
  const loaded = state.dict[rel.key];
  return Array.isArray(loaded) ? [...(loaded as object[])] : loaded ? [loaded as object] : [];
}

/** The members `rel` of `state` has in the database, read with its loaded list set aside (and put back). */
async function committedMembers(work: FlushWork, state: InstanceState, rel: RelationshipProperty): Promise<object[]> {
  const list = state.dict[rel.key];
  state.dict[rel.key] = undefined;
  try {
    await work.load(rel, [state.obj]);
    const held = state.dict[rel.key] as object[] | object | null | undefined;
    return Array.isArray(held) ? Array.from(held) : held ? [held] : [];
  } finally {
    state.dict[rel.key] = list;
  }
}

/**
 * Whether `child`, in the list of `parent` (being deleted) as the database holds it, belongs to
 * another parent in memory: its back-reference names another object not being deleted (or none:
 * it was taken out), or, without a back-reference, another loaded list of the relationship holds
 * it. Deleting it, or clearing its key, would undo the move.
 */
function movedAway(work: FlushWork, parent: InstanceState, rel: RelationshipProperty, child: InstanceState, held: Map<RelationshipProperty, Set<object>>): boolean {
  if (rel.backRef !== undefined) {
    const holder = child.dict[rel.backRef.key] as object | null | undefined;
    return holder === null || (holder !== undefined && holder !== parent.obj && stateOf(holder)?.deletePending !== true);
  }
  let members = held.get(rel);
  if (members === undefined) held.set(rel, (members = heldThrough(rel, work.identity, work.pending)));
  return members.has(child.obj);
}

/** Whether the child's foreign key, as read, names the parent's row. */
function readAsChildOf(child: InstanceState, parent: InstanceState, rel: RelationshipProperty): boolean {
  const pairs = rel.attributePairs;
  for (let i = 0; i < pairs.length; i++) if (storedValue(child, pairs[i]![1]) !== storedValue(parent, pairs[i]![0])) return false;
  return true;
}

/** Deletes of one table: in one go, or, for a self-referential table, children before their parents. */
export function deleteWaves(states: readonly InstanceState[]): InstanceState[][] {
  const { waves, cyclic } = peelDeletes(states);
  return cyclic.length ? [...waves, cyclic] : waves;
}

/**
 * The rows of one table to delete, peeled children first: the waves, and the rows left that
 * reference each other in a cycle (none without one). Clearing their nullable keys first
 * (`clearKeysBetweenDeleted`) lets them be peeled too.
 */
export function peelDeletes(states: readonly InstanceState[]): { waves: InstanceState[][]; cyclic: InstanceState[] } {
  const mapper = states[0]!.mapper;
  const selfReferential = [...mapper.relationships.values()].some((r) => r.resolved.direction === "manyToOne" && r.resolved.target === mapper);
  if (!selfReferential) return { waves: [[...states]], cyclic: [] };
  const waves: InstanceState[][] = [];
  let remaining = [...states];
  while (remaining.length) {
    const wave = remaining.filter((s) => !remaining.some((other) => other !== s && referencesRow(other, s)));
    if (wave.length === 0) return { waves, cyclic: remaining };
    waves.push(wave);
    remaining = remaining.filter((s) => !wave.includes(s));
  }
  return { waves, cyclic: [] };
}

/** Whether `child`'s row (as stored: committed values win) references `parent`'s row. */
function referencesRow(child: InstanceState, parent: InstanceState): boolean {
  for (const rel of child.mapper.relationships.values()) {
    if (rel.resolved.direction !== "manyToOne" || rel.resolved.target !== parent.mapper) continue;
    if (rel.resolved.pairs.every(([fk, key]) => storedValue(child, child.mapper.attributeFor(fk)!) === storedValue(parent, parent.mapper.attributeFor(key)!))) return true;
  }
  return false;
}
