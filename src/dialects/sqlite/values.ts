/**
 * How values cross better-sqlite3: it binds only numbers, strings, bigints, buffers and null, so
 * booleans become 0/1, dates ISO-8601 text and JSON its text; reading converts them back.
 */
import type { ValueProcessor } from "../../core/compiler/compiled-query.js";
import type { SqlType } from "../../core/types/sql-type.js";
import { lowerCaseUuid } from "../shared/uuid.js";

const bindAny: ValueProcessor = (v) => {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
};

export function sqliteBindProcessor(type: SqlType | undefined): ValueProcessor | undefined {
  switch (type?.kind) {
    case "json":
      return (v) => JSON.stringify(v);
    case "numeric":
      return (v) => String(v);
    case "integer":
    case "float":
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

export function sqliteResultProcessor(type: SqlType): ValueProcessor | undefined {
  switch (type.kind) {
    case "boolean":
      return (v) => v === 1 || v === 1n || v === true || v === "1";
    case "datetime":
      return (v) => (v instanceof Date ? v : new Date(typeof v === "number" ? v : String(v).replace(" ", "T") + (/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? "" : "Z")));
    case "bigint":
      return (v) => (typeof v === "bigint" ? v : BigInt(v));
    case "numeric":
      return (v) => String(v);
    case "json":
      return (v) => (typeof v === "string" ? JSON.parse(v) : v);
    case "binary":
      return (v) => (v instanceof Uint8Array ? v : Buffer.from(String(v)));
    case "uuid":
      return lowerCaseUuid;
    default:
      return undefined;
  }
}
