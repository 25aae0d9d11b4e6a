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
  return hydrate;
}

function makeHydrator(mapper: Mapper, start: number, context: HydrationContext): Hydrator {
  const keys = [...mapper.columns.keys()];
  const pkIndexes = mapper.primaryKey.map((column) => start + keys.indexOf(mapper.attributeFor(column)!));
  const prototype = mapper.class_.prototype as object;
  const objects = context.identity.forMapper(mapper);
  const owner = context.owner;
  const single = pkIndexes.length === 1 ? pkIndexes[0]! : -1;
  const makeDict = dictMaker(keys, start);

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
    const dict = makeDict(row);
    const obj = Object.create(prototype) as object;
    const state = new InstanceState(mapper, dict);
    state.session = owner;
    state.key = key;
    attachState(obj, state);
    objects.set(key, obj);
    return obj;
  };
}

/**
 * Builds an entity's dict from its columns in a row. Where the platform allows, this is a function
 * returning an object literal (`{ "id": row[0], "name": row[1] }`), compiled once per shape:
 * every dict then starts with the same shape, made in one allocation, instead of growing one
 * property at a time (about a third of the time of hydrating a row). The same keys in the same
 * order either way; where code generation is unavailable (a CSP forbidding it), the loop.
 */
function dictMaker(keys: readonly string[], start: number): DictMaker {
  // Compiled once per shape: a hydrator is made per query (every `session.get` makes one).
  const shape = `${start}:${JSON.stringify(keys)}`;
  let make = dictMakers.get(shape);
  if (!make) {
    if (dictMakers.size >= 1000) dictMakers.delete(dictMakers.keys().next().value!);
    dictMakers.set(shape, (make = compileDictMaker(keys, start)));
  }
  return make;
}

type DictMaker = (row: readonly unknown[]) => Record<string, unknown>;

const dictMakers = new Map<string, DictMaker>();

function compileDictMaker(keys: readonly string[], start: number): DictMaker {
  const loop = (row: readonly unknown[]): Record<string, unknown> => {
    const dict: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) dict[keys[i]!] = row[start + i];
    return dict;
  };
  // `__proto__: value` in a literal would set the prototype rather than make a property.
  if (keys.includes("__proto__")) return loop;
  const body = `return { ${keys.map((key, i) => `${JSON.stringify(key)}: row[${start + i}]`).join(", ")} };`;
  try {
    return new Function("row", body) as DictMaker;
  } catch {
    return loop;
  }
}

function refreshExpired(state: InstanceState, keys: readonly string[], row: readonly unknown[], start: number): void {
  const expired = state.expired!;
  keys.forEach((key, i) => {
    if (expired.has(key)) state.dict[key] = row[start + i];
  });
  state.expired = undefined; // every column was just read
}
