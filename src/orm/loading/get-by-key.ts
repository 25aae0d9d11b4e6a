/**
 * The row of one primary key, for `session.get` past the identity map: a SELECT compiled once
 * per engine and mapper, only the key values bound anew (the common case of every lookup).
 */
import type { CompiledQuery } from "../../core/compiler/compiled-query.js";
import { select, type Select } from "../../core/statements/select.js";
import type { Engine } from "../../engine/engine.js";
import type { Mapper } from "../mapping/mapper.js";
import { identityKey } from "../identity/identity-map.js";
import { stateOf } from "../state/instance-state.js";
import { hydrator } from "./hydrate.js";
import { hasEagerDefault, runScalars, type QueryContext } from "./query-runner.js";

export interface GetContext extends QueryContext {
  readonly engine: Engine;
}

/**
 * `session.get`: the object of this key from the identity map (no SQL) unless expired or deleted,
 * else (after `autoflush`) from the database.
 */
export async function getByKey(context: GetContext, mapper: Mapper, values: readonly unknown[], autoflush: () => Promise<void> | undefined): Promise<object | undefined> {
  const known = context.identity.get(mapper, identityKey(values));
  const state = known && stateOf(known)!;
  if (state && !state.expired) return state.deletePending ? undefined : known;
  await autoflush();
  return loadByKey(context, mapper, values);
}

/** The object of this key (key values in key-column order), loaded; undefined if no row has it. */
export async function loadByKey(context: GetContext, mapper: Mapper, values: readonly unknown[]): Promise<object | undefined> {
  const statement = () => select(mapper.class_).where(...mapper.primaryKey.map((c, i) => c.eq(values[i] as never)));
  // Relationships loaded eagerly by default go through the full query path.
  if (hasEagerDefault(mapper)) return (await runScalars(context, statement() as unknown as Select<unknown>))[0] as object | undefined;
  const { engine } = context;
  const compiled = preparedGet(engine, mapper, statement);
  const params = mapper.primaryKey.map((c, i) => {
    const process = engine.dialect.bindProcessor(c.type);
    return process && values[i] !== null && values[i] !== undefined ? process(values[i]) : values[i];
  });
  const rows = await context.compiledRows({ ...compiled, params });
  return rows.length ? (hydrator(mapper, 0, context)(rows[0]!) ?? undefined) : undefined;
}

const preparedGets = new WeakMap<Engine, Map<Mapper, CompiledQuery>>();

function preparedGet(engine: Engine, mapper: Mapper, statement: () => Select<unknown>): CompiledQuery {
  let byMapper = preparedGets.get(engine);
  if (!byMapper) preparedGets.set(engine, (byMapper = new Map()));
  let compiled = byMapper.get(mapper);
  if (!compiled) byMapper.set(mapper, (compiled = engine.cache.compile(statement().node)));
  return compiled;
}
