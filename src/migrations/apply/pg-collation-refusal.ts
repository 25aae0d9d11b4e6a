/**
 * PostgreSQL's `ALTER COLUMN ... TYPE` without COLLATE gives the column the new type's default
 * collation: a collation set on the column (by hand, a pulled schema: `COLLATE "C"`, a
 * case-insensitive ICU one under a unique email) was dropped without a word, and with it what the
 * column's comparisons and unique indexes meant. The migration history knows no collation, so the
 * step cannot restate it: it is refused, as MariaDB's `MODIFY COLUMN` and a SQLite rebuild are.
 */
import type { Operation } from "../operations/operation.js";
import type { Refusal } from "./step.js";
import { literal, pgQualified, pgRegclass } from "./catalog-sql.js";

/** The refusal of a PostgreSQL type change to a text type on a column with a collation of its own, if `op` is one. */
export function pgCollationRefusal(op: Operation): Refusal | undefined {
  if (op.op !== "alterColumn" || op.to.type === undefined || !textual(op.to.type)) return undefined;
  const what = `${op.table.schema ? `${op.table.schema}.` : ""}${op.table.name}.${op.column}`;
  return {
    sql:
      `SELECT c.collname AS collation FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation ` +
      `WHERE a.attrelid = ${pgRegclass(op.table)} AND a.attname = ${literal(op.column)} AND c.collname <> 'default'`,
    reason:
      `column ${what} has a collation of its own, which PostgreSQL drops when the column's type changes (the migration history ` +
      `does not know it, so the step cannot restate it). Write this change as an execute step: ALTER TABLE ... ALTER COLUMN ... TYPE ... COLLATE ...`,
    detail: (row) => `COLLATE ${pgQualified({ name: String(row["collation"]) })}`,
  };
}

function textual(type: NonNullable<Extract<Operation, { op: "alterColumn" }>["to"]["type"]>): boolean {
  if (type.kind === "raw") return /char|text|citext/i.test(type.sql);
  return type.kind === "string" || type.kind === "text" || type.kind === "enum";
}
