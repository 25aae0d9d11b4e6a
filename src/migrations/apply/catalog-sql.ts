/**
 * Pieces of the catalog queries that refusals and guards run before a step (PostgreSQL's
 * pg_catalog, MariaDB's information_schema): string literals and PostgreSQL relation lookups.
 */
import type { TableRef } from "../operations/operation.js";

/** @internal A string literal without backslashes in it: any escape mode (standard_conforming_strings either way) reads it alike. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** @internal `"schema"."name"`: the PostgreSQL relation `name` (default: the table) in the table's schema, quoted. */
export function pgQualified(table: TableRef, name: string = table.name): string {
  const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
  return table.schema ? `${quote(table.schema)}.${quote(name)}` : quote(name);
}

/** @internal `to_regclass('"schema"."name"')`: that relation's oid, or NULL when there is none. */
export function pgRegclass(table: TableRef, name: string = table.name): string {
  return `to_regclass(${literal(pgQualified(table, name))})`;
}
