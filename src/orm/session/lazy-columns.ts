/**
 * `await lazy(obj).body` for a column not loaded (deferred): SQLAlchemy's `awaitable_attrs`. The
 * reads of one column of one model asked in the same tick are answered by one SELECT.
 */
import type { Select } from "../../core/statements/select.js";
import { loadColumns } from "../loading/column-loader.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { columnRaisesOnLoad, unloadedError } from "../state/unloaded.js";

type Rows = (statement: Select<unknown>) => Promise<unknown[][]>;

/** The column loader of `lazy()`: the value, loaded first if it is not (refused for a raiseLoad column). */
export function lazyColumnLoader(rows: () => Rows): (state: InstanceState, key: string) => Promise<unknown> {
  const queued = new Map<Mapper, Map<string, { states: Set<InstanceState>; done: Promise<void> }>>();
  return (state, key) => {
    const value = () => (state.obj as Record<string, unknown>)[key];
    if (state.key === undefined || !(state.unloaded?.has(key) || state.expired?.has(key))) return Promise.resolve().then(value);
    if (columnRaisesOnLoad(state, key)) return Promise.reject(unloadedError(state, key));
    let byKey = queued.get(state.mapper);
    if (!byKey) queued.set(state.mapper, (byKey = new Map()));
    let batch = byKey.get(key);
    if (!batch) {
      const states = new Set<InstanceState>();
      const mapper = state.mapper;
      const done = Promise.resolve().then(() => {
        queued.get(mapper)?.delete(key);
        // One assigned since it was asked for holds its new value: read, the row overwrote it.
        const waiting = [...states].filter((s) => s.unloaded?.has(key) || s.expired?.has(key));
        return waiting.length ? loadColumns(rows(), mapper, waiting, [key]) : undefined;
      });
      byKey.set(key, (batch = { states, done }));
    }
    batch.states.add(state);
    return batch.done.then(value);
  };
}
