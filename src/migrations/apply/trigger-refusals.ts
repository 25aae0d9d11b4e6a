/**
 * PostgreSQL and MariaDB/MySQL drop or rename a column that a trigger's body uses (`NEW.col`,
 * `OLD.col`) without a word: the trigger (PostgreSQL: its function) keeps the old name, and every
 * later statement that fires it fails. A step that drops or renames such a column is refused,
 * naming the triggers. (SQLite checks its triggers itself, and athanor checks those a table
 * rebuild recreates: see sqlite-trigger-probe.ts.) Only the row references of triggers on the
 * table itself are found: a trigger elsewhere that names the column in a statement is not.
 */
import type { Operation, TableRef } from "../operations/operation.js";
import type { Refusal } from "./step.js";

/** The refusal of `op` on `dialect` when it drops or renames a column, if there is one. */
export function triggerRefusal(op: Operation, dialect: "postgresql" | "mysql"): Refusal | undefined {
  if (op.op === "dropColumn") return triggersUsing(op.table, op.column.name, "drops", dialect);
  if (op.op === "renameColumn") return triggersUsing(op.table, op.from, "renames", dialect);
  return undefined;
}

function triggersUsing(table: TableRef, column: string, verb: "drops" | "renames", dialect: "postgresql" | "mysql"): Refusal {
  // POSIX classes, not backslash escapes: the same text in both databases and in any escape mode.
  const pattern = literal(`(new|old)[[:space:]]*[.][[:space:]]*["\`]?${regexLiteral(column)}["\`]?([^[:alnum:]_$]|$)`);
  const what = `${table.schema ? `${table.schema}.` : ""}${table.name}.${column}`;
  const sql =
    dialect === "postgresql"
      ? `SELECT string_agg(t.tgname, ', ') AS triggers FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid ` +
        `WHERE t.tgrelid = to_regclass(${literal(qualified(table))}) AND NOT t.tgisinternal AND p.prosrc ~* ${pattern} HAVING count(*) > 0`
      : `SELECT GROUP_CONCAT(TRIGGER_NAME SEPARATOR ', ') AS triggers FROM information_schema.TRIGGERS ` +
        `WHERE EVENT_OBJECT_SCHEMA = ${table.schema === undefined ? "DATABASE()" : literal(table.schema)} AND EVENT_OBJECT_TABLE = ${literal(table.name)} ` +
        `AND LOWER(ACTION_STATEMENT) REGEXP ${pattern.toLowerCase()} HAVING triggers IS NOT NULL`;
  return {
    sql,
    reason:
      `this step ${verb} ${what}, which a trigger on the table uses: the database would leave the trigger broken (every statement ` +
      `that fires it would fail). Drop the trigger in the migration before this step and create it again, rewritten, after it ` +
      `(execute steps), or drop it for good`,
    detail: (row) => `triggers: ${String(row["triggers"])}`,
  };
}

/** `"schema"."table"` for to_regclass. */
function qualified(table: TableRef): string {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  return table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name);
}

/** `name` matched literally: each character other than a letter, digit or _ in a bracket of its own. */
function regexLiteral(name: string): string {
  return [...name].map((c) => (/[A-Za-z0-9_]/.test(c) ? c : /[\]\\^]/.test(c) ? "." : `[${c}]`)).join("");
}

/** A string literal without backslashes in it (any escape mode reads it alike). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
