/**
 * Function calls that take `FILTER (WHERE ...)` and `OVER (...)`: aggregates (`func.count()`,
 * `func.sum(...)`, `func.call(...)`) and the window-only functions (`func.rowNumber()`), which are
 * not expressions until `over()` says which window they run over.
 */
import type { ExprNode, FunctionNode, OrderByNode } from "../ast/nodes.js";
import type { SqlType } from "../types/sql-type.js";
import { Expression, OrderBy } from "./expression.js";

type Condition = Expression<boolean> | Expression<boolean | null>;
type Orderable = Expression<unknown> | OrderBy;

/** The window of `over(...)`: `PARTITION BY` and `ORDER BY`, each one item or a list. */
export interface WindowSpec {
  readonly partitionBy?: Expression<unknown> | readonly Expression<unknown>[];
  readonly orderBy?: Orderable | readonly Orderable[];
}

function list<T>(item: T | readonly T[] | undefined): readonly T[] {
  if (item === undefined) return [];
  return Array.isArray(item) ? (item as readonly T[]) : [item as T];
}

function overNode(fn: FunctionNode, window: WindowSpec): ExprNode {
  const orderBy: OrderByNode[] = list(window.orderBy).map((o) => (o instanceof OrderBy ? o.node : { expr: o.node, direction: "asc", nulls: undefined }));
  return { kind: "over", fn, partitionBy: list(window.partitionBy).map((p) => p.node), orderBy };
}

/** A function call (`count(*)`, `sum(x)`, ...): an expression that also takes `filter()` and `over()`. */
export class FunctionCall<T> extends Expression<T> {
  declare readonly node: FunctionNode;

  constructor(node: FunctionNode, type: SqlType | undefined) {
    super(node, type);
  }

  /**
   * `agg(...) FILTER (WHERE conditions)`: the aggregate takes only the rows that match (conditions
   * joined with AND). PostgreSQL and SQLite; on MySQL/MariaDB compiling raises
   * `UnsupportedFeatureError` (aggregate a `caseWhen` instead).
   *
   * ```ts
   * select(func.count().label("all"), func.count().filter(orders.c.total.gt(100)).label("big")).from(orders);
   * // SELECT count(*) AS "all", count(*) FILTER (WHERE orders.total > ?) AS big FROM orders
   * ```
   */
  filter(...conditions: Condition[]): FunctionCall<T> {
    const items = [...(this.node.filter ? [this.node.filter] : []), ...conditions.map((c) => c.node)];
    const filter: ExprNode | undefined = items.length === 0 ? undefined : items.length === 1 ? items[0] : { kind: "and", items };
    return new FunctionCall<T>({ ...this.node, filter }, this.type);
  }

  /**
   * `fn(...) OVER (PARTITION BY ... ORDER BY ...)`: the aggregate over a window, one value per
   * row (rows are not grouped); same type as the call.
   *
   * ```ts
   * select(orders.c.id, func.sum(orders.c.total).over({ partitionBy: orders.c.userId, orderBy: orders.c.placedAt }).label("running"));
   * // sum(orders.total) OVER (PARTITION BY orders.user_id ORDER BY orders.placed_at ASC) AS running
   * ```
   */
  over(window: WindowSpec = {}): Expression<T> {
    return new Expression<T>(overNode(this.node, window), this.type);
  }
}

/** A window-only function (`row_number()`, `rank()`, `lag()` ...): give it a window with `over()`. */
export class WindowFunction<T> {
  /** Phantom: the type of the value. */
  declare readonly __type?: T;

  constructor(
    /** The call, without its window. */
    readonly node: FunctionNode,
    readonly type: SqlType | undefined,
  ) {}

  /**
   * `fn(...) OVER (PARTITION BY ... ORDER BY ...)`: the window function becomes an expression,
   * typed as the function (`rowNumber()`: number).
   *
   * ```ts
   * select(orders.c.id, func.rowNumber().over({ partitionBy: orders.c.userId, orderBy: orders.c.placedAt.desc() }).label("n"));
   * // row_number() OVER (PARTITION BY orders.user_id ORDER BY orders.placed_at DESC) AS n
   * ```
   */
  over(window: WindowSpec = {}): Expression<T> {
    return new Expression<T>(overNode(this.node, window), this.type);
  }
}
