/**
 * A locking read (`forUpdate()`) of an object with changes not flushed (autoflush off): the object
 * keeps its changes (populate.ts), but its other columns take the row it locked. Skipped whole, it
 * showed the values read before the lock: a change computed from them (`item.quantity += 1`) and
 * flushed under the lock overwrote what another transaction had committed in between, which is
 * what a locking read is for. Left as they are: the columns changed (assigned, or changed in
 * place), the version column (a change made against an older row must still fail the flush with
 * StaleDataError), the foreign keys of a reference that is loaded (the flush copies them from
 * it), and every relationship.
 */
import type { ColumnPlan } from "../mapping/column-plan.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { mutatedFrom } from "../state/mutable-values.js";

/** Overwrites the columns of `state` that hold no change with the locked row's values. */
export function refreshUnchangedColumns(mapper: Mapper, state: InstanceState, plan: ColumnPlan, row: readonly unknown[], start: number): void {
  const kept = new Set<string>(Object.keys(state.committed ?? {}));
  if (mapper.versionAttribute !== undefined) kept.add(mapper.versionAttribute);
  for (const { attr, kind } of mapper.mutableColumns) if (mutatedFrom(state, attr, kind)) kept.add(attr);
  for (const rel of mapper.flushedRelationships.manyToOne) {
    if (state.dict[rel.key] !== undefined) for (const [fk] of rel.attributePairs) kept.add(fk);
  }
  const keys = plan.keys;
  for (let i = 0; i < keys.length; i++) if (!kept.has(keys[i]!)) state.dict[keys[i]!] = row[start + i];
}
