/**
 * `await lazy(obj).body` for a column not loaded (deferred): SQLAlchemy's `awaitable_attrs`. The
 * reads of one column of one model asked in the same tick are answered by one SELECT.
 */
import type { Select } from "../../core/statements/select.js";
import { loadColumns } from "../loading/column-loader.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { columnRaisesOnLoad, unloadedError } from "../state/unloaded.js";

/** Where the columns are read: the session's rows, and the objects whose rows its transaction locked (read under the lock). */
export interface ColumnReads {
  readonly rows: (statement: Select<unknown>) => Promise<unknown[][]>;
  readonly identity: { readonly lockedRows: ReadonlySet<InstanceState> | undefined };
}

/** The column loader of `lazy()`: the value, loaded first if it is not (refused for a raiseLoad column). */
export function lazyColumnLoader(reads: () => ColumnReads): (state: InstanceState, key: string) => Promise<unknown> {
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
        if (waiting.length === 0) return undefined;
        const { rows, identity } = reads();
        return loadColumns(rows, mapper, waiting, [key], identity.lockedRows);
      });
      byKey.set(key, (batch = { states, done }));
    }
    batch.states.add(state);
    return batch.done.then(value);
  };
}
