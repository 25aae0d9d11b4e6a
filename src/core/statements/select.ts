/**
 * `select(...)`: an immutable SELECT builder. Every method returns a new statement, so a base
 * query can be reused and extended safely.
 *
 * ```ts
 * const stmt = select(users.c.id, users.c.name).where(users.c.name.like("a%")).orderBy(users.c.id);
 * // rows: { id: number; name: string | null }[]
 * ```
 */
import type { AliasNode, ExprNode, FromNode, JoinType, SelectNode, TableNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import { Expression, OrderBy, toNode, type Labeled, type SelectQuery } from "../expression/expression.js";
import { types } from "../types/sql-type.js";
import type { FromSource } from "../schema/table.js";
import type { Executable, StatementOption, WithOptions } from "./executable.js";
import { inferJoinCondition, sourcesOf } from "./join-inference.js";
import {
  entitySource,
  isFromSource,
  labelItems,
  type FirstValue,
  type RowOfItems,
  type SelectItem,
  type SelectLayout,
  type TupleOfItems,
} from "./selectable.js";
import { rowCount } from "./row-count.js";
import { cteOf, type Cte, type CteOptions } from "./cte.js";
import { queryColumns } from "./query-columns.js";
import { collectSources, sameSource } from "./sources.js";
import { withColumnCriteria, withCriterion, withoutCriterion, withoutSpannedOver, withSpannedFrom } from "./covered-rows.js";
import { joinSpanning } from "./spanning-join.js";
import { lockedSources } from "../compiler/locking-clause.js";
import { SelectApi, type Condition, type Joinable, type Orderable } from "./select-api.js";

/**
 * What `forUpdate()` locks and how it waits: `of`, the tables, aliases or models whose rows it
 * locks; `nowait`, fail at once (`LockNotAvailableError`) on a row another transaction holds;
 * `skipLocked`, leave such rows out of the result (a job queue's workers take disjoint rows).
 */
export interface ForUpdateOptions {
  readonly of?: Joinable | readonly Joinable[];
  readonly nowait?: boolean;
  readonly skipLocked?: boolean;
}
const onTrue: ExprNode = { kind: "raw", parts: ["TRUE"] };

/**
 * A `SELECT` statement, built by `select(...)`; every method returns a new statement.
 *
 * @typeParam Row - result rows as objects keyed by column label (Core execution)
 * @typeParam First - the value of the first select item, returned by `scalar()` / `scalars()`
 * @typeParam Tuple - result rows as tuples, one value per item, entities as instances (ORM execution)
 */
export class Select<Row, First = unknown, Tuple extends readonly unknown[] = unknown[]> extends SelectApi<Row, First, Tuple> implements Executable<Row>, SelectQuery<Row> {
  declare readonly __row?: Row;
  declare readonly __first?: First;
  declare readonly __tuple?: Tuple;

  constructor(
    readonly node: SelectNode,
    /** Which output columns each select item produced: how the ORM reads rows back. */
    readonly layout: SelectLayout = [],
    /** Options for the layer that executes the statement (ORM loader options); not part of the SQL. */
    readonly statementOptions: readonly StatementOption[] = [],
  ) {
    super();
    Object.freeze(this);
  }

  private with(changes: Partial<SelectNode>): Select<Row, First, Tuple> {
    return new Select<Row, First, Tuple>({ ...this.node, ...changes }, this.layout, this.statementOptions);
  }

  options<const O extends readonly StatementOption[]>(
    ...options: O
  ): Select<Row, WithOptions<First, O>, { -readonly [I in keyof Tuple]: WithOptions<Tuple[I], O> }> {
    return new Select(this.node, this.layout, [...this.statementOptions, ...options]) as never;
  }

  from(...sources: Joinable[]): Select<Row, First, Tuple> {
    const resolved = sources.map((s) => resolveSource("from", s));
    const items = resolved.map((s) => s.joinedFrom ?? s.fromNode);
    return this.with({ from: dedupe([...withoutSpannedOver(this.node.from, items), ...items]), where: withCriteria(this.node.where, resolved) });
  }

  where(...conditions: Condition[]): Select<Row, First, Tuple> {
    return this.with({ where: andNodes(this.node.where, conditions) });
  }

  join(target: Joinable, on?: Condition): Select<Row, First, Tuple> {
    return this.joinWith("inner", target, on);
  }
  leftJoin(target: Joinable, on?: Condition): Select<Row, First, Tuple> {
    return this.joinWith("left", target, on);
  }
  rightJoin(target: Joinable, on?: Condition): Select<Row, First, Tuple> {
    return this.joinWith("right", target, on);
  }
  fullJoin(target: Joinable, on?: Condition): Select<Row, First, Tuple> {
    return this.joinWith("full", target, on);
  }

  orderBy(...items: Orderable[]): Select<Row, First, Tuple> {
    const nodes = items.map((i) => (i instanceof OrderBy ? i.node : { expr: i.node, direction: "asc" as const, nulls: undefined }));
    return this.with({ orderBy: [...this.node.orderBy, ...nodes] });
  }

  groupBy(...items: Expression<unknown>[]): Select<Row, First, Tuple> {
    return this.with({ groupBy: [...this.node.groupBy, ...items.map((i) => i.node)] });
  }

  having(...conditions: Condition[]): Select<Row, First, Tuple> {
    return this.with({ having: andNodes(this.node.having, conditions) });
  }

  limit(count: number | undefined): Select<Row, First, Tuple> {
    const checked = rowCount("Select.limit", count);
    return this.with({ limit: checked === undefined ? undefined : toNode(checked, types.integer()) });
  }

  offset(count: number | undefined): Select<Row, First, Tuple> {
    const checked = rowCount("Select.offset", count);
    return this.with({ offset: checked === undefined ? undefined : toNode(checked, types.integer()) });
  }

  distinct(enabled = true): Select<Row, First, Tuple> {
    return this.with({ distinct: enabled });
  }

  distinctOn(...exprs: Expression<unknown>[]): Select<Row, First, Tuple> {
    return this.with({ distinctOn: exprs.length ? exprs.map((e) => e.node) : undefined });
  }

  forUpdate(lock: boolean | ForUpdateOptions = true): Select<Row, First, Tuple> {
    if (typeof lock === "boolean") return this.with({ forUpdate: lock, forUpdateOf: undefined, forUpdateWait: undefined });
    if (lock.nowait === true && lock.skipLocked === true) throw new ArgumentError("forUpdate(): nowait and skipLocked exclude each other; choose one (nowait fails on a locked row, skipLocked leaves it out).");
    const wait = lock.nowait === true ? "nowait" : lock.skipLocked === true ? "skipLocked" : undefined;
    if (lock.of === undefined) return this.with({ forUpdate: true, forUpdateOf: undefined, forUpdateWait: wait });
    const of = (Array.isArray(lock.of) ? lock.of : [lock.of]) as readonly Joinable[];
    if (of.length === 0) throw new ArgumentError("forUpdate({ of }): name at least one table, alias or model to lock.");
    // A source of several tables (the ORM's joined-table class) locks those of its rows: not its optional joins'.
    const targets = of.flatMap((item) => {
      const source = resolveSource("forUpdate", item);
      return source.joinedFrom === undefined ? [source.fromNode] : lockedSources([source.joinedFrom]);
    });
    return this.with({ forUpdate: true, forUpdateOf: targets, forUpdateWait: wait });
  }

  addColumns<const I extends readonly SelectItem[]>(...items: I): Select<Row & RowOfItems<I>, First, [...Tuple, ...TupleOfItems<I>]> {
    const { labels, layout } = labelItems(items, this.node.columns.length);
    const from = withSpannedFrom(this.node.from, labels.map((l) => l.expr));
    // All the columns: those added may name rows apart from those of the columns already there.
    const where = withColumnCriteria(this.node.where, [...this.node.columns, ...labels].map((l) => l.expr), from);
    return new Select({ ...this.node, columns: [...this.node.columns, ...labels], from, where }, [...this.layout, ...layout], this.statementOptions);
  }

  subquery<N extends string>(name: N): Subquery<Row> {
    return new Subquery<Row>(this.node, name);
  }

  lateral<N extends string>(name: N): Subquery<Row> {
    return new Subquery<Row>(this.node, name, true);
  }

  cte<N extends string>(name: N, options?: CteOptions): Cte<Row> {
    return cteOf<Row>(this.node, name, options);
  }

  private joinWith(type: JoinType, target: Joinable, on: Condition | undefined): Select<Row, First, Tuple> {
    const source = resolveSource("join", target);
    if (source.joinedFrom !== undefined) return this.joinSpanning(type, source, on, typeof target === "function" ? target.name : "the source");
    const right = source.fromNode;
    // Without from(), join from the first table of the select list (the rest of the tables it
    // names are added at compile time, unless a join covers them). A bare FROM item that is the
    // join target is replaced by the join.
    const from = this.node.from.filter((item) => item !== right);
    if (from.length === 0) from.push(...this.inferredFrom(right).slice(0, 1));
    if (from.length === 0) throw new ArgumentError(`join(): nothing to join from; call from() first.`);
    // Join from the FROM item that the target links to: the last one, unless the condition (or
    // the foreign keys) point at another.
    let index = from.length - 1;
    if (from.length > 1) {
      const linked = on ? findLastIndex(from, (item) => namedBy(on.node, item, right)) : from.findIndex((item) => canJoin(item, right));
      if (linked >= 0) index = linked;
    }
    const left = from[index]!;
    // A lateral subquery is usually correlated in its own WHERE and joined ON TRUE.
    const inferred = on ? on.node : right.kind === "alias" && right.lateral ? onTrue : inferJoinCondition(left, right);
    const condition = source.criterion === undefined ? inferred : ({ kind: "and", items: [inferred, source.criterion] } as ExprNode);
    from[index] = { kind: "join", type, left, right, on: condition };
    // The criterion its columns in the select list put in WHERE is the join's now (an outer join keeps the rows without a match).
    return this.with({ from, where: source.criterion === undefined ? this.node.where : withoutCriterion(this.node.where, source.criterion) });
  }

  /** `joinWith` of a source whose columns span several tables (spanning-join.ts). */
  private joinSpanning(type: JoinType, source: FromSource, on: Condition | undefined, name: string): Select<Row, First, Tuple> {
    const unit = source.joinedFrom!;
    const from = withoutSpannedOver(this.node.from, [unit]).filter((item) => item !== unit);
    if (from.length === 0) from.push(...collectSources(this.node.columns.map((c) => c.expr)).filter((s) => !sameFromItem(unit, s)).slice(0, 1));
    if (from.length === 0) throw new ArgumentError(`join(): nothing to join from; call from() first.`);
    const where = source.criterion === undefined ? this.node.where : withoutCriterion(this.node.where, source.criterion);
    return this.with({ from: joinSpanning(from, type, source, on?.node, name), where });
  }

  /** FROM items implied by the select list, excluding the join target. */
  private inferredFrom(exclude: TableNode | AliasNode): FromNode[] {
    const sources = collectSources(this.node.columns.map((c) => c.expr));
    return sources.filter((s) => !sameFromItem(s, exclude));
  }
}

/** A SELECT used as a named FROM item. */
export class Subquery<Row> implements FromSource<Row> {
  declare readonly __row?: Row;
  readonly fromNode: AliasNode;
  readonly c: FromSource<Row>["c"];
  readonly columnList: readonly Labeled<unknown, string>[];
  readonly underlyingTable = undefined;

  constructor(query: SelectNode, readonly name: string, lateral = false) {
    this.fromNode = lateral ? { kind: "alias", name, of: query, lateral } : { kind: "alias", name, of: query };
    ({ columnList: this.columnList, c: this.c } = queryColumns<Row>(query.columns, this.fromNode));
  }
}

/**
 * Starts a SELECT of columns, expressions and whole tables. The row type follows from the items:
 * a column contributes its key and value type, a table all of its columns; a mapped class, its
 * objects (through a Session).
 *
 * ```ts
 * const rows = await engine.execute(
 *   select(users.c.name, func.count(orders.c.id).label("orders"))
 *     .join(orders, orders.c.userId.eq(users.c.id))
 *     .groupBy(users.c.name)
 *     .orderBy(users.c.name)
 *     .limit(10),
 * ); // { name: string | null; orders: number }[]
 * const posts = await session.scalars(select(Post).where(columnsOf(Post).title.startsWith("How"))); // Post[]
 * ```
 */
export function select<const I extends readonly SelectItem[]>(...items: I): Select<RowOfItems<I>, FirstValue<I>, TupleOfItems<I>> {
  const { labels: columns, layout } = labelItems(items);
  const sources = items
    .map((item) => (typeof item === "function" ? resolveSource("select", item) : isFromSource(item) ? item : undefined))
    .filter((s) => s !== undefined);
  const from = withSpannedFrom(dedupe(sources.map((s) => s.joinedFrom ?? s.fromNode)), columns.map((c) => c.expr));
  return new Select(
    {
    kind: "select",
    columns,
    from,
    where: withColumnCriteria(withCriteria(undefined, sources), columns.map((c) => c.expr), from),
    groupBy: [],
    having: undefined,
    orderBy: [],
    limit: undefined,
    offset: undefined,
      distinct: false,
      forUpdate: false,
    },
    layout,
  );
}

/** A table, alias or subquery as it is; an entity as the source its resolver gives. */
function resolveSource(method: string, item: Joinable): FromSource {
  if (typeof item === "function") {
    const source = entitySource(item);
    if (!source) throw new ArgumentError(`${method}(): class ${item.name} is not a mapped model.`);
    return source;
  }
  if (!isFromSource(item)) throw new ArgumentError(`${method}() takes tables, aliases, subqueries and models; got ${String(item)}.`);
  return item;
}

function andNodes(existing: ExprNode | undefined, conditions: readonly Condition[]): ExprNode | undefined {
  const items = [...(existing ? [existing] : []), ...conditions.map((c) => c.node)];
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { kind: "and", items };
}

/** `where` with the criteria of the sources that cover part of their table (`FromSource.criterion`). */
function withCriteria(where: ExprNode | undefined, sources: readonly FromSource[]): ExprNode | undefined {
  let result = where;
  for (const source of sources) if (source.criterion !== undefined) result = withCriterion(result, source.criterion);
  return result;
}

function canJoin(left: FromNode, right: TableNode | AliasNode): boolean {
  try {
    inferJoinCondition(left, right);
    return true;
  } catch {
    return false;
  }
}

/** Whether the condition names a table or alias of FROM item `item` other than the join target. */
function namedBy(condition: ExprNode, item: FromNode, target: TableNode | AliasNode): boolean {
  return collectSources([condition]).some((source) => !sameFromItem(target, source) && sameFromItem(item, source));
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

function sameFromItem(a: FromNode, b: TableNode | AliasNode): boolean {
  return sourcesOf(a).some((s) => sameSource(s, b));
}

function dedupe(from: FromNode[]): FromNode[] {
  return from.filter((item, i) => from.findIndex((other) => other === item) === i);
}
