/**
 * The executor of one migration's steps on a connection. PostgreSQL and SQLite: every
 * transactional step in one transaction (all or nothing), the non-transactional ones (PostgreSQL
 * `CREATE INDEX CONCURRENTLY`) after it commits. SQLite rebuild steps get foreign keys switched
 * off *before* the transaction begins (inside one SQLite ignores the pragma), a
 * `PRAGMA foreign_key_check` before the commit, and foreign keys back on after. MySQL/MariaDB:
 * each step on its own (their DDL commits by itself), skipped when its guard finds it applied,
 * and a failure says how many steps were applied.
 */
import { AthanorError, InvalidRequestError } from "../../core/errors.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import type { Connection } from "../../engine/connection.js";
import { assertRebuildKeepsAll, assertValuesFit } from "./sqlite-rebuild-check.js";
import { assertObjectsWork, dropObjectsOf, objectsTiedTo, recreateObjects, type SqliteObject } from "./sqlite-objects.js";
import type { Refusal, Step } from "./step.js";
import { concurrentIndexDone } from "./concurrent-index.js";
import { escapeModes, type EscapeModes } from "../../engine/mysql-escapes.js";

/** What the runner hears from `runSteps`, and what it lends it. */
export interface RunHooks {
  /** After step `index` ran (or, with `skipped`, was found applied by its guard). */
  onStep?(index: number, step: Step, skipped: boolean): void | Promise<void>;
  /** PostgreSQL/SQLite: before each step that runs after the transaction (it commits on its own). */
  beforeStep?(index: number, step: Step): Promise<void>;
  /** Each statement before it is sent (`--verbose`). */
  onStatement?(sql: string): void;
  /**
   * PostgreSQL/SQLite: called inside the migration's transaction after its steps, before the
   * commit: record the migration there so that it commits (or rolls back) with them.
   */
  beforeCommit?(connection: Connection): Promise<void>;
  /**
   * A rerun of a migration an earlier run left unfinished: the index (in `steps`) of the step it
   * may have run without recording it. Run after the transaction, that step is skipped when its
   * effect is found in the database (its guard, with `currentSchema`; a PostgreSQL concurrent
   * index: concurrent-index.ts).
   */
  resumeAt?: number;
  /** MySQL/MariaDB: the first step to run; earlier ones were recorded as applied by an earlier run. */
  startAt?: number;
  /**
   * MySQL/MariaDB: the session's sql_mode as `escapeModes` read it, for a caller that runs a
   * migration's steps one call at a time (read once, not before each step).
   */
  escapes?: EscapeModes | undefined;
  /** Reads the database's schema for the guards (`Step.isApplied`: MySQL/MariaDB, and `resuming`); without it no step is skipped. */
  currentSchema?(connection: Connection): Promise<SchemaModel>;
}

/** A step failed: `applied` of `total` steps had run (MySQL/MariaDB keep those; elsewhere all were rolled back). */
export class MigrationStepError extends AthanorError {
  override name = "MigrationStepError";
  constructor(
    message: string,
    /** The step that failed. */
    readonly index: number,
    /** Steps whose effect is in the database now. */
    readonly applied: number,
    readonly total: number,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** `PRAGMA foreign_key_check` found rows whose parent is missing after a rebuild: the transaction was rolled back. */
export class ForeignKeyCheckError extends AthanorError {
  override name = "ForeignKeyCheckError";
  constructor(readonly violations: readonly { table: string; rowid: unknown; parent: string }[]) {
    super(
      `The migration left rows without their parent (PRAGMA foreign_key_check), so it was rolled back: ` +
        violations
          .slice(0, 5)
          .map((v) => `${v.table} rowid ${String(v.rowid)} → ${v.parent}`)
          .join(", ") +
        (violations.length > 5 ? `, and ${violations.length - 5} more` : "") +
        ".",
    );
  }
}

/** Runs a migration's steps on `connection` (see the file comment). */
export async function runSteps(connection: Connection, steps: readonly Step[], hooks: RunHooks = {}): Promise<void> {
  if (!connection.dialect.capabilities.transactionalDdl) return runEach(connection, steps, hooks);
  const sqlite = connection.dialect.name === "sqlite";
  const inTransaction = steps.map((s, i) => [s, i] as const).filter(([s]) => s.transactional);
  const after = steps.map((s, i) => [s, i] as const).filter(([s]) => !s.transactional);
  const run = (sql: string) => {
    hooks.onStatement?.(sql);
    return connection.run(sql);
  };
  const fkOff = sqlite && inTransaction.some(([s]) => s.foreignKeysOff);
  if (fkOff && connection.inTransaction) {
    // Inside a transaction SQLite ignores PRAGMA foreign_keys: the rebuild would cascade into child tables.
    throw new InvalidRequestError(
      "runSteps() was called inside a transaction, but this migration rebuilds a SQLite table, which needs foreign keys " +
        "switched off outside any transaction (else dropping the old table deletes or nulls the rows of its child tables). " +
        "Call it on a connection with no transaction open; record the migration in hooks.beforeCommit.",
    );
  }
  const wasOn = fkOff && Number(Object.values((await connection.run("PRAGMA foreign_keys")).rows[0] ?? {})[0]) === 1;
  if (wasOn) await run("PRAGMA foreign_keys = OFF");
  let done = 0;
  try {
    await connection.transaction(async () => {
      for (const [step, index] of inTransaction) {
        if (step.rebuild) await guarded(() => assertRebuildKeepsAll(connection, step.rebuild!), step, index, done, steps.length, false);
        if (step.refusals) await guarded(() => refuseIfFound(connection, step.refusals!), step, index, done, steps.length, false);
        const objects: SqliteObject[] = step.rebuild ? await dropObjectsOf(connection, step.rebuild, run) : [];
        const dependents = step.dependents ? await objectsTiedTo(connection, step.dependents, false) : [];
        for (const sql of step.statements) await guarded(() => run(sql), step, index, done, steps.length, false);
        if (dependents.length) await guarded(() => assertObjectsWork(connection, step.dependents!, dependents, "is dropped"), step, index, done, steps.length, false);
        if (step.rebuild && step.valueChecks?.length) await guarded(() => assertValuesFit(connection, step.rebuild!, step.valueChecks!), step, index, done, steps.length, false);
        await recreateObjects(objects, run);
        if (step.rebuild) await guarded(() => assertObjectsWork(connection, step.rebuild!, objects), step, index, done, steps.length, false);
        done++;
        await hooks.onStep?.(index, step, false);
      }
      if (wasOn) await checkForeignKeys(connection);
      await hooks.beforeCommit?.(connection);
    });
  } finally {
    if (wasOn) await run("PRAGMA foreign_keys = ON");
  }
  for (const [step, index] of after) {
    await hooks.beforeStep?.(index, step);
    const skip = index === hooks.resumeAt ? await guarded(() => doneBefore(connection, step, run, hooks), step, index, done, steps.length, true) : false;
    if (!skip) for (const sql of step.statements) await guarded(() => run(sql), step, index, done, steps.length, true);
    done++;
    await hooks.onStep?.(index, step, skip);
  }
}

/**
 * A rerun, before a step that commits on its own: whether an earlier run did it and lost its record
 * (its effect is in the database: the step's guard, or for a concurrent index, concurrent-index.ts).
 */
async function doneBefore(connection: Connection, step: Step, run: (sql: string) => Promise<unknown>, hooks: RunHooks): Promise<boolean> {
  if (step.concurrentIndex) return concurrentIndexDone(connection, step, run);
  return step.isApplied !== undefined && hooks.currentSchema !== undefined && step.isApplied(await hooks.currentSchema(connection));
}

/** MySQL/MariaDB: each step alone, from `hooks.startAt`, skipping those found applied. */
async function runEach(connection: Connection, steps: readonly Step[], hooks: RunHooks): Promise<void> {
  const start = hooks.startAt ?? 0;
  let schema: SchemaModel | undefined;
  const modes = "escapes" in hooks ? hooks.escapes : await escapeModes(connection);
  try {
    for (let index = start; index < steps.length; index++) {
      const step = steps[index]!;
      if (step.isApplied && hooks.currentSchema) {
        schema ??= await hooks.currentSchema(connection);
        if (step.isApplied(schema)) {
          await hooks.onStep?.(index, step, true);
          continue;
        }
      }
      await modes?.use(step.userSql ? "user" : "athanor");
      if (step.refusals) await guarded(() => refuseIfFound(connection, step.refusals!), step, index, index, steps.length, true);
      for (const sql of step.statements) {
        hooks.onStatement?.(sql);
        await guarded(() => connection.run(sql), step, index, index, steps.length, true);
      }
      schema = undefined; // the schema changed: read it again for the next guard
      await hooks.onStep?.(index, step, false);
    }
  } finally {
    await modes?.use("user");
  }
}

/** Runs `fn`, wrapping a failure in `MigrationStepError` ("applied N of M steps"). */
async function guarded<T>(fn: () => Promise<T>, step: Step, index: number, applied: number, total: number, kept: boolean): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const what = kept
      ? `applied ${applied} of ${total} steps; the database keeps those (run the migration again to finish it once the cause is fixed, or revert the applied steps by hand)`
      : `the migration's transaction was rolled back, nothing of it was applied`;
    throw new MigrationStepError(`Step ${index + 1} of ${total} (${step.description}) failed: ${(error as Error).message}. ${what}.`, index, kept ? applied : 0, total, error);
  }
}

/** Throws the reason of the first refusal whose query finds a row. */
async function refuseIfFound(connection: Connection, refusals: readonly Refusal[]): Promise<void> {
  for (const refusal of refusals) {
    const found = (await connection.run(refusal.sql)).rows[0] as Record<string, unknown> | undefined;
    if (found) throw new AthanorError(refusal.detail ? `${refusal.reason} (${refusal.detail(found)})` : refusal.reason);
  }
}

/** `PRAGMA foreign_key_check`: any row is a violation, and the transaction must not commit. */
async function checkForeignKeys(connection: Connection): Promise<void> {
  const { rows } = await connection.run("PRAGMA foreign_key_check");
  if (rows.length) throw new ForeignKeyCheckError(rows.map((r: any) => ({ table: String(r.table), rowid: r.rowid, parent: String(r.parent) })));
}
