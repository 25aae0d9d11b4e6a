/**
 * Rows to objects. A hydrator reads one entity's columns from an array row: an object already in
 * the identity map is returned as it is (its unflushed changes win, as in SQLAlchemy), expired
 * attributes are refreshed, and a new object is made without running its constructor.
 */
import type { EntityClass, SelectLayout } from "../../core/statements/selectable.js";
import type { ColumnPlan } from "../mapping/column-plan.js";
import type { Mapper } from "../mapping/mapper.js";
import { identityKey, identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { dictMaker, dictMakerAt } from "../state/dict-shape.js";
import { attachState, InstanceState, stateOf, type StateOwner } from "../state/instance-state.js";
import { populatingHydrator, type PopulateRun } from "./populate.js";
import { exactKeyCheck } from "./exact-keys.js";
import { runLoadHooks } from "../mapping/model-events.js";
import { polymorphicHydrator } from "./polymorphic.js";
import { markingHydrator } from "./criteria-marks.js";
import type { LoaderCriteria } from "./criteria.js";
import { skippingDeleted, type DeletedRows, type StreamedItems } from "./deleted-rows.js";

export interface HydrationContext {
  readonly identity: IdentityMap;
  readonly owner: StateOwner;
  /** Set by a `populateExisting()` query: objects already in the map are overwritten (populate.ts). */
  readonly populate?: PopulateRun;
  /** Set by a query with loader criteria: the objects it reads keep them, for their later loads (criteria-marks.ts). */
  readonly criteriaMark?: readonly LoaderCriteria[];
  /** Set by `session.stream`: the query's own entities skip rows its session deleted since the cursor opened (deleted-rows.ts). */
  readonly deletedRows?: DeletedRows;
}

export type Hydrator = (row: readonly unknown[]) => object | null;

/**
 * A reader per item of a select layout: a value read from its column, an entity's object made by
 * its hydrator (with `plans[i]`, the columns a query's options load for item i).
 */
export function layoutReaders(
  layout: SelectLayout,
  mapperOf: (cls: EntityClass) => Mapper,
  context: HydrationContext,
  plans?: readonly (ColumnPlan | undefined)[],
  /** For a stream skipping deleted rows: its items on the nullable side of an outer join (outer-joined.ts), and their columns to read again (gone-rows.ts). */
  streamed?: StreamedItems,
): ((row: readonly unknown[]) => unknown)[] {
  return layout.map((item, i) => {
    if (item.kind === "value") return (row: readonly unknown[]) => row[item.index];
    const mapper = mapperOf(item.entity);
    const read = hydrator(mapper, item.start, context, plans?.[i]);
    const deleted = context.deletedRows;
    return deleted === undefined ? read : skippingDeleted(read, mapper, item.start, plans?.[i] ?? mapper.defaultLoad, context.identity, deleted, streamed?.outerJoined[i] === true, streamed?.reread[i]);
  });
}

/** Hydrators are made once per session (identity map), column plan and position, then reused. */
const hydrators = new WeakMap<IdentityMap, Map<ColumnPlan, Map<number, Hydrator>>>();

/**
 * Reads the entity whose columns start at `start`: those of `plan` (by default, every column the
 * mapping does not defer), in the mapper's attribute order.
 */
export function hydrator(mapper: Mapper, start: number, context: HydrationContext, plan = mapper.defaultLoad): Hydrator {
  let byPlan = hydrators.get(context.identity);
  if (!byPlan) hydrators.set(context.identity, (byPlan = new Map()));
  let byStart = byPlan.get(plan);
  if (!byStart) byPlan.set(plan, (byStart = new Map()));
  let hydrate = byStart.get(start);
  if (!hydrate) byStart.set(start, (hydrate = makeHydrator(mapper, start, context, plan)));
  const read = context.populate ? populatingHydrator(hydrate, mapper, start, context, context.populate, plan) : hydrate;
  return context.criteriaMark ? markingHydrator(read, context.criteriaMark) : read;
}

function makeHydrator(mapper: Mapper, start: number, context: HydrationContext, plan: ColumnPlan): Hydrator {
  // Single-table inheritance: the row's discriminator picks the class (its mappers map the same columns).
  if (mapper.inheritance !== undefined) return polymorphicHydrator(mapper, start, plan, (sub) => classHydrator(sub, start, context, plan));
  return classHydrator(mapper, start, context, plan);
}

/** The hydrator of one class's objects. */
function classHydrator(mapper: Mapper, start: number, context: HydrationContext, plan: ColumnPlan): Hydrator {
  const keys = plan.keys;
  const unloaded = plan.unloaded;
  const pkIndexes = mapper.primaryKey.map((column) => start + keys.indexOf(mapper.attributeFor(column)!));
  // The columns from the row; the relationships, not loaded yet, undefined.
  const makeDict = unloaded === undefined ? dictMaker(mapper.attributeKeys, keys.length, start) : planDictMaker(mapper, plan, start);
  const hydrate = hydrateRow(mapper, plan, context, makeDict, start, pkIndexes);
  // Timestamps that name rows refused when read inexactly (exact-keys.ts): before the key is made of them.
  const check = exactKeyCheck(mapper, keys, start);
  return check === undefined ? hydrate : (row) => (check(row), hydrate(row));
}

/** The hydrator proper: a row's object from the identity map, or made from the row. */
function hydrateRow(
  mapper: Mapper,
  plan: ColumnPlan,
  context: HydrationContext,
  makeDict: (row: readonly unknown[]) => Record<string, unknown>,
  start: number,
  pkIndexes: readonly number[],
): Hydrator {
  const unloaded = plan.unloaded;
  const identity = context.identity;
  const objects = identity.forMapper(mapper);
  const owner = context.owner;
  const single = pkIndexes.length === 1 ? pkIndexes[0]! : -1;
  // The model's afterLoad hooks, when it has some (mostly not: one test of a constant per object read).
  const onLoad = mapper.events?.hooks.get("afterLoad");
  return (row) => {
    let key: unknown;
    if (single >= 0) {
      key = row[single];
      if (key === null || key === undefined) return null; // the outer side of a join found nothing
      // Normalized as identityKey does (a bigint that fits, a UUID's case, a Date, bytes); integers need nothing.
      if (typeof key === "bigint" || typeof key === "object" || (typeof key === "string" && key.length === 36)) key = identityKey([key]);
    } else {
      key = compositeKeyAt(row, pkIndexes);
      if (key === undefined) return null;
    }
    if (identity.hasUnindexed) identity.indexInserted(); // a flush since this hydrator was made
    const existing = objects.get(key);
    if (existing !== undefined) {
      const state = stateOf(existing)!;
      if (state.expired !== undefined || state.unloaded !== undefined) {
        const refreshed = state.expired !== undefined; // not merely a deferred column read
        fillNotLoaded(state, plan, row, start);
        identity.savepointReads?.add(state);
        if (onLoad !== undefined && refreshed) runLoadHooks(onLoad, existing);
      }
      return existing;
    }
    const dict = makeDict(row);
    const obj = mapper.newInstance() as object;
    const state = new InstanceState(mapper, dict);
    if (unloaded !== undefined) state.unloaded = unloaded;
    state.loaded(owner, key);
    attachState(obj, state);
    objects.set(key, obj);
    // Read inside a savepoint: its rollback expires it (identity-map.ts).
    const reads = identity.savepointReads;
    if (reads !== undefined) reads.add(state);
    if (onLoad !== undefined) runLoadHooks(onLoad, obj);
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

/**
 * An object already loaded, whose expired or unloaded attributes the row has: they are read from
 * it (its loaded ones are left as they are). Expired columns the row lacks (deferred) become
 * unloaded: reading them raises until loaded.
 */
function fillNotLoaded(state: InstanceState, plan: ColumnPlan, row: readonly unknown[], start: number): void {
  const { expired, unloaded } = state;
  const keys = plan.keys;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (expired?.has(key) || unloaded?.has(key)) state.dict[key] = row[start + i];
  }
  state.expired = undefined;
  if (plan.unloaded === undefined) state.unloaded = undefined;
  else if (unloaded !== undefined || expired !== undefined) {
    state.unloaded = stillUnloaded(plan, unloaded, expired);
    // An expired value the row did not bring is stale: not loaded, it has no value.
    if (expired !== undefined) for (const key of plan.unloaded) if (expired.has(key)) state.dict[key] = undefined;
  }
}

/** What is not loaded after a row of `plan`: the columns not loaded before, or expired, and not in it. */
function stillUnloaded(plan: ColumnPlan, unloaded: ReadonlySet<string> | undefined, expired: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  const left = [...plan.unloaded!].filter((k) => unloaded?.has(k) || expired?.has(k));
  if (left.length === plan.unloaded!.size) return plan.unloaded;
  return left.length ? new Set(left) : undefined;
}

/** The dict maker of a plan that leaves columns out: each loaded column from its place in the row. */
function planDictMaker(mapper: Mapper, plan: ColumnPlan, start: number): (row: readonly unknown[]) => Record<string, unknown> {
  const positions = mapper.attributeKeys.map((key) => {
    const i = plan.keys.indexOf(key);
    return i < 0 ? -1 : start + i;
  });
  return dictMakerAt(mapper.attributeKeys, positions);
}
