/**
 * Joined-table inheritance (declarative/joined-table.ts): the tables a class's queries join, and
 * what is refused for it. Every class of the hierarchy maps every column of every table, so a
 * query through any class selects them all: the tables that hold a row of the class (its own and
 * its superclasses', `Inheritance.tables`) are INNER JOINed to the root's, the hierarchy's other
 * tables LEFT OUTER JOINed, all on the root's key. One statement reads every object with its
 * class's columns, whichever class was asked for; the columns of a class a row is not are NULL.
 */
import type { ExprNode, FromNode } from "../../core/ast/nodes.js";
import { ArgumentError } from "../../core/errors.js";
import { and } from "../../core/expression/operators.js";
import type { ForeignKey } from "../../core/schema/constraints.js";
import type { Table } from "../../core/schema/table.js";
import type { Mapper } from "./mapper.js";

/** The table whose key names a mapper's rows: its own, or its hierarchy's root's (the same table but under joined-table inheritance). */
export function baseTable(mapper: Mapper): Table {
  return mapper.inheritance?.hierarchy.root.table ?? mapper.table;
}

/** Whether `mapper` is a class of joined-table inheritance (its root included). */
export function isJoined(mapper: Mapper): boolean {
  return mapper.inheritance?.hierarchy.mode === "joined";
}

/** The FROM item of a query through `mapper`: its hierarchy's tables joined; undefined outside joined-table inheritance. */
export function joinedFromOf(mapper: Mapper): FromNode | undefined {
  if (!isJoined(mapper)) return undefined;
  const { hierarchy, tables } = mapper.inheritance!;
  const root = hierarchy.root.table;
  let from: FromNode = root.fromNode;
  // Inner joins first: the rows of the class; then the tables of its subclasses and of the other
  // branches, optional: they hold columns of some of its rows (not locked by FOR UPDATE).
  for (const table of tables) if (table !== root) from = { kind: "join", type: "inner", left: from, right: table.fromNode, on: keyOn(table, root) };
  for (const table of hierarchy.tables) if (!tables.includes(table)) from = { kind: "join", type: "left", left: from, right: table.fromNode, on: keyOn(table, root), optional: true };
  return from;
}

/** `table.key = root.key`, column by column (a joined table's key columns are in the root's key order). */
export function keyOn(table: Table, root: Table): ExprNode {
  return and(...table.primaryKey.map((column, i) => column.eq(root.primaryKey[i] as never))).node;
}

/**
 * What the Core refuses to write through a class of joined-table inheritance, as its
 * `FromSource.notWritable`: `insert`, `update` and `deleteFrom` of it run outside a session (the
 * session runs them one statement per table, session/bulk-joined.ts and bulk-insert-joined.ts).
 * Undefined for a root, which writes its own table.
 */
export function joinedWriteRefusal(mapper: Mapper): string | undefined {
  if (!isJoined(mapper) || mapper.inheritance!.parent === undefined) return undefined;
  return (
    `${mapper.name}'s rows span the tables ${mapper.inheritance!.tables.map((t) => `'${t.name}'`).join(", ")} (joined-table inheritance), which one Core statement cannot write. ` +
    `Run insert(${mapper.name}) (its rows given apart: session.execute(insert(${mapper.name}), rows)), update(${mapper.name}) and deleteFrom(${mapper.name}) through session.execute(), which writes each table; or add objects to a session.`
  );
}

/** The tables that hold a row of `mapper`, the root's first: its table, or under joined-table inheritance its classes' tables. */
export function tablesOf(mapper: Mapper): readonly Table[] {
  return isJoined(mapper) ? mapper.inheritance!.tables : [mapper.table];
}

/** Whether `fk` is the key that joins two tables of `mapper`'s joined-table hierarchy: not a relationship's. */
export function isInheritanceKey(fk: ForeignKey, mapper: Mapper): boolean {
  if (!isJoined(mapper)) return false;
  const { tables } = mapper.inheritance!.hierarchy;
  return tables.includes(fk.table) && tables.includes(fk.referredTable) && fk.columns.every((c) => c.primaryKey);
}

/**
 * A bulk UPDATE through the root of a joined-table hierarchy writes the root's table: setting a
 * subclass's column there is refused before it runs, naming the class and the fix.
 */
export function refuseOtherTables(mapper: Mapper, values: ReadonlyMap<string, unknown>): void {
  if (!isJoined(mapper) || mapper.inheritance!.parent !== undefined) return;
  for (const attr of values.keys()) {
    const column = mapper.columns.get(attr);
    if (column === undefined || column.table === mapper.table) continue;
    throw new ArgumentError(
      `update(${mapper.name}) sets '${attr}', a column of table '${column.table.name}' (joined-table inheritance), but writes table '${mapper.table.name}' only: the rows of other classes have none there. ` +
        `Update the class whose table it is (update(${mapper.registry.mappers.find((m) => m.table === column.table)?.name ?? "..."}) through session.execute()), or change the objects in a session.`,
    );
  }
}
