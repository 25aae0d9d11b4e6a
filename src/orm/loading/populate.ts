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
import { mutatedFrom } from "../state/mutable-values.js";
import type { HydrationContext, Hydrator } from "./hydrate.js";

/** The `populateExisting()` option. */
export interface PopulateExistingOption extends StatementOption {
  readonly optionKind: "athanor.populateExisting";
}

/**
 * Objects the query returns that are already in the session are overwritten with their rows,
 * as `session.refresh()` does, but for a whole result in its own statement. An object with
 * changes not yet flushed is left as it is (see the file's comment).
 */
export function populateExisting(): PopulateExistingOption {
  return Object.freeze({ optionKind: "athanor.populateExisting" as const });
}

export function isPopulateExisting(o: StatementOption): boolean {
  return o.optionKind === "athanor.populateExisting";
}

/** One populating query: the objects already read in it (overwritten once, by their first row). */
export class PopulateRun {
  readonly seen = new Set<object>();
}

/**
 * Wraps a hydrator: the object it returns is overwritten with the row (the columns of `plan` the
 * query loads), unless read already in this query or changed in memory.
 */
export function populatingHydrator(hydrate: Hydrator, mapper: Mapper, start: number, context: HydrationContext, run: PopulateRun, plan: ColumnPlan): Hydrator {
  const keys = plan.keys;
  return (row) => {
    const obj = hydrate(row);
    if (obj === null || run.seen.has(obj)) return obj;
    run.seen.add(obj);
    const state = stateOf(obj)!;
    if (hasPendingChanges(state)) return obj;
    context.owner.changing(state); // an open savepoint keeps the values a rollback puts back
    for (let i = 0; i < keys.length; i++) state.dict[keys[i]!] = row[start + i];
    state.expired = undefined;
    // As a refresh: the columns the query left out (deferred) are not loaded any more.
    state.unloaded = plan.unloaded;
    if (plan.unloaded) for (const key of plan.unloaded) state.dict[key] = undefined;
    mapper.unloadRelationships(state.dict);
    return obj;
  };
}

/** Whether an object holds changes a flush would write: columns, collections, in-place changes, a deletion. */
export function hasPendingChanges(state: InstanceState): boolean {
  if (state.deletePending) return true;
  if (state.committed !== undefined && Object.keys(state.committed).length > 0) return true;
  for (const { attr, kind } of state.mapper.mutableColumns) if (mutatedFrom(state, attr, kind)) return true;
  for (const rel of state.mapper.relationships.values()) {
    const value = state.dict[rel.key];
    if (value instanceof InstrumentedList && value.changed) return true;
  }
  return false;
}
