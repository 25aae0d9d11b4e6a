/**
 * Rows the database deletes or unlinks by itself when rows they reference are deleted: foreign
 * keys declared `onDelete: "cascade"` or `"set null"`. After a bulk DELETE (session/bulk-cascades.ts)
 * or a flush's DELETE (persister.ts), the session's objects of those rows follow: deleted, or
 * holding NULL as stored. They used to stay persistent with their rows gone (`get` returned
 * them), and their next change failed the commit with a StaleDataError blaming another
 * transaction.
 */
import { identityKey, type IdentityMap } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import { isInheritanceKey, tablesOf } from "../mapping/joined-tables.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { storeCascaded, type CascadeContext } from "./cascaded-keys.js";

/** What following needs: `flush` when the DELETE was a flush's, whose undo must not mark the objects for deletion. */
export type FollowContext = CascadeContext & { readonly flush?: boolean };

/** A foreign key that acts on deletes of `mapper`'s rows, with the attributes on each side. */
export interface OnDelete {
  readonly action: "cascade" | "set null";
  readonly referred: readonly string[];
  readonly child: Mapper;
  readonly attrs: readonly string[];
}

const onDeleteOf = new WeakMap<Mapper, readonly OnDelete[]>();

/** @internal */
export function onDeletes(mapper: Mapper): readonly OnDelete[] {
  let found = onDeleteOf.get(mapper);
  if (found !== undefined) return found;
  const list: OnDelete[] = [];
  // Under joined-table inheritance a row of the class is in each of its tables: keys to any of them act.
  const tables = tablesOf(mapper);
  for (const table of mapper.table.metadata.tables.values()) {
    for (const fk of table.foreignKeys) {
      const action = fk.onDelete;
      if ((action !== "cascade" && action !== "set null") || !fk.isResolvable || !tables.includes(fk.referredTable) || isInheritanceKey(fk, mapper)) continue;
      const referred = fk.referredColumns.map((c) => mapper.attributeFor(c));
      if (referred.some((attr) => attr === undefined)) continue;
      for (const child of mapper.registry.mappers) {
        // A single-table hierarchy's rows are all its root's (which maps every column): once, not
        // per class. A joined subclass's table is its own (objects of the classes below it, in the
        // same identity map, map its columns too).
        if (child.table !== fk.table || (child.inheritance?.parent !== undefined && child.inheritance.hierarchy.mode !== "joined")) continue;
        const attrs = fk.columns.map((c) => child.attributeFor(c));
        if (attrs.every((attr) => attr !== undefined)) list.push({ action, referred: referred as string[], child, attrs: attrs as string[] });
      }
    }
  }
  onDeleteOf.set(mapper, (found = list));
  return found;
}

/**
 * Whether the session holds an object of a table whose rows a DELETE of `mapper`'s rows may
 * delete or unlink (else following costs a pass over nothing).
 * @internal
 */
export function deleteReachesHeld(identity: IdentityMap, mapper: Mapper): boolean {
  return onDeletes(mapper).some(({ child }) => !identity.forMapper(child).isEmpty);
}

/**
 * The session's objects of rows the database deleted (`cascade`) or unlinked (`set null`) when
 * `rows` (their values as stored) were deleted, by a bulk DELETE or a flush: deleted as those
 * rows' own are, down their own cascades; or holding NULL as stored.
 * @internal
 */
export function followDeleteCascades(host: FollowContext, mapper: Mapper, rows: readonly { readonly before: Readonly<Record<string, unknown>> }[]): void {
  const list = onDeletes(mapper);
  if (list.length === 0) return;
  for (const { action, referred, child, attrs } of list) {
    // No object of the child held: nothing to follow, and no key of the rows to compute.
    if (host.identity.forMapper(child).isEmpty) continue;
    const gone = new Set<unknown>();
    for (const { before } of rows) {
      const values = referred.map((attr) => before[attr]);
      if (values.every((value) => value !== null && value !== undefined)) gone.add(identityKey(values));
    }
    if (gone.size === 0) continue;
    const hit: InstanceState[] = [];
    host.identity.forMapper(child).forEach((obj) => {
      const state = stateOf(obj)!;
      if (!state.deleted && gone.has(identityKey(attrs.map((attr) => storedValue(state, attr))))) hit.push(state);
    });
    if (hit.length === 0) continue;
    if (action === "set null") {
      for (const state of hit) storeCascaded(host, child, state, attrs, attrs.map(() => null));
      continue;
    }
    const deleted: { before: Record<string, unknown> }[] = [];
    for (const state of hit) {
      deleted.push({ before: storedColumns(state) });
      markDeleted(host, child, state);
    }
    followDeleteCascades(host, child, deleted);
  }
}

/**
 * An object whose row a statement deleted: out of the identity map, deleted until the commit (or
 * undone by a rollback).
 * @internal
 */
export function markDeleted(host: FollowContext, mapper: Mapper, state: InstanceState): void {
  host.changing?.(state);
  host.identity.delete(mapper, state.key);
  state.markDeleted();
  host.journal.deleted.push(state);
  if (host.flush === true) host.journal.deletedByDatabase.add(state);
}

/**
 * The values of the object's columns as its row stores them; one expired or not loaded is not
 * known (undefined).
 * @internal
 */
export function storedColumns(state: InstanceState): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const attr of state.mapper.columns.keys()) values[attr] = state.expired?.has(attr) || state.unloaded?.has(attr) ? undefined : storedValue(state, attr);
  return values;
}
