/**
 * Joined eager loading: the relationship's target columns are added to the query through a LEFT
 * OUTER JOIN (through the association table for a many-to-many), under an alias so that a
 * self-referential relationship joins its own table. Parents are not duplicated: the hydrator
 * returns one object per key, and each parent collects its distinct children.
 */
import type { AliasNode, ExprNode, FromNode, LabelNode, OrderByNode, SelectNode } from "../../core/ast/nodes.js";
import { ArgumentError } from "../../core/errors.js";
import type { Select } from "../../core/statements/select.js";
import { Select as SelectStatement } from "../../core/statements/select.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { stateOf } from "../state/instance-state.js";
import { setLoaded } from "../state/loaded-lists.js";
import { markPartial, markPartialNull } from "../state/partial-lists.js";
import { markUnmatched } from "../state/unmatched-references.js";
import type { FromSource, Table } from "../../core/schema/table.js";
import type { Column } from "../../core/schema/column.js";
import { columnsReadBy, loadedLabel } from "../mapping/column-properties.js";
import { sourcesOf } from "../../core/statements/join-inference.js";
import { joinModel, modelAliases, type ModelAliases } from "../mapping/joined-aliases.js";
import { hydrator, type HydrationContext, type Hydrator } from "./hydrate.js";
import type { JoinRequest } from "./load-plan.js";
import { isSubmapper } from "../mapping/inheritance.js";
import type { JoinedRowCheck } from "./contains-eager-keys.js";

export interface JoinedLoad {
  readonly rel: RelationshipProperty;
  /** Index of the target's first column in the rows. */
  readonly start: number;
  /** The load whose targets are this one's parents (a nested `joinedLoad`); undefined: the query's entity. */
  readonly under?: number;
  /** Filled from the query's own JOIN (`containsEager`): its lists hold the rows the query kept (partial-lists.ts). */
  readonly partial?: boolean;
  /** `containsEager`: each row's pair checked against the relationship's keys (contains-eager-keys.ts). */
  readonly check?: JoinedRowCheck;
}

/**
 * Adds the joins and columns for `requests` (relationships of the entity selected first, and
 * nested below them, joined from their targets). A query whose rows the joined rows must not
 * change (LIMIT, OFFSET, DISTINCT, GROUP BY, HAVING, or `nested`: values computed over its rows,
 * a window function) becomes a subquery (with its WHERE, ORDER BY, LIMIT and OFFSET), and the
 * joins are made to that, ordered the same way (SQLAlchemy nests for the same reasons).
 */
export function withJoinedLoads(statement: Select<unknown>, requests: readonly JoinRequest[], nested = false): { statement: Select<unknown>; loads: JoinedLoad[] } {
  const node = statement.node;
  if (requests.length === 0) return { statement, loads: [] };
  const rels = requests.filter((r) => r.under === undefined).map((r) => r.rel);
  const entityFrom = node.from[0];
  if (!entityFrom) throw new ArgumentError("joinedLoad() needs a select of an entity.");
  // Joined into the query itself, a count or sum took each member's row, and GROUP BY or DISTINCT
  // kept one member per parent: a collection loaded incomplete, a total multiplied.
  const limited =
    nested || node.limit !== undefined || node.offset !== undefined || node.distinct || (node.distinctOn?.length ?? 0) > 0 || node.groupBy.length > 0 || node.having !== undefined;
  const parentOf = parentSources(entityFrom, rels[0]?.parent.table.name);
  const parents = limited ? limitedParents(node, parentOf, rels) : plainParents(node, parentOf);
  let from = parents.from;
  const columns: LabelNode[] = [...parents.columns];
  const loads: JoinedLoad[] = [];
  // An ordered collection's order comes after the parents' own, so it orders members within a parent.
  const orderBy: OrderByNode[] = [...parents.node.orderBy];
  const aliases: ModelAliases[] = [];
  requests.forEach(({ rel, under }, n) => {
    const { target, pairs, secondary, secondaryPairs, direction } = rel.resolved;
    // A class of joined-table inheritance: each table of its hierarchy under an alias of its own, joined as one unit.
    const targetAliases = modelAliases(target, `${rel.key}_j${n}`);
    aliases.push(targetAliases);
    // pairs: [the parent's column, the column it equals on the target or the association table]
    const parentSide = pairs.map(([column]) => (under === undefined ? parents.column(column) : aliases[under]!.column(column)));
    if (direction === "manyToMany") {
      const linkAlias: AliasNode = { kind: "alias", name: `${rel.key}_l${n}`, of: secondary!.fromNode };
      from = { kind: "join", type: "left", left: from, right: linkAlias, on: allEqual(parentSide, pairs.map(([, link]) => columnOf(linkAlias, link))) };
      const on = allEqual(secondaryPairs.map(([key]) => targetAliases.column(key)), secondaryPairs.map(([, link]) => columnOf(linkAlias, link)));
      from = joinModel(from, target, targetAliases, "left", secondaryPairs[0]![0].table, on);
    } else {
      from = joinModel(from, target, targetAliases, "left", pairs[0]![1].table, allEqual(parentSide, pairs.map(([, remote]) => targetAliases.column(remote))));
    }
    for (const { column, direction, nulls } of rel.order) orderBy.push({ expr: targetAliases.column(column), direction, nulls });
    loads.push({ rel, start: columns.length, under });
    const read = (column: Column) => targetAliases.column(column);
    let aliasColumns: FromSource["c"] | undefined; // for column properties, built on the alias
    for (const key of target.defaultLoad.keys) {
      const { expr, type } = loadedLabel(target, key, read, () => (aliasColumns ??= columnsReadBy(target, read)));
      columns.push({ kind: "label", name: `${targetAliases.root.name}_${key}`, type, expr });
    }
  });
  const joined: SelectNode = { ...parents.node, columns, from: [from, ...parents.node.from.slice(1)], orderBy };
  return { statement: new SelectStatement(joined, statement.layout, statement.statementOptions), loads };
}

/** Where the parents' rows come from: the query itself, or its limited subquery. */
interface ParentRows {
  /** The query to add the joins and columns to. */
  readonly node: SelectNode;
  /** Its first FROM item, to join to. */
  readonly from: FromNode;
  /** Its output columns (the entity's first). */
  readonly columns: readonly LabelNode[];
  /** A column of the entity's tables, as the joins refer to it. */
  column(column: TableColumn): ExprNode;
}

/** Where a parent's column is read from, in the query's first FROM item. */
type ParentSource = (column: TableColumn) => FromNode & { kind: "table" | "alias" };
type TableColumn = { readonly name: string; readonly table: Table };

function plainParents(node: SelectNode, sourceOf: ParentSource): ParentRows {
  return { node, from: node.from[0]!, columns: node.columns, column: (column) => columnOf(sourceOf(column), column) };
}

/**
 * The source of each parent column: the parents' table (`parentSource`), or under joined-table
 * inheritance the first source of the column's own table (`jt_managers.department_id`).
 */
function parentSources(from: FromNode, table: string | undefined): ParentSource {
  const main = parentSource(from, table);
  const sources = from.kind === "join" ? sourcesOf(from) : [main];
  return (column) => (tableOfSource(main) === column.table ? main : (sources.find((s) => tableOfSource(s) === column.table) ?? main));
}

function tableOfSource(source: FromNode & { kind: "table" | "alias" }): unknown {
  return source.kind === "table" ? source.table : source.of.kind === "table" ? source.of.table : undefined;
}

/**
 * The parents' table in the first FROM item: its leftmost source, unless that is a join whose
 * leftmost table is another (a select-in query of a many-to-many starts at the association table).
 */
function parentSource(from: FromNode, table: string | undefined): FromNode & { kind: "table" | "alias" } {
  const left = sourceOf(from);
  if (from.kind !== "join" || table === undefined || left.kind === "alias" || left.name === table) return left;
  const find = (item: FromNode): (FromNode & { kind: "table" }) | undefined =>
    item.kind === "join" ? (find(item.left) ?? find(item.right)) : item.kind === "table" && item.name === table ? item : undefined;
  return find(from) ?? left;
}

/**
 * `SELECT anon.<each column>, <joined columns> FROM (<the query, limited>) AS anon LEFT JOIN ...
 * ORDER BY <the query's order, read from anon>`. The subquery also selects the parent columns the
 * joins need and the ORDER BY expressions, under names of their own.
 */
function limitedParents(node: SelectNode, sourceOf: ParentSource, rels: readonly RelationshipProperty[]): ParentRows {
  if (node.forUpdate) throw new ArgumentError("joinedLoad() with limit/offset (or DISTINCT, GROUP BY) cannot lock rows (FOR UPDATE); use selectinLoad() instead.");
  const extra: LabelNode[] = [];
  // By table and name: the tables of a joined-table class share their key columns' names.
  const keyNames = new Map<string, string>();
  const keyOf = (column: TableColumn) => `${column.table.name}.${column.name}`;
  for (const rel of rels) {
    for (const [column] of rel.resolved.pairs) {
      if (keyNames.has(keyOf(column))) continue;
      const name = `athanor_key_${keyNames.size}`;
      keyNames.set(keyOf(column), name);
      extra.push({ kind: "label", name, type: undefined, expr: columnOf(sourceOf(column), column) });
    }
  }
  node.orderBy.forEach((order, i) => extra.push({ kind: "label", name: `athanor_order_${i}`, type: undefined, expr: order.expr }));
  if (node.distinct) refuseUnselected(node, extra);
  const inner: SelectNode = { ...node, columns: [...node.columns, ...extra] };
  const anon: AliasNode = { kind: "alias", name: "athanor_parents", of: inner };
  const outer: SelectNode = {
    ...node,
    columns: node.columns,
    from: [anon],
    where: undefined,
    groupBy: [],
    having: undefined,
    orderBy: node.orderBy.map((order, i) => ({ ...order, expr: { kind: "column", name: `athanor_order_${i}`, source: anon } })),
    limit: undefined,
    offset: undefined,
    distinct: false,
    distinctOn: undefined,
  };
  return {
    node: outer,
    from: anon,
    columns: node.columns.map((label) => ({ ...label, expr: { kind: "column", name: label.name, source: anon } })),
    column: (column) => ({ kind: "column", name: keyNames.get(keyOf(column))!, source: anon }),
  };
}

/**
 * Under DISTINCT the subquery's extra columns (keys, ORDER BY expressions) must be values it
 * selects already, or they take part in what is distinct: ordered by a book's title, an author came
 * back once per title (and `.limit(2)` gave the first author twice, not the second). SQLite and
 * MariaDB run such a query without the joined load; PostgreSQL refuses it ("ORDER BY expressions
 * must appear in select list").
 */
function refuseUnselected(node: SelectNode, extra: readonly LabelNode[]): void {
  const missing = extra.find(({ expr }) => !node.columns.some((label) => sameColumn(label.expr, expr)));
  if (missing === undefined) return;
  const what = missing.expr.kind === "column" ? `${missing.expr.source.name}.${missing.expr.name}` : "an expression";
  throw new ArgumentError(
    `joinedLoad() of a DISTINCT query that orders by (or joins on) ${what}, which it does not select: the joined load would make its rows ` +
      `distinct by that value too, repeating a row and leaving another out. Select it, order by what the query selects, or use selectinLoad().`,
  );
}

/** Whether two expressions are the same column of the same table or alias. */
function sameColumn(a: ExprNode, b: ExprNode): boolean {
  if (a === b) return true;
  if (a.kind !== "column" || b.kind !== "column" || a.name !== b.name) return false;
  return a.source === b.source || (a.source.kind === b.source.kind && a.source.name === b.source.name);
}

function columnOf(source: FromNode & { kind: "table" | "alias" }, column: { readonly name: string }): ExprNode {
  return { kind: "column", name: column.name, source };
}

/** `a1 = b1 AND a2 = b2 ...` */
function allEqual(left: readonly ExprNode[], right: readonly ExprNode[]): ExprNode {
  const items: ExprNode[] = left.map((l, i) => ({ kind: "binary", op: "=", left: l, right: right[i]! }));
  return items.length === 1 ? items[0]! : { kind: "and", items };
}

function sourceOf(from: FromNode): FromNode & { kind: "table" | "alias" } {
  if (from.kind === "join") return sourceOf(from.left);
  return from;
}

/**
 * Whether a many-to-one's foreign key was set and not flushed (`autoflush: false`): the row joined
 * the object the stored key names, not the one the object's key names now, which a lazy load of
 * the relationship reads (and the flush writes). Left unloaded, it is that one.
 */
function foreignKeyChanged(committed: Record<string, unknown>, rel: RelationshipProperty): boolean {
  for (const attr of rel.localAttributes) if (attr in committed) return true;
  return false;
}

/** The object a many-to-one's key names now: null for a null key, undefined when the session does not hold it (left to load). */
function namedByKey(identity: IdentityMap, rel: RelationshipProperty, dict: Record<string, unknown>): object | null | undefined {
  const attributes = rel.localAttributes;
  if (attributes.some((attr) => dict[attr] === null || dict[attr] === undefined)) return null;
  return rel.referencesTargetKey ? identity.get(rel.resolved.target, identityKeyOf(attributes, dict)) : undefined;
}

/** Reads the joined targets of each row into the parents' attributes; returns each load's target per row. */
export function collectJoined(context: HydrationContext, loads: readonly JoinedLoad[], rows: readonly unknown[][], parents: readonly (object | null)[]): (object | null)[][] {
  // Per load, each row's target: the parents of the loads nested under it.
  const targets: (object | null)[][] = [];
  for (const { rel, start, under, partial, check } of loads) {
    const hydrate: Hydrator = hydrator(rel.resolved.target as Mapper, start, context);
    const parentsOfRows = under === undefined ? parents : targets[under]!;
    const collected = new Map<object, object[]>();
    const children: (object | null)[] = new Array(rows.length);
    const manyToOne = rel.resolved.direction === "manyToOne";
    let rekeyed: Set<object> | undefined;
    const seen = new Map<readonly object[], Set<object>>();
    rows.forEach((row, i) => {
      const child = (children[i] = hydrate(row));
      const parent = parentsOfRows[i];
      if (!parent) return;
      if (check !== undefined && child !== null) check(row);
      const state = stateOf(parent);
      if (!state || state.dict[rel.key] !== undefined) return;
      // A subclass's relationship joined to a query of its base: the other classes' rows have none.
      if (state.mapper !== rel.parent && !isSubmapper(state.mapper, rel.parent)) return;
      // containsEager: a many-to-one the query's JOIN found nothing for while its key names a row
      // (a condition of an outer join left it out) is not loaded, to be read when asked for. Loaded
      // as null, the next flush of the object copied that null into its key: a row unlinked unasked.
      if (child === null && manyToOne && partial === true && namedByKey(context.identity, rel, state.dict) !== null) return;
      if (manyToOne && state.committed !== undefined && foreignKeyChanged(state.committed, rel)) {
        (rekeyed ??= new Set()).add(parent);
        return;
      }
      let items = collected.get(parent);
      if (!items) collected.set(parent, (items = []));
      if (child && !holds(items, child, seen)) items.push(child);
    });
    targets.push(children);
    // Once every row is read: the object named may be one of them.
    for (const parent of rekeyed ?? []) {
      const named = namedByKey(context.identity, rel, stateOf(parent)!.dict);
      if (named !== undefined) collected.set(parent, named === null ? [] : [named]);
    }
    const reads = context.identity.savepointReads;
    for (const [parent, items] of collected) {
      setLoaded(parent, rel, items);
      // A key no row answered: the flush must not copy this null over it (unmatched-references.ts).
      if (manyToOne && items.length === 0 && namedByKey(context.identity, rel, stateOf(parent)!.dict) !== null) markUnmatched(stateOf(parent)!, rel.key);
      if (partial === true && rel.collection) markPartial(stateOf(parent)!.dict[rel.key] as object);
      else if (partial === true && items.length === 0 && !manyToOne) markPartialNull(stateOf(parent)!, rel.key);
      if (reads !== undefined) reads.add(stateOf(parent)!); // its rollback expires it (identity-map.ts)
    }
  }
  return targets;
}

/**
 * Whether a parent's collected members hold `child` already (a row repeated by another joined
 * list). A scan while short; past 16 members a Set, made then: a scan per row was quadratic in a
 * large collection.
 */
function holds(items: readonly object[], child: object, seen: Map<readonly object[], Set<object>>): boolean {
  if (items.length <= 16) return items.includes(child);
  let set = seen.get(items);
  if (set === undefined) seen.set(items, (set = new Set(items)));
  if (set.has(child)) return true;
  set.add(child);
  return false;
}
