/**
 * SQL functions. The common aggregates and scalar functions are typed; `func.call` reaches any
 * other function by name, its result type given by the caller.
 */
import type { ExprNode } from "../ast/nodes.js";
import { types, type Decimal, type SqlType } from "../types/sql-type.js";
import { Expression, toNode } from "./expression.js";
import { FunctionCall, WindowFunction } from "./window.js";

type Arg = Expression<unknown> | string | number | boolean | null;

function call<T>(name: string, args: readonly Arg[], type?: SqlType, distinct = false): FunctionCall<T> {
  const nodes: ExprNode[] = args.map((a) => toNode(a, undefined));
  return new FunctionCall<T>({ kind: "function", name, args: nodes, distinct }, type);
}

function windowOnly<T>(name: string, args: readonly ExprNode[], type: SqlType | undefined): WindowFunction<T> {
  return new WindowFunction<T>({ kind: "function", name, args, distinct: false }, type);
}

const star: ExprNode = { kind: "star" };

/** A decimal's average is a decimal of no fixed scale; anything else's a float. */
const avgOfDecimal = Object.freeze({ kind: "numeric" }) as SqlType;

/**
 * Not of decimals, the average of the values as doubles: MySQL's AVG of integers is a DECIMAL of
 * 4 digits after the point (1.6667 where PostgreSQL and SQLite give 1.6666666666666667).
 */
function avg(expr: Expression<unknown>): FunctionCall<unknown> {
  const kind = expr.type?.kind;
  if (kind === "numeric") return call("avg", [expr], avgOfDecimal);
  const float = types.float();
  const arg = kind === "float" ? expr : new Expression<unknown>({ kind: "cast", expr: expr.node, type: float }, float);
  return call("avg", [arg], float);
}

/** SQL functions: `func.count()`, `func.sum(col)`... each typed by what it returns. */
export const func = {
  /** `count(*)`, `count(expr)` or, with `{ distinct: true }`, `count(DISTINCT expr)`. */
  count(expr?: Expression<unknown>, options: { distinct?: boolean } = {}): FunctionCall<number> {
    return new FunctionCall<number>({ kind: "function", name: "count", args: [expr ? expr.node : star], distinct: options.distinct ?? false }, types.integer());
  },
  /**
   * `sum(expr)`, NULL over no rows. Of decimals a `Decimal` with the input's scale; of integers a
   * number (PostgreSQL and MySQL return a wider type: a sum past 2^53 is `DataError`, sum
   * `cast(expr, types.bigint())` for such); of bigints a bigint.
   */
  sum<T extends number | Decimal | bigint | null>(expr: Expression<T>): FunctionCall<NonNullable<T> | null> {
    return call("sum", [expr], expr.type);
  },
  /**
   * `avg(expr)`, NULL over no rows. Of decimals a `Decimal` (its digits after the point are the
   * database's: PostgreSQL gives at least 16, MySQL the scale + 4); of numbers and bigints a number,
   * the average of their doubles on every database (`avg(CAST(x AS DOUBLE))`).
   */
  avg: avg as {
    (expr: Expression<Decimal> | Expression<Decimal | null>): FunctionCall<Decimal | null>;
    (expr: Expression<number | bigint | null>): FunctionCall<number | null>;
  },
  /** `min(expr)`: `NULL` over no rows. */
  min<T>(expr: Expression<T>): FunctionCall<T | null> {
    return call("min", [expr], expr.type);
  },
  /** `max(expr)`: `NULL` over no rows. */
  max<T>(expr: Expression<T>): FunctionCall<T | null> {
    return call("max", [expr], expr.type);
  },
  /** `lower(expr)` */
  lower<T extends string | null>(expr: Expression<T>): Expression<T> {
    return call("lower", [expr], expr.type);
  },
  /** `upper(expr)` */
  upper<T extends string | null>(expr: Expression<T>): Expression<T> {
    return call("upper", [expr], expr.type);
  },
  /** The number of characters: `char_length()`, since MySQL's `length()` counts bytes (`length()` on SQLite, which has no `char_length()`). */
  length(expr: Expression<string | null>): Expression<number> {
    return call("char_length", [expr], types.integer());
  },
  /** `abs(expr)` */
  abs<T extends number | Decimal | null>(expr: Expression<T>): Expression<T> {
    return call("abs", [expr], expr.type);
  },
  /** `coalesce(a, b, ...)`: the first argument that is not `NULL`. */
  coalesce<T>(expr: Expression<T>, ...rest: (Expression<T> | Expression<NonNullable<T>> | NonNullable<T>)[]): Expression<T> {
    return new Expression<T>(
      { kind: "function", name: "coalesce", args: [expr.node, ...rest.map((r) => toNode(r, expr.type))], distinct: false },
      expr.type,
    );
  },
  /** Any SQL function by name: `func.call<number>("julianday", col)`; an aggregate's call takes `filter()` and `over()`. */
  call<T = unknown>(name: string, ...args: Arg[]): FunctionCall<T> {
    return call<T>(name, args);
  },

  // Window functions: only usable with `.over(...)`, which gives the expression.

  /** `row_number() OVER (...)`: 1, 2, 3 ... within each partition, in the window's order. */
  rowNumber(): WindowFunction<number> {
    return windowOnly("row_number", [], types.integer());
  },
  /** `rank() OVER (...)`: ties share a rank, leaving gaps after them (1, 1, 3). */
  rank(): WindowFunction<number> {
    return windowOnly("rank", [], types.integer());
  },
  /** `dense_rank() OVER (...)`: ties share a rank, without gaps (1, 1, 2). */
  denseRank(): WindowFunction<number> {
    return windowOnly("dense_rank", [], types.integer());
  },
  /** `percent_rank() OVER (...)`: (rank - 1) / (rows in partition - 1), from 0 to 1. */
  percentRank(): WindowFunction<number> {
    return windowOnly("percent_rank", [], types.float());
  },
  /** `cume_dist() OVER (...)`: the fraction of the partition's rows up to and including this one's peers. */
  cumeDist(): WindowFunction<number> {
    return windowOnly("cume_dist", [], types.float());
  },
  /** `ntile(buckets) OVER (...)`: which of `buckets` near-equal groups the row falls in, from 1. */
  ntile(buckets: number): WindowFunction<number> {
    return windowOnly("ntile", [toNode(buckets, types.integer())], types.integer());
  },
  /** `lag(expr, offset) OVER (...)`: the value `offset` rows (default 1) before, or `NULL` before the first. */
  lag<T>(expr: Expression<T>, offset = 1): WindowFunction<T | null> {
    return windowOnly("lag", [expr.node, toNode(offset, types.integer())], expr.type);
  },
  /** `lead(expr, offset) OVER (...)`: the value `offset` rows (default 1) after, or `NULL` after the last. */
  lead<T>(expr: Expression<T>, offset = 1): WindowFunction<T | null> {
    return windowOnly("lead", [expr.node, toNode(offset, types.integer())], expr.type);
  },
  /** `first_value(expr) OVER (...)`: the value in the window frame's first row. */
  firstValue<T>(expr: Expression<T>): WindowFunction<T> {
    return windowOnly("first_value", [expr.node], expr.type);
  },
} as const;
