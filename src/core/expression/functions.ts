/**
 * SQL functions. The common aggregates and scalar functions are typed; `func.call` reaches any
 * other function by name, its result type given by the caller.
 */
import type { ExprNode } from "../ast/nodes.js";
import { types, type Decimal, type SqlType } from "../types/sql-type.js";
import { Expression, toNode } from "./expression.js";

type Arg = Expression<unknown> | string | number | boolean | null;

function call<T>(name: string, args: readonly Arg[], type?: SqlType, distinct = false): Expression<T> {
  const nodes: ExprNode[] = args.map((a) => toNode(a, undefined));
  return new Expression<T>({ kind: "function", name, args: nodes, distinct }, type);
}

const star: ExprNode = { kind: "star" };

/** A decimal's average is a decimal of no fixed scale; anything else's a float. */
const avgOfDecimal = Object.freeze({ kind: "numeric" }) as SqlType;

function avg(expr: Expression<unknown>): Expression<unknown> {
  return call("avg", [expr], expr.type?.kind === "numeric" ? avgOfDecimal : types.float());
}

/** SQL functions: `func.count()`, `func.sum(col)`... each typed by what it returns. */
export const func = {
  /** `count(*)`, `count(expr)` or, with `{ distinct: true }`, `count(DISTINCT expr)`. */
  count(expr?: Expression<unknown>, options: { distinct?: boolean } = {}): Expression<number> {
    const node: ExprNode = { kind: "function", name: "count", args: [expr ? expr.node : star], distinct: options.distinct ?? false };
    return new Expression<number>(node, types.integer());
  },
  /**
   * `sum(expr)`, NULL over no rows. Of decimals a `Decimal` with the input's scale; of integers a
   * number (PostgreSQL and MySQL return a wider type, read back as a number); of bigints a bigint.
   */
  sum<T extends number | Decimal | bigint | null>(expr: Expression<T>): Expression<NonNullable<T> | null> {
    return call("sum", [expr], expr.type);
  },
  /**
   * `avg(expr)`, NULL over no rows. Of decimals a `Decimal` (its digits after the point are the
   * database's: PostgreSQL gives at least 16, MySQL the scale + 4); of numbers and bigints a number.
   */
  avg: avg as {
    (expr: Expression<Decimal> | Expression<Decimal | null>): Expression<Decimal | null>;
    (expr: Expression<number | bigint | null>): Expression<number | null>;
  },
  /** `min(expr)`: `NULL` over no rows. */
  min<T>(expr: Expression<T>): Expression<T | null> {
    return call("min", [expr], expr.type);
  },
  /** `max(expr)`: `NULL` over no rows. */
  max<T>(expr: Expression<T>): Expression<T | null> {
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
  /** Any SQL function by name: `func.call<number>("julianday", col)`. */
  call<T = unknown>(name: string, ...args: Arg[]): Expression<T> {
    return call<T>(name, args);
  },
} as const;
