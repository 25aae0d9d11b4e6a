/**
 * The one place where the history meets the renderer (branch m-render, `src/migrations/apply/`):
 * `planSteps(ops, { dialect, schema })`, `runSteps(connection, steps, hooks)` and `applyToModel`.
 *
 * TODO(lead): until m-render is merged, these are stand-ins that handle `execute` operations only
 * (enough for the history's own tests); replace the bodies by re-exports of m-render's functions:
 *   export { planSteps, runSteps, type Step } from "../apply/...";  export { applyToModel } from "...";
 * The runner relies on: a step's `statements` are SQL texts, `transactional` steps of PostgreSQL
 * and SQLite run in one transaction, and `runSteps` calls `hooks.onStep(step, index)` before each.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import type { Connection } from "../../engine/connection.js";
import type { Operation } from "../operations/operation.js";

/** One unit of work of a migration: on MySQL/MariaDB it commits on its own and is recorded. */
export interface Step {
  readonly description: string;
  readonly statements: readonly string[];
  /** Whether it may run inside the migration's transaction (PostgreSQL/SQLite). */
  readonly transactional: boolean;
  /** SQLite table rebuilds: `PRAGMA foreign_keys = OFF` around the transaction. */
  readonly foreignKeysOff?: boolean;
  /** MySQL/MariaDB guard: whether the live schema already shows the step done (a rerun skips it). */
  isApplied?(schema: SchemaModel): boolean;
}

/** Callbacks of `runSteps`: progress output. */
export interface StepHooks {
  /** Before step `index` (0-based) runs. */
  onStep?(step: Step, index: number): void;
  /** After step `index` ran, or was skipped because its guard found it done. */
  onStepDone?(step: Step, index: number, skipped: boolean): void;
}

/** The schema with no table: where the history starts. */
export const EMPTY_SCHEMA: SchemaModel = { tables: [], enums: [] };

/** Stand-in for m-render's `applyToModel`: only `execute`, which changes no model. */
export function applyToModel(schema: SchemaModel, op: Operation): SchemaModel {
  if (op.op === "execute") return schema;
  throw new Error(`applyToModel('${op.op}') needs the renderer (branch m-render), not merged yet`);
}

/** Stand-in for m-render's `planSteps`: one step per `execute` operation. */
export function planSteps(ops: readonly Operation[], options: { readonly dialect: Dialect; readonly schema: SchemaModel }): Step[] {
  return ops.map((op) => {
    if (op.op !== "execute") throw new Error(`planSteps('${op.op}') needs the renderer (branch m-render), not merged yet`);
    const sql = typeof op.sql === "string" ? op.sql : op.sql[options.dialect.name];
    if (sql === undefined) throw new Error(`an execute operation has no SQL for ${options.dialect.name}`);
    return { description: `execute ${sql.length > 60 ? `${sql.slice(0, 57)}...` : sql}`, statements: [sql], transactional: op.transactional ?? true };
  });
}

/** Stand-in for m-render's `runSteps`: PostgreSQL/SQLite one transaction, MySQL each step alone. */
export async function runSteps(connection: Connection, steps: readonly Step[], hooks: StepHooks = {}): Promise<void> {
  const run = async (step: Step, index: number) => {
    hooks.onStep?.(step, index);
    for (const sql of step.statements) await connection.run(sql);
    hooks.onStepDone?.(step, index, false);
  };
  if (connection.dialect.name === "mysql") {
    for (const [i, step] of steps.entries()) await run(step, i);
    return;
  }
  const inside = steps.map((s, i) => [s, i] as const).filter(([s]) => s.transactional);
  const after = steps.map((s, i) => [s, i] as const).filter(([s]) => !s.transactional);
  await connection.transaction(async () => {
    for (const [step, i] of inside) await run(step, i);
  });
  for (const [step, i] of after) await run(step, i);
}
