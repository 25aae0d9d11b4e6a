/** Boolean combinators, `exists`, `case` and `cast`: expressions that do not start from a column. */
import type { ExprNode } from "../ast/nodes.js";
import { types, type SqlType } from "../types/sql-type.js";
import { Expression, toNode, type SelectQuery } from "./expression.js";

type Condition = Expression<boolean> | Expression<boolean | null>;

/**
 * `a AND b AND ...`; `undefined` items are skipped, so optional filters compose.
 *
 * ```ts
 * function search(name?: string, largeOnly = false) {
 *   return select(orders.c.id)
 *     .join(users, orders.c.userId.eq(users.c.id))
 *     .where(and(name === undefined ? undefined : users.c.name.eq(name), largeOnly ? orders.c.total.ge("100") : undefined));
 * }
 * ```
 */
export function and(...conditions: readonly (Condition | undefined)[]): Expression<boolean> {
  return logical("and", conditions);
}

/**
 * `a OR b OR ...`; `undefined` items are skipped.
 *
 * ```ts
 * const q = select(users.c.id).where(or(users.c.name.isNull(), users.c.email.endsWith("@example.com")));
 * ```
 */
export function or(...conditions: readonly (Condition | undefined)[]): Expression<boolean> {
  return logical("or", conditions);
}

/**
 * `NOT condition`.
 *
 * ```ts
 * const q = select(users.c.id).where(not(users.c.email.endsWith("@example.com")));
 * ```
 */
export function not(condition: Condition): Expression<boolean> {
  return new Expression<boolean>({ kind: "not", expr: condition.node }, undefined);
}

/**
 * `(a, b) IN` a list of tuples bound as one parameter per member, like `Expression.inValues`: the
 * SQL does not change with the number of tuples. Tuples with a NULL member are left out.
 *
 * ```ts
 * const q = select(orders.c.id).where(tupleInValues([orders.c.userId, orders.c.id], [[1, 10], [2, 20]]));
 * ```
 */
export function tupleInValues(exprs: readonly Expression<unknown>[], tuples: readonly (readonly unknown[])[]): Expression<boolean> {
  if (exprs.length === 1) return exprs[0]!.inValues(tuples.map((t) => t[0]));
  return new Expression<boolean>(
    { kind: "inValues", exprs: exprs.map((e) => e.node), values: { kind: "param", value: tuples, type: undefined }, types: exprs.map((e) => e.type) },
    undefined,
  );
}

/**
 * `EXISTS (subquery)`.
 *
 * ```ts
 * const buyers = select(users.c.name).where(exists(select(orders.c.id).where(orders.c.userId.eq(users.c.id))));
 * ```
 */
export function exists(query: SelectQuery): Expression<boolean> {
  return new Expression<boolean>({ kind: "exists", query: query.node }, undefined);
}

/**
 * A subquery returning one value, used as an expression.
 *
 * ```ts
 * const orderCount = scalarSubquery(select(func.count().label("n")).where(orders.c.userId.eq(users.c.id)));
 * const rows = await engine.execute(select(users.c.name, orderCount.label("orders"))); // orders: number | null
 * ```
 */
export function scalarSubquery<T>(query: SelectQuery<Record<string, T>>): Expression<T | null> {
  // Typed like its column, so that its value is read like one (e.g. count(*), a string on PostgreSQL and MySQL).
  return new Expression<T | null>({ kind: "scalarSubquery", query: query.node }, query.node.columns[0]?.type);
}

/**
 * `CASE WHEN c1 THEN r1 ... ELSE otherwise END`; without `otherwise` the value may be NULL.
 *
 * ```ts
 * const size = caseWhen([[orders.c.total.lt("10"), "small"], [orders.c.total.lt("100"), "medium"]], "large");
 * const rows = await engine.execute(select(orders.c.id, size.label("size"))); // size: string
 * ```
 */
export function caseWhen<T>(whens: readonly (readonly [Condition, T | Expression<T>])[], otherwise: T | Expression<T>): Expression<T>;
export function caseWhen<T>(whens: readonly (readonly [Condition, T | Expression<T>])[]): Expression<T | null>;
export function caseWhen<T>(
  whens: readonly (readonly [Condition, T | Expression<T>])[],
  otherwise?: T | Expression<T>,
): Expression<T | null> {
  const type = resultType([...whens.map(([, r]) => r), otherwise]);
  const nodes = whens.map(([c, r]) => [c.node, toNode(r, type)] as const);
  const node: ExprNode = { kind: "case", whens: nodes, otherwise: otherwise === undefined ? undefined : toNode(otherwise, type) };
  return new Expression(node, type);
}

/**
 * The SQL type of a CASE: that of its first typed result expression, else one implied by a number
 * result. Without it the value is read untyped, and PostgreSQL returns `THEN 1` as the text '1'.
 */
function resultType(results: readonly unknown[]): SqlType | undefined {
  const typed = results.find((r): r is Expression<unknown> => r instanceof Expression && r.type !== undefined);
  if (typed) return typed.type;
  const numbers = results.filter((r): r is number => typeof r === "number");
  if (numbers.length === 0) return undefined;
  return numbers.every(Number.isInteger) ? types.integer() : types.float();
}

/**
 * `CAST(expr AS type)`, typed as `type` (nullable, as a cast of `NULL` is `NULL`).
 *
 * ```ts
 * const rows = await engine.execute(select(cast(orders.c.total, types.float()).label("approx"))); // approx: number | null
 * ```
 */
export function cast<T>(expr: Expression<unknown>, type: SqlType<T>): Expression<T | null> {
  return new Expression<T | null>({ kind: "cast", expr: expr.node, type }, type);
}

/**
 * A literal value bound as a parameter, e.g. to select a constant.
 *
 * ```ts
 * const tagged = select(users.c.id, literal("user").label("kind")); // kind: string
 * ```
 */
export function literal<T>(value: T, type?: SqlType<T>): Expression<T> {
  return new Expression<T>({ kind: "param", value, type }, type);
}

function logical(kind: "and" | "or", conditions: readonly (Condition | undefined)[]): Expression<boolean> {
  const items = conditions.filter((c): c is Condition => c !== undefined).map((c) => c.node);
  if (items.length === 1) return new Expression<boolean>(items[0]!, undefined);
  return new Expression<boolean>({ kind, items }, undefined);
}
