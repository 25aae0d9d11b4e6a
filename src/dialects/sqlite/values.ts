/**
 * How values cross better-sqlite3: it binds only numbers, strings, bigints, buffers and null, so
 * booleans become 0/1, timestamps SQLite's own UTC text (`2021-01-01 00:00:00`, see
 * datetime-text.ts) and JSON its text; reading converts them back.
 */
import type { ValueProcessor } from "../../core/compiler/compiled-query.js";
import { DataError } from "../../core/errors.js";
import type { SqlType } from "../../core/types/sql-type.js";
import { decimalParts } from "../../core/types/decimal-parts.js";
import { decimalReader } from "../shared/decimal-text.js";
import { lowerCaseUuid } from "../shared/uuid.js";
import { unchangedStoredText } from "../../core/types/inexact-dates.js";
import { parseSqliteDate, parseSqliteDatetime, sqliteDateText, sqliteDatetimeText } from "./datetime-text.js";
import { parseJsonExactly } from "../shared/json-text.js";

const bindAny: ValueProcessor = (v) => {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return unchangedStoredText(v) ?? sqliteDatetimeText(v); // microseconds it was read from kept
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
};

/**
 * Decimals are bound as numbers: SQLite stores NUMERIC as REAL (or INTEGER) anyway, and a text
 * parameter never equals nor orders with a computed number (`price * qty >= '2.20'` is false, text
 * sorting after every number). Whole numbers beyond 2^53 go as bigint, which SQLite keeps exactly.
 * A decimal the double would not give back is refused (decimal-text.ts reads it): with a scale,
 * one the double's shortest text is not ("99999999999999.99" is ...98); without, one of more than
 * 15 significant digits, the digits such a column is read with.
 */
function decimalBinder(scaled: boolean): ValueProcessor {
  return (v) => {
    if (typeof v !== "string") return v;
    const n = Number(v);
    if (Number.isNaN(n)) return v;
    if (!Number.isSafeInteger(n) && /^[+-]?\d+$/.test(v)) {
      const whole = BigInt(v);
      return whole >= INT64_MIN && whole <= INT64_MAX ? whole : tooPrecise(v);
    }
    // Up to 15 characters, at most 15 digits: a double holds them all.
    if (v.length <= 15) return n;
    const given = decimalParts(v);
    if (scaled) {
      const kept = decimalParts(String(n));
      return kept.digits === given.digits && kept.point === given.point ? n : tooPrecise(v);
    }
    return given.digits.length <= 15 ? n : tooPrecise(v);
  };
}

/** A decimal a double cannot hold: it would be stored rounded (123456789012345678.91 as ...680). */
function tooPrecise(text: string): never {
  throw new DataError(
    `SQLite stores a decimal as a double (or a whole number within 64 bits), which would not give ${text} back. ` +
      "Round it, or keep such values as text (a string() column).",
    {},
    undefined,
  );
}
const bindScaledDecimal = decimalBinder(true);
const bindDecimal = decimalBinder(false);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function sqliteBindProcessor(type: SqlType | undefined): ValueProcessor | undefined {
  switch (type?.kind) {
    case "json":
      return (v) => JSON.stringify(v);
    case "numeric":
      return type.scale === undefined || type.scale > 100 ? bindDecimal : bindScaledDecimal;
    case "date":
      return (v) => (v instanceof Date ? sqliteDateText(v) : v);
    case "float":
      return bindFloat;
    case "integer":
    case "string":
    case "text":
    case "enum":
      return undefined;
    case "uuid":
      return lowerCaseUuid;
    default:
      return bindAny;
  }
}

/** SQLite stores a NaN bound as NULL (and compares it as NULL): refused rather than lost. */
const bindFloat: ValueProcessor = (v) => {
  if (v !== v) throw new DataError("SQLite cannot hold NaN: it would store (or compare) NULL instead. Write null, or another value.", {}, undefined);
  return v;
};

export function sqliteResultProcessor(type: SqlType): ValueProcessor | undefined {
  switch (type.kind) {
    case "boolean":
      // Any number but 0 is true, as SQLite's own `WHERE flag` reads it (another program may store 2).
      return (v) => (typeof v === "number" ? v !== 0 : typeof v === "bigint" ? v !== 0n : v === true || v === "1");
    case "datetime":
      return parseSqliteDatetime;
    case "date":
      return parseSqliteDate;
    case "bigint":
      return (v) => (typeof v === "bigint" ? v : BigInt(v));
    case "numeric":
      return decimalReader(type);
    case "json":
      // A column of type JSON has NUMERIC affinity: a document that is one number is stored as one,
      // read as a bigint when a double would round it (refused then, as in text).
      return (v) => (typeof v === "string" ? parseJsonExactly(v) : typeof v === "bigint" ? parseJsonExactly(String(v)) : v);
    case "binary":
      return (v) => (v instanceof Uint8Array ? v : Buffer.from(String(v)));
    case "uuid":
      return lowerCaseUuid;
    default:
      return undefined;
  }
}
