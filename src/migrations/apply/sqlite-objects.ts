/**
 * The triggers and views a SQLite table rebuild has to carry over: the table's own triggers go
 * with DROP TABLE, and a view or another table's trigger that mentions the table would make the
 * final ALTER TABLE ... RENAME fail (SQLite checks the whole schema then). They are read from
 * `sqlite_master` when the rebuild runs, dropped before it and recreated, in their order, after,
 * then checked: SQLite recreates them without checking that the names they use still exist.
 */
import { AthanorError } from "../../core/errors.js";
import type { Connection } from "../../engine/connection.js";
import type { TableRef } from "../operations/operation.js";
import { triggerFailure } from "./sqlite-trigger-probe.js";

/** A trigger or view as `sqlite_master` holds it. */
export interface SqliteObject {
  readonly type: "trigger" | "view";
  readonly name: string;
  /** The table (or view) a trigger is on; a view's own name. */
  readonly table: string;
  readonly sql: string;
  /** A trigger: whether it compiled before the rebuild (one that was broken already is not the rebuild's doing). */
  readonly compiledBefore?: boolean;
}

/** Reads the triggers and views tied to `table`, drops them (the table's own triggers go with it later), and returns them. */
export async function dropObjectsOf(connection: Connection, table: TableRef, run: (sql: string) => Promise<unknown>): Promise<SqliteObject[]> {
  const tied = await objectsTiedTo(connection, table, true);
  const prefix = schemaPrefix(table);
  // Views last to first: one may be built on another.
  for (const o of [...tied].reverse()) await run(`DROP ${o.type.toUpperCase()} IF EXISTS ${prefix}"${o.name.replace(/"/g, '""')}"`);
  return tied;
}

/**
 * The triggers and views that mention `table` (and, with `own`, the table's own triggers), in
 * their order, each trigger probed: whether it compiles now.
 */
export async function objectsTiedTo(connection: Connection, table: TableRef, own: boolean): Promise<SqliteObject[]> {
  const master = `${schemaPrefix(table)}sqlite_master`;
  const { rows } = await connection.run(
    `SELECT type, name, tbl_name, sql FROM ${master} WHERE type IN ('trigger', 'view') AND sql IS NOT NULL ORDER BY rowid`,
  );
  const mentions = new RegExp(`(^|[^\\w$])["\`\\[]?${table.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["\`\\]]?([^\\w$]|$)`, "i");
  const isOwn = (r: { tbl_name: string }) => r.tbl_name.toLowerCase() === table.name.toLowerCase();
  const objects = (rows as { type: "trigger" | "view"; name: string; tbl_name: string; sql: string }[]).filter((r) => (isOwn(r) ? own : mentions.test(r.sql)));
  const prefix = schemaPrefix(table);
  const tied: SqliteObject[] = [];
  for (const { type, name, tbl_name, sql } of objects) {
    const probed = type === "trigger" ? { compiledBefore: (await triggerFailure(connection, prefix, { table: tbl_name, sql })) === undefined } : {};
    tied.push({ type, name, table: tbl_name, sql, ...probed });
  }
  return tied;
}

/** Recreates what `dropObjectsOf` dropped, with their original SQL. */
export async function recreateObjects(objects: readonly SqliteObject[], run: (sql: string) => Promise<unknown>): Promise<void> {
  for (const o of objects) await run(o.sql);
}

/**
 * Each recreated view still reads and each recreated trigger still compiles: SQLite creates both
 * without resolving their names, so a view or trigger on a column the rebuild dropped came back
 * broken (every query on the view, or every statement firing the trigger, failing) and the
 * migration succeeded. Throws, which rolls the rebuild back.
 */
export async function assertObjectsWork(connection: Connection, table: TableRef, objects: readonly SqliteObject[], change = "is rebuilt"): Promise<void> {
  const prefix = schemaPrefix(table);
  for (const trigger of objects.filter((o) => o.type === "trigger" && o.compiledBefore)) {
    const failure = await triggerFailure(connection, prefix, trigger);
    if (failure === undefined) continue;
    throw new AthanorError(
      `trigger ${trigger.name} on ${trigger.table} no longer works once ${table.name} ${change} (${failure}): it uses what the migration drops or renames, ` +
        `so every statement that fires it would fail. Drop the trigger in the migration before this step and create it again, ` +
        `rewritten, after it (execute steps), or drop it for good`,
    );
  }
  for (const view of objects.filter((o) => o.type === "view")) {
    try {
      await connection.run(`SELECT * FROM ${prefix}"${view.name.replace(/"/g, '""')}" LIMIT 0`);
    } catch (error) {
      throw new AthanorError(
        `view ${view.name} no longer works once ${table.name} ${change} (${(error as Error).message}): it uses what the migration drops or renames. ` +
          `Drop the view in the migration before this step and create it again after it (execute steps), or drop it for good`,
      );
    }
  }
}

function schemaPrefix(table: TableRef): string {
  return table.schema ? `"${table.schema.replace(/"/g, '""')}".` : "";
}
