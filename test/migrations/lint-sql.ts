/**
 * Hand-written SQL for the operations lint.test.ts runs on the servers (the renderer is another
 * branch's work): just the operations makeOnlineSafe produces, written the way PostgreSQL's
 * documentation writes them.
 */
import type { Operation } from "../../src/migrations/index.js";
import { dbType, formatDbType } from "../../src/migrations/lint/db-type.js";

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** PostgreSQL SQL for one operation (the subset the tests use). */
export function pgSql(op: Operation): string {
  switch (op.op) {
    case "createIndex":
      return `CREATE ${op.index.unique ? "UNIQUE " : ""}INDEX ${op.concurrently ? "CONCURRENTLY " : ""}${q(op.index.name)} ON ${q(op.table.name)} (${op.index.columns.map(q).join(", ")})`;
    case "dropIndex":
      return `DROP INDEX ${op.concurrently ? "CONCURRENTLY " : ""}${q(op.index.name)}`;
    case "addForeignKey": {
      const fk = op.foreignKey;
      return `ALTER TABLE ${q(op.table.name)} ADD CONSTRAINT ${q(fk.name)} FOREIGN KEY (${fk.columns.map(q).join(", ")}) REFERENCES ${q(fk.referredTable)} (${fk.referredColumns.map(q).join(", ")})${op.notValid ? " NOT VALID" : ""}`;
    }
    case "addCheck":
      return `ALTER TABLE ${q(op.table.name)} ADD CONSTRAINT ${q(op.check.name!)} CHECK (${op.check.sql})${op.notValid ? " NOT VALID" : ""}`;
    case "dropCheck":
      return `ALTER TABLE ${q(op.table.name)} DROP CONSTRAINT ${q(op.check.name!)}`;
    case "validateConstraint":
      return `ALTER TABLE ${q(op.table.name)} VALIDATE CONSTRAINT ${q(op.name)}`;
    case "alterColumn": {
      const parts: string[] = [];
      if (op.to.type !== undefined) parts.push(`ALTER COLUMN ${q(op.column)} TYPE ${formatDbType(dbType(op.to.type, "postgresql"))}`);
      if (op.to.nullable !== undefined) parts.push(`ALTER COLUMN ${q(op.column)} ${op.to.nullable ? "DROP" : "SET"} NOT NULL`);
      return `ALTER TABLE ${q(op.table.name)} ${parts.join(", ")}`;
    }
    default:
      throw new Error(`lint-sql: ${op.op} is not written by hand here`);
  }
}
