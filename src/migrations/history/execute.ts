/**
 * Runs one migration's steps in one direction and records them in the version table.
 *
 * - PostgreSQL and SQLite, from the start: the transactional steps and the version row in one
 *   transaction (all or nothing); steps that cannot run in a transaction (PostgreSQL
 *   `CREATE INDEX CONCURRENTLY`) after it, each followed by its progress record.
 * - MySQL/MariaDB, where each DDL statement commits on its own, and any resumed migration: each
 *   step alone, followed by `steps_done = k`; a rerun starts after the recorded steps (and the
 *   steps' guards skip one that ran but was not recorded).
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import type { Connection } from "../../engine/connection.js";
import { MigrationStepError } from "./errors.js";
import { runSteps, type Step } from "./steps.js";
import { versionSql } from "./version-table.js";

/** One migration to run in one direction. */
export interface Pass {
  readonly id: string;
  readonly direction: "up" | "down";
  readonly checksum: string;
  readonly steps: readonly Step[];
  /** Steps already done and recorded (a resumed migration): they are skipped. */
  readonly start: number;
  /** Whether the version table has a row for it already. */
  readonly hasRow: boolean;
}

/** Progress callback: step `index` (0-based) of `total` is about to run. */
export type StepListener = (index: number, total: number, step: Step) => void;

/** Runs the pass; throws `MigrationStepError` saying how many steps are applied. */
export async function executePass(connection: Connection, pass: Pass, onStep: StepListener): Promise<void> {
  const dialect = connection.dialect.name;
  // Execution order: transactional steps first (they share the transaction), as runSteps runs them.
  const ordered = dialect === "mysql" ? [...pass.steps] : [...pass.steps.filter((s) => s.transactional), ...pass.steps.filter((s) => !s.transactional)];
  if (dialect === "mysql" || pass.start > 0) return sequential(connection, pass, ordered, onStep);
  return transactional(connection, pass, ordered, onStep);
}

/** The SQL that marks the pass started (with `done` steps), updates progress, and finishes it. */
function records(dialect: DialectName, pass: Pass, total: number) {
  const state = pass.direction === "up" ? ("applying" as const) : ("reverting" as const);
  const begin = (done: number) =>
    pass.hasRow
      ? versionSql.update(dialect, pass.id, { checksum: pass.direction === "up" ? pass.checksum : undefined, state, stepsDone: done, stepsTotal: total })
      : versionSql.insert(dialect, { id: pass.id, checksum: pass.checksum, state, stepsDone: done, stepsTotal: total });
  const progress = (done: number) => versionSql.update(dialect, pass.id, { stepsDone: done });
  // After `begin`, the row exists: finishing updates (or deletes) it.
  const finish =
    pass.direction === "up"
      ? versionSql.update(dialect, pass.id, { checksum: pass.checksum, state: "applied", stepsDone: total, stepsTotal: total })
      : versionSql.remove(pass.id);
  return { begin, progress, finish };
}

function recordStep(statements: readonly string[], transactional: boolean): Step {
  return { description: "record progress in the version table", statements, transactional };
}

async function sequential(connection: Connection, pass: Pass, ordered: readonly Step[], onStep: StepListener): Promise<void> {
  const total = ordered.length;
  const sql = records(connection.dialect.name, pass, total);
  await connection.run(sql.begin(pass.start));
  if (total === 0) {
    await connection.run(sql.finish);
    return;
  }
  const partial = connection.dialect.name === "mysql" || pass.start > 0;
  for (let k = pass.start; k < total; k++) {
    const step = ordered[k]!;
    onStep(k, total, step);
    try {
      await runSteps(connection, [step], {});
    } catch (error) {
      throw new MigrationStepError(pass.id, pass.direction, k, total, `step ${k + 1} of ${total} (${step.description})`, partial, error);
    }
    try {
      await connection.run(k + 1 === total ? sql.finish : sql.progress(k + 1));
    } catch (error) {
      throw new MigrationStepError(pass.id, pass.direction, k + 1, total, `recording step ${k + 1} of ${total}`, partial, error);
    }
  }
}

async function transactional(connection: Connection, pass: Pass, ordered: readonly Step[], onStep: StepListener): Promise<void> {
  const total = ordered.length;
  const sql = records(connection.dialect.name, pass, total);
  const inside = ordered.filter((s) => s.transactional).length;
  const plan: Step[] = [...ordered.slice(0, inside), recordStep(inside === total ? [sql.begin(inside), sql.finish] : [sql.begin(inside)], true)];
  for (let k = inside; k < total; k++) plan.push(ordered[k]!, recordStep([k + 1 === total ? sql.finish : sql.progress(k + 1)], false));
  const index = new Map(ordered.map((s, i) => [s, i]));
  let failing = 0;
  try {
    await runSteps(connection, plan, {
      onStep: (step) => {
        const i = index.get(step);
        if (i === undefined) return;
        failing = i;
        onStep(i, total, step);
      },
    });
  } catch (error) {
    const step = ordered[failing];
    const applied = failing >= inside ? failing : 0;
    const what = step ? `step ${failing + 1} of ${total} (${step.description})` : `recording ${pass.id}`;
    throw new MigrationStepError(pass.id, pass.direction, applied, total, what, failing >= inside, error);
  }
}
