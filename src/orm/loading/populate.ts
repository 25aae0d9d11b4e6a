/**
 * `populateExisting()`: a query's rows overwrite the objects of the identity map they name
 * (SQLAlchemy's `populate_existing`): columns take the row's values, expired attributes are
 * loaded, relationships are loaded again (by the query's eager loads, or lazily on next read).
 *
 * Where we differ from SQLAlchemy, to lose less: SQLAlchemy overwrites an object even when it
 * holds changes not yet flushed, which are then silently gone. Here such an object (a changed
 * column or collection, or a deletion not flushed) is skipped and keeps its changes. With
 * autoflush on (the default) the query has flushed them first, so this happens only without it.
 */
import type { StatementOption } from "../../core/statements/executable.js";
import type { ColumnPlan } from "../mapping/column-plan.js";
import type { Mapper } from "../mapping/mapper.js";
import { InstrumentedList } from "../state/collection.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { assignedWhileUnread } from "../state/lost-one-to-one.js";
import { mutatedFrom } from "../state/mutable-values.js";
import type { HydrationContext, Hydrator } from "./hydrate.js";
import { refreshUnchangedColumns } from "./locked-rows.js";

/** The `populateExisting()` option. */
export interface PopulateExistingOption extends StatementOption {
  readonly optionKind: "athanor.populateExisting";
}

/**
 * Objects the query returns that are already in the session are overwritten with their rows,
 * as `session.refresh()` does, but for a whole result in its own statement. An object with
 * changes not yet flushed is left as it is (see the file's comment).
 *
 * ```ts
 * const user = await session.get(User, 1);             // in the identity map from now on
 * const again = await session.scalars(select(User).options(populateExisting())); // its columns read again
 * ```
 */
export function populateExisting(): PopulateExistingOption {
  return Object.freeze({ optionKind: "athanor.populateExisting" as const });
}

export function isPopulateExisting(o: StatementOption): boolean {
  return o.optionKind === "athanor.populateExisting";
}

/** One populating query: the objects already read in it (overwritten once, by their first row). */
export class PopulateRun {
  /**
   * `locking`: objects whose rows a `forUpdate()` read locked, recorded as such, whose changed
   * objects still take the locked row's other columns (locked-rows.ts). `seen`: shared by the
   * runs of one query.
   */
  constructor(readonly locking = false, readonly seen = new Set<object>()) {}

  /** The run for the same query's items whose rows it locks. */
  locked(): PopulateRun {
    return new PopulateRun(true, this.seen);
  }
}

/**
 * Wraps a hydrator: the object it returns is overwritten with the row (the columns of `plan` the
 * query loads), unless read already in this query or changed in memory.
 */
export function populatingHydrator(hydrate: Hydrator, mapper: Mapper, start: number, context: HydrationContext, run: PopulateRun, plan: ColumnPlan): Hydrator {
  const keys = plan.keys;
  return (row) => {
    const obj = hydrate(row);
    if (obj === null) return obj;
    // Recorded even when read first by an item of the query that locks nothing (a joined load).
    if (run.locking) context.identity.lockedRows?.add(stateOf(obj)!);
    if (run.seen.has(obj)) return obj;
    run.seen.add(obj);
    const state = stateOf(obj)!;
    if (hasPendingChanges(state)) {
      if (run.locking && !state.deletePending) {
        context.owner.changing(state);
        refreshUnchangedColumns(mapper, state, plan, row, start);
      }
      return obj;
    }
    context.owner.changing(state); // an open savepoint keeps the values a rollback puts back
    for (let i = 0; i < keys.length; i++) state.dict[keys[i]!] = row[start + i];
    state.expired = undefined;
    // As a refresh: the columns the query left out (deferred) are not loaded any more.
    state.unloaded = plan.unloaded;
    if (plan.unloaded) for (const key of plan.unloaded) state.dict[key] = undefined;
    // The object's own mapper: a subclass's (single-table inheritance) has relationships of its own.
    state.mapper.unloadRelationships(state.dict);
    context.identity.savepointReads?.add(state);
    return obj;
  };
}

/** Whether an object holds changes a flush would write: columns, collections, references, in-place changes, a deletion. */
export function hasPendingChanges(state: InstanceState): boolean {
  if (state.deletePending) return true;
  if (state.committed !== undefined && Object.keys(state.committed).length > 0) return true;
  for (const { attr, kind } of state.mapper.mutableColumns) if (mutatedFrom(state, attr, kind)) return true;
  for (const rel of state.mapper.relationships.values()) {
    const value = state.dict[rel.key];
    if (value instanceof InstrumentedList && value.changed) return true;
  }
  return referenceChanged(state);
}

/**
 * A reference assigned and not flushed: the flush copies the keys from the objects referenced, so
 * until then the foreign key held is not the one the reference names. Overwriting the object
 * unloaded the reference and the flush copied nothing: `child.parent = other` (or a child taken
 * out of a list, its back-reference cleared) was lost, and the commit resolved without it.
 */
function referenceChanged(state: InstanceState): boolean {
  const { manyToOne, oneToMany } = state.mapper.flushedRelationships;
  for (const rel of manyToOne) {
    const target = state.dict[rel.key];
    if (target === undefined) continue;
    const targetState = target === null ? undefined : stateOf(target as object);
    if (target !== null && (targetState === undefined || targetState.deletePending)) return true;
    for (const [fk, key] of rel.attributePairs) if ((targetState?.dict[key] ?? null) !== (state.dict[fk] ?? null)) return true;
  }
  // A one-to-one whose key is on the other side: the object it holds must name this one.
  for (const rel of oneToMany) {
    const target = state.dict[rel.key];
    if (rel.collection || target === undefined || target === null) continue;
    const targetDict = stateOf(target as object)?.dict;
    if (targetDict === undefined) return true;
    for (const [key, fk] of rel.attributePairs) if (targetDict[fk] !== state.dict[key]) return true;
  }
  return assignedWhileUnread(state) !== undefined;
}
