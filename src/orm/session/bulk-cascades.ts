/**
 * Rows a bulk UPDATE or DELETE changed through the database's own foreign key actions: a key
 * changed under `onUpdate: "cascade"`, rows deleted under `onDelete: "cascade"` or `"set null"`.
 * The session's objects of the referencing rows follow, as they do after a flush
 * (cascaded-keys.ts): they used to keep the old key, or stay persistent with their rows gone, and
 * their next change (or deletion) failed with a StaleDataError blaming another transaction; `get`
 * returned a row the statement had deleted.
 */
import { identityKey } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import { isInheritanceKey, tablesOf } from "../mapping/joined-tables.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { cascading, followCascadedValues, storeCascaded, type CascadeContext } from "../unit-of-work/cascaded-keys.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { Journal } from "../unit-of-work/journal.js";

/** A row the statement changed, by its values as stored before (all columns of an object the session held; else its key) and, for an UPDATE, after. */
export interface ChangedRow {
  readonly before: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
}

/** A foreign key that acts on deletes of `mapper`'s rows, with the attributes on each side. */
interface OnDelete {
  readonly action: "cascade" | "set null";
  readonly referred: readonly string[];
  readonly child: Mapper;
  readonly attrs: readonly string[];
}

const onDeleteOf = new WeakMap<Mapper, readonly OnDelete[]>();

function onDeletes(mapper: Mapper): readonly OnDelete[] {
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
 * Whether the database's actions on the rows a bulk statement changes (an UPDATE setting
 * `values`; a DELETE) may reach objects the session holds: their rows are then read ("auto"
 * fetches them even when the session holds no object of `mapper`).
 */
export function mayReachHeld(identity: IdentityMap, mapper: Mapper, values: ReadonlyMap<string, unknown> | undefined): boolean {
  if (values === undefined) return onDeletes(mapper).some(({ child }) => !identity.forMapper(child).isEmpty);
  return cascading(mapper).some(({ referred, referencing }) => referred.some((attr) => values.has(attr)) && referencing.some(({ mapper: child }) => !identity.forMapper(child).isEmpty));
}

/** What following the database's actions needs of the session. */
export interface CascadeHost extends CascadeContext {
  readonly changing: (state: InstanceState) => void;
  readonly journal: Journal;
}

/** The session's objects of rows the database changed for a bulk UPDATE of `rows` follow them. */
export function followUpdateCascades(host: CascadeHost, mapper: Mapper, rows: readonly ChangedRow[]): void {
  for (const { before, after } of rows) if (after !== undefined) followCascadedValues(host, mapper, before, after);
}

/**
 * The session's objects of rows the database deleted (`cascade`) or unlinked (`set null`) for a
 * bulk DELETE of `rows`: deleted as the statement's own are, down their own cascades; or holding
 * NULL as stored.
 */
export function followDeleteCascades(host: CascadeHost, mapper: Mapper, rows: readonly ChangedRow[]): void {
  const list = onDeletes(mapper);
  if (list.length === 0) return;
  for (const { action, referred, child, attrs } of list) {
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
    const deleted: ChangedRow[] = [];
    for (const state of hit) {
      deleted.push({ before: storedColumns(state) });
      markDeleted(host, child, state);
    }
    followDeleteCascades(host, child, deleted);
  }
}

/** An object whose row the statement deleted: out of the identity map, deleted until the commit (or undone by a rollback). */
export function markDeleted(host: CascadeHost, mapper: Mapper, state: InstanceState): void {
  host.changing(state);
  host.identity.delete(mapper, state.key);
  state.markDeleted();
  host.journal.deleted.push(state);
}

/** The values of the object's columns as its row stores them; one expired or not loaded is not known (undefined). */
export function storedColumns(state: InstanceState): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const attr of state.mapper.columns.keys()) values[attr] = state.expired?.has(attr) || state.unloaded?.has(attr) ? undefined : storedValue(state, attr);
  return values;
}
