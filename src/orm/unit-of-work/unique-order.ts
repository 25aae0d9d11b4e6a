/**
 * UPDATEs of one table whose rows hand unique values on (a primary key, a unique column or
 * constraint): `a.code = b.code; b.code = "new"`. The database checks a unique key at each row
 * (PostgreSQL without DEFERRABLE, MariaDB, SQLite), so the row that gives a value up must be
 * updated before the row that takes it. The flush updated them in the order they were changed,
 * and such a chain failed with an IntegrityError, or passed, by the order of the assignments.
 * Two rows that exchange values (a cycle) collide in any order: the flush's IntegrityError then
 * says so, and how to write it (`explainExchange`).
 */
import type { IntegrityError } from "../../core/errors.js";
import { identityKey } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { tablesOf } from "../mapping/joined-tables.js";

/** Each mapper's unique keys, as attribute lists: its primary key, unique columns, unique constraints and indexes. */
const uniqueKeysOf = new WeakMap<Mapper, readonly (readonly string[])[]>();

/**
 * The unique keys of `mapper` (cached): each an attribute list. Under joined-table inheritance
 * those of every table of its rows (a unique column of the base's table is handed on between two
 * subclass objects too); the subclass tables' keys are the base's, listed once.
 */
export function uniqueKeys(mapper: Mapper): readonly (readonly string[])[] {
  let keys = uniqueKeysOf.get(mapper);
  if (keys !== undefined) return keys;
  const sets = tablesOf(mapper).flatMap((table) => [
    table.primaryKey,
    ...table.columnList.filter((c) => c.unique).map((c) => [c]),
    ...table.uniques.map((u) => u.columns),
    // A partial unique index still orders hand-overs; one with an expression part holds no column key.
    ...table.indexes.filter((i) => i.unique && !i.parts?.some((p) => p.column === undefined)).map((i) => i.columns),
  ]);
  const attrs = sets.map((columns) => columns.map((c) => mapper.attributeFor(c)));
  const seen = new Set<string>();
  keys = attrs.filter((list): list is string[] => list.length > 0 && list.every((attr) => attr !== undefined) && !seen.has(list.join("\0")) && !!seen.add(list.join("\0")));
  uniqueKeysOf.set(mapper, keys);
  return keys;
}

/** The rows of `modified` that change a unique key, with the keys each changes (by index into `uniqueKeys`). */
function changingUnique(mapper: Mapper, modified: readonly InstanceState[]): Map<InstanceState, number[]> {
  const keys = uniqueKeys(mapper);
  const changing = new Map<InstanceState, number[]>();
  for (let i = 0; i < modified.length; i++) {
    const state = modified[i]!;
    const committed = state.committed;
    if (committed === undefined) continue;
    let changed: number[] | undefined;
    // Plain loops: this runs for every row a flush updates.
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      for (let a = 0; a < key.length; a++) {
        if (key[a]! in committed) {
          (changed ??= []).push(k);
          break;
        }
      }
    }
    if (changed !== undefined) changing.set(state, changed);
  }
  return changing;
}

/** For each row changing a unique key, the rows that give up the value it takes: they must be updated first. */
function takenFrom(mapper: Mapper, changing: Map<InstanceState, number[]>): Map<InstanceState, InstanceState[]> {
  const keys = uniqueKeys(mapper);
  const released = keys.map(() => new Map<unknown, InstanceState>());
  for (const [state, changed] of changing) for (const k of changed) released[k]!.set(identityKey(keys[k]!.map((attr) => storedValue(state, attr))), state);
  const before = new Map<InstanceState, InstanceState[]>();
  for (const [state, changed] of changing) {
    for (const k of changed) {
      const taken = keys[k]!.map((attr) => state.dict[attr]);
      if (taken.some((value) => value === null || value === undefined)) continue; // NULLs never collide
      const giver = released[k]!.get(identityKey(taken));
      if (giver !== undefined && giver !== state) (before.get(state) ?? before.set(state, []).get(state)!).push(giver);
    }
  }
  return before;
}

/**
 * `modified` (one mapper's rows to update) with the rows that change a unique key reordered among
 * their own places so that each is updated after the rows whose values it takes; rows in a cycle
 * keep their order. The others keep their places. Returns `modified` itself when nothing moves.
 */
export function orderUniqueUpdates(mapper: Mapper, modified: InstanceState[]): InstanceState[] {
  if (modified.length < 2) return modified;
  const changing = changingUnique(mapper, modified);
  if (changing.size < 2) return modified;
  const before = takenFrom(mapper, changing);
  if (before.size === 0) return modified;
  const ordered: InstanceState[] = [];
  const placed = new Set<InstanceState>();
  const visiting = new Set<InstanceState>();
  const place = (state: InstanceState): void => {
    if (placed.has(state) || visiting.has(state)) return; // a cycle: left as it comes
    visiting.add(state);
    for (const giver of before.get(state) ?? []) place(giver);
    visiting.delete(state);
    placed.add(state);
    ordered.push(state);
  };
  for (const state of modified) if (changing.has(state)) place(state);
  let next = 0;
  return modified.map((state) => (changing.has(state) ? ordered[next++]! : state));
}

/**
 * Whether the rows of `mapper` to update must be updated before its new rows are inserted: a new
 * row takes a unique value an updated row gives up (`a.email = "new"; add(new User({ email: old }))`),
 * which collided when the INSERT ran first. Not when an updated row references a new object (a
 * self-reference: its key comes with that INSERT). Costs nothing without both.
 */
export function updatesBeforeInserts(mapper: Mapper, pending: readonly InstanceState[], modified: readonly InstanceState[], copyKeys?: (state: InstanceState) => void): boolean {
  if (pending.length === 0 || modified.length === 0) return false;
  // A key that a many-to-one gives (an association object moved to another parent) is copied
  // first, for both sides: the new row of the link it left took the key before its UPDATE freed it.
  const keyed = copyKeys !== undefined && keyFromManyToOne(mapper);
  if (keyed) for (const state of modified) if (targetsKeyed(mapper, state)) copyKeys(state);
  const changing = changingUnique(mapper, modified);
  if (changing.size === 0) return false;
  if (keyed) for (const row of pending) if (targetsKeyed(mapper, row)) copyKeys(row);
  const keys = uniqueKeys(mapper);
  // The values given up, per unique key; then one pass over the new rows (a flush may hold thousands of each).
  const freed = new Map<number, Set<unknown>>();
  for (const [state, changed] of changing) {
    for (const k of changed) {
      let values = freed.get(k);
      if (values === undefined) freed.set(k, (values = new Set()));
      values.add(identityKey(keys[k]!.map((attr) => storedValue(state, attr))));
    }
  }
  if (!pending.some((row) => takesAny(row, keys, freed))) return false;
  for (const state of modified) {
    for (const rel of mapper.flushedRelationships.manyToOne) {
      const target = state.dict[rel.key];
      if (target && stateOf(target as object)?.key === undefined) return false;
    }
  }
  return true;
}

/** Whether a foreign key of a many-to-one of `mapper` is in its primary key (an association object's). */
function keyFromManyToOne(mapper: Mapper): boolean {
  return mapper.flushedRelationships.manyToOne.some((rel) => rel.resolved.pairs.some(([fk]) => fk.primaryKey));
}

/** Whether every many-to-one target of `state` has its row (so its key can be copied now). */
function targetsKeyed(mapper: Mapper, state: InstanceState): boolean {
  for (const rel of mapper.flushedRelationships.manyToOne) {
    const target = state.dict[rel.key];
    if (target && stateOf(target as object)?.key === undefined) return false;
  }
  return true;
}

/** Whether the new row `row` holds, under one of the unique keys of `freed`, a value given up there. */
function takesAny(row: InstanceState, keys: readonly (readonly string[])[], freed: ReadonlyMap<number, ReadonlySet<unknown>>): boolean {
  for (const [k, values] of freed) {
    const attrs = keys[k]!;
    if (attrs.every((attr) => row.dict[attr] !== undefined && row.dict[attr] !== null) && values.has(identityKey(attrs.map((attr) => row.dict[attr])))) return true;
  }
  return false;
}

/**
 * Adds to a flush's IntegrityError which of its rows exchange unique values (a cycle no order of
 * UPDATEs can write), and how to write them: through a value no row holds, in two flushes.
 */
export function explainExchange(error: IntegrityError, modified: Iterable<InstanceState>): void {
  const byMapper = new Map<Mapper, InstanceState[]>();
  for (const state of modified) (byMapper.get(state.mapper) ?? byMapper.set(state.mapper, []).get(state.mapper)!).push(state);
  for (const [mapper, states] of byMapper) {
    const changing = changingUnique(mapper, states);
    if (changing.size < 2) continue;
    const cycle = cycleIn(takenFrom(mapper, changing));
    if (cycle === undefined) continue;
    const attrs = changing.get(cycle[0]!)!.map((k) => uniqueKeys(mapper)[k]!.join(", "));
    const name = (s: InstanceState) => `${mapper.name} (${mapper.keyAttributes.map((attr) => `${attr}=${JSON.stringify(storedValue(s, attr))}`).join(", ")})`;
    error.message +=
      `\n${cycle.map(name).join(", ")} exchange values of ${attrs.join(" or ")} (unique) in this flush: each UPDATE collides with another's row, in any order. ` +
      `Write it in two flushes: give one of them a value no row holds and flush, then the value it takes.`;
    return;
  }
}

/** Rows that take each other's values in a ring (following each row's first giver), if any. */
function cycleIn(before: Map<InstanceState, InstanceState[]>): InstanceState[] | undefined {
  for (const start of before.keys()) {
    const path: InstanceState[] = [];
    let state: InstanceState | undefined = start;
    while (state !== undefined && !path.includes(state)) {
      path.push(state);
      state = before.get(state)?.[0];
    }
    if (state !== undefined) return path.slice(path.indexOf(state));
  }
  return undefined;
}
