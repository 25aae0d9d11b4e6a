/**
 * The session of an in-memory SQLite database's one connection, put back as a new connection has
 * it after SQL text changed it. The connection cannot be closed (it holds the data), so its
 * settings and temporary objects went on to every later user: `PRAGMA ignore_check_constraints`
 * let their writes past CHECK constraints (an enum's), a temporary table named like a real one
 * took their writes, `PRAGMA query_only` refused them.
 */
import type Database from "better-sqlite3";

/** The settings a connection opens with, for those that change what statements do. */
const DEFAULTS = [
  "ignore_check_constraints = OFF",
  "recursive_triggers = OFF",
  "defer_foreign_keys = OFF",
  "reverse_unordered_selects = OFF",
  "legacy_alter_table = OFF",
  "query_only = OFF",
  "read_uncommitted = OFF",
  "writable_schema = OFF",
];

/**
 * @internal Drops the temporary tables, views and triggers, and puts the settings back. Attached
 * databases stay: like the main database they are the data (an attached `:memory:` one would be
 * lost with it), and none shadows a table of `main` (SQLite looks in temp, then main, then them).
 */
export function resetMemorySession(db: Database.Database): void {
  for (const setting of DEFAULTS) db.pragma(setting);
  const temporary = db.prepare("SELECT type, name FROM temp.sqlite_master WHERE type IN ('table', 'view', 'trigger')").all() as { type: string; name: string }[];
  // Triggers and views first: each goes with its table anyway, and a dropped one is not dropped twice.
  for (const { type, name } of temporary.sort((a, b) => Number(a.type === "table") - Number(b.type === "table"))) {
    db.exec(`DROP ${type.toUpperCase()} IF EXISTS temp."${name.replace(/"/g, '""')}"`);
  }
}
