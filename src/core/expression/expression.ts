/**
 * Typed SQL expressions. `Expression<T>` wraps a node of the statement tree together with the
 * TypeScript type of the value it produces, so that `users.c.id.eq("x")` fails to compile when
 * `id` is an integer column.
 */
import type { BinaryOperator, ExprNode, LabelNode, OrderByNode, SelectNode } from "../ast/nodes.js";
import { arithmeticType, literalDecimalType } from "../types/arithmetic-type.js";
import type { Decimal, SqlType } from "../types/sql-type.js";
import { ArgumentError } from "../errors.js";
import { ExpressionApi, type ArithmeticOperand, type ArithmeticResult, type NumberLike, type ValueOfOperand } from "./expression-api.js";

/** Options of `like()` and its variants. */
export interface LikeOptions {
  /** One ASCII character that makes the `%`, `_` or escape character after it literal: `LIKE ... ESCAPE 'c'`. */
  readonly escape?: string;
}

/** LIKE's escape character unless `{ escape }` names another: `like`, `escapeLike`, `startsWith`/`endsWith`/`contains`. */
const LIKE_ESCAPE = "\\";

/**
 * User text made safe inside a LIKE pattern: `%`, `_` and the escape character are preceded by
 * the escape character (default backslash, which is `like`'s too): `name.like(`${escapeLike(input)}%`)`.
 * With another escape, pass the same to both.
 *
 * ```ts
 * const input = "50%_off";
 * const q = select(users.c.id).where(users.c.name.like(`${escapeLike(input)}%`));
 * const q2 = select(users.c.id).where(users.c.name.like(`${escapeLike(input, "!")}%`, { escape: "!" }));
 * ```
 */
export function escapeLike(text: string, escape: string = LIKE_ESCAPE): string {
  if (!oneAsciiCharacter(escape)) throw new ArgumentError(`escapeLike(): the escape must be one ASCII character; got ${JSON.stringify(escape)}.`);
  let out = "";
  for (const ch of text) out += ch === "%" || ch === "_" || ch === escape ? escape + ch : ch;
  return out;
}

/**
 * LIKE's escape: one character, and ASCII. MariaDB ignores an escape of several bytes under a
 * binary collation (utf8mb4_bin): `like("a😀%b", { escape: "😀" })` matched 'a😀b', not 'a%b'.
 */
const oneAsciiCharacter = (escape: unknown): boolean => typeof escape === "string" && escape.length === 1 && escape.charCodeAt(0) < 0x80;

/** Anything that renders to a `SELECT`: select builders, used as subqueries. */
export interface SelectQuery<Row = unknown> {
  readonly node: SelectNode;
  /** Phantom: the row type. */
  readonly __row?: Row;
}

/** A value or an expression producing a value of (nullable) type T, usable as an operand. */
export type Operand<T> =
  | LiteralOf<NonNullable<T>>
  | Expression<ComparableWith<NonNullable<T>>>
  | Expression<ComparableWith<NonNullable<T>> | null>;

/** The values a literal operand may be: a decimal also takes a number (bound as the decimal's type). */
type LiteralOf<V> = V extends Decimal ? Decimal | number : V;
/**
 * The expressions an expression compares with: decimals and numbers with each other. (A decimal
 * literal against a number expression is not offered: it would be bound as that number's type.)
 */
type ComparableWith<V> = V extends Decimal | number ? Decimal | number : V;

/** A typed SQL expression: a column, a function call, a comparison... `T` is the type of its value, so `eq` only accepts a matching operand. */
export class Expression<T> extends ExpressionApi<T> {
  /** Phantom: the TypeScript type of the value. Never set at run time. */
  declare readonly __type?: T;

  constructor(
    readonly node: ExprNode,
    /** The SQL type, when known; it decides how parameters compared with this expression are bound. */
    readonly type: SqlType | undefined,
  ) {
    super();
  }

  eq(other: Operand<T>): Expression<boolean> {
    return this.binary("=", other);
  }
  ne(other: Operand<T>): Expression<boolean> {
    return this.binary("<>", other);
  }
  lt(other: Operand<T>): Expression<boolean> {
    return this.binary("<", other);
  }
  le(other: Operand<T>): Expression<boolean> {
    return this.binary("<=", other);
  }
  gt(other: Operand<T>): Expression<boolean> {
    return this.binary(">", other);
  }
  ge(other: Operand<T>): Expression<boolean> {
    return this.binary(">=", other);
  }

  in(values: readonly Operand<T>[] | SelectQuery): Expression<boolean> {
    return this.inNode(values, false);
  }
  notIn(values: readonly Operand<T>[] | SelectQuery): Expression<boolean> {
    return this.inNode(values, true);
  }

  inValues(values: readonly (T | null | undefined)[]): Expression<boolean> {
    this.assertComparable("inValues");
    return boolean({ kind: "inValues", exprs: [this.node], values: { kind: "param", value: values, type: undefined }, types: [this.type] });
  }

  between(low: Operand<T>, high: Operand<T>): Expression<boolean> {
    this.assertComparable("BETWEEN");
    return boolean({ kind: "between", expr: this.node, low: this.operand(low), high: this.operand(high), negated: false });
  }
  notBetween(low: Operand<T>, high: Operand<T>): Expression<boolean> {
    this.assertComparable("NOT BETWEEN");
    return boolean({ kind: "between", expr: this.node, low: this.operand(low), high: this.operand(high), negated: true });
  }

  isNull(): Expression<boolean> {
    return boolean({ kind: "isNull", expr: this.node, negated: false });
  }
  isNotNull(): Expression<boolean> {
    return boolean({ kind: "isNull", expr: this.node, negated: true });
  }

  like(this: Expression<string | null>, pattern: Operand<string>, options?: LikeOptions): Expression<boolean> {
    return this.likeNode(pattern, false, false, options);
  }
  notLike(this: Expression<string | null>, pattern: Operand<string>, options?: LikeOptions): Expression<boolean> {
    return this.likeNode(pattern, true, false, options);
  }
  ilike(this: Expression<string | null>, pattern: Operand<string>, options?: LikeOptions): Expression<boolean> {
    return this.likeNode(pattern, false, true, options);
  }
  notIlike(this: Expression<string | null>, pattern: Operand<string>, options?: LikeOptions): Expression<boolean> {
    return this.likeNode(pattern, true, true, options);
  }
  startsWith(this: Expression<string | null>, prefix: string): Expression<boolean> {
    return this.likeNode(`${escapeLike(prefix)}%`, false, false, { escape: LIKE_ESCAPE });
  }
  endsWith(this: Expression<string | null>, suffix: string): Expression<boolean> {
    return this.likeNode(`%${escapeLike(suffix)}`, false, false, { escape: LIKE_ESCAPE });
  }
  contains(this: Expression<string | null>, text: string): Expression<boolean> {
    return this.likeNode(`%${escapeLike(text)}%`, false, false, { escape: LIKE_ESCAPE });
  }

  plus<E extends Expression<NumberLike | null>, O extends ArithmeticOperand<ValueOfOperand<E>>>(this: E, other: O): Expression<ArithmeticResult<ValueOfOperand<E>, O>> {
    return this.arithmetic("+", other);
  }
  minus<E extends Expression<NumberLike | null>, O extends ArithmeticOperand<ValueOfOperand<E>>>(this: E, other: O): Expression<ArithmeticResult<ValueOfOperand<E>, O>> {
    return this.arithmetic("-", other);
  }
  times<E extends Expression<NumberLike | null>, O extends ArithmeticOperand<ValueOfOperand<E>>>(this: E, other: O): Expression<ArithmeticResult<ValueOfOperand<E>, O>> {
    return this.arithmetic("*", other);
  }
  dividedBy<E extends Expression<NumberLike | null>, O extends ArithmeticOperand<ValueOfOperand<E>>>(this: E, other: O): Expression<ArithmeticResult<ValueOfOperand<E>, O>> {
    return this.arithmetic("/", other);
  }
  concat(this: Expression<string | null>, other: Operand<string>): Expression<T> {
    return new Expression<T>(this.binaryNode("||", other), this.type);
  }

  asc(): OrderBy {
    return new OrderBy({ expr: this.node, direction: "asc", nulls: undefined });
  }
  desc(): OrderBy {
    return new OrderBy({ expr: this.node, direction: "desc", nulls: undefined });
  }

  label<K extends string>(name: K): Labeled<T, K> {
    return new Labeled<T, K>(name, this.node, this.type);
  }

  /** Turns a JavaScript value into a bound parameter typed like this expression. */
  protected operand(value: unknown): ExprNode {
    return toNode(value, this.type);
  }

  private arithmetic<R>(op: BinaryOperator, other: unknown): Expression<R> {
    // Integers divided truncate on every database (MySQL's `/` did not): the result is typed as an integer.
    if (op === "/" && isInteger(this.type) && (other instanceof Expression ? isInteger(other.type) : Number.isInteger(other) || typeof other === "bigint")) op = "div";
    if (other instanceof Expression) return new Expression<R>(this.binaryNode(op, other), arithmeticType(op, this.type, other.type));
    // A literal beside a decimal is bound as a decimal of its own scale, which the result's scale follows.
    const bound = this.type?.kind === "numeric" ? literalDecimalType(other) : this.type;
    return new Expression<R>({ kind: "binary", op, left: this.node, right: toNode(other, bound) }, arithmeticType(op, this.type, undefined, other));
  }

  private binaryNode(op: BinaryOperator, other: unknown): ExprNode {
    return { kind: "binary", op, left: this.node, right: this.operand(other) };
  }

  private binary(op: BinaryOperator, other: unknown): Expression<boolean> {
    this.assertComparable(op);
    return boolean(this.binaryNode(op, other));
  }

  /**
   * JSON documents are not compared: PostgreSQL's JSONB compares documents (`{"a":1,"b":2}` equals
   * `{"b":2, "a":1.0}`), SQLite and MariaDB their text (and MariaDB's text under its collation, so
   * without case), and each matched other rows.
   */
  private assertComparable(op: string): void {
    if (this.type?.kind !== "json") return;
    const node = this.node;
    const what = node.kind === "column" ? `the json() column ${node.source.name}.${node.name}` : "a json() expression";
    throw new ArgumentError(
      `${op} on ${what}: JSON documents are compared as documents on PostgreSQL and as text on SQLite and MariaDB, which match different rows. ` +
        "Compare a value inside the document in SQL (sql`doc ->> 'key'`; json_extract / JSON_VALUE), keep the value in a column of its own, or compare in JavaScript.",
    );
  }

  /**
   * The escape is always written out (backslash unless given): PostgreSQL and MariaDB take a
   * backslash as LIKE's escape by default, SQLite (and MariaDB under NO_BACKSLASH_ESCAPES) none,
   * so `like("a\\%")` matched other rows on each.
   */
  private likeNode(pattern: unknown, negated: boolean, caseInsensitive: boolean, options: LikeOptions | undefined): Expression<boolean> {
    const escape = options?.escape ?? LIKE_ESCAPE;
    if (!oneAsciiCharacter(escape)) {
      throw new ArgumentError(`like(..., { escape }): the escape must be one ASCII character (MariaDB ignores others under a binary collation); got ${JSON.stringify(escape)}.`);
    }
    if (caseInsensitive && escape.toLowerCase() !== escape.toUpperCase()) {
      // Outside PostgreSQL ilike lowers the pattern, and with it an escape written in upper case.
      throw new ArgumentError(`ilike(..., { escape: ${JSON.stringify(escape)} }): a letter cannot be the escape of a case-insensitive LIKE; use a character without case, such as "\\" or "!".`);
    }
    if (typeof pattern === "string" && endsWithLoneEscape(pattern, escape)) {
      throw new ArgumentError(
        `like(${JSON.stringify(pattern)}): the pattern ends with its escape character ${JSON.stringify(escape)}, which escapes nothing ` +
          "(PostgreSQL refuses it, MariaDB matches the character itself, SQLite matches nothing). Double it to match the character, " +
          "or build the pattern with escapeLike(text).",
      );
    }
    return boolean({ kind: "like", expr: this.node, pattern: this.operand(pattern), negated, caseInsensitive, escape });
  }

  private inNode(values: readonly unknown[] | SelectQuery, negated: boolean): Expression<boolean> {
    this.assertComparable(negated ? "NOT IN" : "IN");
    const list = Array.isArray(values) ? values.map((v) => this.operand(v)) : (values as SelectQuery).node;
    return boolean({ kind: "in", expr: this.node, values: list, negated });
  }
}

/** An expression with a name: a column, or an expression given a `label()`. */
export class Labeled<T, K extends string> extends Expression<T> {
  constructor(
    readonly key: K,
    node: ExprNode,
    type: SqlType | undefined,
  ) {
    super(node, type);
  }

  /** @internal */
  labelNode(): LabelNode {
    return { kind: "label", expr: this.node, name: this.key, type: this.type };
  }
}

/** An `ORDER BY` item: an expression and a direction (`users.c.name.desc()`). */
export class OrderBy {
  constructor(readonly node: OrderByNode) {}
  /**
   * `NULLS FIRST` (emulated on MySQL/MariaDB, which have no such clause).
   *
   * ```ts
   * select(users.c.id).orderBy(users.c.name.asc().nullsFirst()); // ORDER BY users.name ASC NULLS FIRST
   * ```
   */
  nullsFirst(): OrderBy {
    return new OrderBy({ ...this.node, nulls: "first" });
  }
  /**
   * `NULLS LAST` (emulated on MySQL/MariaDB, which have no such clause).
   *
   * ```ts
   * select(users.c.id).orderBy(users.c.name.desc().nullsLast()); // ORDER BY users.name DESC NULLS LAST
   * ```
   */
  nullsLast(): OrderBy {
    return new OrderBy({ ...this.node, nulls: "last" });
  }
}

/** Whether `pattern` ends with an odd run of `escape`: the last one escapes nothing. */
function endsWithLoneEscape(pattern: string, escape: string): boolean {
  let run = 0;
  for (let end = pattern.length; end >= escape.length && pattern.startsWith(escape, end - escape.length); end -= escape.length) run++;
  return run % 2 === 1;
}

function isInteger(type: SqlType | undefined): boolean {
  return type?.kind === "integer" || type?.kind === "bigint";
}

function boolean(node: ExprNode): Expression<boolean> {
  return new Expression<boolean>(node, undefined);
}

/** A value as a node: expressions pass through, anything else becomes a bound parameter. */
export function toNode(value: unknown, type: SqlType | undefined): ExprNode {
  if (value instanceof Expression) return value.node;
  return { kind: "param", value, type };
}
