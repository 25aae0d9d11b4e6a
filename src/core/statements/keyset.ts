/**
 * Keyset ("seek") pagination: a page is the rows after the previous page's last row in ORDER BY
 * order, found with `WHERE (a, b) > (last a, last b)` written out per direction, so it stays
 * right when rows are inserted between fetches (OFFSET would skip or repeat rows). This module
 * builds the page's statement and reads the cursor of its last row; `paginate` (orm/paginate.ts)
 * runs it on an engine, a connection or a session.
 */
import type { ColumnNode, ExprNode, OrderByNode } from "../ast/nodes.js";
import { expressionKey } from "../compiler/fingerprint.js";
import { ArgumentError } from "../errors.js";
import { Expression, toNode } from "../expression/expression.js";
import { Table } from "../schema/table.js";
import { types as sqlTypes, type SqlType } from "../types/sql-type.js";
import { decodeCursor, encodeCursor, ExactText, orderSignature } from "./keyset-cursor.js";
import { rowCount } from "./row-count.js";
import type { Select } from "./select.js";
import { isColumnKey } from "../schema/index-parts.js";

/** Options of `paginate`. */
export interface PaginateOptions {
  /** Rows per page: a whole number from 1. */
  readonly limit: number;
  /** The `nextCursor` of the previous page; none (or null) for the first page. */
  readonly after?: string | null | undefined;
  /**
   * Trust that the ORDER BY identifies a row, where athanor cannot see it (an expression, or a
   * unique index it does not know of). Without it, the ORDER BY must include every column of the
   * primary key or of a unique constraint of a selected table.
   */
  readonly assumeUnique?: boolean;
}

/** One page: its rows, and the cursor of the next page (`null` on the last page). */
export interface Page<T> {
  readonly rows: T[];
  readonly nextCursor: string | null;
}

/** The statement of one page, and how to read its extra key columns back. */
export interface KeysetPlan {
  readonly statement: Select<any, any, any>;
  readonly limit: number;
  /** The label of each ORDER BY key's added column, in order. */
  readonly keyLabels: readonly string[];
  readonly signature: string;
  /** The SQL type of each key (undefined where athanor cannot tell). */
  readonly types: readonly (SqlType | undefined)[];
}

const KEY_LABEL = "_keyset_";

export function planPage(query: Select<any, any, any>, options: PaginateOptions): KeysetPlan {
  const limit = rowCount("paginate({ limit })", options.limit);
  if (!limit) throw new ArgumentError("paginate({ limit }): a page needs at least one row; got 0 or none.");
  const { node } = query;
  if (node.orderBy.length === 0) throw new ArgumentError("paginate(): the query needs an ORDER BY that identifies a row, e.g. orderBy(Book.createdAt, Book.id).");
  if (node.limit || node.offset) throw new ArgumentError("paginate(): the query must not have its own limit() or offset(); the page size is paginate's { limit }.");
  if (!options.assumeUnique) checkUnique(node.orderBy);
  const types = node.orderBy.map((o) => keyType(o.expr, node.columns));
  node.orderBy.forEach((o, i) => checkKey(o, types[i]));
  const signature = orderSignature(node.orderBy);
  let statement = query.addColumns(...node.orderBy.map((o, i) => keyColumn(o.expr, types[i]).label(`${KEY_LABEL}${i}`)));
  if (options.after !== undefined && options.after !== null) {
    const values = decodeCursor(options.after, signature, types);
    statement = statement.where(new Expression<boolean>(after(node.orderBy, values, types), undefined));
  }
  return { statement: statement.limit(limit + 1), limit, keyLabels: node.orderBy.map((_, i) => `${KEY_LABEL}${i}`), signature, types };
}

/**
 * The column a key's value is read from for the cursor. A timestamp is read as the database's own
 * text of it: a Date holds milliseconds, the database microseconds (what `now()` writes), and a
 * cursor of the rounded value would skip every row of the same millisecond after it.
 */
function keyColumn(expr: ExprNode, type: SqlType | undefined): Expression<unknown> {
  if (type?.kind !== "datetime") return new Expression<unknown>(expr, type);
  return new Expression<unknown>({ kind: "cast", expr, type: TEXT }, TEXT);
}

const TEXT = sqlTypes.text();

/** The cursor after a row, from its key values (in ORDER BY order). */
export function cursorAfter(plan: KeysetPlan, values: readonly unknown[]): string {
  values.forEach((value, i) => {
    if (value === null || value === undefined) {
      throw new ArgumentError(`paginate(): ORDER BY key ${i + 1} is NULL in a row; keyset pagination needs keys that are never NULL (order by coalesce(...) or filter the NULLs out).`);
    }
  });
  return encodeCursor(plan.signature, values.map((value, i) => (plan.types[i]?.kind === "datetime" && typeof value === "string" ? new ExactText(value) : value)));
}

/** `a >= :a AND (a > :a OR (a = :a AND b < :b) OR ...)`: strictly after the cursor's row, whatever each key's direction. */
function after(orderBy: readonly OrderByNode[], values: readonly unknown[], types: readonly (SqlType | undefined)[]): ExprNode {
  // A timestamp's text goes back through the database's own cast: compared as the timestamp it names.
  const param = (i: number): ExprNode => {
    const value = values[i];
    return value instanceof ExactText ? { kind: "cast", expr: toNode(value.text, TEXT), type: types[i]! } : toNode(value, types[i]);
  };
  const branches = orderBy.map((o, i): ExprNode => {
    const equal = orderBy.slice(0, i).map((prev, j): ExprNode => ({ kind: "binary", op: "=", left: prev.expr, right: param(j) }));
    const beyond: ExprNode = { kind: "binary", op: o.direction === "asc" ? ">" : "<", left: o.expr, right: param(i) };
    return equal.length ? { kind: "and", items: [...equal, beyond] } : beyond;
  });
  if (branches.length === 1) return branches[0]!;
  // `a >= :a AND (...)`: the same rows, with a range on the first key that an index can seek to.
  const first = orderBy[0]!;
  const range: ExprNode = { kind: "binary", op: first.direction === "asc" ? ">=" : "<=", left: first.expr, right: param(0) };
  return { kind: "and", items: [range, { kind: "or", items: branches }] };
}

/** The SQL type of a key: a column's own, or that of the select item it equals. */
function keyType(expr: ExprNode, columns: Select<any>["node"]["columns"]): SqlType | undefined {
  const column = columnOf(expr);
  if (column) return column.type;
  const key = expressionKey(expr);
  return columns.find((c) => expressionKey(c.expr) === key)?.type;
}

function columnOf(expr: ExprNode) {
  if (expr.kind !== "column") return undefined;
  const table = tableOf(expr);
  return table?.columnList.find((c) => c.name === expr.name);
}

function tableOf(expr: ColumnNode): Table | undefined {
  const source = expr.source.kind === "table" ? expr.source : expr.source.of.kind === "table" ? expr.source.of : undefined;
  return source && source.table instanceof Table ? source.table : undefined;
}

/** A nullable column would drop its NULL rows from later pages (NULL compares as neither > nor <). */
function checkKey(order: OrderByNode, type: SqlType | undefined): void {
  const column = columnOf(order.expr);
  if (column?.nullable) {
    throw new ArgumentError(
      `paginate(): ORDER BY column ${column.table.name}.${column.name} is nullable, and rows where it is NULL would be skipped. ` +
        `Order by a NOT NULL column, or by func.coalesce(column, fallback).`,
    );
  }
  if (type && (type.kind === "json" || type.kind === "binary")) throw new ArgumentError(`paginate(): cannot page by a ${type.kind} key.`);
}

/** The ORDER BY columns must cover a primary key or unique key of one table, else rows that tie are skipped or repeated. */
function checkUnique(orderBy: readonly OrderByNode[]): void {
  const columns = orderBy.map((o) => (o.expr.kind === "column" ? { table: tableOf(o.expr), name: o.expr.name, source: o.expr.source } : undefined));
  const tables = new Set(columns.map((c) => c?.table).filter((t) => t !== undefined));
  for (const table of tables) {
    const named = new Set(columns.filter((c) => c?.table === table).map((c) => c!.name));
    const keys = [table.primaryKey, ...table.uniques.map((u) => u.columns), ...table.indexes.filter(isColumnKey).map((i) => i.columns), ...table.columnList.filter((c) => c.unique).map((c) => [c])];
    if (keys.some((key) => key.length > 0 && key.every((c) => named.has(c.name)))) return;
  }
  throw new ArgumentError(
    "paginate(): the ORDER BY does not identify a row (it covers no primary key or unique key of a selected table), so rows that tie would be " +
      "skipped or repeated between pages. Add the primary key last, e.g. orderBy(Book.createdAt.desc(), Book.id), or pass { assumeUnique: true }.",
  );
}
