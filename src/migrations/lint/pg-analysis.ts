/**
 * PostgreSQL facts the rules rest on (checked against PostgreSQL 15 by test/migrations/lint.test.ts):
 * which type changes rewrite the table, and which defaults are volatile.
 *
 * Type changes (https://www.postgresql.org/docs/current/sql-altertable.html, "Notes"): the table
 * and its indexes are rewritten unless the old type is binary coercible to the new one and the
 * length/precision coercion is a no-op: varchar(n) → varchar(m ≥ n), varchar(n) → varchar / text,
 * text ↔ varchar, numeric(p,s) → numeric(q ≥ p, s) / numeric, timestamp(p) → timestamp(q ≥ p).
 * timestamp ↔ timestamptz skips the rewrite only when the session TimeZone is UTC (PostgreSQL 12+) and
 * there is no USING; athanor converts it `USING c AT TIME ZONE 'UTC'` (its TIMESTAMPs hold UTC, and
 * the plain cast reads them in the session's zone), which always rewrites.
 *
 * Defaults (sql-altertable.html, ADD COLUMN): since PostgreSQL 11 a non-volatile default is
 * evaluated once and stored in the catalog, so ADD COLUMN is instant; a volatile one (random(),
 * clock_timestamp(), gen_random_uuid(), nextval() of an identity/serial) is evaluated per row and
 * rewrites the table under ACCESS EXCLUSIVE. now() / CURRENT_TIMESTAMP are STABLE, hence instant.
 */
import type { DbType } from "./db-type.js";

/** What an ALTER COLUMN TYPE costs on PostgreSQL. */
export type PgTypeChange = "none" | "rewrite";

/** Whether changing a column from `from` to `to` rewrites the table. */
export function pgTypeChange(from: DbType, to: DbType): PgTypeChange {
  const f = from.name;
  const t = to.name;
  const textLike = (name: string) => name === "varchar" || name === "text";
  if (textLike(f) && textLike(t)) {
    // Binary coercible; only a shorter (or new) length limit needs the length coercion: rewrite.
    if (t === "text" || to.length === undefined) return "none";
    return f === "varchar" && from.length !== undefined && to.length >= from.length ? "none" : "rewrite";
  }
  if (f === "numeric" && t === "numeric") {
    if (to.precision === undefined) return "none";
    if (from.precision === undefined) return "rewrite";
    return to.scale === from.scale && to.precision >= from.precision ? "none" : "rewrite";
  }
  const timestamp = (name: string) => name === "timestamp" || name === "timestamptz";
  if (timestamp(f) && timestamp(t)) {
    const narrower = to.precision !== undefined && (from.precision === undefined || to.precision < from.precision);
    if (narrower) return "rewrite";
    return f === t ? "none" : "rewrite";
  }
  if (f === t && from.length === to.length && from.precision === to.precision && from.scale === to.scale) return "none";
  return "rewrite";
}

/**
 * Functions whose pg_proc.provolatile is 'v' and that people put in defaults (core, pgcrypto,
 * uuid-ossp, PostgreSQL 16's random_normal, 18's uuidv4/uuidv7).
 */
export const PG_VOLATILE_FUNCTIONS: readonly string[] = [
  "random",
  "random_normal",
  "clock_timestamp",
  "timeofday",
  "gen_random_uuid",
  "gen_random_bytes",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "uuidv4",
  "uuidv7",
  "nextval",
  "currval",
  "lastval",
  "setval",
];

/** Functions and keywords seen in defaults that are STABLE or IMMUTABLE (no rewrite). */
export const PG_NON_VOLATILE_FUNCTIONS: readonly string[] = [
  "now",
  "statement_timestamp",
  "transaction_timestamp",
  "current_timestamp",
  "current_date",
  "current_time",
  "localtime",
  "localtimestamp",
  "current_setting",
  "txid_current",
  "pg_current_xact_id",
  "lower",
  "upper",
  "md5",
  "concat",
  "to_char",
  "date_trunc",
  "coalesce",
  "nullif",
  "greatest",
  "least",
  "cast",
  "array",
  "row",
  "jsonb_build_object",
  "json_build_object",
  "jsonb_build_array",
  "json_build_array",
  "make_interval",
];

/** Volatility of a default expression: a volatile function it calls, or unknown function names, or neither. */
export interface DefaultVolatility {
  readonly volatile: readonly string[];
  readonly unknown: readonly string[];
}

/** The function calls in a default's SQL text, split into known volatile ones and ones the lint does not know. */
export function pgDefaultVolatility(sql: string): DefaultVolatility {
  const volatile: string[] = [];
  const unknown: string[] = [];
  // Drop string literals and type names (after `::` or CAST's `AS`), then find the `name(` calls.
  const code = sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/(::|\bAS\b)\s*[A-Za-z_][A-Za-z0-9_]*(?:\s+[A-Za-z_][A-Za-z0-9_]*)*\s*(?:\([^)]*\))?/gi, " ");
  for (const match of code.matchAll(/((?:[A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) {
    const name = match[1]!.toLowerCase().replace(/^(pg_catalog|public)\./, "");
    if (PG_VOLATILE_FUNCTIONS.includes(name)) volatile.push(name);
    else if (!PG_NON_VOLATILE_FUNCTIONS.includes(name)) unknown.push(name);
  }
  return { volatile, unknown };
}
