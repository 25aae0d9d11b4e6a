/**
 * References to part of a table's rows: an ORM single-table subclass's columns (`columnsOf(Manager)`)
 * name the hierarchy's table through a reference of their own, marked with the condition on its
 * discriminator. A SELECT of such columns reads those rows only, as a SELECT of the entity does:
 * `select(columnsOf(Manager).name)` used to read every employee's name. A joined-table subclass's
 * columns name each of its tables through a reference of their own, marked with the FROM item that
 * joins them (`spanRows`): a SELECT of them reads from that, not from each table apart (a cross join).
 */
import type { AliasNode, ExprNode, FromNode, TableNode } from "../ast/nodes.js";
import { sourcesOf } from "./join-inference.js";
import { collectSources, sameSource } from "./sources.js";

type Source = TableNode | AliasNode;

const criteria = new WeakMap<Source, ExprNode>();
const units = new WeakMap<Source, FromNode>();
/** Whether any reference spans: until then a select list is not searched for one. */
let spanning = false;
/** The copies of units that select lists added (`withSpannedFrom`), which a FROM item given later replaces. */
const added = new WeakSet<FromNode>();

/** Marks `source` (a reference of its own to a table, or an alias) as reading the rows `criterion` selects. */
export function coverRows(source: Source, criterion: ExprNode): void {
  criteria.set(source, criterion);
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
 * criterion in its ON, where it does not drop the rows without a match).
 */
export function withColumnCriteria(where: ExprNode | undefined, columns: readonly ExprNode[], from: readonly FromNode[]): ExprNode | undefined {
  let result = where;
  for (const source of collectSources(columns, true)) {
    const criterion = criteria.get(source);
    if (criterion !== undefined && !from.some((item) => inJoins(item, criterion))) result = withCriterion(result, criterion);
  }
  return result;
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
