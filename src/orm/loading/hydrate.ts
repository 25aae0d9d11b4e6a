/**
 * Rows to objects. A hydrator reads one entity's columns from an array row: an object already in
 * the identity map is returned as it is (its unflushed changes win, as in SQLAlchemy), expired
 * attributes are refreshed, and a new object is made without running its constructor.
 */
import type { Mapper } from "../mapping/mapper.js";
import { identityKey, identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { dictMaker } from "../state/dict-shape.js";
import { attachState, InstanceState, stateOf, type StateOwner } from "../state/instance-state.js";
import { populatingHydrator, type PopulateRun } from "./populate.js";

export interface HydrationContext {
  readonly identity: IdentityMap;
  readonly owner: StateOwner;
  /** Set by a `populateExisting()` query: objects already in the map are overwritten (populate.ts). */
  readonly populate?: PopulateRun;
}

export type Hydrator = (row: readonly unknown[]) => object | null;

/** Hydrators are made once per session (identity map), mapper and position, then reused. */
const hydrators = new WeakMap<IdentityMap, Map<Mapper, Map<number, Hydrator>>>();

/** Reads the entity whose columns start at `start` (attribute order of the mapper). */
export function hydrator(mapper: Mapper, start: number, context: HydrationContext): Hydrator {
  let byMapper = hydrators.get(context.identity);
  if (!byMapper) hydrators.set(context.identity, (byMapper = new Map()));
  let byStart = byMapper.get(mapper);
  if (!byStart) byMapper.set(mapper, (byStart = new Map()));
  let hydrate = byStart.get(start);
  if (!hydrate) byStart.set(start, (hydrate = makeHydrator(mapper, start, context)));
  return context.populate ? populatingHydrator(hydrate, mapper, start, context, context.populate) : hydrate;
}

function makeHydrator(mapper: Mapper, start: number, context: HydrationContext): Hydrator {
  const keys = [...mapper.columns.keys()];
  const pkIndexes = mapper.primaryKey.map((column) => start + keys.indexOf(mapper.attributeFor(column)!));
  const prototype = mapper.class_.prototype as object;
  const identity = context.identity;
  const objects = identity.forMapper(mapper);
  const owner = context.owner;
  const single = pkIndexes.length === 1 ? pkIndexes[0]! : -1;
  // The columns from the row; the relationships, not loaded yet, undefined.
  const makeDict = dictMaker(mapper.attributeKeys, keys.length, start);

  return (row) => {
    let key: unknown;
    if (single >= 0) {
      key = row[single];
      if (key === null || key === undefined) return null; // the outer side of a join found nothing
      // Normalized as identityKey does (a bigint that fits, a UUID's case); integers need nothing.
      if (typeof key === "bigint" || (typeof key === "string" && key.length === 36)) key = identityKey([key]);
    } else {
      key = compositeKeyAt(row, pkIndexes);
      if (key === undefined) return null;
    }
    if (identity.hasUnindexed) identity.indexInserted(); // a flush since this hydrator was made
    const existing = objects.get(key);
    if (existing !== undefined) {
      const state = stateOf(existing)!;
      if (state.expired !== undefined) refreshExpired(state, keys, row, start);
      return existing;
    }
    const dict = makeDict(row);
    const obj = Object.create(prototype) as object;
    const state = new InstanceState(mapper, dict);
    state.loaded(owner, key);
    attachState(obj, state);
    objects.set(key, obj);
    return obj;
  };
}

/**
 * The composite key of a row, or undefined when a part is null (the outer side of a join). Not
 * inline in the hydrator: a callback there capturing the row would cost a context per row.
 */
function compositeKeyAt(row: readonly unknown[], indexes: readonly number[]): unknown {
  for (let i = 0; i < indexes.length; i++) if (row[indexes[i]!] === null || row[indexes[i]!] === undefined) return undefined;
  return identityKeyOf(indexes, row);
}

function refreshExpired(state: InstanceState, keys: readonly string[], row: readonly unknown[], start: number): void {
  const expired = state.expired!;
  keys.forEach((key, i) => {
    if (expired.has(key)) state.dict[key] = row[start + i];
  });
  state.expired = undefined; // every column was just read
}
