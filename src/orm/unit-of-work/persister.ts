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
import { sql } from "../../core/expression/sql-tag.js";
import { deleteFrom } from "../../core/statements/delete.js";
import { insert } from "../../core/statements/insert.js";
import { update } from "../../core/statements/update.js";
import type { Connection } from "../../engine/connection.js";
import type { Result } from "../../engine/result.js";
import type { Mapper } from "../mapping/mapper.js";
import { identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { keyOf } from "../identity/object-keys.js";
import type { InstanceState } from "../state/instance-state.js";
import { sameValue, storedValue } from "../state/mutable-values.js";
import { setLoaded } from "../state/loaded-lists.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { nullIdentityKey } from "./identity-keys.js";
import { executeInsertBatch, executeInsertEach } from "./insert-batch.js";
import { generatedKeyOrder, inInsertOrder, insertIdIsKey } from "../../engine/generated-key-order.js";
import { insertReadBack, setInsertedValues, setUpdatedValues, updateReadBack } from "./read-back.js";
import type { Journal } from "./journal.js";
import { orphanGroups } from "./orphans.js";
import { deleteReachesHeld, followDeleteCascades, onDeletes } from "./database-deletes.js";
import { takeUnlinkGuard } from "./unlink-guards.js";
import { followCascadedUpdates } from "./cascaded-keys.js";
import { baseTable, isJoined } from "../mapping/joined-tables.js";
import { columnsIn, deleteJoinedRows, insertJoinedRows, joinedRowSwitch, updateJoinedTables } from "./joined-writes.js";
import { checkAndMoveVersion, deleteByKeys, describe, describeMany, expectRows, groupByGivenColumns, keyWhereValues, rowsPerInsert } from "./row-statements.js";

export { deleteByKeys, describeMany, expectRows, formatKey, insertLinks } from "./row-statements.js";

export interface PersistContext {
  readonly conn: Connection;
  readonly identity: IdentityMap;
  readonly journal: Journal;
  /** A commit that expires every object follows (`FlushWork.expiring`). */
  readonly expiring: boolean;
}

/** `DEFAULT` as a value in `VALUES (...)`: the column's default or generated value. */
const DEFAULT = sql`DEFAULT`;


/**
 * INSERTs the rows of `states`. `prepare`, if given, runs on each state first, in the same pass
 * that reads which columns it gives (the flush copies foreign keys there: one pass over the
 * objects rather than two).
 */
export async function insertStates(ctx: PersistContext, mapper: Mapper, states: readonly InstanceState[], prepare?: (state: InstanceState) => void): Promise<void> {
  const generated = mapper.generatedKey;
  const returning = ctx.conn.dialect.capabilities.insertReturning;
  // Joined-table inheritance: the root's table first (its key may be generated), then the others (joined-writes.ts).
  const joined = isJoined(mapper);
  const table = baseTable(mapper);
  const grouped = joined ? groupByGivenColumns(mapper, states, prepare, columnsIn(mapper, table)) : groupByGivenColumns(mapper, states, prepare);
  for (const { columns, states: group } of grouped) {
    // The key is generated only when the rows do not give it (compared by column: `generated`
    // is not the same object as the entry of `columns`).
    const needsKey = generated !== undefined && !columns.some((c) => c.column === generated.column);
    // Rows that give no column at all but whose key is generated and read back with RETURNING
    // name the key column with a value that makes the database generate it (`generatedKeyInValues`).
    // Several rows then go in one statement, where `INSERT ... DEFAULT VALUES` takes one.
    const keyOnly = columns.length === 0 && needsKey && returning;
    const keyOnlyValue = keyOnly ? (ctx.conn.dialect.capabilities.generatedKeyInValues === "default" ? DEFAULT : null) : undefined;
    const readBack = needsKey && returning ? generated.column : undefined;
    // Keys read back for rows that give columns are matched to their rows by the order the
    // database generates them in; where nothing orders them, the rows go one per statement, sent
    // in one pass (generated-key-order.ts). Rows giving no column are alike but for their key:
    // any match is right.
    const matched = readBack !== undefined && columns.length > 0 && group.length > 1;
    const order = matched ? await generatedKeyOrder(ctx.conn, table, readBack) : undefined;
    const each = matched && order === undefined;
    // One row per statement when no key can be read back for several, or there is no column to
    // give (INSERT ... DEFAULT VALUES takes one row).
    const rowsPerStatement = (needsKey && !returning) || (columns.length === 0 && !keyOnly) ? 1 : each ? group.length : rowsPerInsert(ctx.conn, columns.length);
    // Server defaults and generated columns come back in the same RETURNING (read-back.ts).
    const values = columns.length === 0 && !keyOnly ? undefined : nonEmpty(insertReadBack(ctx, mapper, table, columns));
    // Without a generated key, the rows' keys name them in the RETURNING rows.
    const readBackColumns = values && [...(needsKey && returning ? [] : mapper.primaryKey), ...values.map((m) => m.column)];
    // One row per statement on SQLite, its key the rowid: the insert id, without RETURNING.
    const byInsertId = each && values === undefined && insertIdIsKey(ctx.conn, table, readBack);
    for (let i = 0; i < group.length; i += rowsPerStatement) {
      const chunk = group.length <= rowsPerStatement ? group : group.slice(i, i + rowsPerStatement);
      const shape = { table, columns, rows: each ? 1 : chunk.length, keyOnlyValue, returning: byInsertId ? undefined : readBack, readBack: readBackColumns };
      let result: { readonly rows: readonly unknown[]; readonly lastInsertId?: unknown };
      if (columns.length === 0 && !keyOnly) result = await insertDefaultValues(ctx, mapper, readBack);
      else if (each) result = { rows: await executeInsertEach(ctx.conn, shape, chunk) };
      else result = await executeInsertBatch(ctx.conn, shape, chunk);
      if (order !== undefined && chunk.length > 1) result = { rows: inInsertOrder(table, result.rows, order, values ? (row) => (row as unknown[])[0] : (key) => key) };
      if (needsKey) {
        // With RETURNING, one value per row inserted; without, one row per statement and its insert
        // id. Checked for every row before any is set: a row left without its key is refused.
        if (readBack) {
          const keys = values ? (result.rows as unknown[][]).map((row) => row[0]) : result.rows;
          for (let j = 0; j < chunk.length; j++) if (keys[j] == null) throw nullIdentityKey(mapper, [generated.attr], chunk[j]!.dict, "readBack");
          for (let j = 0; j < chunk.length; j++) chunk[j]!.dict[generated.attr] = keys[j];
        } else {
          // None when the statement generated no id (MariaDB's 0: a column without AUTO_INCREMENT).
          const id = result.lastInsertId;
          if (id == null) throw nullIdentityKey(mapper, [generated.attr], chunk[0]!.dict, "readBack");
          chunk[0]!.dict[generated.attr] = Number(id);
        }
        ctx.journal.generatedKeys.push(chunk);
      }
      if (values) setInsertedValues(ctx, mapper, chunk, result.rows as unknown[][], values, readBack !== undefined);
      becamePersistent(ctx, mapper, chunk, needsKey);
    }
  }
  if (joined) await insertJoinedRows(ctx, mapper, states);
}

function nonEmpty<T>(list: readonly T[]): readonly T[] | undefined {
  return list.length ? list : undefined;
}

/** `INSERT ... DEFAULT VALUES` of one row, returning its generated key when `readBack` is given. */
function insertDefaultValues(ctx: PersistContext, mapper: Mapper, readBack: Column | undefined): Promise<Result<unknown>> {
  const statement = insert(baseTable(mapper)).values({} as never);
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
  const properties = mapper.propertyKeys;
  for (let i = 0; i < states.length; i++) {
    const state = states[i]!;
    state.identifiedBy(identityKeyOf(keyAttributes, state.dict));
    state.committed = undefined;
    if (serverDefaulted.length) expireServerDefaults(state, serverDefaulted);
    // Its column properties were never computed: loaded by the next query that selects it.
    if (properties.length) state.expire(properties);
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
  if (isJoined(mapper)) throw joinedRowSwitch(mapper, pairs[0]![0].dict);
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
  const what = `UPDATE of ${describe(mapper, before, versionAttr)}`;
  const joined = isJoined(mapper);
  // The database recomputes the generated columns from the new values: read back by RETURNING where it has it.
  const readBack = updateReadBack(ctx, mapper, joined);
  if (joined) await updateJoinedTables(ctx, mapper, committed, state.dict, before, versionAttr, what);
  else {
    const where = keyWhere(mapper, before, "UPDATE");
    if (versionAttr) checkAndMoveVersion(mapper, versionAttr, before, set, where);
    const guard = takeUnlinkGuard(state, before);
    if (guard !== undefined) for (const attr of guard) where.push(mapper.columns.get(attr)!.eq(before[attr] as never));
    const statement = update(mapper.table).set(set as never).where(...where);
    if (readBack.length) {
      const result = await ctx.conn.execute(statement.returning(...readBack.map((m) => m.column)), { rowShape: "arrays" });
      expectRows(what, result.rows.length, 1);
      setUpdatedValues(ctx, state, readBack, result.rows[0] as unknown as unknown[]);
    } else expectRows(what, (await ctx.conn.execute(statement)).rowCount, 1);
  }
  if (versionAttr) state.dict[versionAttr] = (before[versionAttr] as number) + 1;
  // Elsewhere they are read again on access.
  if (!readBack.length && mapper.generatedColumns.length) state.expire(mapper.generatedColumns);
  // Column properties are computed from the row as it now is: read again by the next load.
  if (mapper.propertyKeys.length) state.expire(mapper.propertyKeys);
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
  const table = baseTable(mapper);
  const joined = isJoined(mapper);
  const befores = states.map(storedDict);
  for (const group of orphanGroups(mapper, states, befores)) {
    // Joined-table inheritance: the subclasses' rows first (each guarded by its own table's columns), the root's last.
    const { columns, befores, guards, anyOf } = joined ? await deleteJoinedRows(ctx, mapper, group) : group;
    if (versionAttr) {
      const version = mapper.columns.get(versionAttr)!;
      for (const [i, before] of befores.entries()) {
        const where = [...keyWhere(mapper, before, "DELETE"), version.eq(before[versionAttr] as never), ...columns.map((c, j) => c.eq(guards[i]![j] as never))];
        const result = await ctx.conn.execute(deleteFrom(table).where(...where));
        expectRows(`DELETE of ${describe(mapper, before, versionAttr)}`, result.rowCount, 1);
      }
    } else {
      const keys = anyOf ? befores.map((before) => keyWhereValues(mapper, before, "DELETE")) : befores.map((before, i) => [...keyWhereValues(mapper, before, "DELETE"), ...guards[i]!]);
      const matched = anyOf
        ? await deleteByKeys(ctx.conn, table, pkColumns, keys, columns[0]!.in([...anyOf] as never[]))
        : await deleteByKeys(ctx.conn, table, [...pkColumns, ...columns], keys);
      expectRows(`DELETE of ${describeMany(befores.map((before) => describe(mapper, before)))}`, matched, keys.length);
    }
  }
  for (const state of states) {
    ctx.identity.delete(mapper, state.key);
    state.markDeleted();
    ctx.journal.deleted.push(state);
  }
  // The rows the database deleted or unlinked with them (ON DELETE CASCADE / SET NULL, children
  // left to it with passiveDeletes or of a table no relationship reaches): the session's objects follow.
  if (onDeletes(mapper).length !== 0 && deleteReachesHeld(ctx.identity, mapper)) followDeleteCascades({ identity: ctx.identity, journal: ctx.journal, flush: true }, mapper, befores.map((before) => ({ before })));
}

/**
 * The row's values as the database holds them: the committed ones where they changed.
 * @internal
 */
export function storedDict(state: InstanceState): Record<string, unknown> {
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

