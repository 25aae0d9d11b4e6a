/**
 * Before a model's before-hooks run, the expired columns of their objects are read again (one
 * SELECT per model and chunk of keys): after a commit every object is expired, and a hook reading
 * `this.status` would otherwise raise `ExpiredAttributeError` from inside the flush. SQLAlchemy's
 * hooks load such attributes lazily; athanor's attribute reads cannot wait, so the flush reads
 * them first. Objects of models without hooks of that kind are not looked at.
 */
import type { Select } from "../../core/statements/select.js";
import { loadColumns } from "../loading/column-loader.js";
import type { HookKind } from "../mapping/model-events.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";

/** Reads the expired columns of the `states` whose model has hooks of `kinds`. */
export async function readExpiredForHooks(
  states: readonly InstanceState[],
  kinds: readonly HookKind[],
  rows: (statement: Select<unknown>) => Promise<unknown[][]>,
  /** Rows the transaction locked: read again under their lock (column-loader.ts). */
  locked: ReadonlySet<InstanceState> | undefined,
): Promise<void> {
  let byMapper: Map<Mapper, { states: InstanceState[]; keys: Set<string> }> | undefined;
  for (const state of states) {
    const hooks = state.mapper.events?.hooks;
    if (state.expired === undefined || state.key === undefined || hooks === undefined || !kinds.some((kind) => hooks.has(kind))) continue;
    byMapper ??= new Map();
    let group = byMapper.get(state.mapper);
    if (!group) byMapper.set(state.mapper, (group = { states: [], keys: new Set() }));
    group.states.push(state);
    for (const key of state.expired) if (state.mapper.loadsColumn(key)) group.keys.add(key);
  }
  if (byMapper === undefined) return;
  for (const [mapper, { states: expired, keys }] of byMapper) if (keys.size) await loadColumns(rows, mapper, expired, [...keys], locked);
}
