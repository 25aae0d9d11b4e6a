/**
 * Rows whose only change is a foreign key (a child unlinked from its parent: the parent deleted
 * without a delete cascade, the child taken out of the parent's list or its reference set null;
 * or a child moved to another parent): one UPDATE per chunk of rows that get the same values,
 * where each row was one UPDATE. Each row is still named by its key and, read as the parent's, by
 * the parent it was read with (unlink-guards.ts); the statements must match every row they name,
 * else the flush fails with StaleDataError as the UPDATE of one row did. A row with any other
 * change (or versioned, of a joined-table hierarchy, with values read back) keeps its own UPDATE,
 * and so does a row alone in its group (its statement as before).
 */
import type { Column } from "../../core/schema/column.js";
import type { Mapper } from "../mapping/mapper.js";
import { isJoined } from "../mapping/joined-tables.js";
import { guardUnlink, takeUnlinkGuard } from "./unlink-guards.js";
import type { InstanceState } from "../state/instance-state.js";
import { sameValue } from "../state/mutable-values.js";
import { followCascadedUpdates } from "./cascaded-keys.js";
import { storedDict, type PersistContext } from "./persister.js";
import { updateReadBack } from "./read-back.js";
import { describe, describeMany, expectRows, keyWhereValues, updateByKeys } from "./row-statements.js";
import { uniqueKeys } from "./unique-order.js";

/** The children a flush unlinks from deleted parents, with the attributes it set NULL. @internal */
export type Unlinked = Map<InstanceState, string[]>;

/** Rows of one group: the same columns set to the same values, guarded by the same columns. */
interface Group {
  readonly set: Record<string, unknown>;
  readonly guard: readonly string[];
  readonly states: InstanceState[];
  readonly befores: Record<string, unknown>[];
}

/**
 * UPDATEs the rows of `states` (modified objects of `mapper`) whose only change is a foreign key,
 * by chunks; returns the others in their order, for `updateState`. `unlinked` names the
 * attributes cleared for children of deleted parents (a key the schema may not declare).
 * @internal
 */
export async function updateUnlinked(ctx: PersistContext, mapper: Mapper, states: InstanceState[], unlinked: Unlinked): Promise<InstanceState[]> {
  if (states.length < 2 || mapper.versionAttribute !== undefined || isJoined(mapper) || updateReadBack(ctx, mapper, false).length !== 0) return states;
  const keys = keyAttributes(mapper);
  // By the columns set, their values and the columns guarding them: rows of one group share the statements.
  let groups: Map<string, Group> | undefined;
  for (let i = 0; i < states.length; i++) {
    const state = states[i]!;
    const changed = onlyKeysChanged(mapper, state, keys, unlinked.get(state));
    if (changed === undefined) continue;
    const before = storedDict(state);
    const guard = takeUnlinkGuard(state, before) ?? [];
    const values = changed.map((attr) => state.dict[attr]);
    const id = `${changed.join(",")}|${values.map(valueId).join(",")}|${guard.join(",")}`;
    let group = (groups ??= new Map()).get(id);
    if (group === undefined) groups.set(id, (group = { set: Object.fromEntries(changed.map((attr, j) => [mapper.columns.get(attr)!.key, values[j]])), guard, states: [], befores: [] }));
    group.states.push(state);
    group.befores.push(before);
  }
  if (groups === undefined) return states;
  const done = new Set<InstanceState>();
  for (const group of groups.values()) {
    // Alone: its own UPDATE, as before (the guard taken is put back for it).
    if (group.states.length === 1) {
      if (group.guard.length !== 0) guardUnlink(group.states[0]!, group.guard);
      continue;
    }
    await updateGroup(ctx, mapper, group);
    for (const state of group.states) done.add(state);
  }
  return done.size === 0 ? states : states.filter((state) => !done.has(state));
}

/**
 * Of `changedRows` (rows whose keys the flush changed after their class's pass: children a list
 * with no back-reference lost or gained), UPDATEs by chunks those whose only change is a foreign
 * key, class by class; the others are left for `updateState`, their changes still pending.
 * @internal
 */
export async function updateChangedKeys(ctx: PersistContext, changedRows: readonly InstanceState[], unlinked: Unlinked): Promise<void> {
  if (changedRows.length < 2) return;
  const byMapper = new Map<Mapper, Set<InstanceState>>();
  for (const state of changedRows) {
    if (state.committed === undefined || state.gone || state.key === undefined) continue;
    let states = byMapper.get(state.mapper);
    if (states === undefined) byMapper.set(state.mapper, (states = new Set()));
    states.add(state);
  }
  for (const [mapper, states] of byMapper) if (states.size > 1) await updateUnlinked(ctx, mapper, [...states], unlinked);
}

async function updateGroup(ctx: PersistContext, mapper: Mapper, { set, guard, states, befores }: Group): Promise<void> {
  const columns: Column[] = [...mapper.primaryKey, ...guard.map((attr) => mapper.columns.get(attr)!)];
  const keys = befores.map((before) => [...keyWhereValues(mapper, before, "UPDATE"), ...guard.map((attr) => before[attr])]);
  const matched = await updateByKeys(ctx.conn, mapper.table, set, columns, keys);
  expectRows(`UPDATE of ${describeMany(befores.map((before) => describe(mapper, before)))}`, matched, keys.length);
  for (let i = 0; i < states.length; i++) written(ctx, mapper, states[i]!, befores[i]!);
}

/** A mapper's foreign-key attributes outside its primary key: set NULL, and those also in no unique key: set to a value. */
interface KeyAttributes {
  readonly cleared: ReadonlySet<string>;
  readonly moved: ReadonlySet<string>;
}

const keyAttributesOf = new WeakMap<Mapper, KeyAttributes>();

function keyAttributes(mapper: Mapper): KeyAttributes {
  let found = keyAttributesOf.get(mapper);
  if (found !== undefined) return found;
  const cleared = new Set<string>();
  for (const column of mapper.table.columnList) {
    const attr = column.foreignKeys.length !== 0 && !column.primaryKey ? mapper.attributeFor(column) : undefined;
    if (attr !== undefined) cleared.add(attr);
  }
  for (const rel of mapper.flushedRelationships.manyToOne) for (const [fk] of rel.attributePairs) if (!mapper.keyAttributes.includes(fk)) cleared.add(fk);
  // A unique key handed on between rows needs its UPDATEs in order (unique-order.ts): not shared.
  const unique = new Set(uniqueKeys(mapper).flat());
  found = { cleared, moved: new Set([...cleared].filter((attr) => !unique.has(attr))) };
  keyAttributesOf.set(mapper, found);
  return found;
}

/**
 * The changed attributes of `state` when every one is a foreign key (or among `unlinked`) now
 * NULL, or a plain value where no unique key holds it; else undefined.
 */
function onlyKeysChanged(mapper: Mapper, state: InstanceState, keys: KeyAttributes, unlinked: readonly string[] | undefined): string[] | undefined {
  const committed = state.committed;
  if (committed === undefined) return undefined;
  let changed: string[] | undefined;
  for (const attr in committed) {
    const value = state.dict[attr];
    if (sameValue(value, committed[attr]) || !mapper.columns.has(attr)) continue;
    if (value === null ? !keys.cleared.has(attr) && !unlinked?.includes(attr) : !keys.moved.has(attr) || !isPlain(value)) return undefined;
    (changed ??= []).push(attr);
  }
  return changed;
}

/** A key value as a group's id names it: quoted when a string, so that no two lists of values read alike. */
function valueId(value: unknown): string {
  return value === null ? "null" : typeof value === "string" ? JSON.stringify(value) : `${typeof value}:${String(value)}`;
}

/** A value that its string names (a key shared by the rows of a group is told by it). */
function isPlain(value: unknown): boolean {
  return typeof value === "number" || typeof value === "string" || typeof value === "bigint";
}

/** After the row's UPDATE, what `updateState` does after its own: the object is as its row. */
function written(ctx: PersistContext, mapper: Mapper, state: InstanceState, before: Record<string, unknown>): void {
  if (mapper.generatedColumns.length) state.expire(mapper.generatedColumns);
  if (mapper.propertyKeys.length) state.expire(mapper.propertyKeys);
  ctx.journal.recordUpdate(state, state.committed!);
  state.committed = undefined;
  followCascadedUpdates(ctx, mapper, state, before);
}
