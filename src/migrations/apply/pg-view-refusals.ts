/**
 * PostgreSQL refuses to drop a column a view (or materialized view) selects, with "cannot drop
 * column ... because other objects depend on it" and the views' names only in the error's DETAIL,
 * which the step's error did not carry, and a HINT to use CASCADE (that drops the views). The
 * step is refused first, naming the views and the fix; likewise a table dropped. (A rename
 * carries the views along.)
 */
import type { Operation } from "../operations/operation.js";
import type { Refusal } from "./step.js";
import { literal, pgRegclass } from "./catalog-sql.js";

/** The refusal of a PostgreSQL `dropColumn` (`dropTable`) whose column (table) a view uses, if `op` is one. */
export function pgViewRefusal(op: Operation): Refusal | undefined {
  if (op.op !== "dropColumn" && op.op !== "dropTable") return undefined;
  const column = op.op === "dropColumn" ? op.column.name : undefined;
  const what = `${op.table.schema ? `${op.table.schema}.` : ""}${op.table.name}${column === undefined ? "" : `.${column}`}`;
  const ofColumn =
    column === undefined
      ? ""
      : `AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = d.refobjid AND a.attnum = d.refobjsubid AND a.attname = ${literal(column)}) `;
  return {
    sql:
      `SELECT string_agg(DISTINCT r.ev_class::regclass::text, ', ') AS views FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid ` +
      `WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = ${pgRegclass(op.table)} ${ofColumn}` +
      `AND r.ev_class <> d.refobjid HAVING count(*) > 0`,
    reason:
      `this step drops ${what}, which a view uses (PostgreSQL refuses, and CASCADE would drop the view). Drop the view in the ` +
      `migration before this step and create it again, rewritten, after it (execute steps), or drop it for good`,
    detail: (row) => `views: ${String(row["views"])}`,
  };
}
