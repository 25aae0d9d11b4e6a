/**
 * Reading `integer` values, which JavaScript holds as numbers: exact only up to ±(2^53 - 1). A
 * 64-bit count or sum (PostgreSQL's int8 and numeric, MySQL's BIGINT and DECIMAL arrive as text)
 * beyond it would read rounded without a word: it is refused instead. (SQLite's driver reads such
 * an integer as a bigint, exact: no reader is spent on every integer column there.)
 */
import type { ValueProcessor } from "../../core/compiler/compiled-query.js";
import { DataError } from "../../core/errors.js";

/** An integer that arrives as text (or a number), as a number; refused past what a number holds exactly. */
export const readInteger: ValueProcessor = (v) => {
  if (typeof v === "number") return v;
  const n = Number(v);
  if (n <= Number.MAX_SAFE_INTEGER && n >= -Number.MAX_SAFE_INTEGER) return n;
  return n !== n ? n : beyondNumber(v); // NaN: no integer at all, as before
};

function beyondNumber(value: unknown): never {
  throw new DataError(
    `The database holds the integer ${String(value)}, past what a JavaScript number holds exactly (±9007199254740991): ` +
      "it would read rounded. Read it as a bigint: a bigint() column, or cast(expr, types.bigint()) (e.g. func.sum(cast(col, types.bigint()))).",
    {},
    undefined,
  );
}
