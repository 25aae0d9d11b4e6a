/**
 * Emits the DML of a flush: multi-row INSERTs (with RETURNING for generated keys where the
 * database has it), UPDATEs of the changed columns only, batched DELETEs, and association rows.
 * Versioned rows are updated and deleted one by one, checking that exactly one row matched.
 */
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { and, or } from "../../core/expression/operators.js";
import { sql } from "../../core/expression/sql-tag.js";
import { deleteFrom } from "../../core/statements/delete.js";
import { insert } from "../../core/statements/insert.js";
import { update } from "../../core/statements/update.js";
import type { Connection } from "../../engine/connection.js";
import { StaleDataError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { identityKey, type IdentityMap } from "../session/identity-map.js";
import type { InstanceState } from "../state/instance-state.js";
import type { Journal } from "./journal.js";

export interface PersistContext {
  readonly conn: Connection;
  readonly identity: IdentityMap;
  readonly journal: Journal;
}

/** `DEFAULT` as a value in `VALUES (...)`: the column's default or generated value. */
const DEFAULT = sql`DEFAULT`;

/** Parameters per statement stay well under every database's limit (SQLite: 32766). */
const MAX_PARAMS = 20_000;

export async function insertStates(ctx: PersistContext, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  const pk = mapper.primaryKey;
  const generated = pk.length === 1 && pk[0]!.autoincrement ? pk[0]! : undefined;
  const generatedAttr = generated ? mapper.attributeFor(generated)! : undefined;
  const returning = ctx.conn.dialect.capabilities.insertReturning;

  // Rows with the same columns given go into one multi-row INSERT.
  const groups = new Map<string, { attrs: string[]; states: InstanceState[] }>();
  for (const state of states) {
    const attrs: string[] = [];
    for (const [attr, column] of mapper.columns) {
      if (state.dict[attr] === undefined && column.default !== undefined) state.dict[attr] = column.defaultValue();
      if (state.dict[attr] !== undefined) attrs.push(attr);
    }
    const signature = attrs.join(",");
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = { attrs, states: [] }));
    group.states.push(state);
  }

  for (const { attrs, states: group } of groups.values()) {
    const needsKey = generatedAttr !== undefined && !attrs.includes(generatedAttr);
    const columns = attrs.map((a) => mapper.columns.get(a)!);
    // Rows that give no column at all but whose key is generated and read back with RETURNING
    // name the key column with a value that makes the database generate it: NULL for SQLite's
    // INTEGER PRIMARY KEY (its DEFAULT keyword is not allowed in VALUES), DEFAULT elsewhere.
    // Several rows then go in one statement, where `INSERT ... DEFAULT VALUES` takes one.
    const keyOnly = columns.length === 0 && needsKey && returning;
    const keyValue = keyOnly ? (ctx.conn.dialect.capabilities.defaultInValues ? DEFAULT : null) : undefined;
    const width = keyOnly ? 1 : columns.length;
    // One row per statement when no key can be read back for several, or there is no column to
    // give (INSERT ... DEFAULT VALUES takes one row).
    const rowsPerStatement = (needsKey && !returning) || width === 0 ? 1 : Math.floor(MAX_PARAMS / width);
    for (let i = 0; i < group.length; i += rowsPerStatement) {
      const chunk = group.slice(i, i + rowsPerStatement);
      const rows: Record<string, unknown>[] = new Array(chunk.length);
      for (let r = 0; r < chunk.length; r++) {
        const dict = chunk[r]!.dict;
        const row: Record<string, unknown> = {};
        if (keyOnly) row[generated!.key] = keyValue;
        for (let j = 0; j < columns.length; j++) row[columns[j]!.key] = dict[attrs[j]!];
        rows[r] = row;
      }
      let statement = insert(mapper.table).values(rows as never);
      if (needsKey && returning) {
        const keys = (await ctx.conn.execute(statement.returning(generated!))).rows as Record<string, unknown>[];
        chunk.forEach((state, j) => (state.dict[generatedAttr!] = keys[j]![generated!.key]));
      } else {
        const result = await ctx.conn.execute(statement);
        if (needsKey) chunk[0]!.dict[generatedAttr!] = Number(result.lastInsertId);
      }
      for (const state of chunk) becamePersistent(ctx, mapper, state, needsKey ? [generatedAttr!] : []);
    }
  }
}

function becamePersistent(ctx: PersistContext, mapper: Mapper, state: InstanceState, generated: string[]): void {
  state.key = keyOf(mapper, state);
  state.committed = undefined;
  ctx.identity.set(mapper, state.key, state.obj);
  ctx.journal.inserted.push(state);
  if (generated.length) ctx.journal.generated.set(state, generated);
  // A server default is computed by the database: reading it needs a refresh.
  const unread = mapper.serverDefaulted.filter((attr) => state.dict[attr] === undefined);
  if (unread.length) state.expire(unread);
}

export function keyOf(mapper: Mapper, state: InstanceState, dict: Record<string, unknown> = state.dict): unknown {
  return identityKey(mapper.primaryKey.map((c) => dict[mapper.attributeFor(c)!]));
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
  const before = { ...state.dict, ...committed };
  const where = mapper.primaryKey.map((c) => c.eq(before[mapper.attributeFor(c)!] as never));
  if (versionAttr) {
    const version = mapper.columns.get(versionAttr)!;
    const current = before[versionAttr] as number;
    set[version.key] = current + 1;
    where.push(version.eq(current as never));
  }
  const result = await ctx.conn.execute(update(mapper.table).set(set as never).where(...where));
  if (versionAttr && result.rowCount !== 1) {
    throw new StaleDataError(
      `UPDATE of ${describe(mapper, before)} matched no row with ${versionAttr} = ${String(before[versionAttr])}: ` +
        `another transaction changed or deleted it first. Reload it and apply the change again.`,
    );
  }
  if (versionAttr) state.dict[versionAttr] = (before[versionAttr] as number) + 1;
  ctx.journal.recordUpdate(state, committed);
  state.committed = undefined;
  const key = keyOf(mapper, state);
  if (key !== state.key) {
    ctx.identity.delete(mapper, state.key);
    ctx.identity.set(mapper, key, state.obj);
    state.key = key;
  }
}

export async function deleteStates(ctx: PersistContext, mapper: Mapper, states: readonly InstanceState[], versionAttr: string | undefined): Promise<void> {
  const pkColumns = mapper.primaryKey;
  const dictBefore = (s: InstanceState) => ({ ...s.dict, ...s.committed });
  if (versionAttr) {
    const version = mapper.columns.get(versionAttr)!;
    for (const state of states) {
      const before = dictBefore(state);
      const where = [...pkColumns.map((c) => c.eq(before[mapper.attributeFor(c)!] as never)), version.eq(before[versionAttr] as never)];
      const result = await ctx.conn.execute(deleteFrom(mapper.table).where(...where));
      if (result.rowCount !== 1) {
        throw new StaleDataError(`DELETE of ${describe(mapper, before)} matched no row with ${versionAttr} = ${String(before[versionAttr])}: another transaction changed or deleted it first.`);
      }
    }
  } else {
    const keys = states.map((s) => pkColumns.map((c) => dictBefore(s)[mapper.attributeFor(c)!]));
    await deleteByKeys(ctx.conn, mapper.table, pkColumns, keys);
  }
  for (const state of states) {
    ctx.identity.delete(mapper, state.key);
    state.deleted = true;
    state.deletePending = false;
    ctx.journal.deleted.push(state);
  }
}

/** DELETE of the rows whose `columns` hold one of `keys`, in chunks. */
export async function deleteByKeys(conn: Connection, table: Table, columns: readonly Column[], keys: readonly unknown[][]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement);
    const condition =
      columns.length === 1
        ? columns[0]!.in(chunk.map((k) => k[0]) as never[])
        : or(...chunk.map((k) => and(...columns.map((c, j) => c.eq(k[j] as never)))));
    await conn.execute(deleteFrom(table).where(condition));
  }
}

/** INSERT of association-table rows (plain many-to-many links), in chunks. */
export async function insertLinks(conn: Connection, table: Table, columns: readonly Column[], rows: readonly unknown[][]): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => Object.fromEntries(columns.map((c, j) => [c.key, row[j]])));
    await conn.execute(insert(table).values(values as never));
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function describe(mapper: Mapper, dict: Record<string, unknown>): string {
  const pk = mapper.primaryKey.map((c) => `${mapper.attributeFor(c)}=${String(dict[mapper.attributeFor(c)!])}`).join(", ");
  return `${mapper.name}(${pk})`;
}
