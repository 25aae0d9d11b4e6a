/**
 * ORM-enabled bulk UPDATE and DELETE: `session.execute(update(Book).where(...).values({...}))`.
 * One statement changes the rows; the objects of the identity map are then brought in step as
 * SQLAlchemy's `synchronize_session` does:
 * - "evaluate": the WHERE is tested on each object in JavaScript (bulk-evaluate.ts);
 * - "fetch": the keys of the rows changed come back by RETURNING, or by a SELECT ... FOR UPDATE
 *   run first where the dialect has no RETURNING for the statement (MariaDB's UPDATE);
 * - "auto" (the default): "fetch" when the session holds objects of the class (SQLAlchemy's
 *   evaluates where it can: see executeBulk), else nothing to synchronise;
 * - false: nothing is synchronised; the objects of the class that may match are expired.
 * Matching objects get the new values (UPDATE; values given as SQL expressions are expired
 * instead), or are marked deleted and leave the session at commit (DELETE), as a flush would.
 * With RETURNING the statement returns its rows as tuples, and the objects follow the keys that
 * come back with them (`executeReturning`).
 */
import { timestampKeyed } from "../loading/exact-keys.js";
import { readOnlyStatement } from "./read-only.js";
import type { SetPair } from "../../core/ast/nodes.js";
import { ArgumentError } from "../../core/errors.js";
import type { Delete } from "../../core/statements/delete.js";
import type { Update } from "../../core/statements/update.js";
import type { IdentityMap } from "../identity/identity-map.js";
import { mapperOfClass } from "../mapped.js";
import { refuseClassChange } from "../mapping/inheritance.js";
import { refuseOtherTables } from "../mapping/joined-tables.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import type { Journal } from "../unit-of-work/journal.js";
import { evaluatorOf, MISSING, type Evaluator } from "./bulk-evaluate.js";
import { storedValue } from "../state/mutable-values.js";
import { assertChangesKept, relationshipsJoinedBy, unloadMovedLists, type HeldObjects } from "./bulk-held.js";
import { expireAttributes, expireState } from "./expiry.js";
import type { SessionTransaction } from "./session-transaction.js";
import type { Transactions } from "./transactions.js";
import { executeBulkInsert, type BulkInsert } from "./bulk-insert.js";
import { returningTuples } from "./returning-rows.js";
import { hasPendingChanges, PopulateRun } from "../loading/populate.js";
import { followVersionedRows, recordMovedCounters, unversionedCteUpdate, versionBefore, VERSION_STEP, withVersionBump } from "./bulk-version.js";
import { ctesOf } from "../../core/compiler/cte-clause.js";
import { apply } from "./bulk-apply.js";
import { dmlWithCriteria, type LoaderCriteria } from "../loading/criteria.js";
import { mayReachHeld, type ChangedRow } from "./bulk-cascades.js";
import { expireWhatMayMatch, followCascades, objectsOf, objectsWithKeys, rowsNotHeld } from "./bulk-follow.js";
import { executeSpanning, spansTables } from "./bulk-joined.js";
import { keysBefore } from "./bulk-keys.js";
import { keyedTable } from "../../engine/connection-failures.js";
import { attributeOfPair } from "./set-attributes.js";
export type { BulkInsert, BulkInsertResult, InsertValues } from "./bulk-insert.js";
export type { DmlResult } from "./returning-rows.js";

/** How a bulk UPDATE/DELETE brings the session's objects in step with the rows it changed (see the file's comment). */
export type SynchronizeSession = "auto" | "evaluate" | "fetch" | false;

/**
 * A bulk UPDATE or DELETE; with a mapped class as its target (`update(Book)`), the session's
 * objects follow it. `Tuple` is a row of its RETURNING (never without one).
 */
export type BulkStatement<Tuple = any> = Update<any, any, any, Tuple> | Delete<any, any, Tuple>;

/** The options of `session.execute(update(Model)...)` and `session.execute(deleteFrom(Model)...)`. */
export interface BulkOptions {
  /** How objects already in the session follow the change (SQLAlchemy's `synchronize_session`). Default "auto". */
  readonly synchronizeSession?: SynchronizeSession;
}

/** What a bulk statement needs of the session: its transaction, identity map and savepoint copies. */
export interface BulkHost {
  readonly identity: IdentityMap;
  readonly transactions: Transactions;
  /** `changing(state)` before an object is changed: an open savepoint keeps a copy to restore on rollback. */
  readonly owner: StateOwner;
  /** The session's loader criteria: ANDed into the WHERE of an UPDATE/DELETE of their model. */
  readonly criteria?: readonly LoaderCriteria[] | undefined;
}

/** `session.execute()` of an INSERT, UPDATE or DELETE (the session has autoflushed): `rowsOrOptions` are an INSERT's rows, else BulkOptions. */
export function executeDml(host: BulkHost, statement: BulkStatement | BulkInsert<unknown, unknown>, rowsOrOptions?: BulkOptions | readonly object[]): Promise<unknown> {
  if (host.transactions.readOnly) return Promise.reject(readOnlyStatement(statement.node.kind));
  const refused = unversionedCteUpdate(ctesOf(statement.node));
  if (refused !== undefined) return Promise.reject(refused);
  if (statement.node.kind === "insert") return executeBulkInsert(host, statement as BulkInsert<unknown, unknown>, rowsOrOptions as readonly object[] | undefined);
  return executeBulk(host, dmlWithCriteria(statement as BulkStatement, host.criteria), rowsOrOptions as BulkOptions);
}

/**
 * Runs the statement (the session has autoflushed) and returns the number of rows it matched, or
 * with RETURNING its rows as tuples.
 */
export async function executeBulk(host: BulkHost, given: BulkStatement, options: BulkOptions = {}): Promise<number | unknown[][]> {
  const tx = await host.transactions.current();
  // Work the session cannot write again: a failed flush must not quietly roll it back (`flushFailed`).
  tx.lend();
  let wrote = false;
  const read = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      tx.statementFailed(error);
      throw error;
    }
  };
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    const result = await read(work);
    wrote = true;
    return result;
  };
  try {
    return await executeIn(host, tx, given, options, run, read);
  } catch (error) {
    // Raised after the statement ran (the session could not follow its rows): the caller takes
    // the error to mean nothing happened, so none of it may be committed (a rollback undoes it).
    if (wrote) tx.failedAfterWrite(error);
    throw error;
  }
}

type Run = <T>(work: () => Promise<T>) => Promise<T>;

async function executeIn(host: BulkHost, tx: SessionTransaction, given: BulkStatement, options: BulkOptions, run: Run, read: Run): Promise<number | unknown[][]> {
  const statement = versioned(given);
  const mapper = statement.entity ? mapperOfClass(statement.entity) : undefined;
  const node = statement.node;
  const returning = node.returning.length > 0;
  if (!mapper) return returning ? executeReturning(host, tx, statement, undefined, false, undefined, run, read) : run(async () => (await tx.connection.execute(statement)).rowCount);

  const dialect = tx.connection.dialect;
  const strategy = options.synchronizeSession ?? "auto";
  if (strategy !== "auto" && strategy !== "evaluate" && strategy !== "fetch" && strategy !== false) {
    throw new ArgumentError(`session.execute(): synchronizeSession must be "auto", "evaluate", "fetch" or false; got ${String(strategy)}.`);
  }
  // A joined subclass's rows span several tables: one statement per table (bulk-joined.ts).
  if (spansTables(mapper)) return executeSpanning(host, tx, statement, mapper, strategy, statement !== given, run, read);
  const values = node.kind === "update" ? newValues(mapper, node.set) : undefined;
  if (values !== undefined && mapper.inheritance !== undefined) {
    refuseClassChange(mapper, values);
    refuseOtherTables(mapper, values);
  }
  if (values && statement !== given) values.set(mapper.versionAttribute!, VERSION_STEP);
  // A key column set: RETURNING would give the rows' new keys, which name no object of the
  // session; the objects are found by the keys the rows had, read by a SELECT first.
  const setsKey = values !== undefined && mapper.keyAttributes.some((attr) => values.has(attr));
  // Lists holding the rows by a foreign key it sets, unloaded once it ran (bulk-held.ts); and
  // changes not flushed that following it would drop refuse it before it runs.
  // Changes still there: a savepoint's rollback may leave an object listed as modified with none.
  const held: HeldObjects = { identity: host.identity, owner: host.owner, hasChanges: (state) => host.transactions.uow.modified.has(state) && hasPendingChanges(state) };
  const rels = values ? relationshipsJoinedBy(mapper, values.keys()) : [];
  const moved = (states: readonly InstanceState[] | undefined): void => {
    if (rels.length) unloadMovedLists(held, rels, states, values!);
  };
  const what = `session.execute(${node.kind === "update" ? "update" : "deleteFrom"}(${mapper.name}))`;
  if (strategy !== "evaluate") assertChangesKept(held, what, mapper, strategy === false ? objectsOf(host.identity, mapper).map((obj) => stateOf(obj)!) : [], values, rels);
  // With RETURNING the keys of the rows changed come back: nothing to evaluate.
  if (returning) return executeReturning(host, tx, statement, mapper, strategy !== false, values, run, read, setsKey, statement !== given, moved);
  // "auto" follows the rows the statement changed (RETURNING, or a locking SELECT first), not the
  // WHERE evaluated on the objects: read earlier, an object whose row another transaction had
  // changed since was given values its row did not get (and one whose row did was missed), so an
  // assignment of what it showed was no change and the commit resolved without it. With no
  // object of the class in the session there is nothing to follow; but for a version counter
  // moved on, the rows' counters before it, which an object read later takes back on rollback.
  if (strategy === "auto" && statement === given && host.identity.forMapper(mapper).isEmpty && !mayReachHeld(host.identity, mapper, values)) {
    const count = await run(async () => (await tx.connection.execute(statement)).rowCount);
    moved([]);
    return count;
  }
  // The WHERE names the columns of the class's own table (of a joined hierarchy's root, not its subclasses' of one name).
  const attributeOfColumn = new Map([...mapper.columns].filter(([, column]) => column.table === mapper.table).map(([attr, column]) => [column.name, attr]));
  // A versioned UPDATE whose counter it moves on: its rows are read exactly, with their counters,
  // so that only objects that held the row's version follow it (bulk-version.ts); nothing to evaluate.
  const exact = statement !== given;
  const evaluator = strategy === "evaluate" && !exact ? evaluatorOf(node.where, attributeOfColumn, mapper.table, dialect.capabilities.caseInsensitiveText, dialect.capabilities.integerBooleans) : undefined;
  if (strategy === "evaluate" && !exact && !evaluator) {
    throw new ArgumentError(
      `session.execute(${node.kind} ${mapper.name}): synchronizeSession "evaluate" cannot evaluate this WHERE in JavaScript ` +
        `(only columns of ${mapper.name} compared with values, joined by AND/OR/NOT, can be); use "fetch" or "auto".`,
    );
  }

  if (strategy === "evaluate") {
    // Tested before the statement runs (it changes no object): what it cannot decide is expired.
    const tested = evaluator && !exact ? evaluateObjects(host, mapper, evaluator) : undefined;
    assertChangesKept(held, what, mapper, tested?.unknown ?? [], values, rels);
    if (tested) {
      const count = await run(async () => (await tx.connection.execute(statement)).rowCount);
      synchronizeByEvaluation(host, mapper, tested, values, tx.journal);
      moved(tested.unknown.length ? undefined : tested.matched);
      return count;
    }
  }
  if (strategy === false) {
    const count = await run(async () => (await tx.connection.execute(statement)).rowCount);
    expireWhatMayMatch(host, mapper, values);
    moved(undefined);
    return count;
  }
  // "fetch": the keys of the rows the statement changes (and, `exact`, their counters).
  const keyColumns = exact ? [...mapper.primaryKey, mapper.columns.get(mapper.versionAttribute!)!] : mapper.primaryKey;
  let keys: unknown[][];
  let count: number;
  // Timestamp keys are read (and a key a Date cannot hold refused) before the statement runs.
  if (!setsKey && !timestampKeyed(mapper) && (node.kind === "update" ? dialect.capabilities.updateReturning : dialect.capabilities.deleteReturning)) {
    const withKeys = { ...node, returning: keyColumns.map((c) => c.labelNode()) };
    // Through the table's metadata, as `execute` would: a duplicate key it causes says which (connection-failures.ts).
    const result = await run(async () => tx.connection.executeCompiledNow<unknown[]>(tx.connection.compile({ node: withKeys }), { rowShape: "arrays" }, keyedTable(node)));
    keys = exact ? result.rows.map(versionBefore) : result.rows;
    count = result.rowCount;
  } else {
    keys = await keysBefore(tx, mapper, node.where, read, keyColumns);
    count = await run(async () => (await tx.connection.execute(statement)).rowCount);
  }
  const followed: InstanceState[] = [];
  if (exact) followVersionedRows(host.identity, host.owner, tx.journal, mapper, keys, (state) => followed.push(state));
  else followed.push(...objectsWithKeys(host, mapper, keys, 0));
  // Rows the session holds no object of, by their keys (their other columns are not known); found
  // before the objects it holds move to new keys, or leave the identity map.
  const changed = followed.length < keys.length ? rowsNotHeld(host, mapper, keys, values) : [];
  for (const state of followed) apply(host, mapper, state, values, tx.journal, changed);
  followCascades(host, tx, mapper, values, changed);
  // A versioned row not followed (an object read at another version, expired instead) moved too.
  moved(exact && followed.length < keys.length ? undefined : followed);
  return count;
}

/**
 * An UPDATE or DELETE with RETURNING: its rows come back as tuples, entities as objects of the
 * identity map. With `synchronize` (any strategy but false) the keys of the rows changed come back
 * with them, so the session's objects of `mapper` (the target's) follow exactly those rows. An
 * UPDATE's objects get the new values before the rows are read, so that a value computed by the
 * database (expired by `apply`) is read from the row. A DELETE's returned objects are deleted
 * whatever the strategy: their rows are gone.
 */
async function executeReturning(
  host: BulkHost,
  tx: SessionTransaction,
  statement: BulkStatement,
  mapper: Mapper | undefined,
  synchronize: boolean,
  values: Map<string, unknown> | undefined,
  run: Run,
  read: Run,
  setsKey = false,
  exact = false,
  moved: (states: readonly InstanceState[] | undefined) => void = () => {},
): Promise<unknown[][]> {
  const node = statement.node;
  const width = node.returning.length;
  // A versioned UPDATE's counters come back with the keys (see executeBulk's `exact`); not
  // synchronized, so that a rollback puts back the counters of the objects it returns.
  const countersOnly = mapper !== undefined && !synchronize && exact && !setsKey && !timestampKeyed(mapper);
  const synced = mapper && (synchronize || countersOnly) ? [...mapper.primaryKey, ...(exact ? [mapper.columns.get(mapper.versionAttribute!)!] : [])] : [];
  const before = mapper && synchronize && (setsKey || timestampKeyed(mapper)) ? await keysBefore(tx, mapper, node.where, read, synced) : undefined;
  const keyColumns = before ? [] : synced;
  // Compiled first: a dialect without RETURNING for this statement (MariaDB's UPDATE) refuses it before anything runs.
  const compiled = tx.connection.compile({ node: { ...node, returning: [...node.returning, ...keyColumns.map((c) => c.labelNode())] } });
  const rows = (await run(async () => tx.connection.executeCompiledNow<unknown[]>(compiled, { rowShape: "arrays" }, keyedTable(node)))).rows; // as in executeIn
  if (mapper && !synchronize) expireWhatMayMatch(host, mapper, values);
  if (countersOnly) recordMovedCounters(tx.journal, mapper, rows.map((row) => versionBefore(row.slice(width))));
  let matched = mapper && synchronize && !exact ? objectsWithKeys(host, mapper, before ?? rows, before ? 0 : width) : [];
  if (mapper && synchronize && exact) {
    matched = [];
    followVersionedRows(host.identity, host.owner, tx.journal, mapper, before ?? rows.map((row) => versionBefore(row.slice(width))), (state) => matched.push(state));
  }
  const changed: ChangedRow[] = [];
  if (mapper && values) for (const state of matched) apply(host, mapper, state, values, tx.journal, changed);
  if (mapper && values) moved(synchronize ? matched : undefined);
  const name = `${node.kind === "update" ? "update" : "deleteFrom"}(${statement.entity?.name ?? statement.table.name})`;
  // The rows as the UPDATE left them: the session's objects it returns show them (populate.ts).
  const populate = node.kind === "update" ? new PopulateRun() : undefined;
  const { tuples, states } = returningTuples(rows, statement.returningLayout, { identity: host.identity, owner: host.owner, populate }, name);
  if (node.kind === "delete" && mapper) {
    for (const state of [...matched, ...states]) if (!state.deleted) apply(host, mapper, state, undefined, tx.journal, changed);
  }
  if (mapper) followCascades(host, tx, mapper, values, changed);
  return tuples;
}

/** An UPDATE of a versioned model, its counter moved on (bulk-version.ts); any other statement as it is. */
function versioned(statement: BulkStatement): BulkStatement {
  const mapper = statement.entity && statement.node.kind === "update" ? mapperOfClass(statement.entity) : undefined;
  if (mapper?.versionAttribute === undefined || statement.node.kind !== "update") return statement;
  const set = withVersionBump(mapper, statement.node.set);
  if (set === statement.node.set) return statement;
  const { entity, table, returningLayout } = statement;
  return { node: { ...statement.node, set }, entity, table, returningLayout } as unknown as BulkStatement;
}

/**
 * The UPDATE's SET as attribute → value; a value given as an SQL expression is `MISSING` (its
 * result is unknown here). The statement writes the class's own table.
 */
function newValues(mapper: Mapper, set: readonly SetPair[]): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const pair of set) {
    const attr = attributeOfPair(mapper, pair, [mapper.table]);
    if (attr !== undefined) values.set(attr, pair[1].kind === "param" ? pair[1].value : MISSING);
  }
  return values;
}

/** The objects of `mapper` the WHERE matches, and those it cannot decide, tested on the values their rows hold. */
function evaluateObjects(host: BulkHost, mapper: Mapper, evaluator: Evaluator): { matched: InstanceState[]; unknown: InstanceState[] } {
  const matched: InstanceState[] = [];
  const unknown: InstanceState[] = [];
  for (const obj of objectsOf(host.identity, mapper)) {
    const state = stateOf(obj)!;
    if (state.gone) continue;
    const expired = state.expired;
    // The row's values: a change not flushed (autoflush off) is not in the row the WHERE tests.
    const truth = evaluator((attr) => (expired?.has(attr) || state.unloaded?.has(attr) ? MISSING : storedValue(state, attr)));
    if (truth === true) matched.push(state);
    else if (truth === MISSING) unknown.push(state);
  }
  return { matched, unknown };
}

function synchronizeByEvaluation(host: BulkHost, mapper: Mapper, tested: { matched: InstanceState[]; unknown: InstanceState[] }, values: Map<string, unknown> | undefined, journal: Journal): void {
  const { matched, unknown } = tested;
  const changed: ChangedRow[] = [];
  for (const state of matched) apply(host, mapper, state, values, journal, changed);
  followCascades(host, { journal }, mapper, values, changed);
  // An object the test cannot decide (its tested attributes expired, a value of an unexpected kind)
  // may have matched: what the statement may have changed is expired, to be read again.
  for (const state of unknown) {
    host.owner.changing(state);
    if (values) expireAttributes(state, [...values.keys()]);
    else expireState(state);
  }
}
