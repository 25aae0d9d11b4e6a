/**
 * Children whose foreign key a flush sets NULL because their parent is deleted (a one-to-many
 * without a delete cascade, `expandDeletes`): one UPDATE per chunk of rows, where each child was
 * one UPDATE. Each row is still named by its key and, read as the parent's, by the parent it was
 * read with (unlink-guards.ts); the statements must match every row they name, else the flush
 * fails with StaleDataError as the UPDATE of one row did. A child with any other change (or
 * versioned, of a joined-table hierarchy, with values read back) keeps its own UPDATE.
 */
import type { Column } from "../../core/schema/column.js";
import type { Mapper } from "../mapping/mapper.js";
import { isJoined } from "../mapping/joined-tables.js";
import type { InstanceState } from "../state/instance-state.js";
import { sameValue } from "../state/mutable-values.js";
import { followCascadedUpdates } from "./cascaded-keys.js";
import { storedDict, type PersistContext } from "./persister.js";
import { updateReadBack } from "./read-back.js";
import { describe, describeMany, expectRows, keyWhereValues, updateByKeys } from "./row-statements.js";
import { takeUnlinkGuard } from "./unlink-guards.js";

/** The children a flush unlinks from deleted parents, with the attributes it set NULL. @internal */
export type Unlinked = Map<InstanceState, string[]>;

/**
 * UPDATEs the rows of `states` (modified objects of `mapper`) that only lost their foreign key to
 * a deleted parent (`unlinked`), by chunks; returns the others, for `updateState`.
 * @internal
 */
export async function updateUnlinked(ctx: PersistContext, mapper: Mapper, states: InstanceState[], unlinked: Unlinked): Promise<InstanceState[]> {
  if (mapper.versionAttribute !== undefined || isJoined(mapper) || updateReadBack(ctx, mapper, false).length !== 0) return states;
  const rest: InstanceState[] = [];
  // By the columns set NULL and the columns guarding them: rows of one group share the statements.
  const groups = new Map<string, { set: Record<string, unknown>; guard: readonly string[]; states: InstanceState[]; befores: Record<string, unknown>[] }>();
  for (const state of states) {
    const attrs = unlinked.get(state);
    const changed = attrs === undefined ? undefined : onlyCleared(mapper, state, attrs);
    if (changed === undefined) {
      rest.push(state);
      continue;
    }
    const before = storedDict(state);
    const guard = takeUnlinkGuard(state, before) ?? [];
    const id = `${changed.join(",")}|${guard.join(",")}`;
    let group = groups.get(id);
    if (group === undefined) groups.set(id, (group = { set: Object.fromEntries(changed.map((attr) => [mapper.columns.get(attr)!.key, null])), guard, states: [], befores: [] }));
    group.states.push(state);
    group.befores.push(before);
  }
  for (const { set, guard, states: group, befores } of groups.values()) {
    const columns: Column[] = [...mapper.primaryKey, ...guard.map((attr) => mapper.columns.get(attr)!)];
    const keys = befores.map((before) => [...keyWhereValues(mapper, before, "UPDATE"), ...guard.map((attr) => before[attr])]);
    const matched = await updateByKeys(ctx.conn, mapper.table, set, columns, keys);
    expectRows(`UPDATE of ${describeMany(befores.map((before) => describe(mapper, before)))}`, matched, keys.length);
    for (let i = 0; i < group.length; i++) written(ctx, mapper, group[i]!, befores[i]!);
  }
  return rest;
}

/**
 * The changed attributes of `state` when every one is among `attrs` (its foreign key) and now
 * NULL, the row still holding a value there; else undefined.
 */
function onlyCleared(mapper: Mapper, state: InstanceState, attrs: readonly string[]): string[] | undefined {
  const committed = state.committed;
  if (committed === undefined) return undefined;
  const changed: string[] = [];
  for (const attr in committed) {
    if (sameValue(state.dict[attr], committed[attr]) || !mapper.columns.has(attr)) continue;
    if (!attrs.includes(attr) || state.dict[attr] !== null) return undefined;
    changed.push(attr);
  }
  return changed.length === 0 ? undefined : changed;
}

/** After the row's UPDATE, what `updateState` does after its own: the object is as its row. */
function written(ctx: PersistContext, mapper: Mapper, state: InstanceState, before: Record<string, unknown>): void {
  if (mapper.generatedColumns.length) state.expire(mapper.generatedColumns);
  if (mapper.propertyKeys.length) state.expire(mapper.propertyKeys);
  ctx.journal.recordUpdate(state, state.committed!);
  state.committed = undefined;
  followCascadedUpdates(ctx, mapper, state, before);
}
