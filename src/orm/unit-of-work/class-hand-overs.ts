/**
 * Unique values handed on between objects of two classes of one inheritance hierarchy, whose rows
 * share the base's table: `engineer.email = "new"; manager.email = engineerOldEmail`. The flush
 * writes each class's rows in a step of its own (flush.ts), the classes in their tables' order, so
 * the giver was updated after the taker when its class came later, and the flush failed with an
 * IntegrityError whichever order the values were changed in. Such a giver is updated at the start
 * of the taker's class's step instead (unique-order.ts orders the rows of one class). Not a giver
 * whose UPDATE needs the key of a new object (a many-to-one to one, inserted later): it stays.
 */
import { identityKey } from "../identity/identity-map.js";
import { tablesOf } from "../mapping/joined-tables.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { uniqueKeys } from "./unique-order.js";

export interface ClassHandOvers {
  /** The givers to update at the start of a class's step, by the taker's class. */
  readonly first: ReadonlyMap<Mapper, readonly InstanceState[]>;
  /** The same givers, left out of their own class's step. */
  readonly moved: ReadonlySet<InstanceState>;
}

/** The rows of later classes that give up unique values rows of earlier classes take; undefined when none (mostly). */
export function classHandOvers(
  mappers: readonly Mapper[],
  modifiedBy: ReadonlyMap<Mapper, readonly InstanceState[]>,
  pendingBy: ReadonlyMap<Mapper, readonly InstanceState[]>,
): ClassHandOvers | undefined {
  let found: { first: Map<Mapper, InstanceState[]>; moved: Set<InstanceState> } | undefined;
  for (let i = 0; i < mappers.length - 1; i++) {
    const taker = mappers[i]!;
    if (taker.inheritance === undefined) continue;
    const takers = [...(modifiedBy.get(taker) ?? []), ...(pendingBy.get(taker) ?? [])];
    if (takers.length === 0) continue;
    for (let j = i + 1; j < mappers.length; j++) {
      const giver = mappers[j]!;
      if (giver.inheritance?.hierarchy !== taker.inheritance.hierarchy) continue;
      for (const state of giversTo(taker, giver, takers, modifiedBy.get(giver) ?? [])) {
        if (found?.moved.has(state)) continue;
        found ??= { first: new Map(), moved: new Set() };
        found.moved.add(state);
        (found.first.get(taker) ?? found.first.set(taker, []).get(taker)!).push(state);
      }
    }
  }
  return found;
}

/** The rows of `giver`'s class whose unique values (of a table the two classes share) rows of `taker`'s class take. */
function giversTo(taker: Mapper, giver: Mapper, takers: readonly InstanceState[], givers: readonly InstanceState[]): InstanceState[] {
  if (givers.length === 0) return [];
  const shared = tablesOf(giver);
  const result: InstanceState[] = [];
  for (const key of uniqueKeys(taker)) {
    if (!key.every((attr) => shared.includes(taker.columns.get(attr)!.table))) continue;
    const released = new Map<unknown, InstanceState>();
    for (const state of givers) {
      if (state.committed !== undefined && key.some((attr) => attr in state.committed!)) released.set(identityKey(key.map((attr) => storedValue(state, attr))), state);
    }
    if (released.size === 0) continue;
    for (const state of takers) {
      // An updated row takes a value only when it changes the key; a new row, always.
      if (state.committed !== undefined && !key.some((attr) => attr in state.committed!)) continue;
      const values = key.map((attr) => state.dict[attr]);
      if (values.some((value) => value === null || value === undefined)) continue; // NULLs never collide
      const from = released.get(identityKey(values));
      if (from !== undefined && !result.includes(from) && !awaitsNewObject(from)) result.push(from);
    }
  }
  return result;
}

/** Whether `state` references a new object (no key yet) through a many-to-one: its UPDATE waits for that INSERT. */
function awaitsNewObject(state: InstanceState): boolean {
  for (const rel of state.mapper.flushedRelationships.manyToOne) {
    const target = state.dict[rel.key];
    if (target && stateOf(target as object)?.key === undefined) return true;
  }
  return false;
}
