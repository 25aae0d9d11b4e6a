/**
 * ORM bulk UPDATE and DELETE through a subclass of joined-table inheritance
 * (`session.execute(update(Manager).where(...).values({ budget }))`, `deleteFrom(Manager)`): its
 * rows span several tables, which one statement cannot write. The keys of the rows the WHERE
 * names are read first, through the class's tables joined, its discriminator values in the WHERE
 * (the class and its subclasses), FOR UPDATE; then each table is written by those keys: an UPDATE
 * per table whose columns it sets (the base's first, and always under a version counter), a DELETE
 * per table of the class and of its subclasses (the lowest class's first, the base's last). The
 * statements run in a savepoint of the session's transaction: a failed one undoes the others, and
 * the session stays usable. Read first, the keys are the rows every statement writes (an UPDATE of
 * the base's `name` cannot make the next one miss a row named by it), and the session's objects
 * follow exactly them, whatever the strategy ("evaluate" too) but `false`.
 *
 * SQLAlchemy writes the subclass's own table only (`UPDATE managers ...`; a WHERE naming the base's
 * columns makes it UPDATE..FROM, joined by hand), and deletes from it only.
 */
import type { SetPair } from "../../core/ast/nodes.js";
import { ArgumentError } from "../../core/errors.js";
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { refuseGeneratedValue } from "../../core/statements/generated-columns.js";
import { collectSources } from "../../core/statements/sources.js";
import { isSubmapper, refuseClassChange } from "../mapping/inheritance.js";
import { baseTable, isJoined, tablesOf } from "../mapping/joined-tables.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { deleteByKeys, keyConditions } from "../unit-of-work/row-statements.js";
import { MISSING } from "./bulk-evaluate.js";
import { assertChangesKept, relationshipsJoinedBy, unloadMovedLists, type HeldObjects } from "./bulk-held.js";
import { followVersionedRows, VERSION_STEP } from "./bulk-version.js";
import { apply } from "./bulk-apply.js";
import { mayReachHeld, type ChangedRow } from "./bulk-cascades.js";
import { keysBefore } from "./bulk-keys.js";
import { attributeOfPair } from "./set-attributes.js";
import type { BulkHost, BulkStatement, SynchronizeSession } from "./bulk.js";
import { expireWhatMayMatch, followCascades, objectsOf, objectsWithKeys, rowsNotHeld } from "./bulk-follow.js";
import type { SessionTransaction } from "./session-transaction.js";

type Run = <T>(work: () => Promise<T>) => Promise<T>;

/** Whether `mapper` is a subclass of joined-table inheritance: its rows span several tables. */
export function spansTables(mapper: Mapper): boolean {
  return isJoined(mapper) && mapper.inheritance!.parent !== undefined;
}

/**
 * Runs an UPDATE or DELETE of `mapper` (a joined subclass) one statement per table; returns the
 * number of rows matched. `exact`: a versioned UPDATE, whose counter it moves on.
 */
export async function executeSpanning(host: BulkHost, tx: SessionTransaction, statement: BulkStatement, mapper: Mapper, strategy: SynchronizeSession, exact: boolean, run: Run, read: Run): Promise<number> {
  const node = statement.node;
  const what = `session.execute(${node.kind === "update" ? "update" : "deleteFrom"}(${mapper.name}))`;
  if (node.returning.length) {
    throw new ArgumentError(`${what}.returning(): the rows of ${mapper.name} span several tables (joined-table inheritance), and RETURNING of such a statement is not supported yet. Select the rows (after an UPDATE, before a DELETE) instead.`);
  }
  const split = node.kind === "update" ? splitValues(mapper, node.set, what) : undefined;
  const values = split?.values;
  if (values && exact) values.set(mapper.versionAttribute!, VERSION_STEP);
  const held: HeldObjects = { identity: host.identity, owner: host.owner, hasChanges: (state) => host.transactions.uow.modified.has(state) };
  const rels = values ? relationshipsJoinedBy(mapper, values.keys()) : [];
  assertChangesKept(held, what, mapper, strategy === false ? objectsOf(host.identity, mapper).map((obj) => stateOf(obj)!) : [], values, rels);

  const keyColumns = exact ? [...baseTable(mapper).primaryKey, mapper.columns.get(mapper.versionAttribute!)!] : baseTable(mapper).primaryKey;
  const keys = await keysBefore(tx, mapper, node.where, read, keyColumns, mapper.class_);
  const key = (table: Table) => table.primaryKey;
  const width = baseTable(mapper).primaryKey.length;
  const rowKeys = exact ? keys.map((row) => row.slice(0, width)) : keys;
  const writes: (() => Promise<unknown>)[] = split
    ? [...split.byTable].map(([table, set]) => () => updateByKeys(tx, table, key(table), set, rowKeys))
    : deletedTables(mapper).map((table) => () => deleteByKeys(tx.connection, table, key(table), rowKeys));
  const writeAll = async (): Promise<void> => {
    for (const write of writes) await write();
  };
  // One savepoint for several statements: a failed one undoes the others, and the transaction goes on.
  if (rowKeys.length && writes.length) await run(() => (writes.length > 1 ? tx.connection.transaction(writeAll) : writeAll()));

  const moved = (states: readonly InstanceState[] | undefined): void => {
    if (rels.length) unloadMovedLists(held, rels, states, values!);
  };
  if (strategy === false) {
    expireWhatMayMatch(host, mapper, values);
    moved(undefined);
    return rowKeys.length;
  }
  if (strategy === "auto" && host.identity.forMapper(mapper).isEmpty && !mayReachHeld(host.identity, mapper, values)) {
    moved([]);
    return rowKeys.length;
  }
  const followed: InstanceState[] = [];
  if (exact) followVersionedRows(host.identity, host.owner, tx.journal, mapper, keys, (state) => followed.push(state));
  else followed.push(...objectsWithKeys(host, mapper, keys, 0));
  const changed: ChangedRow[] = followed.length < keys.length ? rowsNotHeld(host, mapper, rowKeys, values) : [];
  for (const state of followed) apply(host, mapper, state, values, tx.journal, changed);
  followCascades(host, tx, mapper, values, changed);
  moved(exact && followed.length < keys.length ? undefined : followed);
  return rowKeys.length;
}

/**
 * The UPDATE's SET per table of the class (the base's first), and as attribute -> value (a value
 * given as an SQL expression `MISSING`). Refused before anything runs: a column of a table other
 * than the class's (a subclass's, another branch's), the key, the discriminator, a generated
 * column, and a value computed from a column of another of its tables. Each pair's table is its
 * attribute's column's: two of the tables may have a column of one name.
 */
function splitValues(mapper: Mapper, set: readonly SetPair[], what: string): { byTable: Map<Table, SetPair[]>; values: Map<string, unknown> } {
  if (set.length === 0) throw new ArgumentError(`${what} has no values to set: give them with .values({...}).`);
  const own = tablesOf(mapper);
  const byTable = new Map<Table, SetPair[]>(own.map((table) => [table, []]));
  const values = new Map<string, unknown>();
  const tables = mapper.inheritance!.hierarchy.tables;
  for (const pair of set) {
    const [name, value] = pair;
    // By the attribute given: two of the tables may have a column of one name (`name`, `updated_at`).
    const attr = attributeOfPair(mapper, pair, tables);
    if (attr === undefined) {
      throw new ArgumentError(`${what}: column '${name}' names no single column attribute of ${mapper.name} (a column of that name is in none or several of its hierarchy's tables). Set it by attribute: update(${mapper.name}).values({ attribute: value }).`);
    }
    const column = mapper.columns.get(attr)!;
    if (!own.includes(column.table)) {
      const owner = mapper.registry.mappers.find((m) => m.table === column.table)?.name ?? column.table.name;
      throw new ArgumentError(`${what} sets '${attr}', a column of ${owner}'s table '${column.table.name}', which not every ${mapper.name} row has. Update ${owner} instead (update(${owner})).`);
    }
    if (mapper.keyAttributes.includes(attr)) {
      throw new ArgumentError(`${what} sets '${attr}', the key, which every table of ${mapper.name} holds (joined-table inheritance): changing it is not supported. Insert new rows and delete these instead.`);
    }
    refuseGeneratedValue(column, what, attr);
    const others = collectSources([value]).filter((source) => source.kind !== "table" || source.table !== column.table);
    if (others.length) {
      throw new ArgumentError(`${what} sets '${attr}' (table '${column.table.name}') from a column of '${others.map((s) => s.name).join("', '")}': one UPDATE writes one of ${mapper.name}'s tables, from its own columns. Give a value, or change the objects in a session.`);
    }
    byTable.get(column.table)!.push(pair);
    values.set(attr, value.kind === "param" ? value.value : MISSING);
  }
  refuseClassChange(mapper, values);
  for (const [table, pairs] of byTable) if (pairs.length === 0) byTable.delete(table);
  return { byTable, values };
}

/** `UPDATE table SET ... WHERE key IN (...)`, in chunks of keys. */
async function updateByKeys(tx: SessionTransaction, table: Table, key: readonly Column[], set: readonly SetPair[], keys: readonly unknown[][]): Promise<void> {
  for (const condition of keyConditions(tx.connection, key, keys)) {
    await tx.connection.execute({ node: { kind: "update", table: table.fromNode, set, where: condition.node, returning: [] } });
  }
}

/** The tables holding rows of `mapper` or of its subclasses, the lowest class's first, the base's last. */
function deletedTables(mapper: Mapper): Table[] {
  const { hierarchy } = mapper.inheritance!;
  const tables = hierarchy.tables.filter((table) => tablesOf(mapper).includes(table) || hierarchy.members.some((m) => m.table === table && isSubmapper(m, mapper)));
  // A subclass is declared after its superclass: its table comes later in the hierarchy's.
  return tables.reverse();
}
