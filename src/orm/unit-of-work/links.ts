/**
 * The link rows of plain many-to-many collections (an association table with no model of its
 * own), written after the objects they link. A link removed from a collection must still be in
 * its table: a DELETE that matches fewer rows than links it names fails the flush (another
 * transaction removed them first), as the DELETE of an object's row does. Not so for a link to an
 * object an earlier flush deleted: its links went with its row.
 */
import type { Column } from "../../core/schema/column.js";
import type { Connection } from "../../engine/connection.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "../state/collection.js";
import { ensureState, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import type { FlushWork } from "./flush.js";
import { deleteByKeys, describeMany, expectRows, formatKey, insertLinks } from "./persister.js";
import { linkSidesNaming } from "./switch-references.js";

/**
 * Link rows of plain many-to-many collections: the difference between each loaded collection
 * and its committed members, and every link of a deleted object. Both sides of a pair may
 * report the same link; each is written once. `goneEarly` holds objects this flush deleted before
 * its INSERTs (`runEarlyDeletes`), their links with them: a link to one removed from a list is gone.
 * `groups[0]` holds the objects this flush inserted: no link names them before its INSERTs of links.
 */
export async function writeLinks(
  work: FlushWork,
  groups: readonly ReadonlyMap<Mapper, readonly InstanceState[]>[],
  switched: ReadonlyMap<Mapper, readonly InstanceState[]> = new Map(),
  goneEarly: ReadonlySet<InstanceState> = new Set(),
): Promise<void> {
  const inserts = new Map<RelationshipProperty, Map<string, unknown[]>>();
  const deletes = new Map<RelationshipProperty, Map<string, unknown[]>>();
  const deletesOfGone = new Map<RelationshipProperty, Map<string, unknown[]>>();
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
  let insertedNow: ReadonlySet<InstanceState> | undefined; // made at the first removal
  // By mapper: most have no plain many-to-many, and their objects need no look at all.
  for (const [mapper, states] of groups.flatMap((group) => [...group])) {
    const relationships = plainManyToMany(mapper);
    if (relationships.length === 0) continue;
    for (const state of states) {
      if (state.deletePending) {
        ownerKeys(relationships, state, deletedOwners);
        continue;
      }
      for (const rel of relationships) {
        const list = state.dict[rel.key] as InstrumentedList<object> | undefined;
        if (!list?.changed) continue;
        for (const member of list.gained()) {
          const memberState = ensureState(member, rel.resolved.target);
          // Deleted by this flush (itself, a cascade, an orphan) or an earlier one: its links go, or
          // went, with it, this one too. With no row (linked from its own side, it joins at the
          // commit): its insert writes the link.
          if (!memberState.gone && memberState.key !== undefined) add(inserts, rel, state, memberState);
        }
        const current = new Set<object>(list);
        for (const member of list.committed ?? []) {
          if (current.has(member)) continue;
          const memberState = ensureState(member, rel.resolved.target);
          // Deleted by an earlier flush: its links went with its row, so a DELETE matching none is no
          // race. Never inserted, or inserted just now (a list that showed it committed, written
          // before it had a row: a member that joins at the commit): it has no link to delete.
          if (goneEarly.has(memberState) || memberState.key === undefined || (insertedNow ??= insertedBy(groups[0])).has(memberState)) continue;
          add(memberState.deleted ? deletesOfGone : deletes, rel, state, memberState);
        }
      }
    }
  }
  for (const [rel, links] of deletes) {
    const columns = linkColumns(rel);
    const keys = [...links.values()];
    const matched = await deleteByKeys(work.conn, rel.resolved.secondary!, columns, keys);
    if (matched !== keys.length) {
      const named = keys.map((key) => `(${columns.map((c, i) => `${c.name}=${formatKey(key[i])}`).join(", ")})`);
      expectRows(`DELETE of link rows of ${rel.parent.name}.${rel.key} from '${rel.resolved.secondary!.name}' ${describeMany(named)}`, matched, keys.length);
    }
  }
  for (const [rel, links] of deletesOfGone) await deleteByKeys(work.conn, rel.resolved.secondary!, linkColumns(rel), [...links.values()]);
  await deleteOwnerLinks(work.conn, deletedOwners);
  await deleteLinksOfSwitchedRows(work, switched);
  // Every delete above has run: a link deleted and linked again (by another object of the same
  // key, a row switch) is inserted again, not skipped.
  for (const [rel, links] of inserts) await insertLinks(work.conn, rel.resolved.secondary!, linkColumns(rel), [...links.values()]);
}

/**
 * Deletes the link rows of plain many-to-many collections of `byMapper` (objects whose rows the
 * flush deletes before its INSERTs, `runEarlyDeletes`): a link row would still name the row.
 */
export async function deleteLinksOfDeleted(conn: Connection, byMapper: ReadonlyMap<Mapper, readonly InstanceState[]>): Promise<void> {
  const owners = new Map<RelationshipProperty, unknown[][]>();
  for (const [mapper, states] of byMapper) {
    const relationships = plainManyToMany(mapper);
    if (relationships.length !== 0) for (const state of states) ownerKeys(relationships, state, owners);
  }
  await deleteOwnerLinks(conn, owners);
}

function insertedBy(byMapper: ReadonlyMap<Mapper, readonly InstanceState[]> | undefined): ReadonlySet<InstanceState> {
  return new Set(byMapper === undefined ? [] : [...byMapper.values()].flat());
}

/** The association table's columns naming the owner, then the member. */
function linkColumns(rel: RelationshipProperty): Column[] {
  return [...rel.resolved.pairs.map(([, fk]) => fk), ...rel.resolved.secondaryPairs.map(([, fk]) => fk)];
}

/** The plain many-to-many collections of `mapper` (an association table with no model): those whose links the flush writes. */
function plainManyToMany(mapper: Mapper): RelationshipProperty[] {
  return mapper.collectionRelationships.filter((rel) => rel.resolved.direction === "manyToMany" && !rel.viewonly && !rel.associationView);
}

/** Adds to `into` the key by which each of `relationships`' link rows names `state` (deleted: its row as stored). */
function ownerKeys(relationships: readonly RelationshipProperty[], state: InstanceState, into: Map<RelationshipProperty, unknown[][]>): void {
  for (const rel of relationships) {
    let keys = into.get(rel);
    if (keys === undefined) into.set(rel, (keys = []));
    keys.push(rel.resolved.pairs.map(([key]) => storedValue(state, state.mapper.attributeFor(key)!)));
  }
}

/** Every link of deleted objects: how many there are is not known, so there is no count to check. */
async function deleteOwnerLinks(conn: Connection, owners: ReadonlyMap<RelationshipProperty, unknown[][]>): Promise<void> {
  for (const [rel, keys] of owners) await deleteByKeys(conn, rel.resolved.secondary!, rel.resolved.pairs.map(([, fk]) => fk), keys);
}

/**
 * A row taken over by a new object (a row switch) is not deleted, so neither the database's ON
 * DELETE nor the deleted object's own lists remove its link rows: they would link the new object.
 * Every plain many-to-many naming its table, from either side, loses the old object's links.
 */
async function deleteLinksOfSwitchedRows(work: FlushWork, switched: ReadonlyMap<Mapper, readonly InstanceState[]>): Promise<void> {
  for (const [mapper, states] of switched) {
    for (const { table, pairs } of linkSidesNaming(mapper)) {
      const keys = states.map((state) => pairs.map(([key]) => keyValue(state, key)));
      await deleteByKeys(work.conn, table, pairs.map(([, fk]) => fk), keys);
    }
  }
}

function keyValue(state: InstanceState, column: Column): unknown {
  return state.dict[state.mapper.attributeFor(column)!];
}
