/**
 * How values cross node-postgres. Dates are sent as UTC ISO text so that `TIMESTAMP WITHOUT TIME
 * ZONE` stores UTC wall-clock time; JSON is sent as text (pg would send a JS array as a PG array).
 * 64-bit integers and aggregates arrive as strings and are converted per column type.
 */
import type { ValueProcessor } from "../../core/compiler/compiled-query.js";
import type { SqlType } from "../../core/types/sql-type.js";
import { decimalReader } from "../shared/decimal-text.js";
import { parseJsonExactly } from "../shared/json-text.js";
import { readInteger } from "../shared/integer-text.js";
import { readTimestamp, unchangedStoredText } from "../../core/types/inexact-dates.js";

const bindAny: ValueProcessor = (v) => {
  if (v instanceof Date) return utcText(v);
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
};

/** float8 holds -0, but node-postgres sends a number as its `toString()`, which is "0" for -0. */
const bindFloat: ValueProcessor = (v) => (v === 0 && Object.is(v, -0) ? "-0" : v);

/** A Date in UTC: the microseconds it was read from where it was read inexactly (inexact-dates.ts). */
function utcText(date: Date): string {
  const stored = unchangedStoredText(date);
  return stored === undefined ? date.toISOString() : `${stored}Z`;
}

export function postgresBindProcessor(type: SqlType | undefined): ValueProcessor | undefined {
  switch (type?.kind) {
    case "json":
      return (v) => JSON.stringify(v);
    case "bigint":
      return (v) => String(v);
    case "float":
      return bindFloat;
    case "integer":
    case "string":
    case "text":
    case "uuid":
    case "enum":
    case "boolean":
      return undefined;
    default:
      return bindAny;
  }
}

const toNumber: ValueProcessor = (v) => (typeof v === "string" ? Number(v) : v);

export function postgresResultProcessor(type: SqlType): ValueProcessor | undefined {
  switch (type.kind) {
    case "integer":
      return readInteger;
    case "float":
      return toNumber;
    case "bigint":
      return (v) => (typeof v === "bigint" ? v : BigInt(v));
    case "numeric":
      return decimalReader(type);
    case "boolean":
      return (v) => v === true || v === "t" || v === 1;
    case "datetime":
      return (v) => (v instanceof Date ? v : new Date(v));
    default:
      return undefined;
  }
}

/** node-postgres type parsers for this engine's pool (not the process-wide defaults). */
export function postgresTypeParsers(builtin: (oid: number, format?: string) => (value: string) => unknown) {
  const TIMESTAMP = 1114;
  const TIMESTAMPTZ = 1184;
  const DATE = 1082;
  const JSON_OID = 114;
  const JSONB = 3802;
  return {
    getTypeParser(oid: number, format?: string): (value: string) => unknown {
      if (oid === DATE) return (value) => value; // a calendar date stays 'YYYY-MM-DD'
      if (oid === TIMESTAMP) return (value) => readTimestamp(new Date(`${value.replace(" ", "T")}Z`), value); // stored as UTC
      if (oid === TIMESTAMPTZ) {
        const parse = builtin(oid, format);
        return (value) => readTimestamp(parse(value) as Date, value);
      }
      if (oid === JSON_OID || oid === JSONB) return parseJsonExactly;
      return builtin(oid, format);
    },
  };
}
