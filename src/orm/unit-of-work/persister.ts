/**
 * Emits the DML of a flush: multi-row INSERTs (with RETURNING for generated keys where the
 * database has it), UPDATEs of the changed columns only, batched DELETEs, and association rows.
 * Every UPDATE and DELETE names its rows by their full primary key, and must match exactly the
 * rows it names: fewer means another transaction deleted them (or, for a versioned row, changed
 * it) first, and the flush fails with StaleDataError rather than report a write that did not
 * happen. Versioned rows are updated and deleted one by one, with their version in the WHERE.
 */
import type { Expression } from "../../core/expression/expression.js";
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { and, or, tupleInValues } from "../../core/expression/operators.js";
import { sql } from "../../core/expression/sql-tag.js";
import { deleteFrom } from "../../core/statements/delete.js";
import { insert } from "../../core/statements/insert.js";
import { update } from "../../core/statements/update.js";
import type { Connection } from "../../engine/connection.js";
import type { Result } from "../../engine/result.js";
import { InvalidRequestError } from "../../core/errors.js";
import { StaleDataError } from "../errors.js";
import type { MappedColumn, Mapper } from "../mapping/mapper.js";
import { identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { keyOf } from "../identity/object-keys.js";
import type { InstanceState } from "../state/instance-state.js";
import { sameValue, storedValue } from "../state/mutable-values.js";
import { setLoaded } from "../state/loaded-lists.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { checkKeyGiven, keyRulesOf, nullIdentityKey } from "./identity-keys.js";
import { executeInsertBatch } from "./insert-batch.js";
import type { Journal } from "./journal.js";
import { orphanGroups } from "./orphans.js";
import { followCascadedUpdates } from "./cascaded-keys.js";

export interface PersistContext {
  readonly conn: Connection;
  readonly identity: IdentityMap;
  readonly journal: Journal;
  /** A commit that expires every object follows (`FlushWork.expiring`). */
  readonly expiring: boolean;
}

/** `DEFAULT` as a value in `VALUES (...)`: the column's default or generated value. */
const DEFAULT = sql`DEFAULT`;

/** Parameters per statement stay well under every database's limit (SQLite: 32766). */
const MAX_PARAMS = 20_000;

/**
 * INSERTs the rows of `states`. `prepare`, if given, runs on each state first, in the same pass
 * that reads which columns it gives (the flush copies foreign keys there: one pass over the
 * objects rather than two).
 */
export async function insertStates(ctx: PersistContext, mapper: Mapper, states: readonly InstanceState[], prepare?: (state: InstanceState) => void): Promise<void> {
  const generated = mapper.generatedKey;
  const returning = ctx.conn.dialect.capabilities.insertReturning;
  for (const { columns, states: group } of groupByGivenColumns(mapper, states, prepare)) {
    // The key is generated only when the rows do not give it (compared by column: `generated`
    // is not the same object as the entry of `columns`).
    const needsKey = generated !== undefined && !columns.some((c) => c.column === generated.column);
    // Rows that give no column at all but whose key is generated and read back with RETURNING
    // name the key column with a value that makes the database generate it (`generatedKeyInValues`).
    // Several rows then go in one statement, where `INSERT ... DEFAULT VALUES` takes one.
    const keyOnly = columns.length === 0 && needsKey && returning;
    const keyOnlyValue = keyOnly ? (ctx.conn.dialect.capabilities.generatedKeyInValues === "default" ? DEFAULT : null) : undefined;
    // One row per statement when no key can be read back for several, or there is no column to
    // give (INSERT ... DEFAULT VALUES takes one row).
    const rowsPerStatement = (needsKey && !returning) || (columns.length === 0 && !keyOnly) ? 1 : rowsPerInsert(ctx.conn, columns.length);
    for (let i = 0; i < group.length; i += rowsPerStatement) {
      const chunk = group.length <= rowsPerStatement ? group : group.slice(i, i + rowsPerStatement);
      const readBack = needsKey && returning ? generated.column : undefined;
      const shape = { table: mapper.table, columns, rows: chunk.length, keyOnlyValue, returning: readBack };
      const result = columns.length === 0 && !keyOnly ? await insertDefaultValues(ctx, mapper, readBack) : await executeInsertBatch(ctx.conn, shape, chunk);
      if (needsKey) {
        // With RETURNING, one value per row inserted; without, one row per statement and its insert
        // id. Checked for every row before any is set: a row left without its key is refused.
        if (readBack) {
          for (let j = 0; j < chunk.length; j++) if (result.rows[j] == null) throw nullIdentityKey(mapper, [generated.attr], chunk[j]!.dict, "readBack");
          for (let j = 0; j < chunk.length; j++) chunk[j]!.dict[generated.attr] = result.rows[j];
        } else {
          // None when the statement generated no id (MariaDB's 0: a column without AUTO_INCREMENT).
          const id = result.lastInsertId;
          if (id == null) throw nullIdentityKey(mapper, [generated.attr], chunk[0]!.dict, "readBack");
          chunk[0]!.dict[generated.attr] = Number(id);
        }
        ctx.journal.generatedKeys.push(chunk);
      }
      becamePersistent(ctx, mapper, chunk, needsKey);
    }
  }
}

/**
 * Pending rows grouped by the columns they give (rows of one group share one multi-row INSERT).
 * Client-side defaults are applied first, so that they count as given. Mostly every row gives
 * the same columns: then the rows are one group, as they came.
 */
function groupByGivenColumns(
  mapper: Mapper,
  states: readonly InstanceState[],
  prepare: ((state: InstanceState) => void) | undefined,
): { columns: MappedColumn[]; states: readonly InstanceState[] }[] {
  const all = mapper.tableColumns;
  const defaulted = all.filter(({ column }) => column.default !== undefined);
  const keyRules = keyRulesOf(mapper);
  const mask = mapper.givenColumnsMask;
  // Which columns a row gives: bits from a mask compiled per mapper (a string past 30 columns).
  const givenBy = (dict: Record<string, unknown>) => (mask ? mask(dict) : givenColumnsString(all, dict));
  let first: number | string | undefined;
  let uniform = true;
  for (let i = 0; i < states.length; i++) {
    if (prepare !== undefined) prepare(states[i]!);
    const dict = states[i]!.dict;
    for (let d = 0; d < defaulted.length; d++) {
      if (dict[defaulted[d]!.attr] === undefined) dict[defaulted[d]!.attr] = defaulted[d]!.column.defaultValue();
    }
    checkKeyGiven(mapper, keyRules, dict);
    const given = givenBy(dict);
    if (i === 0) first = given;
    else if (given !== first) uniform = false;
  }
  const columnsOf = (dict: Record<string, unknown>) => all.filter(({ attr }) => dict[attr] !== undefined);
  if (uniform) return states.length ? [{ columns: columnsOf(states[0]!.dict), states }] : [];
  const groups = new Map<number | string, { columns: MappedColumn[]; states: InstanceState[] }>();
  for (let i = 0; i < states.length; i++) {
    const given = givenBy(states[i]!.dict);
    let group = groups.get(given);
    if (!group) groups.set(given, (group = { columns: columnsOf(states[i]!.dict), states: [] }));
    group.states.push(states[i]!);
  }
  return [...groups.values()];
}

/** Which columns a dict gives, one character each: for tables past the mask's 30 columns. */
function givenColumnsString(all: readonly MappedColumn[], dict: Record<string, unknown>): string {
  let given = "";
  for (let c = 0; c < all.length; c++) given += dict[all[c]!.attr] === undefined ? "0" : "1";
  return given;
}

/** `INSERT ... DEFAULT VALUES` of one row, returning its generated key when `readBack` is given. */
function insertDefaultValues(ctx: PersistContext, mapper: Mapper, readBack: Column | undefined): Promise<Result<unknown>> {
  const statement = insert(mapper.table).values({} as never);
  return ctx.conn.executeCompiled<unknown>(ctx.conn.compile(readBack ? statement.returning(readBack) : statement), { rowShape: "values" });
}

/**
 * Rows just inserted: their objects are persistent, under their keys. With `keyGenerated`, the
 * database made their keys: no row could name them before, so their lists never read are known
 * to be empty (links made in memory went into the lists). They are made now, unless a commit
 * expiring every object follows (they would be dropped at once). A key the application gave may
 * already be named by rows whose foreign key it set directly: those lists stay to be loaded.
 */
function becamePersistent(ctx: PersistContext, mapper: Mapper, states: readonly InstanceState[], keyGenerated: boolean): void {
  const keyAttributes = mapper.keyAttributes;
  const serverDefaulted = mapper.serverDefaulted;
  const knownEmpty = ctx.expiring || !keyGenerated ? NO_RELATIONSHIPS : mapper.flushedRelationships.knownWhenNew;
  for (let i = 0; i < states.length; i++) {
    const state = states[i]!;
    state.identifiedBy(identityKeyOf(keyAttributes, state.dict));
    state.committed = undefined;
    if (serverDefaulted.length) expireServerDefaults(state, serverDefaulted);
    if (knownEmpty.length) makeEmptyLists(state, knownEmpty);
  }
  ctx.identity.addInserted(states);
  ctx.journal.inserted.push(states);
}

const NO_RELATIONSHIPS: readonly RelationshipProperty[] = [];

/** A new object's lists that were never read: loaded, empty, as the database holds them. */
function makeEmptyLists(state: InstanceState, relationships: readonly RelationshipProperty[]): void {
  for (let r = 0; r < relationships.length; r++) {
    if (state.dict[relationships[r]!.key] === undefined) setLoaded(state.obj, relationships[r]!, NO_MEMBERS);
  }
}

const NO_MEMBERS: readonly object[] = [];

/**
 * A server default is computed by the database: reading it needs a refresh. (A function of its
 * own: a callback capturing the loop's state would make V8 allocate a context per row.)
 */
function expireServerDefaults(state: InstanceState, serverDefaulted: readonly string[]): void {
  const unread = serverDefaulted.filter((attr) => state.dict[attr] === undefined);
  if (unread.length) state.expire(unread);
}

/**
 * Row switch (SQLAlchemy's name): a new object has the key of an object deleted in the same flush
 * (a link removed and added again). It takes over the row with an UPDATE of the other columns:
 * a DELETE and an INSERT of one key would collide, inserts running before deletes. `pairs` are
 * [new object, deleted object].
 */
export async function switchRows(ctx: PersistContext, mapper: Mapper, pairs: readonly (readonly [InstanceState, InstanceState])[]): Promise<void> {
  const keyColumns = new Set<Column>(mapper.primaryKey);
  for (const [state, old] of pairs) {
    const set: Record<string, unknown> = {};
    for (const { column, attr } of mapper.tableColumns) {
      // A generated column is computed by the database from the row written here.
      if (keyColumns.has(column) || column.generated !== undefined) continue;
      if (state.dict[attr] === undefined && column.default !== undefined) state.dict[attr] = column.defaultValue();
      const value = state.dict[attr];
      // Not given: what an INSERT would have left it, NULL (a server default: kept, and expired below).
      if (value !== undefined) set[column.key] = value;
      else if (column.serverDefault === undefined) set[column.key] = null;
    }
    const where = keyWhere(mapper, state.dict, "UPDATE");
    const versionAttr = mapper.versionAttribute;
    if (versionAttr !== undefined) {
      // From the version the deleted object read (a concurrent change is caught), to the next.
      const version = mapper.columns.get(versionAttr)!;
      const current = storedValue(old, versionAttr) as number;
      state.dict[versionAttr] = set[version.key] = current + 1;
      where.push(version.eq(current as never));
    }
    if (Object.keys(set).length) {
      const result = await ctx.conn.execute(update(mapper.table).set(set as never).where(...where));
      expectRows(`UPDATE of ${describe(mapper, versionAttr ? storedDict(old) : state.dict, versionAttr)}`, result.rowCount, 1);
    }
    ctx.identity.delete(mapper, old.key);
    old.markDeleted();
    ctx.journal.deleted.push(old);
  }
  becamePersistent(ctx, mapper, pairs.map(([state]) => state), false);
}

/** UPDATE of the columns whose value differs from the one last loaded or flushed. */
export async function updateState(ctx: PersistContext, mapper: Mapper, state: InstanceState, versionAttr: string | undefined): Promise<void> {
  const committed = state.committed;
  if (!committed) return;
  const set: Record<string, unknown> = {};
  let changed = false;
  for (const attr in committed) {
    if (sameValue(state.dict[attr], committed[attr])) continue;
    const column = mapper.columns.get(attr);
    if (!column) continue;
    set[column.key] = state.dict[attr];
    changed = true;
  }
  if (!changed) {
    state.committed = undefined;
    return;
  }
  const before = storedDict(state);
  const where = keyWhere(mapper, before, "UPDATE");
  if (versionAttr) {
    const version = mapper.columns.get(versionAttr)!;
    const current = before[versionAttr] as number;
    set[version.key] = current + 1;
    where.push(version.eq(current as never));
  }
  const result = await ctx.conn.execute(update(mapper.table).set(set as never).where(...where));
  expectRows(`UPDATE of ${describe(mapper, before, versionAttr)}`, result.rowCount, 1);
  if (versionAttr) state.dict[versionAttr] = (before[versionAttr] as number) + 1;
  // The database recomputed the generated columns from the new values: read again on access.
  if (mapper.generatedColumns.length) state.expire(mapper.generatedColumns);
  // The version is set apart from `committed`: recorded too, so that undoing the UPDATE restores it.
  ctx.journal.recordUpdate(state, versionAttr ? { ...committed, [versionAttr]: before[versionAttr] } : committed);
  state.committed = undefined;
  const key = keyOf(mapper, state);
  if (key !== state.key) {
    ctx.identity.delete(mapper, state.key);
    ctx.identity.set(mapper, key, state.obj);
    state.identifiedBy(key);
  }
  followCascadedUpdates(ctx, mapper, state, before);
}

export async function deleteStates(ctx: PersistContext, mapper: Mapper, states: readonly InstanceState[], versionAttr: string | undefined): Promise<void> {
  const pkColumns = mapper.primaryKey;
  if (versionAttr) {
    const version = mapper.columns.get(versionAttr)!;
    for (const { columns, befores, guards } of orphanGroups(mapper, states, states.map(storedDict))) {
      for (const [i, before] of befores.entries()) {
        const where = [...keyWhere(mapper, before, "DELETE"), version.eq(before[versionAttr] as never), ...columns.map((c, j) => c.eq(guards[i]![j] as never))];
        const result = await ctx.conn.execute(deleteFrom(mapper.table).where(...where));
        expectRows(`DELETE of ${describe(mapper, before, versionAttr)}`, result.rowCount, 1);
      }
    }
  } else {
    for (const { columns, befores, guards } of orphanGroups(mapper, states, states.map(storedDict))) {
      const keys = befores.map((before, i) => [...keyWhereValues(mapper, before, "DELETE"), ...guards[i]!]);
      const matched = await deleteByKeys(ctx.conn, mapper.table, [...pkColumns, ...columns], keys);
      expectRows(`DELETE of ${describeMany(befores.map((before) => describe(mapper, before)))}`, matched, keys.length);
    }
  }
  for (const state of states) {
    ctx.identity.delete(mapper, state.key);
    state.markDeleted();
    ctx.journal.deleted.push(state);
  }
}

/**
 * DELETE of the rows whose `columns` hold one of `keys`, in chunks; returns how many rows the
 * statements matched in all. Every key gives a value for every column (none can be null: a
 * comparison with NULL matches nothing). The keys are one bound list (`inValues`) where the
 * database finds rows by it through the index; elsewhere (MariaDB) literal lists.
 */
export async function deleteByKeys(conn: Connection, table: Table, columns: readonly Column[], keys: readonly unknown[][]): Promise<number> {
  if (columns.length === 0) throw new InvalidRequestError(`internal: a DELETE from ${table.name} without key columns would delete every row`);
  let matched = 0;
  const asList = conn.dialect.capabilities.inValuesInWrites;
  const perStatement = asList ? MAX_PARAMS : Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement);
    const condition = asList
      ? tupleInValues(columns, chunk)
      : columns.length === 1
        ? columns[0]!.in(chunk.map((k) => k[0]) as never[])
        : or(...chunk.map((k) => and(...columns.map((c, j) => c.eq(k[j] as never)))));
    matched += (await conn.execute(deleteFrom(table).where(condition))).rowCount;
  }
  return matched;
}

/** Rows per multi-row INSERT: as many as the parameters allow, or the dialect's page (`insertPageRows`). */
function rowsPerInsert(conn: Connection, width: number): number {
  const byParams = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, width)));
  return Math.min(byParams, conn.dialect.capabilities.insertPageRows ?? byParams);
}

/** INSERT of association-table rows (plain many-to-many links), in chunks. */
export async function insertLinks(conn: Connection, table: Table, columns: readonly Column[], rows: readonly unknown[][]): Promise<void> {
  const perStatement = rowsPerInsert(conn, columns.length);
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => Object.fromEntries(columns.map((c, j) => [c.key, row[j]])));
    await conn.execute(insert(table).values(values as never));
  }
}

/** The row's values as the database holds them: the committed ones where they changed. */
function storedDict(state: InstanceState): Record<string, unknown> {
  const stored = { ...state.dict };
  for (const attr in state.committed) stored[attr] = storedValue(state, attr);
  return stored;
}

/**
 * `key = value` for every primary-key column of the row: the WHERE of every UPDATE and DELETE of
 * one row. Configuration refuses a mapped table without a primary key; this refuses a key value
 * that is missing (it would match no row, or with IS NULL, the wrong ones).
 */
function keyWhere(mapper: Mapper, dict: Record<string, unknown>, statement: string): Expression<boolean>[] {
  const values = keyWhereValues(mapper, dict, statement);
  return mapper.primaryKey.map((column, i) => column.eq(values[i] as never));
}

/** The row's primary-key values, in key order; each one present. */
function keyWhereValues(mapper: Mapper, dict: Record<string, unknown>, statement: string): unknown[] {
  const pk = mapper.primaryKey;
  if (pk.length === 0) throw new InvalidRequestError(`internal: ${statement} of a ${mapper.name} row: table '${mapper.table.name}' has no primary key`);
  const values = new Array<unknown>(pk.length);
  for (let i = 0; i < pk.length; i++) {
    const attr = mapper.attributeFor(pk[i]!)!;
    const value = dict[attr];
    if (value === undefined || value === null) {
      throw new InvalidRequestError(`${statement} of a ${mapper.name} row without a value for its key ${mapper.name}.${attr}: the row cannot be named.`);
    }
    values[i] = value;
  }
  return values;
}

/**
 * An UPDATE or DELETE must match the rows it names: fewer were deleted (or a version changed) by
 * another transaction; more means the key did not name one row. Either way the flush stops (the
 * session then rolls it back whole).
 */
export function expectRows(what: string, matched: number, expected: number): void {
  if (matched === expected) return;
  const counted = expected === 1 ? `${matched} rows` : `${matched} of ${expected} rows`;
  const why =
    matched < expected
      ? expected === 1
        ? "it was deleted or changed by another transaction"
        : "some were deleted or changed by another transaction"
      : "the key names more than one row";
  throw new StaleDataError(`${what} matched ${counted}: ${why}. Nothing of this flush was written; reload the objects and apply the change again.`);
}

/** `Parent (id=7)`, with the version for a versioned row: `Parent (id=7, version=3)`. */
function describe(mapper: Mapper, dict: Record<string, unknown>, versionAttr?: string): string {
  const attrs = [...mapper.keyAttributes, ...(versionAttr ? [versionAttr] : [])];
  return `${mapper.name} (${attrs.map((attr) => `${attr}=${formatKey(dict[attr])}`).join(", ")})`;
}

/** A list of rows named in a message, the first ten of a long one. */
export function describeMany(rows: readonly string[]): string {
  return rows.length > 10 ? `${rows.slice(0, 10).join(", ")} and ${rows.length - 10} more` : rows.join(", ");
}

export function formatKey(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
