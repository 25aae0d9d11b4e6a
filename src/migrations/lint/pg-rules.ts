/**
 * The PostgreSQL rules. Lock levels are from https://www.postgresql.org/docs/current/explicit-locking.html
 * and sql-altertable.html: CREATE INDEX takes SHARE (blocks writes for the whole build), CREATE INDEX
 * CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (reads and writes go on); ADD FOREIGN KEY takes SHARE
 * ROW EXCLUSIVE on both tables and scans the child, ADD CHECK takes ACCESS EXCLUSIVE and scans; with
 * NOT VALID the scan is skipped and VALIDATE CONSTRAINT later scans under SHARE UPDATE EXCLUSIVE only.
 * SET NOT NULL scans under ACCESS EXCLUSIVE unless a valid CHECK (col IS NOT NULL) proves it (PG 12+).
 * Tables created earlier in the same migration are empty: nothing is reported for them.
 */
import type { Operation } from "../operations/operation.js";
import { describeTable, type LintContext } from "./context.js";
import { dbType, formatDbType } from "./db-type.js";
import type { FindingDraft } from "./finding-draft.js";
import { pgDefaultVolatility, pgTypeChange } from "./pg-analysis.js";

/** Findings for one operation on PostgreSQL. */
export function pgRules(op: Operation, context: LintContext): FindingDraft[] {
  if (op.op === "createTable" || op.op === "renameTable" || op.op === "execute") return [];
  if (!context.isExisting(op.table)) return [];
  const table = describeTable(op.table);
  switch (op.op) {
    case "createIndex":
      if (op.concurrently) return [];
      return [
        {
          rule: "pg-index-not-concurrent",
          message: `CREATE INDEX ${op.index.name} on ${table} takes a SHARE lock: writes to ${table} wait for the whole build`,
          fix: "create it with `concurrently: true` (CREATE INDEX CONCURRENTLY, run outside the migration's transaction)",
        },
      ];
    case "dropIndex":
      if (op.concurrently) return [];
      return [
        {
          rule: "pg-index-not-concurrent",
          severity: "warning",
          message: `DROP INDEX ${op.index.name} takes an ACCESS EXCLUSIVE lock on ${table}: reads and writes queue behind it`,
          fix: "drop it with `concurrently: true` (DROP INDEX CONCURRENTLY, run outside the migration's transaction)",
        },
      ];
    case "addUnique":
    case "addPrimaryKey": {
      const what = op.op === "addUnique" ? `UNIQUE ${op.unique.name ?? ""}`.trim() : "PRIMARY KEY";
      return [
        {
          rule: "pg-constraint-index-not-concurrent",
          message: `ADD ${what} on ${table} builds its index under ACCESS EXCLUSIVE: reads and writes of ${table} wait for the build`,
          fix: `build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ${table} ADD CONSTRAINT ... ${op.op === "addUnique" ? "UNIQUE" : "PRIMARY KEY"} USING INDEX (an \`execute\` step outside the transaction)`,
        },
      ];
    }
    case "addForeignKey":
      if (op.notValid) return [];
      return [
        {
          rule: "pg-fk-not-valid",
          message: `ADD FOREIGN KEY ${op.foreignKey.name} on ${table} (${op.foreignKey.columns.join(", ")}) scans all of ${table} under SHARE ROW EXCLUSIVE (writes blocked), and locks ${op.foreignKey.referredTable} too`,
          fix: `add it with \`notValid: true\`, then \`validateConstraint\` ${op.foreignKey.name} in a later step (VALIDATE takes SHARE UPDATE EXCLUSIVE: writes go on)`,
        },
      ];
    case "addCheck":
      if (op.notValid) return [];
      return [
        {
          rule: "pg-check-not-valid",
          message: `ADD CHECK ${op.check.name ?? `(${op.check.sql})`} on ${table} scans all of ${table} under ACCESS EXCLUSIVE (reads and writes blocked)`,
          fix:
            op.check.name === undefined
              ? "name the check, add it with `notValid: true`, then `validateConstraint` it in a later step"
              : `add it with \`notValid: true\`, then \`validateConstraint\` ${op.check.name} in a later step (VALIDATE takes SHARE UPDATE EXCLUSIVE)`,
        },
      ];
    case "addColumn":
      return addColumn(op, table);
    case "alterColumn":
      return alterColumn(op, table, context);
    default:
      return [];
  }
}

function addColumn(op: Extract<Operation, { op: "addColumn" }>, table: string): FindingDraft[] {
  const { column } = op;
  const where = `${table}.${column.name}`;
  if (column.autoincrement) {
    return [
      {
        rule: "pg-volatile-default",
        message: `ADD COLUMN ${where} as an identity fills every existing row from a sequence: ${table} is rewritten under ACCESS EXCLUSIVE`,
        fix: "add a plain nullable column, backfill it in batches, then attach the sequence/identity and SET NOT NULL",
      },
    ];
  }
  if (column.generated) {
    return [
      {
        rule: "pg-volatile-default",
        message: `ADD COLUMN ${where} GENERATED ALWAYS AS (${column.generated.sql}) STORED computes every existing row: ${table} is rewritten under ACCESS EXCLUSIVE`,
        fix: "on a large table: add a plain nullable column kept up to date by the application or a trigger and backfilled in batches; or accept the rewrite in a maintenance window and suppress with the reason",
      },
    ];
  }
  if (column.serverDefault === undefined) return [];
  const { volatile, unknown } = pgDefaultVolatility(column.serverDefault);
  const fix = "add the column without the default (or with a constant one), SET DEFAULT for new rows, then backfill existing rows in batches";
  if (volatile.length) {
    return [
      {
        rule: "pg-volatile-default",
        message: `ADD COLUMN ${where} DEFAULT ${column.serverDefault}: ${volatile.join("(), ")}() is volatile, so every existing row gets its own value: ${table} is rewritten under ACCESS EXCLUSIVE`,
        fix,
      },
    ];
  }
  if (unknown.length) {
    return [
      {
        rule: "pg-volatile-default",
        severity: "warning",
        message: `ADD COLUMN ${where} DEFAULT ${column.serverDefault}: if ${unknown.join("(), ")}() is VOLATILE, ${table} is rewritten under ACCESS EXCLUSIVE (STABLE/IMMUTABLE ones are instant)`,
        fix: `check pg_proc.provolatile; if it is 'v': ${fix}; else suppress with the reason`,
      },
    ];
  }
  return [];
}

function alterColumn(op: Extract<Operation, { op: "alterColumn" }>, table: string, context: LintContext): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const where = `${table}.${op.column}`;
  if (op.to.type !== undefined) {
    const from = dbType(op.from.type, "postgresql");
    const to = dbType(op.to.type, "postgresql");
    const change = pgTypeChange(from, to);
    const fix = "add a new column of the new type, backfill it in batches (and keep it in sync with a trigger), then swap the names in a short migration";
    if (change === "rewrite") {
      findings.push({
        rule: "pg-type-rewrite",
        message: `ALTER COLUMN ${where} TYPE ${formatDbType(from)} → ${formatDbType(to)} rewrites ${table} and its indexes under ACCESS EXCLUSIVE`,
        fix,
      });
    }
  }
  if (op.to.nullable === false && op.from.nullable && !context.hasValidatedNotNullCheck(op.table, op.column)) {
    findings.push({
      rule: "pg-set-not-null",
      message: `SET NOT NULL on ${where} scans all of ${table} under ACCESS EXCLUSIVE (reads and writes blocked)`,
      fix: `add CHECK (${op.column} IS NOT NULL) with \`notValid: true\`, \`validateConstraint\` it, then SET NOT NULL (no scan: PostgreSQL 12+ uses the check) and drop the check (makeOnlineSafe does this)`,
    });
  }
  return findings;
}
