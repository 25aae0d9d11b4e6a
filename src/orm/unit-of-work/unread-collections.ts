/**
 * Lists assigned to a persistent object's relationship that was not loaded (`parent.children =
 * [c3]` after commit expired it): the members the database holds are read now, before the flush,
 * and the members left out are removed as if the list had been loaded when assigned (SQLAlchemy
 * loads it on assignment; a setter cannot wait for the database). One-to-many children lose their
 * foreign key (or, with delete-orphan, are deleted), plain many-to-many links are deleted, and a
 * view over association objects deletes theirs. A one-to-one assigned while not loaded is read
 * the same way: the object it held stops naming its owner (`state/lost-one-to-one.ts`). Members
 * moved onto the owner in memory and not flushed (`child.parent = parent`, `tag.children.push(child)`
 * for `child.tags`) are not in the rows read (no autoflush runs inside the flush): those the list
 * leaves out are removed too, as if an autoflush had written them before the load.
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "../state/collection.js";
import type { InstanceState } from "../state/instance-state.js";
import { settleReplacement } from "../state/relationship-events.js";
import { followsMembers, movedInMemory } from "../state/moved-members.js";
import { anyAssignedUnread, assignedWhileUnread, oneToOneLost, settledUnread } from "../state/lost-one-to-one.js";

/** Loads a relationship of persistent objects, without an autoflush (one is about to run). */
export type RelationshipLoad = (rel: RelationshipProperty, objects: readonly object[]) => Promise<void>;

/**
 * Reads and settles the lists of `states` that await their committed members, one load per
 * relationship; returns whether there were any.
 */
export async function readReplacedCollections(states: Iterable<InstanceState>, load: RelationshipLoad, pending: readonly InstanceState[] = []): Promise<boolean> {
  let owners: Map<RelationshipProperty, InstanceState[]> | undefined;
  for (const state of states) {
    const relationships = state.mapper.collectionRelationships;
    for (let r = 0; r < relationships.length; r++) {
      const list = state.dict[relationships[r]!.key] as InstrumentedList<object> | undefined;
      if (list === undefined || !list.awaitsCommitted || state.key === undefined) continue;
      owners ??= new Map();
      let group = owners.get(relationships[r]!);
      if (group === undefined) owners.set(relationships[r]!, (group = []));
      group.push(state);
    }
  }
  const scalars = await readReplacedOneToOnes(states, load);
  if (owners === undefined) return scalars;
  // The objects that may have moved onto an owner in memory (each moved one was marked changed).
  const candidates = [...states, ...pending];
  for (const [rel, group] of owners) {
    // The assigned lists step aside while the database's are loaded in their place.
    const assigned = group.map((state) => state.dict[rel.key] as InstrumentedList<object>);
    const before: (readonly object[])[] = [];
    for (const state of group) state.dict[rel.key] = undefined;
    try {
      await load(rel, group.map((state) => state.obj));
      for (const state of group) before.push(Array.from((state.dict[rel.key] as InstrumentedList<object> | undefined) ?? []));
    } finally {
      group.forEach((state, i) => (state.dict[rel.key] = assigned[i]));
    }
    const back = rel.backRef;
    const follows = back !== undefined && followsMembers(rel);
    group.forEach((state, i) => settleReplacement(state.obj, rel, assigned[i]!, before[i]!, follows ? movedInMemory(state.obj, back, before[i]!, candidates) : undefined));
  }
  return true;
}

/**
 * One-to-ones assigned while not loaded (`lost-one-to-one.ts`): the object each held is read now,
 * the assigned one stepping aside meanwhile, and it stops naming its owner. Returns whether there
 * were any.
 */
async function readReplacedOneToOnes(states: Iterable<InstanceState>, load: RelationshipLoad): Promise<boolean> {
  if (!anyAssignedUnread()) return false;
  let owners: Map<RelationshipProperty, InstanceState[]> | undefined;
  const marked: InstanceState[] = [];
  for (const state of states) {
    const relationships = assignedWhileUnread(state);
    if (relationships === undefined) continue;
    marked.push(state);
    for (const rel of relationships) {
      // Back to not loaded since (a savepoint's rollback): nothing assigned any more.
      if (state.dict[rel.key] === undefined || state.key === undefined) continue;
      owners ??= new Map();
      let group = owners.get(rel);
      if (group === undefined) owners.set(rel, (group = []));
      group.push(state);
    }
  }
  for (const [rel, group] of owners ?? []) {
    const assigned = group.map((state) => state.dict[rel.key] as object | null);
    const held: (object | null | undefined)[] = [];
    for (const state of group) state.dict[rel.key] = undefined;
    try {
      await load(rel, group.map((state) => state.obj));
      for (const state of group) held.push(state.dict[rel.key] as object | null | undefined);
    } finally {
      group.forEach((state, i) => (state.dict[rel.key] = assigned[i]));
    }
    group.forEach((state, i) => {
      if (held[i] && held[i] !== assigned[i]) oneToOneLost(state.obj, rel, held[i]!);
    });
  }
  for (const state of marked) settledUnread(state);
  return marked.length !== 0;
}
