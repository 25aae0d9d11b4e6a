/**
 * Column attributes not loaded (deferred): the error for reading one, and the marks of queries
 * that said `raiseLoad` for a column, which make `await lazy(obj).key` refuse to load it.
 */
import { UnloadedAttributeError } from "../errors.js";
import type { InstanceState } from "./instance-state.js";

/** Keys a query marked raise-on-load, per object; only such queries' objects pay for it. */
const raisingByQuery = new WeakMap<InstanceState, Set<string>>();

/** `defer(Model, key, { raiseLoad: true })`: the query marks each object it returned without `key`. */
export function markColumnRaiseLoad(state: InstanceState, key: string): void {
  if (!state.unloaded?.has(key)) return;
  let keys = raisingByQuery.get(state);
  if (keys === undefined) raisingByQuery.set(state, (keys = new Set()));
  keys.add(key);
}

/** Whether loading `key` on access (`lazy(obj).key`) is refused: by the mapping or the query. */
export function columnRaisesOnLoad(state: InstanceState, key: string): boolean {
  return state.mapper.deferred.get(key)?.raiseLoad === true || raisingByQuery.get(state)?.has(key) === true;
}

/** Whether reading `key` must raise the error below rather than the plain expired one. */
export function isUnloaded(state: InstanceState, key: string): boolean {
  return state.unloaded?.has(key) === true || state.mapper.deferred.has(key);
}

/** The error for reading a column attribute that is not loaded, naming the model, the attribute and the fix. */
export function unloadedError(state: InstanceState, key: string): UnloadedAttributeError {
  const model = state.mapper.name;
  const why = state.expired?.has(key)
    ? `was expired (by commit, rollback or expire()), and as a deferred column it is not reloaded with the others`
    : state.mapper.deferred.has(key)
      ? `is deferred and was not loaded`
      : `was left out by the query's options (defer or loadOnly)`;
  const raise = columnRaisesOnLoad(state, key) ? " (raiseLoad: it is never loaded on access)" : "";
  return new UnloadedAttributeError(
    `${model}.${key} ${why}${raise}; reading it cannot wait for the database. ` +
      `Load it with \`await session.load(obj, "${key}")\`, or add undefer(${model}, "${key}") to the query.`,
    model,
    key,
  );
}
