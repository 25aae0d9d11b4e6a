/**
 * The checks `migrate up` runs before a step (`Step.refusals`: a trigger or view the step would
 * leave broken, MariaDB's silent zero values or dropped column attributes) as statements of the
 * `migrate sql` script, so that a script run by hand stops where `migrate up` would refuse,
 * instead of doing what the check is there to stop. PostgreSQL: a `DO` block that raises the
 * reason. MariaDB/MySQL (no anonymous block in MySQL): a comment with the reason, then a query
 * that fails ("Subquery returns more than 1 row") when the check finds a row.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import type { Step } from "./steps.js";

/** The statements (with their `;`) that stop the script before `step` where `migrate up` would refuse it. */
export function offlineRefusals(dialect: DialectName, step: Step): string[] {
  const out: string[] = [];
  for (const refusal of step.refusals ?? []) {
    const reason = `athanor: ${refusal.reason}`;
    if (dialect === "postgresql") {
      out.push(`DO $athanor$ BEGIN IF EXISTS (${refusal.sql}) THEN RAISE EXCEPTION '%', '${reason.replace(/'/g, "''")}'; END IF; END $athanor$;`);
    } else if (dialect === "mysql") {
      out.push(
        `-- migrate up refuses this step when the next query finds a row, and so does this script (an error: "Subquery returns more than 1 row"): ${oneLine(reason)}`,
        `SELECT 1 FROM DUAL WHERE (SELECT 1 UNION ALL SELECT 1 FROM DUAL WHERE EXISTS (${refusal.sql})) IS NULL;`,
      );
    }
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ");
}
