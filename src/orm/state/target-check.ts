/**
 * A relationship holds objects of its target's class. Another value (an object of another model,
 * a plain object, from JavaScript or past a cast) is refused when assigned or added, before
 * anything changes: it used to be accepted, cascaded into the session and inserted, and its key
 * copied into the foreign key, so the commit resolved with a row naming a row of the wrong table.
 */
import { ArgumentError, InvalidRequestError } from "../../core/errors.js";
import { peekState } from "./instance-state.js";
import type { RelationshipProperty } from "../mapping/relationship.js";

/** Throws ArgumentError unless `value` is an object of `rel`'s target class (or, for a single object, null). */
export function assertTargetOf(rel: RelationshipProperty, value: unknown, single: boolean): void {
  // Mostly an object of the target class itself: one property read, no walk of its prototypes.
  if (value != null && (value as object).constructor === rel.resolved.target.class_) return;
  const target = rel.resolved.target;
  if (value instanceof target.class_ || (single && (value === null || value === undefined))) return;
  const kind = typeof value === "object" && value !== null ? value.constructor : undefined;
  const got = kind === undefined ? String(value) : kind === Object ? "a plain object" : `an object of class ${kind?.name ?? "(none)"}`;
  const expected = single ? `one ${target.name} (or null)` : `${target.name} objects`;
  throw new ArgumentError(`${String(rel)} holds ${expected}; got ${got}. Assign ${single ? `a ${target.name}` : `${target.name} objects`}: nothing was changed.`);
}

/**
 * Throws InvalidRequestError when `value` was deleted in its session's transaction, by a flush or
 * a bulk DELETE (deleted objects stay in lists until the commit): its row is gone, so the link could not be
 * written. It used to be taken, and the flush failed on the foreign key, or with a StaleDataError
 * blaming another transaction (an orphan deleted by an autoflush, then put in another list).
 */
export function assertNotDeleted(rel: RelationshipProperty, value: object): void {
  const state = peekState(value);
  if (state === undefined || !state.deleted) return;
  const key = state.mapper.keyAttributes.map((attr) => `${attr}=${JSON.stringify(state.dict[attr])}`).join(", ");
  throw new InvalidRequestError(
    `${String(rel)} cannot take ${state.mapper.name} (${key}): it was deleted in this transaction, by a flush or a bulk DELETE (its row is gone). ` +
      `Roll back to keep it, or link a new object: nothing was changed.`,
  );
}

/**
 * Throws InvalidRequestError for a change made through a viewonly relationship: the flush never
 * writes one, so the change was kept in memory only and the commit resolved without it (and a
 * many-to-many's writable back-reference, changed with it, was not written either).
 */
export function assertNotViewonly(rel: RelationshipProperty): void {
  if (!rel.viewonly) return;
  const other = rel.backRef !== undefined && !rel.backRef.viewonly ? `; change ${String(rel.backRef)} instead` : "";
  throw new InvalidRequestError(`${String(rel)} is viewonly: the flush never writes it, so it cannot be changed${other}. Nothing was changed.`);
}
