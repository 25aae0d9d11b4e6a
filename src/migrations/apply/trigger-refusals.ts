/**
 * PostgreSQL and MariaDB/MySQL drop or rename a column that a trigger's body uses (`NEW.col`,
 * `OLD.col`) without a word: the trigger (PostgreSQL: its function) keeps the old name, and every
 * later statement that fires it fails. A step that drops or renames such a column is refused,
 * naming the triggers. (SQLite checks its triggers itself, and athanor checks those a table
 * rebuild recreates: see sqlite-trigger-probe.ts.) Found: a trigger on the table that uses the
 * column as `NEW.col` / `OLD.col`, and a trigger on any table whose body names both the table and
 * the column as words (`UPDATE parent SET total = ...` in a trigger on `child`): by the text, so a
 * body naming a same-named column of another table refuses too (the fix is the same, and safe).
 * Likewise a table dropped or renamed that a trigger's body names (on another table; for a rename,
 * on the table too): the trigger keeps the old name.
 */
import type { Operation, TableRef } from "../operations/operation.js";
import type { Refusal } from "./step.js";
import { literal, pgRegclass } from "./catalog-sql.js";

/** The refusal of `op` on `dialect` when it drops or renames a column, if there is one. */
export function triggerRefusal(op: Operation, dialect: "postgresql" | "mysql"): Refusal | undefined {
  if (op.op === "dropColumn") return triggersUsing(op.table, op.column.name, "drops", dialect);
  if (op.op === "renameColumn") return triggersUsing(op.table, op.from, "renames", dialect);
  if (op.op === "dropTable") return triggersNaming(op.table, "drops", dialect);
  if (op.op === "renameTable") return triggersNaming({ ...(op.schema ? { schema: op.schema } : {}), name: op.from }, "renames", dialect);
  return undefined;
}

/** Triggers whose body names the table (a drop: on other tables only, its own go with it). */
function triggersNaming(table: TableRef, verb: "drops" | "renames", dialect: "postgresql" | "mysql"): Refusal {
  const what = `${table.schema ? `${table.schema}.` : ""}${table.name}`;
  const pattern = literal(word(table.name));
  const sql =
    dialect === "postgresql"
      ? `SELECT string_agg(t.tgname || ' on ' || t.tgrelid::regclass::text, ', ') AS triggers FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid ` +
        `WHERE NOT t.tgisinternal AND p.prosrc ~* ${pattern}${verb === "drops" ? ` AND t.tgrelid IS DISTINCT FROM ${pgRegclass(table)}` : ""} HAVING count(*) > 0`
      : `SELECT GROUP_CONCAT(CONCAT(TRIGGER_NAME, ' on ', EVENT_OBJECT_TABLE) SEPARATOR ', ') AS triggers FROM information_schema.TRIGGERS ` +
        `WHERE EVENT_OBJECT_SCHEMA = ${table.schema === undefined ? "DATABASE()" : literal(table.schema)} AND LOWER(ACTION_STATEMENT) REGEXP ${pattern.toLowerCase()}` +
        `${verb === "drops" ? ` AND EVENT_OBJECT_TABLE <> ${literal(table.name)}` : ""} HAVING triggers IS NOT NULL`;
  return {
    sql,
    reason:
      `this step ${verb} table ${what}, which a trigger's body names: the database would leave the trigger broken (every statement ` +
      `that fires it would fail). Drop the trigger in the migration before this step and create it again, rewritten, after it ` +
      `(execute steps), or drop it for good`,
    detail: (row) => `triggers: ${String(row["triggers"])}`,
  };
}

function triggersUsing(table: TableRef, column: string, verb: "drops" | "renames", dialect: "postgresql" | "mysql"): Refusal {
  // POSIX classes, not backslash escapes: the same text in both databases and in any escape mode.
  const row = literal(`(new|old)[[:space:]]*[.][[:space:]]*["\`]?${regexLiteral(column)}["\`]?([^[:alnum:]_$]|$)`);
  // A trigger on any table whose body names both the table and the column (`UPDATE parent SET total = ...`).
  const matches = dialect === "postgresql" ? "~*" : "REGEXP";
  const pattern = (text: string) => (dialect === "postgresql" ? literal(word(text)) : literal(word(text)).toLowerCase());
  const names = (body: string) => `${body} ${matches} ${pattern(table.name)} AND ${body} ${matches} ${pattern(column)}`;
  const what = `${table.schema ? `${table.schema}.` : ""}${table.name}.${column}`;
  const sql =
    dialect === "postgresql"
      ? `SELECT string_agg(t.tgname || ' on ' || t.tgrelid::regclass::text, ', ') AS triggers FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid ` +
        `WHERE NOT t.tgisinternal AND ((t.tgrelid = ${pgRegclass(table)} AND p.prosrc ~* ${row}) OR (${names("p.prosrc")})) HAVING count(*) > 0`
      : `SELECT GROUP_CONCAT(CONCAT(TRIGGER_NAME, ' on ', EVENT_OBJECT_TABLE) SEPARATOR ', ') AS triggers FROM information_schema.TRIGGERS ` +
        `WHERE EVENT_OBJECT_SCHEMA = ${table.schema === undefined ? "DATABASE()" : literal(table.schema)} AND ((EVENT_OBJECT_TABLE = ${literal(table.name)} ` +
        `AND LOWER(ACTION_STATEMENT) REGEXP ${row.toLowerCase()}) OR (${names("LOWER(ACTION_STATEMENT)")})) HAVING triggers IS NOT NULL`;
  return {
    sql,
    reason:
      `this step ${verb} ${what}, which a trigger uses (as NEW/OLD.${column} on the table, or in a statement on ${table.name} from another ` +
      `table's trigger): the database would leave the trigger broken (every statement that fires it would fail). Drop the trigger in ` +
      `the migration before this step and create it again, rewritten, after it (execute steps), or drop it for good`,
    detail: (row) => `triggers: ${String(row["triggers"])}`,
  };
}

/** `name` as a whole word, quoted or not. */
function word(name: string): string {
  return `(^|[^[:alnum:]_$])["\`]?${regexLiteral(name)}["\`]?([^[:alnum:]_$]|$)`;
}

/** `name` matched literally: each character other than a letter, digit or _ in a bracket of its own. */
function regexLiteral(name: string): string {
  return [...name].map((c) => (/[A-Za-z0-9_]/.test(c) ? c : /[\]\\^]/.test(c) ? "." : `[${c}]`)).join("");
}
