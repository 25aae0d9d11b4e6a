/**
 * What each column type accepts as a JavaScript value, checked before a row is written (so that
 * a wrong value fails with a message naming the column rather than as a database error half-way
 * through a flush, or worse, is silently coerced by the driver). A check is compiled once per
 * type object and is a plain predicate: it runs once per value written.
 */
import { decimalWidth } from "./decimal-parts.js";
import type { SqlType } from "./sql-type.js";

export interface ValueCheck {
  /** Whether a value (neither null nor undefined) is one the type accepts. */
  readonly accepts: (value: unknown) => boolean;
  /** What the type accepts, for messages: "an integer from -2147483648 to 2147483647". */
  readonly expected: string;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
// Hyphens required: PostgreSQL answers a UUID given without them with them, which would be
// another identity (a second object for the row) and, stored as text elsewhere, another value.
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const FIRST_INSTANT = -62135596800000; // 0001-01-01T00:00:00Z (PostgreSQL has no year 0)
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const checks = new WeakMap<SqlType, ValueCheck>();

/** The check of a type, compiled the first time it is asked for (types are frozen descriptors). */
export function valueCheck(type: SqlType): ValueCheck {
  let check = checks.get(type);
  if (!check) checks.set(type, (check = compile(type)));
  return check;
}

function compile(type: SqlType): ValueCheck {
  switch (type.kind) {
    case "integer":
      return {
        accepts: (v) => typeof v === "number" && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX,
        expected: `an integer number from ${INT32_MIN} to ${INT32_MAX}`,
      };
    case "bigint":
      return {
        accepts: (v) => (typeof v === "bigint" ? v >= INT64_MIN && v <= INT64_MAX : Number.isSafeInteger(v)),
        expected: "a bigint from -2^63 to 2^63-1 (or an integer number within Number.MAX_SAFE_INTEGER)",
      };
    case "string":
    case "text": {
      const max = type.kind === "string" ? type.length : undefined;
      // A lone surrogate has no UTF-8 form: every driver would write U+FFFD in its place.
      if (max === undefined) return { accepts: (v) => typeof v === "string" && wellFormed(v), expected: `a string${NO_LONE_SURROGATE}` };
      // Databases count characters, JavaScript UTF-16 units: count code points only when it matters.
      return {
        accepts: (v) => typeof v === "string" && (v.length <= max || [...v].length <= max) && wellFormed(v),
        expected: `a string of at most ${max} characters${NO_LONE_SURROGATE}`,
      };
    }
    case "boolean":
      return { accepts: (v) => typeof v === "boolean", expected: "a boolean (true or false)" };
    case "float":
      return { accepts: (v) => typeof v === "number", expected: "a number" };
    case "numeric":
      return numericCheck(type);
    case "date":
      return { accepts: (v) => typeof v === "string" && isCalendarDate(v), expected: `a calendar date as a string "YYYY-MM-DD" in years 1-9999` };
    case "datetime": {
      // Outside these years PostgreSQL and MariaDB refuse the text a Date is sent as, and SQLite read year -1 back as 2001.
      const inRange = (v: unknown): v is Date => v instanceof Date && v.getTime() >= FIRST_INSTANT && v.getTime() <= LAST_INSTANT;
      const digits = type.precision ?? 3;
      if (digits >= 3) return { accepts: inRange, expected: "a valid Date object in years 1-9999" };
      // A column of fewer digits rounds the milliseconds it cannot keep: the row would hold another time.
      const step = 10 ** (3 - digits);
      return {
        accepts: (v) => inRange(v) && v.getUTCMilliseconds() % step === 0,
        expected: `a valid Date object in years 1-9999 whose milliseconds the column keeps (datetime({ precision: ${digits} }): ${digits === 0 ? "whole seconds" : `multiples of ${step} ms`})`,
      };
    }
    case "json":
      return {
        accepts: (v) => jsonKeeps(v, 0),
        expected: "a JSON value (object, array, string, number or boolean) without NaN, Infinity, a Map or a Set (JSON writes null or {} for them)",
      };
    case "uuid":
      return { accepts: (v) => typeof v === "string" && UUID.test(v), expected: `a UUID string (e.g. "123e4567-e89b-12d3-a456-426614174000")` };
    case "enum": {
      const allowed = new Set<unknown>(type.values);
      return { accepts: (v) => allowed.has(v), expected: `one of ${type.values!.map((v) => JSON.stringify(v)).join(", ")}` };
    }
    case "binary": {
      const max = type.length;
      return {
        accepts: (v) => v instanceof Uint8Array && (max === undefined || v.byteLength <= max),
        expected: max === undefined ? "a Uint8Array (or Buffer)" : `a Uint8Array (or Buffer) of at most ${max} bytes`,
      };
    }
  }
}

/**
 * Whether JSON.stringify writes the value as it is: NaN and Infinity become null, a Map or a Set
 * an empty object, a function or symbol in a list null (in an object, they and undefined drop
 * out, as undefined reads back). A value with `toJSON` (a Date) says itself what it is written as.
 */
function jsonKeeps(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null || depth > 1000) return true; // deeper: JSON.stringify reports a cycle itself
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!jsonKeeps(value[i], depth + 1)) return false;
        return true;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return true;
      if (value instanceof Map || value instanceof Set) return false;
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined && typeof item !== "function" && typeof item !== "symbol" && !jsonKeeps(item, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false; // undefined (in a list: null), bigint, function, symbol
  }
}

const NO_LONE_SURROGATE = " (without lone UTF-16 surrogates, which no database stores)";

/** No lone surrogate (one-byte strings, the usual case, answer at once). */
const wellFormed: (text: string) => boolean = (text) => (text as { isWellFormed(): boolean } & string).isWellFormed();

/**
 * A decimal is refused where its column would change it: more digits after the point than the
 * scale (PostgreSQL and MariaDB round "1.005" to 1.01 in NUMERIC(6, 2), SQLite's float to 1.00)
 * or more before it than precision - scale (refused by them, kept by SQLite). Trailing zeros
 * after the point and leading zeros do not count. `numeric()` without a precision is unchecked.
 */
function numericCheck(type: SqlType): ValueCheck {
  const isDecimal = (v: unknown) => (typeof v === "string" ? DECIMAL.test(v) : typeof v === "number" ? Number.isFinite(v) : typeof v === "bigint");
  const generic = `a decimal as a string (e.g. "12.50"), a finite number or a bigint`;
  if (type.precision === undefined) return { accepts: isDecimal, expected: generic };
  const scale = type.scale ?? 0;
  const whole = type.precision - scale;
  return {
    accepts: (v) => isDecimal(v) && fitsDecimal(typeof v === "string" ? v : String(v), whole, scale),
    expected:
      `${generic}, with at most ${whole} digits before the point and ${scale} after it ` +
      `(numeric(${type.precision}, ${scale}) would round or refuse more)`,
  };
}

/** Whether decimal text (already checked by DECIMAL) has at most `whole` digits before its point and `scale` after it. */
function fitsDecimal(text: string, whole: number, scale: number): boolean {
  const width = decimalWidth(text);
  return width.whole <= whole && width.fraction <= scale;
}

function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // PostgreSQL has no year 0 (it refused it mid-flush), SQLite and MariaDB stored it: refused everywhere, as datetime() does.
  if (year === 0) return false;
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999 (0050-02-29 would pass).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A value as a message shows it: strings quoted, with its JavaScript type. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "no value";
  if (typeof value === "string") return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)} (a string)`;
  if (typeof value === "bigint") return `${value}n (a bigint)`;
  if (value instanceof Date) return `${Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()} (a Date)`;
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return value.constructor === Object || !value.constructor?.name ? "an object" : `a ${value.constructor.name} object`;
  return `${String(value)} (a ${typeof value})`;
}
