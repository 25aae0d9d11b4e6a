/**
 * The SQL type of `a + b`, `a - b`, `a * b`, `a / b`: it decides how the result is read. Number
 * arithmetic keeps the left operand's type, as before. Where a decimal takes part the result is a
 * decimal, with the scale PostgreSQL and MySQL give it (the larger scale for + and -, their sum
 * for *), so that SQLite, which computes in floating point, prints the same digits; `/` has no
 * portable scale (PostgreSQL and MySQL differ), so its result is read without one.
 */
import type { BinaryOperator } from "../ast/nodes.js";
import type { SqlType } from "./sql-type.js";

export function arithmeticType(op: BinaryOperator, left: SqlType | undefined, right: SqlType | undefined, literal?: unknown): SqlType | undefined {
  const rightIsDecimal = right?.kind === "numeric" || (literal !== undefined && left?.kind === "numeric");
  if (left?.kind !== "numeric" && !rightIsDecimal) return left;
  const a = scaleOf(left, undefined);
  const b = scaleOf(right, literal);
  const scale = a === undefined || b === undefined ? undefined : op === "*" ? a + b : op === "/" ? undefined : Math.max(a, b);
  return decimalType(scale);
}

/** Digits after the point: 0 for integers, a decimal's scale, a literal's own; undefined when not known. */
function scaleOf(type: SqlType | undefined, literal: unknown): number | undefined {
  if (literal !== undefined) return literalScale(literal);
  switch (type?.kind) {
    case "integer":
    case "bigint":
      return 0;
    case "numeric":
      // numeric(p) has scale 0; numeric() has none on PostgreSQL (and is DECIMAL(10,0) on MySQL).
      return type.scale ?? (type.precision === undefined ? undefined : 0);
    default:
      return undefined;
  }
}

function literalScale(value: unknown): number | undefined {
  if (typeof value === "bigint") return 0;
  if (typeof value !== "number" && typeof value !== "string") return undefined;
  const text = String(value);
  if (/[eE]/.test(text)) return undefined;
  const point = text.indexOf(".");
  return point === -1 ? 0 : text.length - point - 1;
}

const decimals = new Map<number | undefined, SqlType>();

/** One frozen type per scale, so that statements built alike share their types. */
function decimalType(scale: number | undefined): SqlType {
  let type = decimals.get(scale);
  if (!type) decimals.set(scale, (type = Object.freeze({ kind: "numeric", ...(scale === undefined ? {} : { scale }) })));
  return type;
}
