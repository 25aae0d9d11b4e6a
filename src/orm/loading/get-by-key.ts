/**
 * The row of one primary key, for `session.get` past the identity map: a SELECT compiled once
 * per statement cache (engines of one dialect share theirs) and mapper, only the key values bound
 * anew (the common case of every lookup).
 */
import type { CompiledQuery, ValueProcessor } from "../../core/compiler/compiled-query.js";
import type { StatementCache } from "../../core/compiler/statement-cache.js";
import { select, type Select } from "../../core/statements/select.js";
import type { ExecuteOptions } from "../../engine/driver.js";
import type { Engine } from "../../engine/engine.js";
import type { Mapper } from "../mapping/mapper.js";
import { identityKey } from "../identity/identity-map.js";
import { primaryKeyValues, type PrimaryKeyValue } from "../identity/object-keys.js";
import { stateOf } from "../state/instance-state.js";
import { isSubmapper } from "../mapping/inheritance.js";
import { hydrator } from "./hydrate.js";
import { hasEagerDefault, runScalars, type QueryContext } from "./query-runner.js";

export interface GetContext extends QueryContext {
  readonly engine: Engine;
}

/**
 * `session.get`: the object of this key from the identity map (no SQL) unless expired or deleted,
 * else (after `autoflush`) from the database.
 */
export function getByKey(
  context: GetContext,
  mapper: Mapper,
  values: readonly unknown[],
  autoflush: () => Promise<void> | undefined,
): object | undefined | Promise<object | undefined> {
  // Not `async`: a lookup the identity map answers allocates no promise here (`session.get` awaits).
  const known = context.identity.get(mapper, identityKey(values));
  const state = known && stateOf(known)!;
  // Single-table inheritance: the key's row is another class's (`get(Manager, anEngineersId)`).
  if (state && mapper.inheritance !== undefined && !isSubmapper(state.mapper, mapper)) return undefined;
  if (state && !state.expired) return state.deletePending ? undefined : known;
  const flushing = autoflush();
  // Expired, its row locked by the transaction: read again under the lock (locked-rows.ts `lockedIfAny`).
  if (state !== undefined && context.identity.lockedRows?.has(state)) return loadLocked(flushing, context, mapper, values);
  return flushing === undefined ? loadByKey(context, mapper, values) : loadAfter(flushing, context, mapper, values);
}

async function loadLocked(flushing: Promise<void> | undefined, context: GetContext, mapper: Mapper, values: readonly unknown[]): Promise<object | undefined> {
  await flushing;
  return (await runScalars(context, keyQuery(mapper, values).forUpdate()))[0] as object | undefined;
}

/*
 * The callbacks below are functions of their own: a closure over a hot function's parameters
 * makes V8 allocate a context on each of its calls, even when the closure is never made (W4:
 * 45 bytes per `session.get` past the identity map).
 */

function loadAfter(flushing: Promise<void>, context: GetContext, mapper: Mapper, values: readonly unknown[]): Promise<object | undefined> {
  return flushing.then(() => loadByKey(context, mapper, values));
}

function firstObjectOnceRead(rows: Promise<unknown[][]>, context: GetContext, mapper: Mapper): Promise<object | undefined> {
  return rows.then((read) => firstObject(context, mapper, read));
}

/**
 * `session.get`, whose promise settles as an `async` method's would (a sync throw rejects it). Not
 * `async` itself: its frame and await cost each lookup about 400 bytes (heap sampling of W4), which
 * a cold round, its young generation shrunk by a full collection, pays in scavenges.
 */
export function promisedGet(context: GetContext, cls: abstract new (...args: any[]) => object, pk: PrimaryKeyValue, autoflush: () => Promise<void> | undefined): Promise<object | undefined> {
  try {
    const mapper = context.mapperOf(cls);
    const found = getByKey(context, mapper, primaryKeyValues(mapper, pk), autoflush);
    return found instanceof Promise ? found : Promise.resolve(found);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The object of this key (key values in key-column order), loaded; undefined if no row has it.
 * Not `async`: where the driver answers at once (SQLite) the object comes back without a promise.
 */
export function loadByKey(context: GetContext, mapper: Mapper, values: readonly unknown[]): object | undefined | Promise<object | undefined> {
  // Relationships loaded eagerly by default go through the full query path.
  // So do subclasses of single-table inheritance, whose query binds its discriminator values too.
  // So does a session with loader criteria: the row they exclude is not found (criteria.ts).
  // So does a model with column properties, whose SQL may bind values of its own.
  if (hasEagerDefault(mapper) || mapper.inheritance?.parent !== undefined || context.criteria !== undefined || mapper.propertyKeys.length !== 0) return runScalars(context, keyQuery(mapper, values)).then((objects) => objects[0] as object | undefined);
  const { engine } = context;
  const { compiled, processors } = preparedGet(engine, mapper, values);
  const params = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const process = processors[i];
    params[i] = process !== undefined && value !== null && value !== undefined ? process(value) : value;
  }
  const rows = context.compiledRows({ ...compiled, params }, ONE_ARRAY_ROW);
  return rows instanceof Promise ? firstObjectOnceRead(rows, context, mapper) : firstObject(context, mapper, rows);
}

function firstObject(context: GetContext, mapper: Mapper, rows: readonly unknown[][]): object | undefined {
  return rows.length ? (hydrator(mapper, 0, context)(rows[0]!) ?? undefined) : undefined;
}

function keyQuery(mapper: Mapper, values: readonly unknown[]): Select<unknown> {
  return select(mapper.class_).where(...mapper.primaryKey.map((c, i) => c.eq(values[i] as never))) as unknown as Select<unknown>;
}

/** A key matches one row at most: SQLite reads it with `stmt.get`. */
const ONE_ARRAY_ROW: ExecuteOptions = { rowShape: "arrays", oneRow: true };

/** A mapper's lookup by key, compiled, with the bind conversion of each key column. */
interface PreparedGet {
  readonly compiled: CompiledQuery;
  readonly processors: readonly (ValueProcessor | undefined)[];
}

const preparedGets = new WeakMap<StatementCache, Map<Mapper, PreparedGet>>();

function preparedGet(engine: Engine, mapper: Mapper, values: readonly unknown[]): PreparedGet {
  let byMapper = preparedGets.get(engine.cache);
  if (!byMapper) preparedGets.set(engine.cache, (byMapper = new Map()));
  let prepared = byMapper.get(mapper);
  if (!prepared) {
    const compiled = engine.cache.compile(keyQuery(mapper, values).node);
    byMapper.set(mapper, (prepared = { compiled, processors: mapper.primaryKey.map((c) => engine.dialect.bindProcessor(c.type)) }));
  }
  return prepared;
}
