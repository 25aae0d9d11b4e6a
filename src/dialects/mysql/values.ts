/**
 * How values cross mysql2. DATETIME has no time zone: athanor stores UTC (the pool runs with
 * `timezone: 'Z'`) and reads it as text. BIGINT and DECIMAL arrive as strings and are converted
 * per column type; JSON arrives as its text (`jsonStrings`) and is parsed here, exactly once.
 */
import type { ValueProcessor } from "../../core/compiler/compiled-query.js";
import { DataError } from "../../core/errors.js";
import { decimalWidth } from "../../core/types/decimal-parts.js";
import type { SqlType } from "../../core/types/sql-type.js";
import { decimalReader } from "../shared/decimal-text.js";
import { lowerCaseUuid } from "../shared/uuid.js";
import { parseJsonExactly } from "../shared/json-text.js";
import { readInteger } from "../shared/integer-text.js";
import { readTimestamp, unchangedStoredText } from "../../core/types/inexact-dates.js";

/**
 * A DATETIME read as text, as the UTC Date it holds (recorded as inexact when the text has
 * microseconds the Date drops: inexact-dates.ts). A zero date ('0000-00-00 00:00:00', which
 * MariaDB stores for an invalid one in a lax sql_mode) is no Date: it read as an Invalid Date.
 */
function readDatetime(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  const date = new Date(`${text.replace(" ", "T")}Z`);
  if (Number.isNaN(date.getTime())) {
    throw new DataError(
      `MariaDB holds a DATETIME '${String(value)}' that is no date (a zero date, written by a program in a lax sql_mode): ` +
        `read the column as text (sql\`CAST(col AS CHAR)\`), or correct the row.`,
      {},
      undefined,
    );
  }
  return readTimestamp(date, text);
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` in UTC: the format DATETIME(6) accepts. */
function utcDatetime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "").padEnd(26, "0");
}

const bindAny: ValueProcessor = (v) => {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return unchangedStoredText(v) ?? utcDatetime(v); // microseconds it was read from kept
  if (typeof v === "bigint") return String(v);
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
};

export function mysqlBindProcessor(type: SqlType | undefined): ValueProcessor | undefined {
  switch (type?.kind) {
    case "json":
      return (v) => JSON.stringify(v);
    case "integer":
    case "float":
      return bindNumber;
    case "string":
    case "text":
    case "enum":
      return bindText;
    case "uuid":
      return bindUuid;
    case "boolean":
      return bindBoolean;
    case "numeric":
      return type.precision === undefined && type.scale === undefined ? bindUnsizedDecimal : bindAny;
    default:
      return bindAny;
  }
}

/*
 * MySQL compares a number with a string as two numbers: `code = 0` is true for 'abc', `n = '5x'`
 * for 5, `flag = 'yes'` for false. A parameter of another kind than its column's (past
 * TypeScript's types) matched rows the application did not mean. Compared as the column's kind it
 * matches what PostgreSQL's comparison would; a string that is no number (or no boolean) is refused.
 */
const bindText: ValueProcessor = (v) => (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" ? String(v) : v);
const bindUuid: ValueProcessor = (v) => (typeof v === "string" ? v.toLowerCase() : typeof v === "number" || typeof v === "bigint" ? String(v) : v);
const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const bindNumber: ValueProcessor = (v) => (typeof v === "string" ? (NUMBER_TEXT.test(v) ? Number(v) : notA("number", v)) : v);
const bindBoolean: ValueProcessor = (v) => (typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "string" ? notA("boolean", v) : v);

function notA(kind: string, value: string): never {
  const why = "MySQL/MariaDB would compare it as one (as 0, or its leading digits), matching rows it does not name";
  throw new DataError(`${JSON.stringify(value)} is not a ${kind}: ${why}.`, {}, undefined);
}

/**
 * `numeric()` is DECIMAL(38, 10) here (MySQL has no unbounded decimal): a value with more than 10
 * digits after the point would be rounded without a word, so it is refused (28 before it are
 * refused by the server itself).
 */
const bindUnsizedDecimal: ValueProcessor = (v) => {
  if ((typeof v === "string" || typeof v === "number") && decimalWidth(String(v)).fraction > 10) {
    throw new DataError(
      `numeric() is DECIMAL(38, 10) on MySQL/MariaDB, which would round ${String(v)} to 10 digits after the point. ` +
        "Round it, or give the column a scale that holds it (numeric(38, 20)).",
      {},
      undefined,
    );
  }
  return bindAny(v);
};

/**
 * An unsized decimal (`numeric()`, DECIMAL(38, 10) here; a quotient, an average) without the
 * trailing zeros of its scale, as PostgreSQL and SQLite answer "1.5": MariaDB answered
 * "1.5000000000", and a `numeric()` key added as "1.5" and read back was a second object for its row.
 */
function unsizedDecimalReader(type: SqlType): ValueProcessor {
  const read = decimalReader(type);
  return (v) => {
    const text = read(v) as string;
    if (!text.includes(".") || text.includes("e")) return text;
    const bare = text.replace(/\.?0+$/, "");
    return bare === "-0" ? "0" : bare;
  };
}

const toNumber: ValueProcessor = (v) => (typeof v === "string" ? Number(v) : v);

export function mysqlResultProcessor(type: SqlType): ValueProcessor | undefined {
  switch (type.kind) {
    case "integer":
      return readInteger;
    case "float":
      return toNumber;
    case "bigint":
      return (v) => (typeof v === "bigint" ? v : BigInt(v));
    case "numeric":
      return type.precision === undefined && type.scale === undefined ? unsizedDecimalReader(type) : decimalReader(type);
    case "boolean":
      // Any number but 0 is true, as MariaDB's own `WHERE flag` reads a TINYINT (another program may store 2).
      return (v) => (typeof v === "number" ? v !== 0 : v === true || v === "1");
    case "json":
      return (v) => (typeof v === "string" ? parseJsonExactly(v) : v);
    case "datetime":
      return readDatetime;
    case "date":
      return (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
    case "uuid":
      return lowerCaseUuid;
    default:
      return undefined;
  }
}
