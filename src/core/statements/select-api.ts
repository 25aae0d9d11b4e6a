/**
 * The reference documentation of the `Select` builder's methods, kept out of select.ts (which
 * has the building to do): `Select extends SelectApi`, an abstract class of signatures only, so
 * that the compiler checks each is implemented and editors show these comments on Select's
 * methods (TypeScript 7's quick info inherits a doc comment from a base class, not from an
 * `implements` interface). A new public Select method gets its doc comment here.
 */
import type { Expression, OrderBy } from "../expression/expression.js";
import type { FromSource } from "../schema/table.js";
import type { CteOptions, Cte } from "./cte.js";
import type { StatementOption, WithOptions } from "./executable.js";
import type { ForUpdateOptions, Select, Subquery } from "./select.js";
import type { EntityClass, RowOfItems, SelectItem, TupleOfItems } from "./selectable.js";

/** A condition of WHERE, HAVING or ON. */
export type Condition = Expression<boolean> | Expression<boolean | null>;
/** What can be joined: a table, an alias, a subquery, or an entity (mapped class). */
export type Joinable = FromSource<any> | EntityClass;
/** An ORDER BY item: an expression, or one with its direction (`.desc()`). */
export type Orderable = Expression<unknown> | OrderBy;

/** The documented methods of `Select`: signatures only, implemented by `Select`. */
export abstract class SelectApi<Row, First, Tuple extends readonly unknown[]> {
  /**
   * Adds execution options, such as the ORM's loader options (`selectinLoad(...)`); the SQL of
   * the statement itself is unchanged. An option that leaves attributes out of the objects
   * (`loadOnly(...)`) leaves them out of their type too.
   *
   * ```ts
   * const posts = await session.scalars(select(Post).options(selectinLoad(Post, "comments"), joinedLoad(Post, "author")));
   * // SELECT posts.*, users_1.* FROM posts LEFT OUTER JOIN users AS users_1 ...; then the comments in one SELECT ... IN
   * ```
   */
  abstract options<const O extends readonly StatementOption[]>(
    ...options: O
  ): Select<Row, WithOptions<First, O>, { -readonly [I in keyof Tuple]: WithOptions<Tuple[I], O> }>;

  /**
   * Sets the FROM list explicitly: tables, aliases, subqueries, entities (mapped classes). Without
   * it, FROM is inferred from the selected columns; with it, for a select list naming no table.
   *
   * ```ts
   * const count = select(func.count()).from(orders); // SELECT count(*) FROM orders
   * ```
   */
  abstract from(...sources: Joinable[]): Select<Row, First, Tuple>;

  /**
   * Adds WHERE conditions, joined with AND to any existing ones (so a base query can be narrowed).
   *
   * ```ts
   * const recent = select(orders.c.id).where(orders.c.userId.eq(1), orders.c.total.gt("100"));
   * // SELECT orders.id FROM orders WHERE orders.user_id = ? AND orders.total > ?
   * ```
   */
  abstract where(...conditions: Condition[]): Select<Row, First, Tuple>;

  /**
   * INNER JOIN. Without `on`, the condition is inferred from the one foreign key between the
   * target and the tables already in FROM (`NoForeignKeysError` when none, `AmbiguousForeignKeysError`
   * when several); an entity joins on its relationship's keys the same way.
   *
   * ```ts
   * select(users.c.name, orders.c.total).join(orders); // FROM users JOIN orders ON users.id = orders.user_id
   * select(Post).join(User, columnsOf(User).id.eq(columnsOf(Post).authorId)); // explicit ON
   * ```
   */
  abstract join(target: Joinable, on?: Condition): Select<Row, First, Tuple>;

  /**
   * LEFT OUTER JOIN: every row of the left side, the target's columns NULL where nothing matched.
   * `on` as for `join`.
   *
   * ```ts
   * select(users.c.name, func.count(orders.c.id).label("n")).leftJoin(orders).groupBy(users.c.name);
   * // FROM users LEFT OUTER JOIN orders ON users.id = orders.user_id
   * ```
   */
  abstract leftJoin(target: Joinable, on?: Condition): Select<Row, First, Tuple>;

  /**
   * RIGHT OUTER JOIN (not on SQLite before 3.39). `on` as for `join`.
   *
   * ```ts
   * select(orders.c.id, users.c.name).from(orders).rightJoin(users); // FROM orders RIGHT OUTER JOIN users ON ...
   * ```
   */
  abstract rightJoin(target: Joinable, on?: Condition): Select<Row, First, Tuple>;

  /**
   * FULL OUTER JOIN (PostgreSQL and SQLite; MySQL/MariaDB have none: compiling raises `CompileError`).
   *
   * ```ts
   * select(users.c.id, orders.c.id.label("orderId")).fullJoin(orders); // FROM users FULL OUTER JOIN orders ON users.id = orders.user_id
   * ```
   */
  abstract fullJoin(target: Joinable, on?: Condition): Select<Row, First, Tuple>;

  /**
   * ORDER BY items: columns, expressions, or `.asc()` / `.desc()` (with `.nullsFirst()` /
   * `.nullsLast()`); added after those already given.
   *
   * ```ts
   * select(orders.c.id).orderBy(orders.c.placedAt.desc(), orders.c.id); // ORDER BY orders.placed_at DESC, orders.id
   * ```
   */
  abstract orderBy(...items: Orderable[]): Select<Row, First, Tuple>;

  /**
   * GROUP BY expressions, added after those already given.
   *
   * ```ts
   * select(orders.c.userId, func.sum(orders.c.total).label("spent")).groupBy(orders.c.userId);
   * // SELECT orders.user_id, sum(orders.total) AS spent FROM orders GROUP BY orders.user_id
   * ```
   */
  abstract groupBy(...items: Expression<unknown>[]): Select<Row, First, Tuple>;

  /**
   * HAVING conditions on the groups, joined with AND to any existing ones.
   *
   * ```ts
   * select(orders.c.userId).groupBy(orders.c.userId).having(func.count().gt(10)); // HAVING count(*) > ?
   * ```
   */
  abstract having(...conditions: Condition[]): Select<Row, First, Tuple>;

  /**
   * At most `count` rows (a non-negative safe integer, else `ArgumentError`); `undefined` removes
   * the limit. Sent as a bound parameter.
   *
   * ```ts
   * select(users.c.id).orderBy(users.c.id).limit(20); // ... ORDER BY users.id LIMIT ?
   * ```
   */
  abstract limit(count: number | undefined): Select<Row, First, Tuple>;

  /**
   * Skips `count` rows (a non-negative safe integer, else `ArgumentError`); `undefined` removes the
   * offset. For deep pages, `paginate` (keyset) does not slow down as OFFSET does.
   *
   * ```ts
   * select(users.c.id).orderBy(users.c.id).limit(20).offset(40); // the third page: LIMIT ? OFFSET ?
   * ```
   */
  abstract offset(count: number | undefined): Select<Row, First, Tuple>;

  /**
   * `SELECT DISTINCT` (or not, with `false`).
   *
   * ```ts
   * select(orders.c.userId).distinct(); // SELECT DISTINCT orders.user_id FROM orders
   * ```
   */
  abstract distinct(enabled?: boolean): Select<Row, First, Tuple>;

  /**
   * `SELECT DISTINCT ON (exprs)`: one row per distinct value of `exprs`, the first in ORDER BY
   * order (which must start with the same expressions, else `CompileError`). PostgreSQL only:
   * elsewhere compiling raises `UnsupportedFeatureError` (use `func.rowNumber().over(...)` in a
   * subquery there). No expressions removes it.
   *
   * ```ts
   * // The latest order of each user:
   * select(orders.c.userId, orders.c.id).distinctOn(orders.c.userId).orderBy(orders.c.userId, orders.c.placedAt.desc());
   * ```
   */
  abstract distinctOn(...exprs: Expression<unknown>[]): Select<Row, First, Tuple>;

  /**
   * `SELECT ... FOR UPDATE` (ignored on SQLite, which locks the whole database). `{ of: [books] }`
   * locks only the rows of those tables, aliases or models (`FOR UPDATE OF`), as PostgreSQL needs
   * when the query has the nullable side of an outer join (without it, compiling for PostgreSQL
   * raises `ArgumentError`); MariaDB has no OF and locks the rows of every table read. A model of
   * joined-table inheritance locks its base's and its own tables, not the subclasses' it
   * outer-joins. `{ nowait: true }` fails at once with `LockNotAvailableError` where a row is
   * locked by another transaction; `{ skipLocked: true }` leaves such rows out (PostgreSQL,
   * MySQL 8, MariaDB 10.6+; SQLite: nothing to wait for). `false` removes the clause.
   *
   * ```ts
   * // Workers of a queue, in their transactions: each takes the oldest order no other worker holds.
   * const next = select(orders.c.id).orderBy(orders.c.placedAt).limit(1).forUpdate({ skipLocked: true });
   * // Fail at once (LockNotAvailableError) rather than wait for another transaction's lock.
   * const mine = select(orders.c.total).where(orders.c.id.eq(7)).forUpdate({ nowait: true });
   * ```
   */
  abstract forUpdate(lock?: boolean | ForUpdateOptions): Select<Row, First, Tuple>;

  /**
   * Adds items to the select list, after those already there; the row and tuple types grow with them.
   *
   * ```ts
   * const base = select(users.c.id);
   * const more = base.addColumns(users.c.email); // rows: { id: number; email: string }
   * ```
   */
  abstract addColumns<const I extends readonly SelectItem[]>(...items: I): Select<Row & RowOfItems<I>, First, [...Tuple, ...TupleOfItems<I>]>;

  /**
   * This query as a named subquery, usable in FROM and joins, its columns read as `sq.c.<key>`.
   *
   * ```ts
   * const spent = select(orders.c.userId, func.sum(orders.c.total).label("total")).groupBy(orders.c.userId).subquery("spent");
   * select(users.c.name, spent.c.total).join(spent, spent.c.userId.eq(users.c.id));
   * // ... JOIN (SELECT orders.user_id, sum(orders.total) AS total FROM orders GROUP BY orders.user_id) AS spent ON ...
   * ```
   */
  abstract subquery<N extends string>(name: N): Subquery<Row>;

  /**
   * This query as a `LATERAL` subquery: it may refer to the FROM items joined before it (one row
   * of the outer query at a time); `join`/`leftJoin` take it with `ON TRUE` unless given a
   * condition. PostgreSQL (and MySQL 8.0.14+); SQLite and MariaDB have no LATERAL, and compiling
   * raises `UnsupportedFeatureError`.
   *
   * ```ts
   * // The three latest orders of each user:
   * const latest = select(orders.c.total).where(orders.c.userId.eq(users.c.id)).orderBy(orders.c.placedAt.desc()).limit(3).lateral("latest");
   * select(users.c.name, latest.c.total).join(latest); // ... JOIN LATERAL (SELECT ...) AS latest ON TRUE
   * ```
   */
  abstract lateral<N extends string>(name: N): Subquery<Row>;

  /**
   * This query as a common table expression: `WITH name AS (...)` at the top of the statement
   * that uses it, read as `cte.c.<key>`. `{ recursive: true }` makes it `WITH RECURSIVE`, its
   * recursive member given with `unionAll(...)` (see docs/cte.md).
   *
   * ```ts
   * const spenders = select(orders.c.userId, func.sum(orders.c.total).label("spent")).groupBy(orders.c.userId).cte("spenders");
   * const rows = await engine.execute(select(users.c.name, spenders.c.spent).join(spenders, spenders.c.userId.eq(users.c.id)));
   * ```
   */
  abstract cte<N extends string>(name: N, options?: CteOptions): Cte<Row>;
}
