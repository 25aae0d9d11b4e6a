/**
 * The models' flush hooks (`@beforeInsert` & co., model-events.ts), in the flush's order: mappers
 * in table dependency order (deletes in reverse), objects in the order the flush takes them.
 *
 * - `beforeInsert` and `beforeUpdate` run before the flush takes its work (`runBeforeHooks`), while
 *   objects may still change: what they change, add or delete is written by that same flush. An
 *   object a hook adds or changes gets its own hook in a further round.
 * - `beforeDelete` runs inside the flush once the delete cascade is known (cascaded deletes
 *   included), before any statement; `afterInsert`, `afterUpdate`, `afterDelete` once every
 *   statement of the flush has run. Objects cannot change then (`ChangeDuringFlushError`): the
 *   flush has taken, or written, what it writes.
 *
 * A hook that throws fails the flush as any failed flush does (docs/reliability.md). While no
 * model has flush hooks (`flushHooksInUse`), none of this looks at a single object.
 */
import { InvalidRequestError } from "../../core/errors.js";
import { flushHooksInUse, type HookKind } from "../mapping/model-events.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import type { FlushHooks } from "./collaborators.js";
import type { UnitOfWork } from "./unit-of-work.js";

/** Rounds of `runBeforeHooks` (hooks adding or changing objects whose hooks add more) before giving up. */
const MAX_ROUNDS = 100;

/** Runs each state's hooks of `kind`, one after the other (awaiting those that return a promise). */
export async function runHooks(kind: HookKind, states: readonly InstanceState[]): Promise<void> {
  for (const state of states) {
    const hooks = state.mapper.events?.hooks.get(kind);
    if (hooks === undefined) continue;
    for (const hook of hooks) {
      const result = hook.call(state.obj);
      if (result instanceof Promise) await result;
    }
  }
}

/**
 * `beforeInsert` of the pending objects, `beforeUpdate` of the changed ones (not those to be
 * deleted), each once, until no hook adds or changes an object that has not had its own.
 */
export async function runBeforeHooks(uow: UnitOfWork, hooks: FlushHooks): Promise<void> {
  if (flushHooksInUse.mappers === 0) return;
  const done = new Set<InstanceState>();
  for (let round = 0; ; round++) {
    const inserts = notDone(uow.pending.all, "beforeInsert", done);
    const updates = notDone(uow.modified, "beforeUpdate", done);
    if (inserts.length === 0 && updates.length === 0) return;
    if (round === MAX_ROUNDS) {
      throw new InvalidRequestError(
        `beforeInsert/beforeUpdate hooks kept adding or changing objects for ${MAX_ROUNDS} rounds (last: ${[...inserts, ...updates][0]!.mapper.name}): ` +
          `a hook must not make a new object whose own hook makes another. Nothing was written.`,
      );
    }
    for (const state of inserts) done.add(state);
    for (const state of updates) done.add(state);
    await hooks.run("beforeInsert", inTableOrder(inserts));
    await hooks.run("beforeUpdate", inTableOrder(updates));
  }
}

/**
 * `beforeDelete` of the objects a flush deletes, children (reverse table order) first; asked of
 * models with afterDelete hooks too, so that the runner reads what those need while the rows exist.
 */
export async function runBeforeDeletes(hooks: FlushHooks, mappers: readonly Mapper[], deletingBy: ReadonlyMap<Mapper, readonly InstanceState[]>): Promise<void> {
  if (flushHooksInUse.mappers === 0) return;
  for (let i = mappers.length - 1; i >= 0; i--) {
    const states = deletingBy.get(mappers[i]!);
    const events = mappers[i]!.events?.hooks;
    if (states !== undefined && (events?.has("beforeDelete") || events?.has("afterDelete"))) await hooks.run("beforeDelete", states);
  }
}

/** `afterInsert` and `afterUpdate` per mapper in table order, then `afterDelete` in reverse. */
export async function runAfterHooks(
  hooks: FlushHooks,
  mappers: readonly Mapper[],
  written: { readonly inserted: ReadonlyMap<Mapper, readonly InstanceState[]>; readonly updated: ReadonlyMap<Mapper, readonly InstanceState[]>; readonly deleted: ReadonlyMap<Mapper, readonly InstanceState[]> },
): Promise<void> {
  if (flushHooksInUse.mappers === 0) return;
  for (const mapper of mappers) {
    const events = mapper.events?.hooks;
    if (events === undefined) continue;
    const inserted = written.inserted.get(mapper);
    if (inserted !== undefined && events.has("afterInsert")) await hooks.run("afterInsert", inserted.filter((state) => state.key !== undefined));
    const updated = written.updated.get(mapper);
    if (updated !== undefined && events.has("afterUpdate")) await hooks.run("afterUpdate", updated);
  }
  for (let i = mappers.length - 1; i >= 0; i--) {
    const deleted = written.deleted.get(mappers[i]!);
    // Not those whose rows new objects took over (row switches): they were not deleted.
    if (deleted !== undefined && mappers[i]!.events?.hooks.has("afterDelete")) await hooks.run("afterDelete", deleted.filter((state) => state.deleted));
  }
}

/** The states whose model has `kind` hooks, not deleted, that have not had their hooks yet. */
function notDone(states: Iterable<InstanceState>, kind: HookKind, done: ReadonlySet<InstanceState>): InstanceState[] {
  const found: InstanceState[] = [];
  for (const state of states) {
    if (state.mapper.events?.hooks.has(kind) && !state.deletePending && !done.has(state)) found.push(state);
  }
  return found;
}

/** Stable-sorted by their mappers' table dependency order. */
function inTableOrder(states: InstanceState[]): InstanceState[] {
  if (states.length < 2) return states;
  const order = states[0]!.mapper.table.metadata.sortedTables;
  const rank = new Map<Mapper, number>();
  for (const state of states) if (!rank.has(state.mapper)) rank.set(state.mapper, order.indexOf(state.mapper.table));
  return states.sort((a, b) => rank.get(a.mapper)! - rank.get(b.mapper)!);
}
