/**
 * `makeOnlineSafe`: the rewrite `migrate new` can apply so that a PostgreSQL migration takes only
 * short locks on existing tables, and `splitOnlinePhases`: which of its operations must run after
 * the migration's transaction commits for that to hold.
 *
 * - CREATE / DROP INDEX on an existing table → `concurrently: true`.
 * - ADD FOREIGN KEY / named CHECK → `notValid: true`, plus `validateConstraint` at the end.
 * - SET NOT NULL → `CHECK (col IS NOT NULL) NOT VALID` in place; at the end VALIDATE it, SET NOT NULL
 *   (PostgreSQL 12+ skips the scan given the valid check) and drop the check.
 * The "end" part must run after the transaction commits: a VALIDATE inside the transaction that
 * added the constraint still holds the ADD's lock, which is exactly what NOT VALID avoids.
 * Operations whose `lint.allow` names the rule are left as they are. Other dialects: unchanged.
 */
import { tableKey, type SchemaModel } from "../../core/schema/schema-model.js";
import type { Operation, OperationOf, TableRef } from "../operations/operation.js";
import { LintContext } from "./context.js";
import { dialectNameOf, type DialectRef } from "../dialect-ref.js";
import type { RuleId } from "./rules.js";

/** Options of `makeOnlineSafe`. */
export interface OnlineSafeOptions {
  /** The schema before the migration: an existing validated `CHECK (col IS NOT NULL)` makes SET NOT NULL safe as it is. */
  readonly schema?: SchemaModel;
}

/**
 * The operations rewritten so that `lintOperations` reports none of `pg-index-not-concurrent`,
 * `pg-fk-not-valid`, `pg-check-not-valid` (named checks) and `pg-set-not-null`. The added
 * `validateConstraint`s and the SET NOT NULL steps come last; run them as `splitOnlinePhases` says.
 *
 * ```ts
 * const up = makeOnlineSafe([op.createIndex("books", { name: "ix_books_isbn", columns: ["isbn"] })], "postgresql");
 * lintOperations(up, { dialect: "postgresql" }); // []: the index is made CONCURRENTLY
 * ```
 */
export function makeOnlineSafe(ops: readonly Operation[], dialect: DialectRef, options: OnlineSafeOptions = {}): Operation[] {
  if (dialectNameOf(dialect) !== "postgresql") return [...ops];
  const context = new LintContext(options.schema);
  const head: Operation[] = [];
  const tail: Operation[] = [];
  ops.forEach((op, index) => {
    const existing = "table" in op && op.op !== "createTable" && op.op !== "dropTable" && context.isExisting(op.table);
    // What comes at the end, unless a later operation drops or renames what it needs (then right after the operation).
    const later: Operation[] = [];
    let result: Operation[] = [op];
    if (existing) {
      switch (op.op) {
        case "createIndex":
        case "dropIndex":
          // Run after commit, the index must not be needed (or dropped) by what the transaction does next.
          if (!op.concurrently && !allows(op, "pg-index-not-concurrent") && !touchedLater(ops, index, op) && !referencedLater(ops, index, op)) {
            result = [{ ...op, concurrently: true }];
          }
          break;
        case "addForeignKey":
          if (!allows(op, "pg-fk-not-valid")) {
            result = [{ ...op, notValid: true }];
            if (!validatedLater(ops, index, op.table, op.foreignKey.name)) later.push(validate(op.table, op.foreignKey.name));
          }
          break;
        case "addCheck":
          if (op.check.name !== undefined && !allows(op, "pg-check-not-valid")) {
            result = [{ ...op, notValid: true }];
            if (!validatedLater(ops, index, op.table, op.check.name)) later.push(validate(op.table, op.check.name));
          }
          break;
        case "alterColumn":
          if (op.to.nullable === false && op.from.nullable && !context.hasValidatedNotNullCheck(op.table, op.column) && !allows(op, "pg-set-not-null")) {
            ({ result } = setNotNullViaCheck(op, later));
          }
          break;
        default:
          break;
      }
    }
    head.push(...result);
    (touchedLater(ops, index, op) ? head : tail).push(...later);
    for (const applied of result) context.apply(applied, index);
  });
  return [...head, ...tail.map((op): Operation => ({ ...op, afterCommit: true }))];
}

/** SET NOT NULL split: the other changes and the NOT VALID check now, the rest in `later`. */
function setNotNullViaCheck(op: OperationOf<"alterColumn">, later: Operation[]): { result: Operation[] } {
  const { nullable: _nullable, ...rest } = op.to;
  const check = { name: notNullCheckName(op.table, op.column), sql: `"${op.column.replace(/"/g, '""')}" IS NOT NULL` };
  const result: Operation[] = [];
  if (Object.keys(rest).length) result.push({ ...op, to: rest });
  result.push({ op: "addCheck", table: op.table, check, notValid: true });
  const now = {
    type: op.to.type ?? op.from.type,
    nullable: true,
    serverDefault: op.to.serverDefault !== undefined ? op.to.serverDefault : op.from.serverDefault,
  };
  later.push(
    validate(op.table, check.name),
    { op: "alterColumn", table: op.table, column: op.column, from: now, to: { nullable: false } },
    { op: "dropCheck", table: op.table, check },
  );
  return { result };
}

/**
 * The operations split in two for PostgreSQL: `inTransaction` runs in the migration's transaction;
 * `afterCommit` runs after it commits, each operation on its own (autocommit), in order: the
 * `concurrently` index operations, non-transactional `execute`s and operations marked
 * `afterCommit` (where `makeOnlineSafe` puts its second half). Other dialects: everything in
 * `inTransaction`.
 */
export function splitOnlinePhases(ops: readonly Operation[], dialect: DialectRef): { inTransaction: Operation[]; afterCommit: Operation[] } {
  if (dialectNameOf(dialect) !== "postgresql") return { inTransaction: [...ops], afterCommit: [] };
  const outside = (op: Operation) =>
    op.afterCommit === true || ((op.op === "createIndex" || op.op === "dropIndex") && op.concurrently === true) || (op.op === "execute" && op.transactional === false);
  return { inTransaction: ops.filter((op) => !outside(op)), afterCommit: ops.filter(outside) };
}

/** `ck_<table>_<column>_not_null`, shortened with a hash to PostgreSQL's 63 bytes. */
export function notNullCheckName(table: TableRef, column: string): string {
  const name = `ck_${table.name}_${column}_not_null`;
  if (Buffer.byteLength(name) <= 63) return name;
  let hash = 0x811c9dc5;
  for (const ch of name) hash = Math.imul(hash ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  let short = name;
  while (Buffer.byteLength(short) > 54) short = short.slice(0, -1);
  return `${short}_${hash.toString(16).padStart(8, "0")}`;
}

function allows(op: Operation, rule: RuleId): boolean {
  return op.lint?.allow.includes(rule) ?? false;
}

function validate(table: TableRef, name: string): Operation {
  return { op: "validateConstraint", table, name };
}

function validatedLater(ops: readonly Operation[], index: number, table: TableRef, name: string): boolean {
  return ops.slice(index + 1).some((o) => o.op === "validateConstraint" && o.name === name && tableKey(o.table) === tableKey(table));
}

/** The columns an operation's deferred part names (undefined: the table alone). */
function columnsOf(op: Operation): readonly string[] | undefined {
  switch (op.op) {
    case "createIndex":
    case "dropIndex":
      return op.index.columns;
    case "addForeignKey":
      return op.foreignKey.columns;
    case "alterColumn":
      return [op.column];
    default:
      return undefined;
  }
}

/**
 * Whether a later operation drops or renames the operation's table, or one of its columns: its
 * deferred part could no longer run after the commit (the object would be gone, or renamed).
 */
function touchedLater(ops: readonly Operation[], index: number, op: Operation): boolean {
  if (!("table" in op)) return false;
  const key = tableKey(op.table);
  const columns = columnsOf(op) ?? [];
  return ops.slice(index + 1).some((o) => {
    if (o.op === "dropTable") return tableKey(o.table) === key;
    if (o.op === "renameTable") return tableKey({ schema: o.schema, name: o.from }) === key;
    if (o.op === "dropColumn") return tableKey(o.table) === key && columns.includes(o.column.name);
    if (o.op === "renameColumn") return tableKey(o.table) === key && columns.includes(o.from);
    return false;
  });
}

/** Whether a later foreign key refers to the columns of this unique index (it needs the index at once). */
function referencedLater(ops: readonly Operation[], index: number, op: OperationOf<"createIndex"> | OperationOf<"dropIndex">): boolean {
  if (op.op !== "createIndex" || !op.index.unique) return false;
  const key = tableKey(op.table);
  const columns = [...op.index.columns].sort().join(",");
  return ops.slice(index + 1).some(
    (o) =>
      o.op === "addForeignKey" &&
      tableKey({ schema: o.foreignKey.referredSchema, name: o.foreignKey.referredTable }) === key &&
      [...o.foreignKey.referredColumns].sort().join(",") === columns,
  );
}
