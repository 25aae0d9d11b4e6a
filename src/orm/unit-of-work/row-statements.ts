/**
 * The pieces of the flush's statements that several writers share (persister.ts, joined-writes.ts,
 * links.ts): rows grouped by the columns they give, DELETEs by key, how many rows an INSERT takes,
 * the check that a statement matched the rows it named, and how rows are named in messages.
 */
import type { Column } from "../../core/schema/column.js";
import type { Expression } from "../../core/expression/expression.js";
import type { Table } from "../../core/schema/table.js";
import { and, or, tupleInValues } from "../../core/expression/operators.js";
import { deleteFrom } from "../../core/statements/delete.js";
import { insert } from "../../core/statements/insert.js";
import { update } from "../../core/statements/update.js";
import type { Connection } from "../../engine/connection.js";
import { InvalidRequestError } from "../../core/errors.js";
import { StaleDataError } from "../errors.js";
import type { MappedColumn, Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { checkKeyGiven, keyRulesOf } from "./identity-keys.js";
import { baseTable } from "../mapping/joined-tables.js";

/** Parameters per statement stay well under every database's limit (SQLite: 32766). */
export const MAX_PARAMS = 20_000;

/**
 * Pending rows grouped by the columns they give (rows of one group share one multi-row INSERT).
 * Client-side defaults are applied first, so that they count as given. Mostly every row gives
 * the same columns: then the rows are one group, as they came.
 */
export function groupByGivenColumns(
  mapper: Mapper,
  states: readonly InstanceState[],
  prepare: ((state: InstanceState) => void) | undefined,
  /** The columns of the INSERT (one table's of a joined-table hierarchy: then no mask). */
  all: readonly MappedColumn[] = mapper.tableColumns,
): { columns: MappedColumn[]; states: readonly InstanceState[] }[] {
  const defaulted = all.filter(({ column }) => column.default !== undefined);
  const keyRules = keyRulesOf(mapper);
  const mask = all === mapper.tableColumns ? mapper.givenColumnsMask : undefined;
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

/**
 * DELETE of the rows whose `columns` hold one of `keys`, in chunks; returns how many rows the
 * statements matched in all. Every key gives a value for every column (none can be null: a
 * comparison with NULL matches nothing). The keys are one bound list (`inValues`) where the
 * database finds rows by it through the index; elsewhere (MariaDB) literal lists. `also` is
 * ANDed to each statement's condition.
 */
export async function deleteByKeys(conn: Connection, table: Table, columns: readonly Column[], keys: readonly unknown[][], also?: Expression<boolean>): Promise<number> {
  if (columns.length === 0) throw new InvalidRequestError(`internal: a DELETE from ${table.name} without key columns would delete every row`);
  let matched = 0;
  for (const condition of keyConditions(conn, columns, keys)) matched += (await conn.execute(deleteFrom(table).where(...(also ? [condition, also] : [condition])))).rowCount;
  return matched;
}

/** UPDATE setting `set` on the rows whose `columns` hold one of `keys`, in chunks (as `deleteByKeys`); returns how many rows matched. */
export async function updateByKeys(conn: Connection, table: Table, set: Record<string, unknown>, columns: readonly Column[], keys: readonly unknown[][]): Promise<number> {
  let matched = 0;
  for (const condition of keyConditions(conn, columns, keys)) matched += (await conn.execute(update(table).set(set as never).where(condition))).rowCount;
  return matched;
}

/**
 * Conditions naming the rows whose `columns` hold one of `keys`, one per statement: a bound list
 * (`inValues`) where the database finds rows by it through the index in an UPDATE or DELETE;
 * elsewhere (MariaDB) literal lists, as many keys each as the parameter limit allows.
 */
export function keyConditions(conn: Connection, columns: readonly Column[], keys: readonly unknown[][]): Expression<boolean>[] {
  const asList = conn.dialect.capabilities.inValuesInWrites;
  const perStatement = asList ? MAX_PARAMS : Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const conditions: Expression<boolean>[] = [];
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement);
    conditions.push(
      asList
        ? tupleInValues(columns, chunk)
        : columns.length === 1
          ? columns[0]!.in(chunk.map((k) => k[0]) as never[])
          : or(...chunk.map((k) => and(...columns.map((c, j) => c.eq(k[j] as never))))),
    );
  }
  return conditions;
}

/** Rows per multi-row INSERT: as many as the parameters allow, or the dialect's page (`insertPageRows`). */
export function rowsPerInsert(conn: Connection, width: number): number {
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

/** The row's primary-key values, in key order; each one present. */
export function keyWhereValues(mapper: Mapper, dict: Record<string, unknown>, statement: string): unknown[] {
  const pk = mapper.primaryKey;
  if (pk.length === 0) throw new InvalidRequestError(`internal: ${statement} of a ${mapper.name} row: table '${baseTable(mapper).name}' has no primary key`);
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

/** An UPDATE's optimistic version: checked at the row's value in `where`, moved on by one in `set`. */
export function checkAndMoveVersion(mapper: Mapper, versionAttr: string, before: Record<string, unknown>, set: Record<string, unknown>, where: Expression<boolean>[]): void {
  const version = mapper.columns.get(versionAttr)!;
  const current = before[versionAttr] as number;
  set[version.key] = current + 1;
  where.push(version.eq(current as never));
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
export function describe(mapper: Mapper, dict: Record<string, unknown>, versionAttr?: string): string {
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
