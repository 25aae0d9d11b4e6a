/**
 * Loader criteria, SQLAlchemy's `with_loader_criteria`: a condition every ORM read of a model
 * obeys (soft delete, multi-tenancy), wherever the model occurs: the query's FROM (in WHERE), a
 * JOIN to it (in its ON), the JOINs and SELECTs of eager loads, lazy loads, `session.get`, and
 * the WHERE of ORM bulk UPDATE/DELETE. Given per query (`.options(withLoaderCriteria(...))`) or
 * for every statement of a session (`new Session(engine, { criteria: [...] })`).
 *
 * The callback runs each time a statement is built to be executed, so a value it reads at call
 * time (the current tenant) is that statement's; the compiled-SQL cache keys on the statement's
 * shape and binds the values anew (fingerprint.ts), so no SQL or value of another criterion is reused.
 */
import type { AliasNode, ExprNode, FromNode, SelectNode, SetPair, TableNode, WriteNode } from "../../core/ast/nodes.js";
import { ArgumentError } from "../../core/errors.js";
import { Expression } from "../../core/expression/expression.js";
import type { TableSchema } from "../../core/ast/table-schema.js";
import type { StatementOption } from "../../core/statements/executable.js";
import { Select } from "../../core/statements/select.js";
import { andWhere, type Update } from "../../core/statements/update.js";
import type { Delete } from "../../core/statements/delete.js";
import { columnsOf, type ModelColumns } from "../entity.js";
import { mapperOfClass } from "../mapped.js";
import { criterionAt } from "../mapping/inheritance.js";
import { baseTable, isJoined, tablesOf } from "../mapping/joined-tables.js";
import { tableAliasName } from "../mapping/joined-aliases.js";
import type { Mapper } from "../mapping/mapper.js";
import { UnmappedClassError } from "../errors.js";
import { withSource } from "./criteria-sources.js";
import { SubqueryWalker, sourcesRead, type Source } from "./criteria-subqueries.js";

type Condition = Expression<boolean> | Expression<boolean | null>;

/** Options of `withLoaderCriteria`. */
export interface LoaderCriteriaOptions {
  /**
   * The criterion applies to the model's subclasses too (default true). With false, under
   * single-table or joined-table inheritance, the rows of subclasses pass unfiltered.
   */
  readonly includeSubclasses?: boolean;
}

/** A condition that every ORM read of `entity` obeys: made by `withLoaderCriteria`. */
export interface LoaderCriteria<T extends object = any> extends StatementOption {
  readonly optionKind: "athanor.criteria";
  /** The model whose rows the criterion filters (an alias stands for its model). */
  readonly entity: abstract new (...args: any[]) => T;
  /** Called with the model's columns each time a statement is built: the condition. */
  readonly where: (columns: ModelColumns<T>) => Condition;
  /** Whether the subclasses' rows are filtered too (`LoaderCriteriaOptions`). */
  readonly includeSubclasses: boolean;
}

/**
 * A condition that every ORM read of `model` in the statement (or the session: `{ criteria }`)
 * obeys: its FROM, JOINs to it, eager and lazy loads, `session.get`, bulk UPDATE/DELETE. The
 * callback gets the model's typed columns and runs once per statement executed.
 *
 * ```ts
 * const withBody = await session.scalars(select(Post).options(withLoaderCriteria(Post, (p) => p.body.isNotNull())));
 * let author = 7; // read by the callback for each statement
 * const mine = new Session(engine, { criteria: [withLoaderCriteria(Post, (p) => p.authorId.eq(author))] });
 * ```
 */
export function withLoaderCriteria<T extends object>(
  model: abstract new (...args: any[]) => T,
  where: (columns: ModelColumns<T>) => Condition,
  options: LoaderCriteriaOptions = {},
): LoaderCriteria<T> {
  if (!mapperOfClass(model)) throw new UnmappedClassError(`withLoaderCriteria(${(model as { name?: string } | undefined)?.name ?? String(model)}, ...): the class is not mapped.`);
  if (typeof where !== "function") throw new ArgumentError(`withLoaderCriteria(${model.name}, ...): the criterion must be a function of the model's columns, e.g. (c) => c.deletedAt.isNull().`);
  return Object.freeze({ optionKind: "athanor.criteria" as const, entity: model, where, includeSubclasses: options.includeSubclasses ?? true });
}

export function isLoaderCriteria(o: StatementOption): o is LoaderCriteria {
  return o.optionKind === "athanor.criteria";
}

/** Both lists, each criterion once (undefined for none). */
export function unionCriteria(a: readonly LoaderCriteria[] | undefined, b: readonly LoaderCriteria[] | undefined): readonly LoaderCriteria[] | undefined {
  if (!a?.length) return b?.length ? b : undefined;
  if (!b?.length) return a;
  return [...new Set([...a, ...b])];
}

/** What a query's loading is given: the criteria in force, and those its objects keep. */
interface CriteriaContext {
  readonly criteria?: readonly LoaderCriteria[];
  readonly criteriaMark?: readonly LoaderCriteria[];
}

/** `context` with the criteria a statement's options give added (the same context when none). */
export function withQueryCriteria<C extends CriteriaContext>(context: C, statement: { readonly statementOptions: readonly StatementOption[] }): C {
  const own = statement.statementOptions.filter(isLoaderCriteria);
  if (own.length === 0) return context;
  return { ...context, criteria: unionCriteria(context.criteria, own), criteriaMark: unionCriteria(context.criteriaMark, own) };
}

/** One criterion, evaluated for one statement: its condition at any occurrence of its model's table. */
export interface Resolved {
  readonly mapper: Mapper;
  readonly table: TableSchema;
  /** `aliasNamed`: the query's FROM items by alias name, where the hierarchy's other tables are read (joined-aliases.ts). */
  at(source: TableNode | AliasNode, aliasNamed?: (name: string) => AliasNode | undefined): ExprNode;
}

function mapperOf(criteria: LoaderCriteria): Mapper {
  const mapper = mapperOfClass(criteria.entity)!;
  mapper.registry.configure();
  return mapper;
}

/** Runs each callback (once per statement: its values) and checks what it returned. */
export function resolve(list: readonly LoaderCriteria[]): Resolved[] {
  return list.map((criteria) => {
    const mapper = mapperOf(criteria);
    const condition = criteria.where(columnsOf(mapper.class_) as never);
    if (!(condition instanceof Expression)) {
      throw new ArgumentError(`withLoaderCriteria(${mapper.name}, ...): the callback returned ${String(condition)}, not a condition; return one built from the columns it is given, e.g. (c) => c.deletedAt.isNull().`);
    }
    // Under joined-table inheritance, at the root's table: it is in every query of the class, inner-joined.
    const table = baseTable(mapper).fromNode.table;
    return {
      mapper,
      table,
      at(source, aliasNamed) {
        const node = source.kind === "alias" ? atAlias(condition.node, mapper, table, source, aliasNamed) : condition.node;
        const guard = subclassGuard(mapper, criteria.includeSubclasses, source);
        return guard === undefined ? node : { kind: "or", items: [{ kind: "not", expr: guard }, node] };
      },
    };
  });
}

/**
 * `node` read at `alias`, an alias of the root's table: under joined-table inheritance each other
 * table of the hierarchy is read from its own alias of the same occurrence (joined-aliases.ts
 * names them), found among the query's FROM items.
 */
function atAlias(node: ExprNode, mapper: Mapper, root: TableSchema, alias: AliasNode, aliasNamed: ((name: string) => AliasNode | undefined) | undefined): ExprNode {
  let moved = withSource(node, root, alias);
  if (!isJoined(mapper) || aliasNamed === undefined) return moved;
  mapper.inheritance!.hierarchy.tables.forEach((table, index) => {
    const own = index > 0 ? aliasNamed(tableAliasName(alias.name, index)) : undefined;
    if (own !== undefined) moved = withSource(moved, table.fromNode.table, own);
  });
  return moved;
}

/**
 * Under inheritance, the rows the criterion is about (the others pass): a subclass's rows of the
 * root's table, or with `includeSubclasses: false` the class's own rows only.
 */
function subclassGuard(mapper: Mapper, includeSubclasses: boolean, source: TableNode | AliasNode): ExprNode | undefined {
  const inheritance = mapper.inheritance;
  if (inheritance === undefined) return undefined;
  if (includeSubclasses) return criterionAt(mapper, source);
  if (inheritance.identity === undefined) return undefined;
  const { root, discriminator } = inheritance.hierarchy;
  const column = root.columns.get(discriminator)!;
  return { kind: "binary", op: "=", left: { kind: "column", name: column.name, source }, right: { kind: "param", value: inheritance.identity, type: column.type } };
}

/** The table a FROM item reads a model's rows from (undefined for a subquery). */
function tableOf(source: TableNode | AliasNode): TableNode | undefined {
  return source.kind === "table" ? source : source.of.kind === "table" ? source.of : undefined;
}

/** The conditions of `resolved` at one occurrence. */
function conditionsAt(source: TableNode | AliasNode, resolved: readonly Resolved[], aliasNamed?: (name: string) => AliasNode | undefined): ExprNode[] {
  const table = tableOf(source);
  if (table === undefined) return [];
  return resolved.filter((r) => r.table === table.table).map((r) => r.at(source, aliasNamed));
}

/** The aliases among FROM items (joins entered), by name. */
function aliasesIn(from: readonly FromNode[]): Map<string, AliasNode> {
  const found = new Map<string, AliasNode>();
  const visit = (item: FromNode): void => {
    if (item.kind === "join") {
      visit(item.left);
      visit(item.right);
    } else if (item.kind === "alias") found.set(item.name, item);
  };
  from.forEach(visit);
  return found;
}

/**
 * `node` with each criterion at each occurrence of its model: a FROM item's in WHERE, a JOIN's
 * right side's in its ON. `skip`: occurrences already filtered (a first pass), left alone.
 * `outer`: for a subquery, the FROM items around it it may correlate to (not its own). Its own
 * subqueries are not entered here (`applyCriteria` does). Returns the occurrences seen.
 */
export function applyCriteriaTo(node: SelectNode, resolved: readonly Resolved[], skip?: ReadonlySet<FromNode>, outer: readonly Source[] = []): { node: SelectNode; seen: Set<FromNode> } {
  const seen = new Set<FromNode>();
  if (resolved.length === 0) return { node, seen };
  const where: ExprNode[] = [];
  let aliases: Map<string, AliasNode> | undefined;
  const aliasNamed = (name: string) => (aliases ??= aliasesIn(node.from)).get(name);
  const at = (source: TableNode | AliasNode): ExprNode[] => {
    seen.add(source);
    return skip?.has(source) ? [] : conditionsAt(source, resolved, aliasNamed);
  };
  const visit = (item: FromNode): FromNode => {
    if (item.kind !== "join") {
      where.push(...at(item));
      return item;
    }
    const left = visit(item.left);
    const on = at(item.right);
    if (on.length === 0 && left === item.left) return item;
    return { ...item, left, on: on.length ? { kind: "and", items: [item.on, ...on] } : item.on };
  };
  const from = node.from.map(visit);
  // Tables the select list or WHERE names without a FROM item: the compiler adds them to FROM
  // (in a subquery, unless they are the enclosing query's, to which it correlates).
  for (const source of sourcesRead(node, outer).implicit) if (!seen.has(source)) where.push(...at(source));
  if (where.length === 0 && from.every((f, i) => f === node.from[i])) return { node, seen };
  const items = node.where === undefined ? where : [node.where, ...where];
  return { node: { ...node, from, where: items.length === 1 ? items[0] : { kind: "and", items } }, seen };
}

/**
 * `statement` with criteria applied (see `applyCriteriaTo`), and the occurrences seen. A first
 * pass (no `skip`) enters its subqueries too, at any depth (criteria-subqueries.ts); a second one
 * only adds to the query's own FROM and JOINs.
 */
export function applyCriteria(statement: Select<unknown>, resolved: readonly Resolved[], skip?: ReadonlySet<FromNode>): { statement: Select<unknown>; seen: Set<FromNode> } {
  const given = skip === undefined && resolved.length ? walker(resolved).select(statement.node) : statement.node;
  const { node, seen } = applyCriteriaTo(given, resolved, skip);
  return { statement: node === statement.node ? statement : new Select(node, statement.layout, statement.statementOptions), seen };
}

/** `statement` with the criteria of `list` applied, their callbacks run for it. */
export function withCriteria(statement: Select<unknown>, list: readonly LoaderCriteria[] | undefined): Select<unknown> {
  return list?.length ? applyCriteria(statement, resolve(list)).statement : statement;
}

/** A SELECT (an INSERT's `fromSelect`) with the criteria of `list` applied, its subqueries too. */
export function selectWithCriteria(node: SelectNode, list: readonly LoaderCriteria[] | undefined): SelectNode {
  return list?.length ? filteredSelect(node, resolve(list)) : node;
}

/** A SELECT with `resolved` applied to it and to its subqueries. */
function filteredSelect(node: SelectNode, resolved: readonly Resolved[]): SelectNode {
  return applyCriteriaTo(walker(resolved).select(node), resolved).node;
}

/** Whether a criterion of `list` filters the rows of `mapper` (its table, or one of its joined tables). */
export function filters(list: readonly LoaderCriteria[] | undefined, mapper: Mapper): boolean {
  if (!list?.length) return false;
  const tables = tablesOf(mapper);
  return list.some((criteria) => tables.includes(baseTable(mapperOf(criteria))));
}

/** An UPDATE/DELETE of a model with the criteria on its rows ANDed into its WHERE: a tenant filter protects writes too. */
export function dmlWithCriteria<S extends Update<any, any, any, any> | Delete<any, any, any>>(statement: S, list: readonly LoaderCriteria[] | undefined): S {
  const mapper = list?.length && statement.entity ? mapperOfClass(statement.entity) : undefined;
  if (mapper === undefined) return statement;
  mapper.registry.configure();
  // Joined-table inheritance: the criteria name the base table, which the statement may not write first.
  const node = writeWithCriteria(statement.node, resolve(list!), baseTable(mapper).fromNode);
  if (node === statement.node) return statement;
  const { entity, table, returningLayout } = statement;
  return { node, entity, table, returningLayout } as unknown as S;
}

/**
 * The walker that filters each nested SELECT with `resolved` (criteria-subqueries.ts), and the
 * INSERT, UPDATE or DELETE of a data-modifying CTE as a statement of its own.
 */
function walker(resolved: readonly Resolved[]): SubqueryWalker {
  return new SubqueryWalker((select, outer) => applyCriteriaTo(select, resolved, undefined, outer).node, (write) => writeWithCriteria(write, resolved));
}

/**
 * A write with the criteria on its rows (those of `rowsOf`): an UPDATE's or DELETE's ANDed into its WHERE, then its
 * subqueries (in its WHERE, an UPDATE's SET; they correlate to its table) filtered; an INSERT's
 * SELECT filtered as a query.
 */
function writeWithCriteria<N extends WriteNode>(node: N, resolved: readonly Resolved[], rowsOf: TableNode = node.table): N {
  if (node.kind === "insert") {
    const select = node.select && filteredSelect(node.select, resolved);
    return select === node.select ? node : { ...node, select };
  }
  const conditions = conditionsAt(rowsOf, resolved).map((condition) => new Expression<boolean>(condition, undefined));
  const filtered = conditions.length ? andWhere(node.where, conditions) : node.where;
  const walk = walker(resolved);
  const where = filtered && walk.within([node.table], () => walk.expr(filtered));
  const set = node.kind === "update" ? node.set.map(([name, value, ...attr]): SetPair => [name, walk.within([node.table], () => walk.expr(value)), ...attr]) : undefined;
  const changed = where !== node.where || (node.kind === "update" && set!.some(([, value], i) => value !== node.set[i]![1]));
  return changed ? { ...node, where, ...(set ? { set } : {}) } : node;
}
