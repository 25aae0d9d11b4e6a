/**
 * The opaque cursor of keyset pagination: base64url of `{"v":1,"s":<signature>,"k":[values]}`.
 * The signature is a hash of the query's ORDER BY (expressions and directions), so a cursor is
 * refused by a query ordered differently; each value is checked against its key's SQL type. Not
 * signed: a client can forge a well-formed cursor for another position in the same listing, which
 * shows it no row the query itself would not. Dates and bigints are tagged to survive JSON.
 */
import { createHash } from "node:crypto";
import type { OrderByNode } from "../ast/nodes.js";
import { expressionKey } from "../compiler/fingerprint.js";
import { InvalidCursorError } from "../errors.js";
import type { SqlType } from "../types/sql-type.js";

const VERSION = 1;

/** A short hash of the ORDER BY that a cursor belongs to. */
export function orderSignature(orderBy: readonly OrderByNode[]): string {
  const text = orderBy.map((o) => `${o.direction}${o.nulls ?? ""}${expressionKey(o.expr)}`).join(",");
  return createHash("sha256").update(text).digest("base64url").slice(0, 16);
}

export function encodeCursor(signature: string, values: readonly unknown[]): string {
  const k = values.map((value) => {
    if (value instanceof Date) return { d: value.toISOString() };
    if (typeof value === "bigint") return { b: value.toString() };
    return value;
  });
  return Buffer.from(JSON.stringify({ v: VERSION, s: signature, k })).toString("base64url");
}

/** The key values a cursor holds, checked against the query's keys; `InvalidCursorError` if it is not one of this query's. */
export function decodeCursor(cursor: unknown, signature: string, types: readonly (SqlType | undefined)[]): unknown[] {
  if (typeof cursor !== "string" || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid("it is not a base64url string");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid("it does not decode to JSON");
  }
  if (typeof parsed !== "object" || parsed === null) throw invalid("it is not a cursor object");
  const { v, s, k } = parsed as { v?: unknown; s?: unknown; k?: unknown };
  if (v !== VERSION || typeof s !== "string" || !Array.isArray(k)) throw invalid("it is not a cursor object");
  if (s !== signature) throw invalid("it was made for a query with another ORDER BY");
  if (k.length !== types.length) throw invalid(`it holds ${k.length} key values, the ORDER BY has ${types.length}`);
  return k.map((value, i) => keyValue(value, types[i], i));
}

/**
 * The type of a timestamp key in a cursor: the database's text of it (`CAST(at AS TEXT)`, see
 * keyset.ts), which keeps the digits past the millisecond a Date drops.
 */
export const TIMESTAMP_TEXT: SqlType = Object.freeze({ kind: "text" });

/** A timestamp's text as the databases write it (or SQLite's Unix time). */
const TIMESTAMP_PATTERN = /^(-?\d{4,}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?)?( ?([+-]\d{2}(:?\d{2})?|Z))?|-?\d+(\.\d+)?)$/;

function keyValue(value: unknown, type: SqlType | undefined, index: number): unknown {
  const bad = () => invalid(`key ${index + 1} (${JSON.stringify(value)}) is not a ${type === TIMESTAMP_TEXT ? "datetime" : (type?.kind ?? "scalar")} value`);
  if (type === TIMESTAMP_TEXT) {
    if (typeof value !== "string" || !TIMESTAMP_PATTERN.test(value)) throw bad();
    return value;
  }
  const tagged = typeof value === "object" && value !== null ? (value as { d?: unknown; b?: unknown }) : undefined;
  switch (type?.kind) {
    case "integer":
      if (!Number.isSafeInteger(value)) throw bad();
      return value;
    case "float":
      if (typeof value !== "number" || !Number.isFinite(value)) throw bad();
      return value;
    case "bigint":
      if (typeof tagged?.b !== "string" || !/^-?\d{1,20}$/.test(tagged.b)) throw bad();
      return BigInt(tagged.b);
    case "numeric":
      if (typeof value !== "string" || !/^-?\d+(\.\d+)?$/.test(value)) throw bad();
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw bad();
      return value;
    case "enum":
      if (typeof value !== "string" || !type.values?.includes(value)) throw bad();
      return value;
    case "string":
    case "text":
    case "uuid":
      if (typeof value !== "string") throw bad();
      return value;
    case "date":
    case "datetime": {
      if (typeof value === "string" && type.kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
      const date = typeof tagged?.d === "string" ? new Date(tagged.d) : undefined;
      if (!date || Number.isNaN(date.getTime())) throw bad();
      return date;
    }
    default:
      if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return value;
      throw bad();
  }
}

function invalid(reason: string): InvalidCursorError {
  return new InvalidCursorError(`Invalid pagination cursor: ${reason}. Pass the nextCursor of a page of this same query, or none for the first page.`);
}
