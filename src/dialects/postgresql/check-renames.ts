/**
 * PostgreSQL names an unnamed CHECK after its table and, when it uses one column only, that column
 * (`items_qty_check`, then `items_qty_check1`...), and keeps the name when either is renamed. A
 * model names no such check, and reflection leaves out only the names PostgreSQL would give it now:
 * the check left under the old name showed as a difference forever (drop it, add it again). So a
 * rename carries these names along. Which of the candidate names the table holds is known only to
 * the database (the numbers depend on what existed when each check was made), so the renames are
 * one `DO` block that renames those it finds, and leaves one alone whose new name is taken.
 */
import { postgresCheckName } from "./normalize.js";

/** Old → new name pairs of the checks a rename of table `table` to `to` (over `columns`) carries along. @internal */
export function tableCheckRenames(table: string, to: string, columns: readonly string[]): [string, string][] {
  return [undefined, ...columns].flatMap((column) => numbered((pass) => [postgresCheckName(table, column, pass), postgresCheckName(to, column, pass)]));
}

/** Old → new name pairs of the checks a rename of column `from` to `to` of `table` carries along. @internal */
export function columnCheckRenames(table: string, from: string, to: string): [string, string][] {
  return numbered((pass) => [postgresCheckName(table, from, pass), postgresCheckName(table, to, pass)]);
}

/** The pair for each number PostgreSQL tries on a clash (none, then 1 to 9). */
function numbered(pair: (pass: number) => [string, string]): [string, string][] {
  return Array.from({ length: 10 }, (_, pass) => pair(pass));
}

/** The `DO` block renaming the checks of `qualifiedTable` (quoted SQL) named as a pair's first to its second. @internal */
export function renameChecksStatement(qualifiedTable: string, pairs: readonly (readonly [string, string])[]): string {
  const text = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const table = `${text(qualifiedTable)}::regclass`;
  const values = pairs.map(([from, to]) => `(${text(from)}, ${text(to)})`).join(", ");
  return (
    `DO $athanor$ DECLARE r record; BEGIN ` +
    `FOR r IN SELECT v.old, v.new FROM (VALUES ${values}) AS v(old, new) ` +
    `JOIN pg_constraint c ON c.conname = v.old AND c.contype = 'c' AND c.conrelid = ${table} ` +
    `WHERE NOT EXISTS (SELECT 1 FROM pg_constraint d WHERE d.conrelid = c.conrelid AND d.conname = v.new) LOOP ` +
    `EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', ${table}, r.old, r.new); ` +
    `END LOOP; END $athanor$`
  );
}
