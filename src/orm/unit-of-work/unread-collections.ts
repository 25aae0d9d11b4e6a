/**
 * Lists assigned to a persistent object's relationship that was not loaded (`parent.children =
 * [c3]` after commit expired it): the members the database holds are read now, before the flush,
 * and the members left out are removed as if the list had been loaded when assigned (SQLAlchemy
 * loads it on assignment; a setter cannot wait for the database). One-to-many children lose their
 * foreign key (or, with delete-orphan, are deleted), plain many-to-many links are deleted, and a
 * view over association objects deletes theirs.
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "../state/collection.js";
import type { InstanceState } from "../state/instance-state.js";
import { settleReplacement } from "../state/relationship-events.js";

/** Loads a relationship of persistent objects, without an autoflush (one is about to run). */
export type RelationshipLoad = (rel: RelationshipProperty, objects: readonly object[]) => Promise<void>;

/**
 * Reads and settles the lists of `states` that await their committed members, one load per
 * relationship; returns whether there were any.
 */
export async function readReplacedCollections(states: Iterable<InstanceState>, load: RelationshipLoad): Promise<boolean> {
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
  if (owners === undefined) return false;
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
    group.forEach((state, i) => settleReplacement(state.obj, rel, assigned[i]!, before[i]!));
  }
  return true;
}
