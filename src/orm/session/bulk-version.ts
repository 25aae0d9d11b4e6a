/**
 * A bulk UPDATE or an upsert through the session on a versioned model moves the row's version
 * counter on (`version = version + 1`), as a flush's UPDATE does, unless the statement sets the
 * counter itself. SQLAlchemy leaves the counter as it was; so did athanor, and another session
 * holding the row at that version then flushed its own change over the statement's: its UPDATE
 * matched the unchanged counter, and the commit resolved having undone the bulk change.
 *
 * The session's own objects of the rows changed move their counter on by one in memory too, so
 * that their next flush names the row as it now is, but only those that held the counter the row
 * had: the rows are read exactly, with their counters (RETURNING, or a locking SELECT first; for
 * an upsert, upsert-version.ts). An object read before another transaction changed its row is
 * expired instead; stepped, its next flush would have matched the row and written values
 * computed from what it no longer holds.
 */
import { checkBulkKey } from "../loading/exact-keys.js";
import type { CteNode, OnConflictNode, SetPair } from "../../core/ast/nodes.js";
import { InvalidRequestError } from "../../core/errors.js";
import { mapperOfClass } from "../mapped.js";
import type { Column } from "../../core/schema/column.js";
import { identityKey, type IdentityMap } from "../identity/identity-map.js";
import { hasPendingChanges } from "../loading/populate.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { expireState } from "./expiry.js";
import { attributeOfPair } from "./set-attributes.js";
import type { Journal } from "../unit-of-work/journal.js";

type SetPairs = readonly SetPair[];

/** In a bulk UPDATE's new values: the counter's step added by `withVersionBump`, known to be +1. */
export const VERSION_STEP: unique symbol = Symbol("version step");

/** `set` with the version counter's increment added, for a versioned mapper whose counter it does not set. */
export function withVersionBump(mapper: Mapper, set: SetPairs): SetPairs {
  const attr = mapper.versionAttribute;
  if (attr === undefined || set.length === 0) return set;
  const version = mapper.columns.get(attr)!;
  // By attribute: a joined subclass's table may have a column named as the counter's.
  if (set.some((pair) => attributeOfPair(mapper, pair, [version.table]) === attr)) return set;
  return [...set, [version.name, (version as Column<number>).plus(1).node, attr]];
}

/**
 * A data-modifying CTE's UPDATE of a versioned model (`update(Model).set(...).returning(...).cte()`)
 * that leaves the counter as it is: refused. Unlike a bulk UPDATE's, its SET is not the session's
 * to extend, and run as it is, another session holding a row at its old counter would flush over
 * the change. The error says to move the counter in the SET.
 */
export function unversionedCteUpdate(ctes: readonly CteNode[]): InvalidRequestError | undefined {
  for (const cte of ctes) {
    const write = cte.query;
    const mapper = write.kind === "update" && cte.entity !== undefined ? mapperOfClass(cte.entity) : undefined;
    if (mapper?.versionAttribute !== undefined && write.kind === "update" && withVersionBump(mapper, write.set) !== write.set) return unmovedCounter(cte, mapper);
  }
  return undefined;
}

function unmovedCounter(cte: CteNode, mapper: Mapper): InvalidRequestError {
  const attr = mapper.versionAttribute!;
  return new InvalidRequestError(
    `The CTE ${cte.name} updates ${mapper.name}, whose rows carry a version counter (${attr}), and leaves the counter as it is: another session holding a row at ` +
      `its old ${attr} would then flush over the change. Move it in the SET: update(${mapper.name}).set({ ..., ${attr}: columnsOf(${mapper.name}).${attr}.plus(1) }). Nothing was sent.`,
  );
}

/** An upsert's clause with the counter's increment added to what it sets on a conflict (DO NOTHING sets nothing). */
export function upsertWithVersionBump(mapper: Mapper, clause: OnConflictNode): OnConflictNode {
  if (clause.action === "doNothing") return clause;
  const set = withVersionBump(mapper, clause.set);
  return set === clause.set ? clause : { ...clause, set };
}

/**
 * The counter of an object whose row the statement changed, one step on from the value it read
 * (expired or not). Recorded as a flush's UPDATE is: a rollback puts it back (a savepoint's copy
 * is dropped when the whole transaction rolls back), or the next flush named a counter no row had.
 */
export function stepVersion(state: InstanceState, attr: string, journal: Journal): void {
  const version = state.dict[attr];
  if (typeof version !== "number") return;
  journal.recordUpdate(state, { [attr]: version });
  state.dict[attr] = version + 1;
  if (state.committed) delete state.committed[attr];
}

/** A RETURNING row of keys and the counter after the UPDATE, with the counter before it instead. */
export function versionBefore(row: unknown[]): unknown[] {
  const last = row.length - 1;
  return [...row.slice(0, last), Number(row[last]) - 1];
}

/**
 * The counters a versioned UPDATE not synchronized moved on (`synchronizeSession: false` with
 * RETURNING: rows of keys, then the counter before it), recorded as for rows the session held no
 * object of: the objects RETURNING made or refreshed show the moved counter, and a rollback puts
 * it back (`restoreMovedCounters`), or their next flush named a counter no row had.
 * @internal
 */
export function recordMovedCounters(journal: Journal, mapper: Mapper, rows: readonly unknown[][]): void {
  const width = mapper.primaryKey.length;
  for (const row of rows) {
    checkBulkKey(mapper, row, 0);
    journal.recordMovedCounter(mapper, identityKey(row.slice(0, width)), Number(row[width]));
  }
}

/**
 * The session's objects of a versioned UPDATE's rows (keys, then the counter before it): those
 * that held that counter follow the statement (`follow`: its values, the counter stepped); any
 * other was read before another transaction changed the row, and is expired (its counter, left
 * behind, makes a flush of it fail with StaleDataError).
 */
export function followVersionedRows(identity: IdentityMap, owner: StateOwner, journal: Journal, mapper: Mapper, rows: readonly unknown[][], follow: (state: InstanceState) => void): void {
  const attr = mapper.versionAttribute!;
  const width = mapper.primaryKey.length;
  const byKey = identity.forMapper(mapper);
  for (const row of rows) {
    checkBulkKey(mapper, row, 0);
    const key = identityKey(row.slice(0, width));
    const obj = byKey.get(key);
    const state = obj && stateOf(obj);
    // An object read later (RETURNING's own) shows the moved counter: a rollback puts it back.
    if (!state) journal.recordMovedCounter(mapper, key, Number(row[width]));
    if (!state || state.deleted) continue;
    // To be deleted by the next flush (autoflush off): its DELETE names the counter the row has now.
    if (state.deletePending) {
      if (state.dict[attr] === Number(row[width])) stepVersion(state, attr, journal);
      continue;
    }
    if (state.dict[attr] === Number(row[width])) follow(state);
    else if (!hasPendingChanges(state)) {
      // Changes not flushed (autoflush off) are kept: its flush names the old counter and fails.
      owner.changing(state);
      expireState(state);
    }
  }
}
