/**
 * PostgreSQL refuses to drop a column a view (or materialized view) selects, with "cannot drop
 * column ... because other objects depend on it" and the views' names only in the error's DETAIL,
 * which the step's error did not carry, and a HINT to use CASCADE (that drops the views). The
 * step is refused first, naming the views and the fix. (A rename carries the views along.)
 */
import type { Operation } from "../operations/operation.js";
import type { Refusal } from "./step.js";

/** The refusal of a PostgreSQL `dropColumn` whose column a view uses, if `op` is one. */
export function pgViewRefusal(op: Operation): Refusal | undefined {
  if (op.op !== "dropColumn") return undefined;
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const table = op.table.schema ? `${quote(op.table.schema)}.${quote(op.table.name)}` : quote(op.table.name);
  const what = `${op.table.schema ? `${op.table.schema}.` : ""}${op.table.name}.${op.column.name}`;
  return {
    sql:
      `SELECT string_agg(DISTINCT r.ev_class::regclass::text, ', ') AS views FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid ` +
      `JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid ` +
      `WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = to_regclass(${literal(table)}) AND a.attname = ${literal(op.column.name)} ` +
      `AND r.ev_class <> d.refobjid HAVING count(*) > 0`,
    reason:
      `this step drops ${what}, which a view uses (PostgreSQL refuses, and CASCADE would drop the view). Drop the view in the ` +
      `migration before this step and create it again, rewritten, after it (execute steps), or drop it for good`,
    detail: (row) => `views: ${String(row["views"])}`,
  };
}

/** A string literal without backslashes in it. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
