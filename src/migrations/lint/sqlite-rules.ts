/**
 * The SQLite rule (informational): ALTER TABLE in SQLite only renames, adds a column and drops a
 * plain column (https://www.sqlite.org/lang_altertable.html); everything else is a table rebuild
 * (create the new table, copy the rows, drop, rename), which the planner does safely but which
 * copies the whole table and holds the database's write lock while it does.
 */
import type { ColumnModel, TableModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import { describeTable, type LintContext } from "./context.js";
import type { FindingDraft } from "./finding-draft.js";

const REBUILT: Partial<Record<Operation["op"], string>> = {
  alterColumn: "changing a column",
  addForeignKey: "adding a foreign key",
  dropForeignKey: "dropping a foreign key",
  addCheck: "adding a check",
  dropCheck: "dropping a check",
  addUnique: "adding a unique constraint",
  dropUnique: "dropping a unique constraint",
  addPrimaryKey: "adding a primary key",
  dropPrimaryKey: "dropping a primary key",
};

/** Findings for one operation on SQLite. */
export function sqliteRules(op: Operation, context: LintContext): FindingDraft[] {
  if (op.op === "createTable" || op.op === "renameTable" || op.op === "execute") return [];
  if (!context.isExisting(op.table)) return [];
  const table = describeTable(op.table);
  let why = REBUILT[op.op];
  if (op.op === "addColumn") why = addColumnNeedsRebuild(op.column);
  if (op.op === "dropColumn") why = dropColumnNeedsRebuild(op.column.name, context.table(op.table));
  if (why === undefined) return [];
  return [
    {
      rule: "sqlite-rebuild",
      message: `${why} on ${table} rebuilds ${table}: every row is copied while the database is locked for writing`,
      fix: "nothing to change for small tables; for a big one, run the migration when writers can wait",
    },
  ];
}

/** ADD COLUMN's limits: no PRIMARY KEY/UNIQUE, no non-constant default, NOT NULL needs a non-NULL default. */
function addColumnNeedsRebuild(column: ColumnModel): string | undefined {
  const name = `adding column ${column.name}`;
  if (column.autoincrement) return `${name} (autoincrement)`;
  const value = column.serverDefault?.trim();
  if (!column.nullable && (value === undefined || /^null$/i.test(value))) return `${name} (NOT NULL without a default)`;
  if (value !== undefined && (/^current_(time|date|timestamp)$/i.test(value) || value.startsWith("("))) return `${name} (non-constant default)`;
  return undefined;
}

/** DROP COLUMN fails on a column in a key, index, foreign key or check: those are rebuilds. */
function dropColumnNeedsRebuild(column: string, table: TableModel | undefined): string | undefined {
  if (!table) return undefined;
  const mentioned = (sql: string) => new RegExp(`(^|[^A-Za-z0-9_])${column.replace(/[^A-Za-z0-9_]/g, "\\$&")}([^A-Za-z0-9_]|$)`).test(sql);
  const used =
    table.primaryKey?.columns.includes(column) ||
    table.uniques.some((u) => u.columns.includes(column)) ||
    table.indexes.some((i) => i.columns.includes(column) || (i.expressions ?? []).some(mentioned) || (i.where !== undefined && mentioned(i.where))) ||
    table.foreignKeys.some((f) => f.columns.includes(column)) ||
    table.checks.some((c) => mentioned(c.sql));
  return used ? `dropping column ${column} (used by a key, index, foreign key or check)` : undefined;
}
