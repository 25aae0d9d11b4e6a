/**
 * The argument of `limit()` and `offset()`. Checked where it is given: a negative LIMIT means "no
 * limit" on SQLite and is an error on the servers, a fraction is rounded by some and refused by
 * others, and a string slips past the types from untyped callers. None of that should reach SQL.
 */
import { ArgumentError } from "../errors.js";

export function rowCount(method: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value === 0 ? 0 : value; // no -0
  throw new ArgumentError(
    `${method}(${describe(value)}): expected a whole number of rows from 0 to Number.MAX_SAFE_INTEGER ` +
      `(${Number.MAX_SAFE_INTEGER}), or undefined for none; got ${describe(value)} (${typeof value}).`,
  );
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}
