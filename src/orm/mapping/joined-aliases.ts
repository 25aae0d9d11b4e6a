/**
 * A model's tables under aliases of one query: one table, or under joined-table inheritance every
 * table of its hierarchy (each class maps every column of it, joined-tables.ts). A joined eager
 * load of such a class, and `aliased()` of one, read each column from the alias of its own table.
 */
import type { AliasNode, ExprNode, FromNode, JoinType } from "../../core/ast/nodes.js";
import type { Table } from "../../core/schema/table.js";
import { criterionAt } from "./inheritance.js";
import { isJoined } from "./joined-tables.js";
import type { Mapper } from "./mapper.js";

/** The aliases of a model's tables in one query, and the column of each as read from its alias. */
export interface ModelAliases {
  /** The alias of the table of the model's key (its hierarchy's root's, under joined-table inheritance). */
  readonly root: AliasNode;
  /** Every table with its alias, the root's first, then the tables that hold a row of the class, then the others. */
  readonly all: readonly (readonly [Table, AliasNode])[];
  /** The alias a column of one of the model's tables is read from. */
  aliasOf(column: { readonly table: Table }): AliasNode;
  /** `column` (of one of the model's tables) as read from its alias. */
  column(column: { readonly table: Table; readonly name: string }): ExprNode;
}

/**
 * Aliases for `mapper`'s tables: the root's named `name`, each other table of a joined-table
 * hierarchy `name_<i>` (its place in the hierarchy's tables), the same in every query.
 */
export function modelAliases(mapper: Mapper, name: string): ModelAliases {
  const tables = isJoined(mapper) ? ordered(mapper) : [mapper.table];
  const byTable = new Map<Table, AliasNode>();
  const hierarchyTables = mapper.inheritance?.hierarchy.tables ?? [];
  for (const table of tables) byTable.set(table, { kind: "alias", name: tableAliasName(name, hierarchyTables.indexOf(table)), of: table.fromNode });
  const aliasOf = (column: { readonly table: Table }): AliasNode => {
    const alias = byTable.get(column.table);
    if (alias === undefined) throw new Error(`internal: table '${column.table.name}' is not one of ${mapper.name}'s`);
    return alias;
  };
  return {
    root: byTable.get(tables[0]!)!,
    all: [...byTable],
    aliasOf,
    column: (column) => ({ kind: "column", name: column.name, source: aliasOf(column) }),
  };
}

/** The alias of the table at `index` of a hierarchy's tables, in the model's aliases named `name` (the root's: `name`). */
export function tableAliasName(name: string, index: number): string {
  return index > 0 ? `${name}_${index}` : name;
}

/** The root's table, the tables of the class below it, then the hierarchy's others. */
function ordered(mapper: Mapper): Table[] {
  const own = mapper.inheritance!.tables;
  return [...own, ...mapper.inheritance!.hierarchy.tables.filter((t) => !own.includes(t))];
}

/**
 * Joins `from` to the model's aliased tables as one unit, of `type` (inner or left): first the
 * table `on` names (`anchor`, which the relationship's columns are in), then each other table on
 * the key, the class's own by `type`, its subclasses' and other branches' by LEFT JOIN; the class's
 * criterion (its discriminator values) is in the root's ON. A left join makes every table's join
 * a left one: a parent without a row keeps its row, and a child row that is not of the class
 * reads as none (the root's key is NULL then, polymorphic.ts).
 */
export function joinModel(from: FromNode, mapper: Mapper, aliases: ModelAliases, type: JoinType, anchor: Table, on: ExprNode): FromNode {
  const first = aliases.aliasOf({ table: anchor });
  const criterion = criterionAt(mapper, aliases.root);
  const withCriterion = (alias: AliasNode, condition: ExprNode): ExprNode =>
    alias === aliases.root && criterion !== undefined ? { kind: "and", items: [condition, criterion] } : condition;
  let joined: FromNode = { kind: "join", type, left: from, right: first, on: withCriterion(first, on) };
  const own = isJoined(mapper) ? mapper.inheritance!.tables : [mapper.table];
  for (const [table, alias] of aliases.all) {
    if (alias === first) continue;
    const on = withCriterion(alias, sameKey(table, alias, anchor, first));
    joined = own.includes(table) ? { kind: "join", type, left: joined, right: alias, on } : { kind: "join", type: "left", left: joined, right: alias, on, optional: true };
  }
  return joined;
}

/**
 * The FROM item of a query through the aliased model: its root's alias, the aliases of the tables
 * that hold a row of the class INNER JOINed on the key, the others LEFT OUTER JOINed (as
 * joinedFromOf for the tables themselves); undefined for a model of one table.
 */
export function aliasedFrom(mapper: Mapper, aliases: ModelAliases): FromNode | undefined {
  if (!isJoined(mapper)) return undefined;
  const [[rootTable, root], ...others] = aliases.all;
  const own = mapper.inheritance!.tables;
  let from: FromNode = root!;
  for (const [table, alias] of others) {
    const on = sameKey(table, alias, rootTable!, root!);
    from = own.includes(table) ? { kind: "join", type: "inner", left: from, right: alias, on } : { kind: "join", type: "left", left: from, right: alias, on, optional: true };
  }
  return from;
}

/** `alias.key = other.key`, column by column: the tables of a hierarchy share the root's key, in its order. */
function sameKey(table: Table, alias: AliasNode, otherTable: Table, other: AliasNode): ExprNode {
  const items: ExprNode[] = table.primaryKey.map((column, i) => ({
    kind: "binary",
    op: "=",
    left: { kind: "column", name: column.name, source: alias },
    right: { kind: "column", name: otherTable.primaryKey[i]!.name, source: other },
  }));
  return items.length === 1 ? items[0]! : { kind: "and", items };
}
