/**
 * Set operations: `union(a, b)`, `unionAll`, `intersect`, `intersectAll`, `except`, `exceptAll`.
 * The first query names the output columns and gives the row type; the whole result takes its
 * own ORDER BY (by output column), LIMIT and OFFSET.
 *
 * ```ts
 * const both = intersect(select(users.c.id), select(orders.c.userId)).orderBy("id");
 * ```
 */
import type { CompoundOrderByNode, CompoundSelectNode, SelectNode } from "../ast/nodes.js";
import { expressionKey } from "../compiler/fingerprint.js";
import { ArgumentError } from "../errors.js";
import { Expression, OrderBy, toNode, type SelectQuery } from "../expression/expression.js";
import { types } from "../types/sql-type.js";
import type { Executable } from "./executable.js";
import { rowCount } from "./row-count.js";
import { cteOf, firstSelect, type Cte, type CteOptions } from "./cte.js";

/** A query a set operation combines: a SELECT, or another set operation. */
export type SetMember<Row = unknown> = SelectQuery<Row> | CompoundSelect<Row>;

/** An ORDER BY item of a set operation: an output column's key, or a column/expression of the first query. */
export type CompoundOrderItem<Row> = (keyof Row & string) | Expression<unknown> | OrderBy;

/** `a UNION b ...` and the other set operations, built by `union()` etc.; every method returns a new statement. */
export class CompoundSelect<Row> implements Executable<Row> {
  declare readonly __row?: Row;

  constructor(readonly node: CompoundSelectNode) {
    Object.freeze(this);
  }

  /**
   * ORDER BY the whole result, by output column: its key (`"name"`), or the column of the first
   * query that gives it (`users.c.name.desc()`). Added to those already given. Another
   * expression raises `ArgumentError`.
   *
   * ```ts
   * union(select(users.c.name), select(books.c.title.label("name"))).orderBy("name"); // ... UNION SELECT ... ORDER BY name ASC
   * ```
   */
  orderBy(...items: CompoundOrderItem<Row>[]): CompoundSelect<Row> {
    const first = firstSelect(this.node);
    const nodes = items.map((item): CompoundOrderByNode => {
      if (typeof item === "string") {
        if (!first.columns.some((c) => c.name === item)) throw new ArgumentError(`orderBy("${item}"): the set operation has no output column "${item}" (it has ${first.columns.map((c) => c.name).join(", ")}).`);
        return { name: item, direction: "asc", nulls: undefined };
      }
      const order = item instanceof OrderBy ? item.node : { expr: item.node, direction: "asc" as const, nulls: undefined };
      const key = expressionKey(order.expr);
      const label = first.columns.find((c) => expressionKey(c.expr) === key);
      if (!label) throw new ArgumentError("orderBy(): a set operation is ordered by its output columns; this expression is not one of the first query's columns. Pass the output column's key instead.");
      return { name: label.name, direction: order.direction, nulls: order.nulls };
    });
    return new CompoundSelect<Row>({ ...this.node, orderBy: [...this.node.orderBy, ...nodes] });
  }

  /**
   * This set operation as a common table expression (`WITH name AS (a UNION b)`), as `Select.cte()`.
   *
   * ```ts
   * const ids = union(select(orders.c.userId.label("id")), select(users.c.id)).cte("ids");
   * await engine.execute(select(func.count()).from(ids)); // WITH ids AS (SELECT ... UNION SELECT ...) SELECT count(*) FROM ids
   * ```
   */
  cte<N extends string>(name: N, options?: CteOptions): Cte<Row> {
    return cteOf<Row>(this.node, name, options);
  }

  /**
   * At most `count` rows of the whole result (a non-negative safe integer, else `ArgumentError`);
   * `undefined` removes the limit.
   *
   * ```ts
   * unionAll(select(users.c.id), select(orders.c.userId)).orderBy("id").limit(10); // ... ORDER BY id ASC LIMIT ?
   * ```
   */
  limit(count: number | undefined): CompoundSelect<Row> {
    const checked = rowCount("CompoundSelect.limit", count);
    return new CompoundSelect<Row>({ ...this.node, limit: checked === undefined ? undefined : toNode(checked, types.integer()) });
  }

  /**
   * Skips `count` rows of the whole result (a non-negative safe integer, else `ArgumentError`);
   * `undefined` removes the offset.
   *
   * ```ts
   * unionAll(select(users.c.id), select(orders.c.userId)).orderBy("id").limit(10).offset(20); // LIMIT ? OFFSET ?
   * ```
   */
  offset(count: number | undefined): CompoundSelect<Row> {
    const checked = rowCount("CompoundSelect.offset", count);
    return new CompoundSelect<Row>({ ...this.node, offset: checked === undefined ? undefined : toNode(checked, types.integer()) });
  }
}


function combine<Row>(op: CompoundSelectNode["op"], all: boolean, first: SetMember<Row>, rest: readonly SetMember[]): CompoundSelect<Row> {
  const name = `${op}${all ? "All" : ""}`;
  if (rest.length === 0) throw new ArgumentError(`${name}() takes at least two queries.`);
  const selects = [first, ...rest].map((q) => q.node as SelectNode | CompoundSelectNode);
  const width = firstSelect(selects[0]!).columns.length;
  selects.forEach((member, i) => {
    const columns = firstSelect(member).columns.length;
    if (columns !== width) throw new ArgumentError(`${name}(): query ${i + 1} has ${columns} columns, the first has ${width}; each query must have as many.`);
  });
  return new CompoundSelect<Row>({ kind: "compound", op, all, selects, orderBy: [], limit: undefined, offset: undefined });
}

/**
 * `a UNION b ...`: the rows of all, duplicates removed. Rows are typed (and keyed) by the first query.
 *
 * ```ts
 * const everyone = union(select(users.c.email.label("address")), select(sql<string>`'admin@example.com'`.label("address")));
 * const rows = await engine.execute(everyone.orderBy("address")); // { address: string }[]
 * ```
 */
export function union<Row>(first: SetMember<Row>, ...rest: SetMember[]): CompoundSelect<Row> {
  return combine("union", false, first, rest);
}
/**
 * `a UNION ALL b ...`: the rows of all, duplicates kept.
 *
 * ```ts
 * const q = unionAll(select(orders.c.userId), select(users.c.id));
 * ```
 */
export function unionAll<Row>(first: SetMember<Row>, ...rest: SetMember[]): CompoundSelect<Row> {
  return combine("union", true, first, rest);
}
/**
 * `a INTERSECT b ...`: distinct rows found in every query.
 *
 * ```ts
 * const buyers = intersect(select(users.c.id), select(orders.c.userId)); // users with an order
 * ```
 */
export function intersect<Row>(first: SetMember<Row>, ...rest: SetMember[]): CompoundSelect<Row> {
  return combine("intersect", false, first, rest);
}
/**
 * `a INTERSECT ALL b`: rows in every query, as many times as the fewest has them. PostgreSQL and
 * MariaDB 10.5+ (MySQL 8.0.31+); SQLite has no ALL forms (compiling raises `UnsupportedFeatureError`).
 *
 * ```ts
 * const q = intersectAll(select(orders.c.userId), select(users.c.id));
 * ```
 */
export function intersectAll<Row>(first: SetMember<Row>, ...rest: SetMember[]): CompoundSelect<Row> {
  return combine("intersect", true, first, rest);
}
/**
 * `a EXCEPT b ...`: distinct rows of the first query found in none of the others.
 *
 * ```ts
 * const withoutOrders = except(select(users.c.id), select(orders.c.userId));
 * ```
 */
export function except<Row>(first: SetMember<Row>, ...rest: SetMember[]): CompoundSelect<Row> {
  return combine("except", false, first, rest);
}
/**
 * `a EXCEPT ALL b`: the first query's rows less as many copies as the others have. Where `intersectAll` is.
 *
 * ```ts
 * const q = exceptAll(select(orders.c.userId), select(users.c.id));
 * ```
 */
export function exceptAll<Row>(first: SetMember<Row>, ...rest: SetMember[]): CompoundSelect<Row> {
  return combine("except", true, first, rest);
}
