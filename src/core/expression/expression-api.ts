/**
 * The reference documentation of `Expression`'s operators, kept out of expression.ts (which
 * builds the nodes): `Expression extends ExpressionApi`, an abstract class of signatures only, so
 * that the compiler checks each is implemented and editors show these comments on every
 * expression's methods (a column's too). A new public Expression method gets its doc comment here.
 */
import type { Decimal } from "../types/sql-type.js";
import type { Expression, Labeled, LikeOptions, Operand, OrderBy, SelectQuery } from "./expression.js";

/** What arithmetic takes: numbers, and decimals ("12.50"). */
export type NumberLike = number | Decimal;
/** The value type of an operand: an expression's, or the literal's own. */
export type ValueOfOperand<O> = O extends Expression<infer V> ? V : O;
/**
 * What arithmetic on a `T` accepts: a decimal takes number and decimal literals; a number takes
 * number literals; both take number and decimal expressions.
 */
export type ArithmeticOperand<T> = (NonNullable<T> extends Decimal ? NumberLike : number) | Expression<NumberLike> | Expression<NumberLike | null>;
/** `a op b`: a number when both are numbers, else a decimal; null when either may be null. */
export type ArithmeticResult<T, O> =
  | ([NonNullable<T>] extends [number] ? ([NonNullable<ValueOfOperand<O>>] extends [number] ? NonNullable<T> : Decimal) : Decimal)
  | (null extends T ? null : never)
  | (null extends ValueOfOperand<O> ? null : never);

/** The documented operators of `Expression`: signatures only, implemented by `Expression`. */
export abstract class ExpressionApi<T> {
  /**
   * `=` with a value (bound as a parameter) or another expression of a comparable type. To test
   * for NULL use `isNull()`: `= NULL` is never true.
   *
   * ```ts
   * select(users.c.id).where(users.c.email.eq("ann@example.com")); // WHERE users.email = ?
   * ```
   */
  abstract eq(other: Operand<T>): Expression<boolean>;
  /**
   * `<>`; a row whose value is NULL matches neither `eq` nor `ne` (use `isNotNull()`).
   *
   * ```ts
   * select(users.c.id).where(users.c.name.ne("admin")); // WHERE users.name <> ?
   * ```
   */
  abstract ne(other: Operand<T>): Expression<boolean>;
  /**
   * `<`.
   *
   * ```ts
   * select(orders.c.id).where(orders.c.placedAt.lt(new Date("2024-01-01"))); // WHERE orders.placed_at < ?
   * ```
   */
  abstract lt(other: Operand<T>): Expression<boolean>;
  /**
   * `<=`.
   *
   * ```ts
   * select(orders.c.id).where(orders.c.total.le(100)); // WHERE orders.total <= ?
   * ```
   */
  abstract le(other: Operand<T>): Expression<boolean>;
  /**
   * `>`.
   *
   * ```ts
   * select(orders.c.id).where(orders.c.total.gt("99.99")); // WHERE orders.total > ?
   * ```
   */
  abstract gt(other: Operand<T>): Expression<boolean>;
  /**
   * `>=`.
   *
   * ```ts
   * select(users.c.id).where(users.c.id.ge(100)); // WHERE users.id >= ?
   * ```
   */
  abstract ge(other: Operand<T>): Expression<boolean>;

  /**
   * `IN (...)` a list of values (one parameter each) or a subquery; an empty list is false.
   *
   * ```ts
   * select(users.c.id).where(users.c.id.in([1, 2, 3])); // WHERE users.id IN (?, ?, ?)
   * select(users.c.name).where(users.c.id.in(select(orders.c.userId))); // WHERE users.id IN (SELECT orders.user_id FROM orders)
   * ```
   */
  abstract in(values: readonly Operand<T>[] | SelectQuery): Expression<boolean>;
  /**
   * `NOT IN (...)` a list or a subquery; an empty list is true.
   *
   * ```ts
   * select(users.c.id).where(users.c.id.notIn([1, 2])); // WHERE users.id NOT IN (?, ?)
   * ```
   */
  abstract notIn(values: readonly Operand<T>[] | SelectQuery): Expression<boolean>;

  /**
   * `IN` a list of values bound as one parameter (an array on PostgreSQL, JSON on SQLite and
   * MySQL/MariaDB): the SQL is the same for 3 values and 70,000, so it is compiled and prepared
   * once, and no list reaches the database's parameter limit. NULLs are left out (they match
   * nothing); an empty list is false. For many keys; `in()` for a short fixed list. In a DELETE or
   * UPDATE on MySQL/MariaDB the list is read once, as a derived table, and each row found by its key.
   *
   * ```ts
   * declare const ids: number[]; // thousands of them
   * select(users.c.name).where(users.c.id.inValues(ids)); // PostgreSQL: WHERE users.id = ANY(CAST($1 AS INTEGER[]))
   * ```
   */
  abstract inValues(values: readonly (T | null | undefined)[]): Expression<boolean>;

  /**
   * `BETWEEN low AND high`, both ends included.
   *
   * ```ts
   * select(orders.c.id).where(orders.c.total.between(10, 20)); // WHERE orders.total BETWEEN ? AND ?
   * ```
   */
  abstract between(low: Operand<T>, high: Operand<T>): Expression<boolean>;
  /**
   * `NOT BETWEEN low AND high`.
   *
   * ```ts
   * select(orders.c.id).where(orders.c.total.notBetween(10, 20)); // WHERE orders.total NOT BETWEEN ? AND ?
   * ```
   */
  abstract notBetween(low: Operand<T>, high: Operand<T>): Expression<boolean>;

  /**
   * `IS NULL`.
   *
   * ```ts
   * select(users.c.id).where(users.c.name.isNull()); // WHERE users.name IS NULL
   * ```
   */
  abstract isNull(): Expression<boolean>;
  /**
   * `IS NOT NULL`.
   *
   * ```ts
   * select(users.c.id).where(users.c.name.isNotNull()); // WHERE users.name IS NOT NULL
   * ```
   */
  abstract isNotNull(): Expression<boolean>;

  /**
   * `LIKE pattern ESCAPE '\'`, case-sensitive where `=` is: on PostgreSQL and SQLite, and on
   * MySQL/MariaDB under a binary collation (a `_ci` one ignores case in LIKE as in `=`). A
   * backslash escapes the next `%`, `_` or backslash on every database (`{ escape }` names another
   * character); build patterns from user text with `escapeLike(userText)` so that what the user
   * typed matches itself.
   *
   * ```ts
   * select(users.c.id).where(users.c.name.like("A%")); // WHERE users.name LIKE ? ESCAPE '\'
   * ```
   */
  abstract like(this: Expression<string | null>, pattern: Operand<string>, options?: LikeOptions): Expression<boolean>;
  /**
   * `NOT LIKE pattern`, with `ESCAPE` as `like`.
   *
   * ```ts
   * select(users.c.id).where(users.c.email.notLike("%@example.com")); // WHERE users.email NOT LIKE ? ESCAPE '\'
   * ```
   */
  abstract notLike(this: Expression<string | null>, pattern: Operand<string>, options?: LikeOptions): Expression<boolean>;
  /**
   * Case-insensitive `LIKE`: `ILIKE` on PostgreSQL, `lower(x) LIKE lower(p)` elsewhere.
   *
   * ```ts
   * select(users.c.id).where(users.c.name.ilike("ann%")); // PostgreSQL: WHERE users.name ILIKE $1 ESCAPE '\'
   * ```
   */
  abstract ilike(this: Expression<string | null>, pattern: Operand<string>, options?: LikeOptions): Expression<boolean>;
  /**
   * Case-insensitive `NOT LIKE`, written as `ilike` is.
   *
   * ```ts
   * select(users.c.id).where(users.c.email.notIlike("%@EXAMPLE.COM"));
   * ```
   */
  abstract notIlike(this: Expression<string | null>, pattern: Operand<string>, options?: LikeOptions): Expression<boolean>;
  /**
   * Starts with `prefix`, taken literally (`%` and `_` in it are escaped): `LIKE 'prefix%' ESCAPE '\'`.
   *
   * ```ts
   * select(users.c.id).where(users.c.name.startsWith("50%")); // LIKE ? with '50\%%'
   * ```
   */
  abstract startsWith(this: Expression<string | null>, prefix: string): Expression<boolean>;
  /**
   * Ends with `suffix`, taken literally (`%` and `_` in it are escaped).
   *
   * ```ts
   * select(users.c.id).where(users.c.email.endsWith("@example.com")); // LIKE ? with '%@example.com'
   * ```
   */
  abstract endsWith(this: Expression<string | null>, suffix: string): Expression<boolean>;
  /**
   * Contains `text`, taken literally (`%` and `_` in it are escaped).
   *
   * ```ts
   * select(books.c.id).where(books.c.title.contains("100%")); // LIKE ? with '%100\%%'
   * ```
   */
  abstract contains(this: Expression<string | null>, text: string): Expression<boolean>;

  /**
   * `+` on numbers and decimals. Number plus number is a number; where a decimal takes part the
   * result is a decimal, read as a `Decimal` string on every database; null when either side may be.
   *
   * ```ts
   * select(orders.c.total.plus("4.99").label("withShipping")); // SELECT orders.total + ? AS "withShipping" -> Decimal
   * ```
   */
  abstract plus<E extends Expression<NumberLike | null>, O extends ArithmeticOperand<ValueOfOperand<E>>>(this: E, other: O): Expression<ArithmeticResult<ValueOfOperand<E>, O>>;
  /**
   * `-`, typed as `plus`.
   *
   * ```ts
   * select(users.c.id.minus(1).label("previous")); // SELECT users.id - ? AS previous -> number
   * ```
   */
  abstract minus<E extends Expression<NumberLike | null>, O extends ArithmeticOperand<ValueOfOperand<E>>>(this: E, other: O): Expression<ArithmeticResult<ValueOfOperand<E>, O>>;
  /**
   * `*`, typed as `plus`: a decimal times a number is a decimal.
   *
   * ```ts
   * select(orders.c.total.times(2).label("doubled")); // SELECT orders.total * ? AS doubled -> Decimal
   * ```
   */
  abstract times<E extends Expression<NumberLike | null>, O extends ArithmeticOperand<ValueOfOperand<E>>>(this: E, other: O): Expression<ArithmeticResult<ValueOfOperand<E>, O>>;
  /**
   * Division. Between integers the quotient is truncated toward zero on every database (`DIV` on
   * MySQL); a decimal quotient's digits after the point differ per database.
   *
   * ```ts
   * select(users.c.id.dividedBy(10).label("bucket")); // SELECT users.id / ? AS bucket (DIV on MySQL) -> number
   * ```
   */
  abstract dividedBy<E extends Expression<NumberLike | null>, O extends ArithmeticOperand<ValueOfOperand<E>>>(this: E, other: O): Expression<ArithmeticResult<ValueOfOperand<E>, O>>;
  /**
   * String concatenation: `||`, or `CONCAT()` on MySQL/MariaDB.
   *
   * ```ts
   * select(users.c.name.concat(" <").concat(users.c.email).concat(">").label("to")); // name || ? || email || ?
   * ```
   */
  abstract concat(this: Expression<string | null>, other: Operand<string>): Expression<T>;

  /**
   * Ascending, for `orderBy` (the default direction, written out).
   *
   * ```ts
   * select(users.c.id).orderBy(users.c.name.asc()); // ORDER BY users.name ASC
   * ```
   */
  abstract asc(): OrderBy;
  /**
   * Descending, for `orderBy`; `.nullsFirst()` / `.nullsLast()` place the NULLs.
   *
   * ```ts
   * select(orders.c.id).orderBy(orders.c.placedAt.desc()); // ORDER BY orders.placed_at DESC
   * ```
   */
  abstract desc(): OrderBy;

  /**
   * Names the expression: `AS name` in the select list, and the key it has in result rows.
   *
   * ```ts
   * const rows = await engine.execute(select(func.count(orders.c.id).label("orders"))); // { orders: number }[]
   * ```
   */
  abstract label<K extends string>(name: K): Labeled<T, K>;
}
