/**
 * References to part of a table's rows: an ORM single-table subclass's columns (`columnsOf(Manager)`)
 * name the hierarchy's table through a reference of their own, marked with the part of its rows
 * they read (`RowPart`: the condition on its discriminator). A SELECT of such columns reads those
 * rows only, as a SELECT of the entity does: `select(columnsOf(Manager).name)` used to read every
 * employee's name. A joined-table subclass's columns name each of its tables through a reference
 * of their own, marked with its part too and with the FROM item that joins them (`spanRows`): a
 * SELECT of them reads from that, not from each table apart (a cross join).
 */
import type { AliasNode, ExprNode, FromNode, TableNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import { sourcesOf } from "./join-inference.js";
import { collectSources, sameSource } from "./sources.js";

type Source = TableNode | AliasNode;

/**
 * The rows a covering reference reads: part of the rows of `of` (a table, or an alias of one), as
 * the ORM's class of an inheritance hierarchy is part of its base's rows.
 */
export interface RowPart {
  /** What the rows are called in messages: the ORM's class name. */
  readonly name: string;
  /** The table (or alias) whose rows these are part of: one occurrence of it in a query. */
  readonly of: Source;
  /** The condition selecting them, added to the WHERE of a SELECT of their columns. */
  readonly criterion: ExprNode;
  /** Whether every row of `other` (a part of the same table's rows) is one of these: a subclass's are its base's. */
  includes(other: RowPart): boolean;
}

const parts = new WeakMap<Source, RowPart>();
const units = new WeakMap<Source, FromNode>();
/** Whether any reference spans: until then a select list is not searched for one. */
let spanning = false;
/** The copies of units that select lists added (`withSpannedFrom`), which a FROM item given later replaces. */
const added = new WeakSet<FromNode>();

/** Marks `source` (a reference of its own to a table, or an alias) as reading the rows of `part`. */
export function coverRows(source: Source, part: RowPart): void {
  parts.set(source, part);
}

/** Marks `source` (a reference of its own to a table) as read through `unit`, the FROM item joining it to the tables it goes with. */
export function spanRows(source: Source, unit: FromNode): void {
  units.set(source, unit);
  spanning = true;
}

/** `from` and the units of the spanning references `columns` (a select list) name, whose tables it does not read yet. */
export function withSpannedFrom(from: readonly FromNode[], columns: readonly ExprNode[]): readonly FromNode[] {
  if (!spanning) return from;
  const result = [...from];
  for (const source of collectSources(columns, true)) {
    const unit = units.get(source);
    if (unit === undefined || result.some((item) => sourcesOf(item).some((s) => sameSource(s, source)))) continue;
    const copy = { ...unit };
    added.add(copy);
    result.push(copy);
  }
  return result;
}

/** `from` without the units its select list added that read a table of `items` (given by from() or join()): those read it now. */
export function withoutSpannedOver(from: readonly FromNode[], items: readonly FromNode[]): FromNode[] {
  const tables = items.flatMap(sourcesOf);
  return from.filter((item) => !added.has(item) || !sourcesOf(item).some((s) => tables.some((t) => sameSource(s, t))));
}

/**
 * `where` and the criteria of the covering references that `columns` (a select list) name, but
 * those already in it or in a join's ON (the entity selected, or joined: an outer join keeps its
 * criterion in its ON, where it does not drop the rows without a match). Parts of one table's
 * rows read in one row must be the rows of one of them (a class and its subclass: the subclass's
 * rows); two apart (two subclasses of one base) are refused, since one row is never of both.
 */
export function withColumnCriteria(where: ExprNode | undefined, columns: readonly ExprNode[], from: readonly FromNode[]): ExprNode | undefined {
  let result = where;
  const named: RowPart[] = [];
  for (const source of collectSources(columns, true)) {
    const part = parts.get(source);
    if (part === undefined || named.includes(part)) continue;
    refuseApart(part, named);
    named.push(part);
    if (!from.some((item) => inJoins(item, part.criterion))) result = withCriterion(result, part.criterion);
  }
  return result;
}

/** Refuses `part` beside one of `named` on the same table whose rows are apart from its own. */
function refuseApart(part: RowPart, named: readonly RowPart[]): void {
  const other = named.find((p) => sameSource(p.of, part.of) && !p.includes(part) && !part.includes(p));
  if (other === undefined) return;
  throw new ArgumentError(
    `select() names columns of ${other.name} and of ${part.name}, which read different rows of '${part.of.name}' (a row is one or the other), ` +
      `so one row of the result cannot hold both. Read one of them through an alias of its own (aliased(${part.name}, "...")), joined to the other as you mean them, or run two queries.`,
  );
}

/** `where` AND `criterion`, unless it holds it already. */
export function withCriterion(where: ExprNode | undefined, criterion: ExprNode): ExprNode {
  if (where === undefined) return criterion;
  return holds(where, criterion) ? where : { kind: "and", items: [where, criterion] };
}

/** `where` without `criterion` among its ANDed conditions: a join's ON has taken it over. */
export function withoutCriterion(where: ExprNode | undefined, criterion: ExprNode): ExprNode | undefined {
  if (where === criterion) return undefined;
  if (where?.kind !== "and" || !where.items.includes(criterion)) return where;
  const items = where.items.filter((item) => item !== criterion);
  return items.length === 1 ? items[0] : { kind: "and", items };
}

function holds(condition: ExprNode | undefined, criterion: ExprNode): boolean {
  return condition === criterion || (condition?.kind === "and" && condition.items.some((item) => holds(item, criterion)));
}

function inJoins(item: FromNode, criterion: ExprNode): boolean {
  return item.kind === "join" && (holds(item.on, criterion) || inJoins(item.left, criterion));
}
