/**
 * PostgreSQL's spelling of types and defaults (`format_type`, `pg_get_expr`) and the DDL
 * compiler's, mapped to one form: `TypeModel`s of athanor's kinds, defaults without the casts
 * PostgreSQL adds (`'abc'::character varying` → `'abc'`, `'-1'::integer` → `-1`).
 */
import type { TypeModel } from "../../core/schema/schema-model.js";
import { compactType, isPlainType, numericModel, typeArgs } from "../shared/type-text.js";

const SIMPLE: Readonly<Record<string, TypeModel>> = {
  integer: { kind: "integer" },
  int: { kind: "integer" },
  int4: { kind: "integer" },
  bigint: { kind: "bigint" },
  int8: { kind: "bigint" },
  text: { kind: "text" },
  boolean: { kind: "boolean" },
  bool: { kind: "boolean" },
  "double precision": { kind: "float" },
  float8: { kind: "float" },
  date: { kind: "date" },
  // Without a precision PostgreSQL keeps microseconds; athanor's datetime() is TIMESTAMP(3).
  "timestamp without time zone": { kind: "datetime", timezone: false, precision: 6 },
  timestamp: { kind: "datetime", timezone: false, precision: 6 },
  "timestamp with time zone": { kind: "datetime", timezone: true, precision: 6 },
  timestamptz: { kind: "datetime", timezone: true, precision: 6 },
  jsonb: { kind: "json" },
  uuid: { kind: "uuid" },
  // BYTEA has no length: `binary(n)` emits plain BYTEA.
  bytea: { kind: "binary" },
};

/** A PostgreSQL type text as a `TypeModel`: athanor's kinds for the types it emits, else raw. */
export function postgresTypeModel(typeText: string): TypeModel {
  const text = compactType(typeText);
  const simple = SIMPLE[text];
  if (simple) return simple;
  // `timestamp(3) without time zone`, compacted (no spaces around the parentheses).
  const stamp = /^timestamp\(([0-6])\) ?(with(?:out)? time zone)?$/.exec(text);
  if (stamp) {
    const precision = Number(stamp[1]);
    return { kind: "datetime", timezone: stamp[2] === "with time zone", ...(precision === 3 ? {} : { precision }) };
  }
  if (!isPlainType(text)) return { kind: "raw", sql: typeText };
  const args = typeArgs(text);
  const base = text.replace(/\(.*$/, "");
  if ((base === "character varying" || base === "varchar") && args.length <= 1) {
    return args.length ? { kind: "string", length: args[0]! } : { kind: "string" };
  }
  if ((base === "numeric" || base === "decimal") && args.length !== 1) return numericModel(args[0], args[1]);
  return { kind: "raw", sql: typeText };
}

const NUMERIC_CASTS = /^(integer|bigint|smallint|numeric|double precision|real)$/;

/** A default's text in one form: the casts PostgreSQL adds removed, booleans in upper case. */
export function postgresDefault(sql: string): string {
  let text = sql.trim();
  for (;;) {
    const cast = /^('(?:[^']|'')*'|\(.*\)|[\w.+-]+)::([a-z ]+)(?:\([\d,\s]*\))?(?:\[\])?$/i.exec(text);
    if (!cast) break;
    let value = cast[1]!;
    if (value.startsWith("(") && value.endsWith(")")) value = value.slice(1, -1);
    if (NUMERIC_CASTS.test(cast[2]!.trim()) && /^'-?\d+(\.\d+)?'$/.test(value)) value = value.slice(1, -1);
    text = value;
  }
  if (/^(true|false)$/i.test(text)) return text.toUpperCase();
  if (/^current_timestamp$/i.test(text)) return "CURRENT_TIMESTAMP";
  return text;
}

/**
 * Whether `name` is one PostgreSQL gives an unnamed constraint: `<table>_pkey`,
 * `<table>_<columns>_key`, `<table>[_<column>]_check`, each cut to 63 bytes as PostgreSQL cuts
 * them and with the number it appends on a clash. `columns` are the constrained columns (for a
 * check: every column of the table, any of which may be in its name). Both sides of a comparison
 * drop such names, as a model that names nothing has none.
 */
export function postgresDatabaseName(kind: "pk" | "uq" | "ck", table: string, name: string, columns: readonly string[]): boolean {
  const label = kind === "pk" ? "pkey" : kind === "uq" ? "key" : "check";
  const middles: (string | undefined)[] =
    kind === "pk" ? [undefined] : kind === "uq" ? [clipBytes(columns.join("_"), 63)] : [undefined, ...columns];
  for (let pass = 0; pass < 10; pass++) {
    for (const middle of middles) if (name === objectName(table, middle, pass ? `${label}${pass}` : label)) return true;
  }
  return false;
}

/** The name PostgreSQL gives an unnamed primary key (`pk`) or unique constraint (`uq`) of `table` on `columns` (its first choice). */
export function postgresConstraintName(kind: "pk" | "uq", table: string, columns: readonly string[]): string {
  return kind === "pk" ? objectName(table, undefined, "pkey") : objectName(table, clipBytes(columns.join("_"), 63), "key");
}

/** The name PostgreSQL gives an unnamed check of `table` on `column` (undefined: on several), with the number of a clash (`pass`, 0 for none). */
export function postgresCheckName(table: string, column: string | undefined, pass: number): string {
  return objectName(table, column, pass ? `check${pass}` : "check");
}

/** PostgreSQL's makeObjectName: `name1_name2_label`, the longer of the two names cut first to fit 63 bytes. */
function objectName(name1: string, name2: string | undefined, label: string): string {
  const available = 63 - (name2 === undefined ? 0 : 1) - (label.length + 1);
  let n1 = byteLength(name1);
  let n2 = name2 === undefined ? 0 : byteLength(name2);
  while (n1 + n2 > available) {
    if (n1 > n2) n1--;
    else n2--;
  }
  return `${clipBytes(name1, n1)}${name2 === undefined ? "" : `_${clipBytes(name2, n2)}`}_${label}`;
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** The longest prefix of whole characters within `max` UTF-8 bytes. */
function clipBytes(text: string, max: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    used += byteLength(char);
    if (used > max) break;
    end += char.length;
  }
  return text.slice(0, end);
}
