/**
 * The flush's writes under joined-table inheritance (declarative/joined-table.ts): a row of a
 * subclass is a row in each of its tables (`Inheritance.tables`, the root's first), all with the
 * root's key. INSERT writes the root's row (the key generated there is read back) and then the
 * others with that key; UPDATE writes the tables whose columns changed, and the root's whenever
 * the class is versioned (its version is checked and moved there); DELETE removes the subclasses'
 * rows and then the root's. Each statement must match every row it names, as elsewhere.
 */
import type { Expression } from "../../core/expression/expression.js";
import type { Table } from "../../core/schema/table.js";
import { InvalidRequestError } from "../../core/errors.js";
import { sameValue } from "../state/mutable-values.js";
import { update } from "../../core/statements/update.js";
import type { MappedColumn, Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { executeInsertBatch } from "./insert-batch.js";
import type { PersistContext } from "./persister.js";
import type { DeleteGroup } from "./orphans.js";
import { checkAndMoveVersion, deleteByKeys, describeMany, expectRows, formatKey, groupByGivenColumns, keyWhereValues, rowsPerInsert } from "./row-statements.js";
import { baseTable, tablesOf } from "../mapping/joined-tables.js";

const columnsByTable = new WeakMap<Mapper, Map<Table, readonly MappedColumn[]>>();

/**
 * The columns an INSERT into `table` gives for a `mapper` row: the mapped ones of that table, and
 * for a subclass's table its key columns, which take the root's key attributes.
 */
export function columnsIn(mapper: Mapper, table: Table): readonly MappedColumn[] {
  let byTable = columnsByTable.get(mapper);
  if (!byTable) columnsByTable.set(mapper, (byTable = new Map()));
  let columns = byTable.get(table);
  if (!columns) {
    const keys = table === baseTable(mapper) ? [] : table.primaryKey.map((column, i) => ({ column, attr: mapper.keyAttributes[i]! }));
    byTable.set(table, (columns = [...keys, ...mapper.tableColumns.filter((c) => c.column.table === table)]));
  }
  return columns;
}

/** INSERTs the rows of `states` in the tables below the root's (whose rows are in, with their keys). */
export async function insertJoinedRows(ctx: PersistContext, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  const tables = mapper.inheritance!.tables;
  for (let t = 1; t < tables.length; t++) {
    const table = tables[t]!;
    for (const { columns, states: group } of groupByGivenColumns(mapper, states, undefined, columnsIn(mapper, table))) {
      const perStatement = rowsPerInsert(ctx.conn, columns.length);
      for (let i = 0; i < group.length; i += perStatement) {
        const chunk = group.slice(i, i + perStatement);
        await executeInsertBatch(ctx.conn, { table, columns, rows: chunk.length, returning: undefined }, chunk);
      }
    }
  }
}

/**
 * UPDATEs the attributes of one row that differ from `committed`, table by table (the root's first): a table
 * none of whose columns changed is left alone, but for the root's of a versioned class, whose
 * version is checked and moved on every change. A changed key is refused: the tables' keys would
 * have to change together.
 */
export async function updateJoinedTables(
  ctx: PersistContext,
  mapper: Mapper,
  committed: Readonly<Record<string, unknown>>,
  dict: Record<string, unknown>,
  before: Record<string, unknown>,
  versionAttr: string | undefined,
  what: string,
): Promise<void> {
  const changed = Object.keys(committed).filter((attr) => mapper.columns.has(attr) && !sameValue(dict[attr], committed[attr]));
  const key = changed.find((attr) => mapper.keyAttributes.includes(attr));
  if (key !== undefined) {
    throw new InvalidRequestError(
      `${what}: it changes ${mapper.name}.${key}, part of the key of every table of its row (joined-table inheritance), which is not supported yet. ` +
        `Delete the object and add a new one with the new key, or change the keys with SQL outside the session.`,
    );
  }
  const keyValues = keyWhereValues(mapper, before, "UPDATE");
  const root = baseTable(mapper);
  for (const table of mapper.inheritance!.tables) {
    const set: Record<string, unknown> = {};
    let given = false;
    for (const attr of changed) {
      const column = mapper.columns.get(attr)!;
      if (column.table !== table) continue;
      set[column.key] = dict[attr];
      given = true;
    }
    const where: Expression<boolean>[] = table.primaryKey.map((column, i) => column.eq(keyValues[i] as never));
    if (table === root && versionAttr !== undefined) {
      checkAndMoveVersion(mapper, versionAttr, before, set, where);
      given = true;
    }
    if (!given) continue;
    const result = await ctx.conn.execute(update(table).set(set as never).where(...where));
    expectRows(table === root ? what : `${what} (table '${table.name}')`, result.rowCount, 1);
  }
}

/**
 * DELETEs the rows of `group` from the tables below the root's, the lowest first, each naming its
 * rows by key and by the orphan guards (`orphans.ts`) among its own columns; returns the group
 * with the guards left for the root's table.
 */
export async function deleteJoinedRows(ctx: PersistContext, mapper: Mapper, group: DeleteGroup): Promise<DeleteGroup> {
  const { columns, befores, guards } = group;
  const keys = befores.map((before) => keyWhereValues(mapper, before, "DELETE"));
  const tables = mapper.inheritance!.tables;
  const onTable = (table: Table) => columns.flatMap((column, j) => (column.table === table ? [j] : []));
  for (let t = tables.length - 1; t >= 1; t--) {
    const table = tables[t]!;
    const own = onTable(table);
    const matched = await deleteByKeys(ctx.conn, table, [...table.primaryKey, ...own.map((j) => columns[j]!)], keys.map((key, i) => [...key, ...own.map((j) => guards[i]![j])]));
    const rows = befores.map((before) => `${mapper.name} (${mapper.keyAttributes.map((attr) => `${attr}=${formatKey(before[attr])}`).join(", ")})`);
    expectRows(`DELETE of ${describeMany(rows)} (table '${table.name}')`, matched, keys.length);
  }
  const root = onTable(tables[0]!);
  return { columns: root.map((j) => columns[j]!), befores, guards: guards.map((row) => root.map((j) => row[j])) };
}

/** A new object taking over the row of one deleted in the same flush: not supported yet under joined-table inheritance. */
export function joinedRowSwitch(mapper: Mapper, dict: Record<string, unknown>): InvalidRequestError {
  const key = mapper.keyAttributes.map((attr) => `${attr}=${formatKey(dict[attr])}`).join(", ");
  return new InvalidRequestError(
    `A new ${mapper.name} (${key}) has the key of an object deleted in the same flush; under joined-table inheritance taking over its rows is not supported yet. ` +
      `Flush the delete first (await session.flush()), then add the new object.`,
  );
}

/**
 * The flush order of `mappers` (given in their tables' order) when some write several tables: a
 * mapper comes after those whose tables one of its tables references (a Manager after the
 * Department its `managers` row names; a Project naming `employees` after the Manager, whose
 * INSERT writes that row). Stable; a cycle keeps the tables' order for the mappers in it.
 */
export function orderByTables(mappers: readonly Mapper[]): Mapper[] {
  const after = new Map<Mapper, Set<Mapper>>();
  for (const m of mappers) {
    const referenced = new Set(tablesOf(m).flatMap((t) => t.foreignKeys.filter((fk) => fk.isResolvable).map((fk) => fk.referredTable)));
    after.set(m, new Set(mappers.filter((other) => other !== m && tablesOf(other).some((t) => referenced.has(t) && !tablesOf(m).includes(t)))));
  }
  const done = new Set<Mapper>();
  const order: Mapper[] = [];
  while (order.length < mappers.length) {
    const next = mappers.find((m) => !done.has(m) && [...after.get(m)!].every((d) => done.has(d))) ?? mappers.find((m) => !done.has(m))!;
    done.add(next);
    order.push(next);
  }
  return order;
}
