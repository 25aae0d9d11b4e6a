/**
 * The planner: a migration's operations as the steps that run them on one dialect. PostgreSQL
 * and SQLite: one step per operation, all in the migration's transaction except `execute` steps
 * marked non-transactional and, on PostgreSQL, `CONCURRENTLY` index statements and operations
 * marked `afterCommit` (`makeOnlineSafe`'s second half). MySQL/MariaDB:
 * one step per statement (each DDL statement commits on its own there), each with a rerun guard.
 * SQLite: what ALTER TABLE cannot do becomes a table rebuild; consecutive operations on the same
 * table share one rebuild.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { PlanError } from "./plan-error.js";
import { assertPgUniqueNamesFree } from "./pg-unique-names.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { tableKey } from "../../core/schema/schema-model.js";
import { applyToModel } from "../operations/apply-to-model.js";
import type { Operation } from "../operations/operation.js";
import { concurrentIndexOf } from "./concurrent-index.js";
import { appliedGuard, indexGuard, statementGuards } from "./guards.js";
import { mysqlRefusal, uuidValueRefusal } from "./mysql-refusals.js";
import { triggerRefusal } from "./trigger-refusals.js";
import { pgViewRefusal } from "./pg-view-refusals.js";
import { pgCollationRefusal } from "./pg-collation-refusal.js";
import { textFitRefusal } from "./text-fit-refusal.js";
import { lossyConversionRefusal } from "./lossy-conversion-refusal.js";
import { schemaOnly } from "./sql-kind.js";
import { renderOperation } from "./render.js";
import { splitOnlinePhases } from "../lint/online-safe.js";
import { describeOperation } from "../operations/describe.js";
import { alteredTable, joinsRebuild, rebuildStep, sqliteNeedsRebuild } from "./sqlite-rebuild.js";
import type { Step } from "./step.js";

export { PlanError };

/** What `planSteps` plans for. */
export interface PlanOptions {
  /** The dialect the steps are rendered for (its name and DDL compiler). */
  readonly dialect: Pick<Dialect, "name" | "createDdlCompiler">;
  /** The schema before the first operation (from the migration history, or reflected). */
  readonly schema: SchemaModel;
}

/** The steps of `ops` (see the file comment). Throws `OperationModelError` for an operation that cannot apply to the schema. */
export function planSteps(ops: readonly Operation[], options: PlanOptions): Step[] {
  const dialect = options.dialect.name;
  const ddl = options.dialect.createDdlCompiler();
  const steps: Step[] = [];
  let schema = options.schema;
  // Non-transactional steps run after the transaction: the ops as they will run, to check that order.
  const inTransaction: Operation[] = [];
  const afterTransaction: Operation[] = [];
  // PostgreSQL: CONCURRENTLY, and what the migration marks `afterCommit` (a VALIDATE in the
  // transaction that added the constraint would keep the ADD's lock).
  const afterCommit = new Set(splitOnlinePhases(ops, dialect).afterCommit);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const first = i;
    const before = schema;
    schema = applyToModel(schema, op);
    if (dialect === "sqlite" && sqliteNeedsRebuild(op, before)) {
      // Later operations on the same table join this rebuild, up to a column rename (joinsRebuild).
      const table = alteredTable(op)!;
      const group = [op];
      while (i + 1 < ops.length && sameTable(alteredTable(ops[i + 1]!), table) && joinsRebuild(ops[i + 1]!)) {
        group.push(ops[++i]!);
        schema = applyToModel(schema, ops[i]!);
      }
      steps.push({ ...rebuildStep(ddl, table, group, before, schema), operations: group.map((_, k) => first + k) });
      continue;
    }
    if (dialect === "postgresql") assertPgUniqueNamesFree(op, before, ddl);
    const statements = renderOperation(op, ddl, dialect, before);
    if (!statements.length) continue; // nothing to do on this dialect (VALIDATE outside PostgreSQL)
    const description = describeOperation(op);
    const transactional = !afterCommit.has(op) && !(op.op === "execute" && op.transactional === false);
    if (dialect === "mysql") {
      steps.push(...mysqlSteps(op, statements, description, ddl, schema).map((s) => ({ ...s, operations: [i] })));
      continue;
    }
    const guard = appliedGuard(op, schema);
    const refusals = dialect === "postgresql" ? [triggerRefusal(op, dialect), pgViewRefusal(op), pgCollationRefusal(op), textFitRefusal(op, ddl, dialect), lossyConversionRefusal(op, ddl, dialect)].filter((r) => r !== undefined) : [];
    const writesRows = op.op === "execute" && !schemaOnly(op) ? { writesRows: true } : {};
    const concurrentIndex = dialect === "postgresql" && !transactional ? concurrentIndexOf(op) : undefined;
    steps.push({
      description,
      statements,
      transactional,
      operations: [i],
      ...(guard ? { isApplied: guard } : {}),
      ...writesRows,
      ...(refusals.length ? { refusals } : {}),
      ...(concurrentIndex ? { concurrentIndex } : {}),
      ...(dialect === "sqlite" && op.op === "dropTable" ? { dependents: op.table } : {}),
    });
    (transactional ? inTransaction : afterTransaction).push(op);
  }
  if (dialect !== "mysql" && afterTransaction.length) checkDeferred(options.schema, inTransaction, afterTransaction);
  return steps;
}

/** One step per statement; `createTable`'s indexes are guarded one by one. */
function mysqlSteps(op: Operation, statements: readonly string[], description: string, ddl: DdlCompiler, after: SchemaModel): Step[] {
  if (op.op === "createTable" && statements.length > 1) {
    const [create, ...indexes] = statements;
    return [
      { description, statements: [create!], transactional: false, isApplied: appliedGuard(op)! },
      ...indexes.map((sql, i) => {
        const index = op.table.indexes[i]!;
        return { description: `create index ${index.name} on ${tableKey(op.table)}`, statements: [sql], transactional: false, isApplied: indexGuard(op.table, index.name) };
      }),
    ];
  }
  const guard = appliedGuard(op, after);
  const guards = statements.length > 1 ? statementGuards(op, statements.length) : undefined;
  const refusals = statements.length === 1 ? [mysqlRefusal(op, ddl, after), uuidValueRefusal(op, ddl), textFitRefusal(op, ddl, "mysql"), lossyConversionRefusal(op, ddl, "mysql"), triggerRefusal(op, "mysql")].filter((r) => r !== undefined) : [];
  return statements.map((sql, i) => ({
    description: statements.length > 1 ? `${description} (${i + 1}/${statements.length})` : description,
    statements: [sql],
    transactional: false,
    ...(guard && statements.length === 1 ? { isApplied: guard } : guards ? { isApplied: guards[i]! } : {}),
    ...(op.op === "execute" ? { userSql: true, ...(schemaOnly(op) ? {} : { writesRows: true }) } : {}),
    ...(refusals.length ? { refusals } : {}),
  }));
}

/**
 * The non-transactional steps run after the transaction, out of their place: each must still
 * apply to the schema the transaction leaves (not on a table a later operation renamed or dropped).
 */
function checkDeferred(start: SchemaModel, inTransaction: readonly Operation[], deferred: readonly Operation[]): void {
  let schema = inTransaction.reduce(applyToModel, start);
  for (const op of deferred) {
    if (op.op === "execute") continue; // SQL text: nothing to check it against
    try {
      schema = applyToModel(schema, op);
    } catch (error) {
      throw new PlanError(
        `"${describeOperation(op)}" cannot run inside a transaction, so it runs after the migration's transaction, ` +
          `but a later operation of the migration changes what it needs (${(error as Error).message}). ` +
          `Move it to the end of the migration, or into a migration of its own.`,
      );
    }
  }
}

function sameTable(a: { readonly schema?: string; readonly name: string } | undefined, b: { readonly schema?: string; readonly name: string }): boolean {
  return a !== undefined && tableKey(a) === tableKey(b);
}
