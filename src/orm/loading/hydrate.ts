/**
 * Rows to objects. A hydrator reads one entity's columns from an array row: an object already in
 * the identity map is returned as it is (its unflushed changes win, as in SQLAlchemy), expired
 * attributes are refreshed, and a new object is made without running its constructor.
 */
import type { Mapper } from "../mapping/mapper.js";
import { identityKey, type IdentityMap } from "../session/identity-map.js";
import { attachState, InstanceState, stateOf, type StateOwner } from "../state/instance-state.js";

export interface HydrationContext {
  readonly identity: IdentityMap;
  readonly owner: StateOwner;
}

export type Hydrator = (row: readonly unknown[]) => object | null;

/** Reads the entity whose columns start at `start` (attribute order of the mapper). */
export function hydrator(mapper: Mapper, start: number, context: HydrationContext): Hydrator {
  const keys = [...mapper.columns.keys()];
  const count = keys.length;
  const pkIndexes = mapper.primaryKey.map((column) => start + keys.indexOf(mapper.attributeFor(column)!));
  const prototype = mapper.class_.prototype as object;
  const objects = context.identity.forMapper(mapper);
  const owner = context.owner;
  const single = pkIndexes.length === 1 ? pkIndexes[0]! : -1;

  return (row) => {
    let key: unknown;
    if (single >= 0) {
      key = row[single];
      if (key === null || key === undefined) return null; // the outer side of a join found nothing
      if (typeof key === "bigint") key = identityKey([key]);
    } else {
      const values = pkIndexes.map((i) => row[i]);
      if (values.some((v) => v === null || v === undefined)) return null;
      key = identityKey(values);
    }
    const existing = objects.get(key);
    if (existing !== undefined) {
      const state = stateOf(existing)!;
      if (state.expired !== undefined) refreshExpired(state, keys, row, start);
      return existing;
    }
    const dict: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) dict[keys[i]!] = row[start + i];
    const obj = Object.create(prototype) as object;
    const state = new InstanceState(mapper, dict);
    state.session = owner;
    state.key = key;
    attachState(obj, state);
    objects.set(key, obj);
    return obj;
  };
}

function refreshExpired(state: InstanceState, keys: readonly string[], row: readonly unknown[], start: number): void {
  const expired = state.expired!;
  keys.forEach((key, i) => {
    if (expired.has(key)) state.dict[key] = row[start + i];
  });
  for (const key of keys) expired.delete(key);
  if (expired.size === 0) state.expired = undefined;
}
