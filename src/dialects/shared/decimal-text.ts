/**
 * Reading `numeric` values: athanor returns every decimal as a string of the number. PostgreSQL
 * and MySQL send DECIMAL as such text already; a number arrives where the database computed in
 * floating point (SQLite stores NUMERIC as REAL or INTEGER; MySQL turns `decimal * ?` into DOUBLE).
 * Such a number is written with the column's (or expression's) scale, as the exact types print
 * it, which also hides the float noise of sums (0.1 + 0.2 -> "0.30").
 */
import type { ValueProcessor } from "../../core/compiler/compiled-query.js";
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
  const text = value.toFixed(scale);
  // A sum that is zero up to float noise (-1e-17) would print "-0.00".
  return text.charCodeAt(0) === 45 /* - */ && Number(text) === 0 ? text.slice(1) : text;
}

/** Without a known scale: the number to 15 significant digits, the precision a double keeps exactly. */
function shortest(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
}
