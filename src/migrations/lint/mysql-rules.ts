/**
 * The MariaDB rules (dialect `mysql`): which ALTERs InnoDB can run online. MariaDB 10.6+/11 rules,
 * from https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/ ,
 * .../innodb-online-ddl-operations-with-the-nocopy-alter-algorithm/ and
 * .../innodb-online-ddl-operations-with-the-inplace-alter-algorithm/ , each one checked on MariaDB
 * 10.11 by running it with ALGORITHM=INSTANT / NOCOPY / INPLACE, LOCK=NONE (test/migrations/lint.test.ts):
 *
 * - INSTANT: ADD COLUMN (anywhere, 10.4+; also with DEFAULT CURRENT_TIMESTAMP / (RAND()), evaluated
 *   once), DROP COLUMN, RENAME COLUMN / TABLE, SET / DROP DEFAULT, VARCHAR extension that keeps the
 *   length prefix (see `varcharInstant`), ENUM values appended, DROP FOREIGN KEY / CONSTRAINT.
 * - NOCOPY (no rebuild, LOCK=NONE): ADD / DROP INDEX, ADD UNIQUE, DROP COLUMN of an indexed column.
 * - INPLACE with a rebuild (LOCK=NONE): NULL ↔ NOT NULL, ADD PRIMARY KEY.
 * - COPY (writes blocked, LOCK=SHARED): DROP COLUMN of the primary key column, any other type change (INT→BIGINT, VARCHAR→TEXT, DECIMAL
 *   precision, shrinking), ADD FOREIGN KEY with foreign_key_checks=1 ("Adding foreign keys needs
 *   foreign_key_checks=OFF"), ADD CHECK (also with check_constraint_checks=0), DROP PRIMARY KEY
 *   alone, ADD COLUMN with DEFAULT (UUID()) / (UUID_SHORT()) / (SYSDATE()) / (NEXTVAL(seq)), ADD COLUMN
 *   of a STORED generated column (a VIRTUAL one is INSTANT).
 * - INPLACE but LOCK=SHARED: ADD COLUMN ... AUTO_INCREMENT.
 * - ADD FOREIGN KEY with foreign_key_checks=0: NOCOPY (it adds the index), INSTANT when indexed.
 * MySQL 8 differs in places (e.g. instant ADD COLUMN only at the end before 8.0.29).
 */
import type { TypeModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import { describeTable, type LintContext } from "./context.js";
import { dbType, formatDbType, sameDbType, type DbType } from "./db-type.js";
import type { FindingDraft } from "./finding-draft.js";

const COPY_FIX =
  "on a big table run it with an online schema-change tool (pt-online-schema-change, gh-ost), or suppress it with the reason when the table is small";

/** Findings for one operation on MariaDB. */
export function mysqlRules(op: Operation, context: LintContext): FindingDraft[] {
  if (op.op === "createTable" || op.op === "renameTable" || op.op === "execute") return [];
  if (!context.isExisting(op.table)) return [];
  const table = describeTable(op.table);
  switch (op.op) {
    case "addColumn": {
      const where = `${table}.${op.column.name}`;
      if (op.column.autoincrement) {
        return [notOnline(`ADD COLUMN ${where} AUTO_INCREMENT needs LOCK=SHARED: writes to ${table} wait while every row is numbered`, COPY_FIX)];
      }
      if (op.column.generated?.stored) {
        return [
          notOnline(
            `ADD COLUMN ${where} GENERATED ALWAYS AS (${op.column.generated.sql}) STORED computes and writes every row's value: ${table} is copied (ALGORITHM=COPY, writes blocked)`,
            "make it VIRTUAL (`stored: false`: INSTANT; an index on it, if one is needed, is built online as a step of its own), or " + COPY_FIX,
          ),
        ];
      }
      const perRow = op.column.serverDefault === undefined ? undefined : perRowDefault(op.column.serverDefault);
      if (perRow) {
        return [
          notOnline(
            `ADD COLUMN ${where} DEFAULT ${op.column.serverDefault}: ${perRow} gives each row its own value, so ${table} is copied (ALGORITHM=COPY, writes blocked)`,
            "add the column without that default (INSTANT), set the default for new rows, then backfill existing rows in batches",
          ),
        ];
      }
      return [];
    }
    case "dropColumn": {
      const primaryKey = context.table(op.table)?.primaryKey?.columns ?? [];
      if (!primaryKey.includes(op.column.name)) return [];
      return [
        notOnline(
          `DROP COLUMN ${table}.${op.column.name} drops the primary key: ${table} is copied (ALGORITHM=COPY, writes blocked)`,
          "give the table its new primary key first (ADD PRIMARY KEY with the DROP in one ALTER is INPLACE), then drop the column",
        ),
      ];
    }
    case "alterColumn":
      return alterColumn(op, table);
    case "addForeignKey":
      return [
        notOnline(
          `ADD FOREIGN KEY ${op.foreignKey.name} on ${table} with foreign_key_checks=1 copies ${table} (ALGORITHM=COPY, writes blocked)`,
          `check for orphans first (SELECT ... FROM ${table} LEFT JOIN ${op.foreignKey.referredTable} ... WHERE the parent is missing), then add it with SET foreign_key_checks=0 (NOCOPY, or INSTANT when its columns are indexed; existing rows are not checked)`,
        ),
      ];
    case "addCheck":
      return [notOnline(`ADD CHECK ${op.check.name ?? `(${op.check.sql})`} on ${table} copies ${table} (ALGORITHM=COPY, writes blocked)`, COPY_FIX)];
    case "addPrimaryKey":
      return [rebuild(`ADD PRIMARY KEY on ${table} (${op.primaryKey.columns.join(", ")}) rebuilds ${table} (ALGORITHM=INPLACE, writes allowed)`)];
    case "dropPrimaryKey":
      return [
        notOnline(
          `DROP PRIMARY KEY on ${table} copies ${table} (ALGORITHM=COPY, writes blocked)`,
          "drop it and add the new primary key in the same ALTER TABLE (ALGORITHM=INPLACE), e.g. with an `execute` step",
        ),
      ];
    default:
      return [];
  }
}

function alterColumn(op: Extract<Operation, { op: "alterColumn" }>, table: string): FindingDraft[] {
  const where = `${table}.${op.column}`;
  if (op.to.type !== undefined) {
    const change = mysqlTypeChange(op.from.type, op.to.type);
    if (change.algorithm === "COPY") {
      return [
        notOnline(
          `MODIFY ${where} ${formatDbType(change.from)} → ${formatDbType(change.to)} copies ${table} (ALGORITHM=COPY, writes blocked)`,
          `add a new column of the new type (INSTANT), backfill it in batches, then swap the names; or ${COPY_FIX}`,
        ),
      ];
    }
  }
  if (op.to.nullable !== undefined && op.to.nullable !== op.from.nullable) {
    const what = op.to.nullable ? "NULL" : "NOT NULL";
    return [rebuild(`MODIFY ${where} ${what} rebuilds ${table} (ALGORITHM=INPLACE, writes allowed)`)];
  }
  return [];
}

/** The algorithm MariaDB needs to change a column's type (on a DYNAMIC/COMPACT row format table). */
export function mysqlTypeChange(from: TypeModel, to: TypeModel): { algorithm: "INSTANT" | "COPY"; from: DbType; to: DbType } {
  const a = dbType(from, "mysql");
  const b = dbType(to, "mysql");
  const result = (algorithm: "INSTANT" | "COPY") => ({ algorithm, from: a, to: b });
  if (sameDbType(a, b)) return result("INSTANT");
  if (a.name === b.name && (a.name === "varchar" || a.name === "varbinary") && a.length !== undefined && b.length !== undefined) {
    return result(varcharInstant(a.length, b.length, a.name === "varchar" ? 4 : 1) ? "INSTANT" : "COPY");
  }
  if (a.name === "enum" && b.name === "enum") {
    const old = a.values ?? [];
    const next = b.values ?? [];
    const appended = next.length >= old.length && old.every((v, i) => next[i] === v);
    // An ENUM stores 1 byte up to 255 values, 2 beyond: crossing that changes the row format.
    return result(appended && (old.length > 255 || next.length <= 255) ? "INSTANT" : "COPY");
  }
  return result("COPY");
}

/**
 * Whether VARCHAR(n) → VARCHAR(m) is INSTANT: only when longer and the row's length prefix keeps its
 * size. InnoDB stores lengths of columns up to 255 bytes in 1 byte, longer ones in 1 byte below 128
 * and 2 bytes above, so old ≤ 127 bytes, new ≤ 255 bytes, or old > 255 bytes are instant (MDEV-15563;
 * verified: VARCHAR(31)→(64) instant, (32)→(64) COPY, (100)→(300) instant in utf8mb4).
 * `bytesPerChar` is 4: athanor creates utf8mb4 tables.
 */
export function varcharInstant(from: number, to: number, bytesPerChar: number): boolean {
  if (to < from) return false;
  const oldBytes = from * bytesPerChar;
  const newBytes = to * bytesPerChar;
  return oldBytes <= 127 || newBytes <= 255 || oldBytes > 255;
}

/** The function in a default that MariaDB evaluates per row (forcing ALGORITHM=COPY), if any. */
function perRowDefault(sql: string): string | undefined {
  const code = sql.replace(/'(?:[^']|'')*'/g, "''");
  const match = /\b(uuid_short|uuid|sysdate|nextval|next\s+value\s+for)\b/i.exec(code);
  return match ? `${match[1]!.toUpperCase()}${/next\s+value/i.test(match[1]!) ? "" : "()"}` : undefined;
}

function notOnline(message: string, fix: string): FindingDraft {
  return { rule: "mysql-not-online", message, fix };
}

function rebuild(message: string): FindingDraft {
  return {
    rule: "mysql-table-rebuild",
    message,
    fix: "run it when the load is low (the copy is I/O heavy and replicas lag behind it), or suppress it with the reason when the table is small",
  };
}
