/**
 * Reading `numeric` values: athanor returns every decimal as a string of the number. PostgreSQL
 * and MySQL send DECIMAL as such text already; a number arrives where the database computed in
 * floating point (SQLite stores NUMERIC as REAL or INTEGER; MySQL computes `decimal / ?` as DOUBLE).
 * Such a number is written with the column's (or expression's) scale, as the exact types print
 * it, which also hides the float noise of sums (0.1 + 0.2 -> "0.30").
 */
import type { ValueProcessor } from "../../core/compiler/compiled-query.js";
import { decimalParts } from "../../core/types/decimal-parts.js";
import type { SqlType } from "../../core/types/sql-type.js";

/** The reader of one numeric type, built once per compiled statement column. */
export function decimalReader(type: SqlType): ValueProcessor {
  const scale = type.scale;
  if (scale === undefined || scale > 100) return (v) => (typeof v === "number" ? shortest(v) : String(v));
  const zeros = scale === 0 ? "" : `.${"0".repeat(scale)}`;
  return (v) => {
    if (typeof v === "number") return fixed(v, scale);
    if (typeof v === "bigint") return `${v}${zeros}`;
    return String(v);
  };
}

function fixed(value: number, scale: number): string {
  // Past 15 digits in all, toFixed may print the double's binary noise (0.1 in NUMERIC(38, 30)
  // read as 0.100000000000000005551115123126): the double's shortest text is written instead.
  if (!(Math.abs(value) < EXACT_BELOW[scale]!)) {
    const text = shortestFixed(value, scale);
    if (text !== undefined) return text;
  }
  const text = value.toFixed(scale);
  // A sum that is zero up to float noise (-1e-17) would print "-0.00".
  return text.charCodeAt(0) === 45 /* - */ && Number(text) === 0 ? text.slice(1) : text;
}

/** 10^(15 - scale): below it, toFixed(scale) writes a decimal of at most 15 digits, and the noise of a sum, as stored. */
const EXACT_BELOW = Array.from({ length: 101 }, (_, scale) => 10 ** (15 - scale));

/**
 * The double's shortest text (what was stored), with `scale` digits after the point; undefined
 * when it has more (the float noise of a sum: toFixed rounds it).
 */
function shortestFixed(value: number, scale: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const { negative, digits, point } = decimalParts(String(value));
  if (digits === "") return scale === 0 ? "0" : `0.${"0".repeat(scale)}`;
  const whole = point <= 0 ? "0" : digits.slice(0, point).padEnd(point, "0");
  const fraction = point <= 0 ? "0".repeat(-point) + digits : digits.slice(point);
  if (fraction.length > scale) return undefined;
  return `${negative ? "-" : ""}${whole}${scale === 0 ? "" : `.${fraction.padEnd(scale, "0")}`}`;
}

/** Without a known scale: the number to 15 significant digits, the precision a double keeps exactly. */
function shortest(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}
