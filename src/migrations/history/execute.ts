/**
 * Runs one migration's steps in one direction and records them in the version table.
 *
 * - PostgreSQL and SQLite, from the start: the transactional steps and the version row in one
 *   transaction (all or nothing); steps that cannot run in a transaction (PostgreSQL
 *   `CREATE INDEX CONCURRENTLY`) after it, each followed by its progress record.
 * - MySQL/MariaDB, where each DDL statement commits on its own, and any resumed migration: each
 *   step alone, followed by `steps_done = k`; a rerun starts after the recorded steps (and the
 *   steps' guards skip one that ran but was not recorded).
 * - A data step run on its own commits with its record; one that cannot run in a transaction is
 *   marked started first, so that a rerun after a crash between it and its record refuses rather
 *   than run it twice (in-doubt.ts).
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import { DBAPIError } from "../../core/errors.js";
import type { Connection } from "../../engine/connection.js";
import { stepsChecksum } from "./checksum.js";
import { MigrationFailedError, MigrationHistoryError } from "./errors.js";
import { startedState } from "./in-doubt.js";
import { liveSchema, runSteps, sessionEscapes, StepError, type Step } from "./steps.js";
import { versionSql, type VersionRow } from "./version-table.js";

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
  /** The row as it was read, when there is one: the pass starts only while it is still so (see `startRow`). */
  readonly was?: Pick<VersionRow, "state" | "stepsDone">;
  /** The checksum its row holds (a resumed migration: that of the steps done, see `stepsChecksum`). */
  readonly recorded?: string;
  /** A down: the checksum of the up steps whose effect it starts from, kept in the row while it runs (see partial.ts). */
  readonly upDone?: string;
  /** Schemas besides the default one that the migration's tables are in: the rerun guards read them too. */
  readonly schemas?: readonly string[];
}

/** Progress callback: step `index` (0-based) of `total` is about to run, or (`skipped`) was found already applied. */
export type StepListener = (index: number, total: number, step: Step, skipped: boolean) => void;

/** Runs the pass; throws `MigrationFailedError` saying how many steps are applied. */
export async function executePass(connection: Connection, pass: Pass, onStep: StepListener): Promise<void> {
  const dialect = connection.dialect.name;
  const ordered = executionOrder(pass.steps, dialect);
  if (pass.start > 0) assertSameStepsDone(pass, ordered);
  if (dialect === "mysql" || pass.start > 0) return sequential(connection, pass, ordered, onStep);
  return transactional(connection, pass, ordered, onStep);
}

/** The order steps run in, which the version row counts: transactional steps first (they share the transaction), as runSteps runs them. */
export function executionOrder(steps: readonly Step[], dialect: DialectName): Step[] {
  return dialect === "mysql" ? [...steps] : [...steps.filter((s) => s.transactional), ...steps.filter((s) => !s.transactional)];
}

/**
 * A partly applied migration resumes after the steps its row counts: they must be the steps that
 * ran. The row holds the checksum of those steps (or, written by an older version, of the whole
 * file as it was): an edit of the failed step or later ones passes, an edit before it is refused.
 */
function assertSameStepsDone(pass: Pass, ordered: readonly Step[]): void {
  if (pass.direction !== "up" || pass.recorded === undefined) return;
  if (pass.recorded === pass.checksum || pass.recorded === stepsChecksum(ordered.slice(0, pass.start))) return;
  throw new MigrationHistoryError(
    `migration ${pass.id} was left partly applied (${pass.start} of its steps ran) and its first ${pass.start} step(s) changed since: ` +
      `resuming would skip steps that never ran and record the migration as applied. Restore those steps as they were when it failed ` +
      `(editing the failed step and later ones is fine) and run 'athanor migrate up' again, or revert the applied steps with 'athanor migrate down'.`,
  );
}

/** The SQL that marks the pass started (with `done` steps), updates progress, and finishes it. */
function records(dialect: DialectName, pass: Pass, ordered: readonly Step[]) {
  const total = ordered.length;
  const state = pass.direction === "up" ? ("applying" as const) : ("reverting" as const);
  // Up: while partly applied, the row holds the checksum of the steps done (see assertSameStepsDone).
  // Down: the up steps it starts from, so that a later command knows them (see partial.ts).
  const done = (n: number) => (pass.direction === "up" ? (n < total ? stepsChecksum(ordered.slice(0, n)) : pass.checksum) : pass.upDone);
  const begin = (n: number) =>
    pass.hasRow
      ? versionSql.update(dialect, pass.id, { checksum: done(n), state, stepsDone: n, stepsTotal: total }, pass.was)
      : versionSql.insert(dialect, { id: pass.id, checksum: done(n) ?? pass.checksum, state, stepsDone: n, stepsTotal: total });
  const progress = (n: number) => versionSql.update(dialect, pass.id, { checksum: done(n), state, stepsDone: n });
  /** Step `n` + 1 starts, and commits on its own: until `progress(n + 1)`, whether it ran is unknown. */
  const started = (n: number) => versionSql.update(dialect, pass.id, { state: startedState(pass.direction), stepsDone: n });
  // After `begin`, the row exists: finishing updates (or deletes) it.
  const finish =
    pass.direction === "up"
      ? versionSql.update(dialect, pass.id, { checksum: pass.checksum, state: "applied", stepsDone: total, stepsTotal: total })
      : versionSql.remove(pass.id);
  return { begin, progress, started, finish };
}

/** Whether a step commits on its own and may write rows: replaying it is unsafe, so it is marked started first. */
function marked(step: Step): boolean {
  return step.writesRows === true && !step.transactional;
}

/**
 * A marked step failed. Refused by the database (a PostgreSQL statement, even of several, is all
 * or nothing; SQLite runs one), nothing of it ran: the mark is taken back (`progress`, the record
 * as it was before the mark). A lost connection leaves it: the step may have committed before its
 * answer was lost.
 */
async function unmark(connection: Connection, progress: string, error: unknown): Promise<void> {
  const cause = rootCause(error);
  if (cause instanceof DBAPIError && !cause.connectionInvalidated) await connection.run(progress).catch(() => undefined);
}

/**
 * Writes the pass's first version-row record. The row must still be as the run read it: SQLite
 * takes no lock, and a second `migrate down` that read the row before the first one removed it
 * ran the down's steps again (data reverted twice) and deleted nothing. Inside the migration's
 * transaction, the error rolls the steps back.
 */
async function startRow(connection: Connection, pass: Pass, sql: string): Promise<void> {
  const { rowCount } = await connection.run(sql);
  if (pass.hasRow && rowCount !== 1) {
    throw new MigrationHistoryError(
      `the version row of ${pass.id} changed since this run read it: another 'athanor migrate' ran it at the same time. ` +
        `Nothing of this run's ${pass.direction} of ${pass.id} was kept; see 'athanor migrate history' and run the command again if needed.`,
    );
  }
}

/** Whether an earlier run left the pass unfinished (its row says so): its step `pass.start` may have run and lost its record. */
function resuming(pass: Pass): boolean {
  return pass.was !== undefined && pass.was.state !== "applied";
}

/** The underlying error of a step failure (the executor wraps it with its own count). */
function rootCause(error: unknown): unknown {
  return error instanceof StepError ? error.cause : error;
}

async function sequential(connection: Connection, pass: Pass, ordered: readonly Step[], onStep: StepListener): Promise<void> {
  const total = ordered.length;
  const sql = records(connection.dialect.name, pass, ordered);
  const session = await sessionEscapes(connection);
  await startRow(connection, pass, sql.begin(pass.start));
  if (pass.start >= total) {
    // Nothing left to run (an up after a down that reverted nothing): the row only says so.
    await connection.run(sql.finish);
    return;
  }
  // DDL that commits itself leaves the steps before a failing one applied.
  const partial = !connection.dialect.capabilities.transactionalDdl || pass.start > 0;
  for (let k = pass.start; k < total; k++) {
    const step = ordered[k]!;
    onStep(k, total, step, false);
    let skipped = false;
    let ran = false;
    const record = k + 1 === total ? sql.finish : sql.progress(k + 1);
    const run = async (c: Connection) => {
      // One step at a time, so that each is recorded before the next begins.
      await runSteps(c, [step], { ...session, currentSchema: (c: Connection) => liveSchema(c, pass.schemas), ...(k === pass.start && resuming(pass) ? { resumeAt: 0 } : {}), onStep: (_i, _s, wasSkipped) => void (skipped = wasSkipped) });
      ran = true;
      await c.run(record);
    };
    // A data step commits with its record: a failure between the two cannot leave it run but
    // unrecorded, to run again on the rerun. One that cannot run in a transaction is marked first.
    const mark = marked(step) && connection.dialect.capabilities.transactionalDdl;
    try {
      if (mark) await connection.run(sql.started(k));
      await (step.writesRows && !mark ? connection.transaction(run) : run(connection));
    } catch (error) {
      if (mark && !ran) await unmark(connection, sql.progress(k), error);
      if (!ran) throw new MigrationFailedError(pass.id, pass.direction, k, total, `step ${k + 1} of ${total} (${step.description})`, partial, rootCause(error));
      const kept = step.writesRows && !mark ? k : k + 1;
      throw new MigrationFailedError(pass.id, pass.direction, kept, total, `recording step ${k + 1} of ${total}`, partial, error);
    }
    if (skipped) onStep(k, total, step, true);
  }
}

/**
 * PostgreSQL/SQLite from the start: the version row is written in the transaction (`beforeCommit`),
 * and after each non-transactional step that follows it. Progress: step 0 is announced first,
 * each next one when the executor reports the previous done.
 */
async function transactional(connection: Connection, pass: Pass, ordered: readonly Step[], onStep: StepListener): Promise<void> {
  const total = ordered.length;
  const sql = records(connection.dialect.name, pass, ordered);
  const inside = ordered.filter((s) => s.transactional).length;
  let current = 0;
  /** Set while a record after the commit is written (a step marked started, or its progress): a failure then keeps the commit. */
  let recordingAfterCommit: "mark" | "progress" | undefined;
  const record = async (what: "mark" | "progress", statement: string) => {
    recordingAfterCommit = what;
    await connection.run(statement);
    recordingAfterCommit = undefined;
  };
  if (total) onStep(0, total, ordered[0]!, false);
  try {
    await runSteps(connection, ordered, {
      ...(resuming(pass) ? { resumeAt: pass.start } : {}),
      currentSchema: (c: Connection) => liveSchema(c, pass.schemas),
      beforeStep: async (index, step) => {
        if (marked(step)) await record("mark", sql.started(index));
      },
      beforeCommit: async (c) => {
        await startRow(c, pass, sql.begin(inside));
        if (inside === total) await c.run(sql.finish);
      },
      onStep: async (index, step, skipped) => {
        if (!step.transactional) await record("progress", index + 1 === total ? sql.finish : sql.progress(index + 1));
        if (skipped) onStep(index, total, step, true);
        current = index + 1;
        if (current < total) onStep(current, total, ordered[current]!, false);
      },
    });
  } catch (error) {
    const step = ordered[current];
    if (error instanceof StepError && marked(ordered[error.index]!)) await unmark(connection, sql.progress(error.index), error);
    // Kept: a step after the commit failed (or a record after it); otherwise all was rolled back.
    const kept = error instanceof StepError ? ordered[error.index]?.transactional === false : recordingAfterCommit !== undefined;
    const what =
      recordingAfterCommit === "progress"
        ? `recording step ${current + 1} of ${total}`
        : recordingAfterCommit === "mark"
          ? `marking step ${current + 1} of ${total} started`
          : step
            ? `step ${current + 1} of ${total} (${step.description})`
            : `recording ${pass.id}`;
    throw new MigrationFailedError(pass.id, pass.direction, kept ? (recordingAfterCommit === "progress" ? current + 1 : current) : 0, total, what, kept, rootCause(error));
  }
}
