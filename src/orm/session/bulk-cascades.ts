/**
 * Rows a bulk UPDATE or DELETE changed through the database's own foreign key actions: a key
 * changed under `onUpdate: "cascade"`, rows deleted under `onDelete: "cascade"` or `"set null"`.
 * The session's objects of the referencing rows follow, as they do after a flush
 * (cascaded-keys.ts, database-deletes.ts): they used to keep the old key, or stay persistent with their rows gone, and
 * their next change (or deletion) failed with a StaleDataError blaming another transaction; `get`
 * returned a row the statement had deleted.
 */
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { cascading, followCascadedValues, type CascadeContext } from "../unit-of-work/cascaded-keys.js";
import { deleteReachesHeld } from "../unit-of-work/database-deletes.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { Journal } from "../unit-of-work/journal.js";

export { followDeleteCascades, markDeleted, storedColumns } from "../unit-of-work/database-deletes.js";

/** A row the statement changed, by its values as stored before (all columns of an object the session held; else its key) and, for an UPDATE, after. */
export interface ChangedRow {
  readonly before: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
}

/**
 * Whether the database's actions on the rows a bulk statement changes (an UPDATE setting
 * `values`; a DELETE) may reach objects the session holds: their rows are then read ("auto"
 * fetches them even when the session holds no object of `mapper`).
 */
export function mayReachHeld(identity: IdentityMap, mapper: Mapper, values: ReadonlyMap<string, unknown> | undefined): boolean {
  if (values === undefined) return deleteReachesHeld(identity, mapper);
  return cascading(mapper).some(({ referred, referencing }) => referred.some((attr) => values.has(attr)) && referencing.some(({ mapper: child }) => !identity.forMapper(child).isEmpty));
}

/** What following the database's actions needs of the session. */
export interface CascadeHost extends CascadeContext {
  readonly changing: (state: InstanceState) => void;
  readonly journal: Journal;
}

/** The session's objects of rows the database changed for a bulk UPDATE of `rows` follow them. */
export function followUpdateCascades(host: CascadeHost, mapper: Mapper, rows: readonly ChangedRow[]): void {
  for (const { before, after } of rows) if (after !== undefined) followCascadedValues(host, mapper, before, after);
}

