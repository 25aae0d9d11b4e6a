/**
 * `up`, `down` and `stamp` against a database: reads the version table, refuses to run on a
 * history that cannot be trusted (edited applied migrations, rows with no file, a branch when the
 * target is `head`), takes a lock so that two deploys do not migrate at once, and runs each
 * migration's steps through `executePass`, reporting progress.
 */
import type { Connection } from "../../engine/connection.js";
import type { Operation } from "../operations/operation.js";
import { EditedMigrationError, MigrationHistoryError, PartialMigrationError } from "./errors.js";
import { executePass, executionOrder, type Pass } from "./execute.js";
import { inDoubtError, isInDoubt } from "./in-doubt.js";
import type { MigrationGraph } from "./graph.js";
import { downPlan, resolveTarget, upPlan } from "./plan.js";
import { SchemaReplay } from "./replay.js";
import { migrationStatus, type MigrationStatus } from "./status.js";
import { planSteps, schemasNamed, type Step } from "./steps.js";
import { allUpDone, downStepsAfter, upResumeAfterDown, upStepsDone, type PartialInput } from "./partial.js";
import { VersionTable, versionSql, type VersionRow } from "./version-table.js";
import { withMigrationLock } from "./lock.js";
import { assertKeepsData } from "./data-loss-guard.js";

/** Progress reports of the runner (the CLI prints them). */
export interface RunnerEvents {
  /**
   * A migration starts: `start` steps of `total` were already done by an earlier, interrupted run.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const events: RunnerEvents = { migrationStart: ({ id, direction }) => console.log(`${direction} ${id}`) };
   * await new MigrationRunner({ connection: conn, graph, events }).up();
   * ```
   */
  migrationStart?(info: { id: string; message: string; direction: "up" | "down"; total: number; start: number }): void;
  /**
   * Step `index` (0-based) of `total` starts, or (`skipped`) was found already applied by its guard.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const events: RunnerEvents = { step: ({ index, total, description }) => console.log(`  [${index + 1}/${total}] ${description}`) };
   * await new MigrationRunner({ connection: conn, graph, events }).up();
   * ```
   */
  step?(info: { id: string; index: number; total: number; description: string; skipped: boolean }): void;
  /**
   * A migration finished, after `ms` milliseconds.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const events: RunnerEvents = { migrationDone: ({ id, ms }) => console.log(`${id} done in ${ms} ms`) };
   * await new MigrationRunner({ connection: conn, graph, events }).up();
   * ```
   */
  migrationDone?(info: { id: string; direction: "up" | "down"; ms: number }): void;
}

/** What the runner works on. */
export interface RunnerOptions {
  readonly connection: Connection;
  readonly graph: MigrationGraph;
  readonly events?: RunnerEvents;
}

/** How `down` may run. */
export interface DownOptions {
  /**
   * Run downs that drop tables or columns holding rows (else `DownDataLossError`, nothing of that
   * migration run; an operation marked `allowDataLoss: true` needs no confirmation).
   */
  readonly allowDataLoss?: boolean;
}

/** How `up` may run: `allowDataLoss` runs ups whose unmarked drops meet rows (else `UpDataLossError`). */
export type UpOptions = DownOptions;

/** Applies and reverts migrations of one graph on one connection. */
export class MigrationRunner {
  private readonly table: VersionTable;
  private readonly replay: SchemaReplay;

  constructor(private readonly options: RunnerOptions) {
    this.table = new VersionTable(options.connection);
    this.replay = new SchemaReplay(options.graph);
  }

  /**
   * The version table's rows against the files: what is applied, pending, edited since, left
   * half done, or applied but unknown to this checkout. Read-only: the table is not created.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const runner = new MigrationRunner({ connection: conn, graph });
   * const status = await runner.status();
   * console.log(status.entries.filter((e) => !e.row).map((e) => e.id)); // pending
   * ```
   */
  async status(): Promise<MigrationStatus> {
    return migrationStatus(this.options.graph, await this.table.rows());
  }

  /**
   * Applies `target` (default: the head) and every migration before it not applied yet, in order,
   * under the version table's lock; returns the ids applied. A branched history, an edited
   * applied migration or a failure raises (`BranchError`, `EditedMigrationError`, `MigrationFailedError`).
   * A drop not marked `allowDataLoss: true` that would destroy rows is refused (`UpDataLossError`,
   * nothing of that migration run; the ones before it stay applied) unless `options.allowDataLoss`.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const runner = new MigrationRunner({ connection: conn, graph });
   * const applied = await runner.up(); // ["20240101_add_users", ...]
   * ```
   */
  async up(target?: string, options: UpOptions = {}): Promise<string[]> {
    const { graph } = this.options;
    if (graph.size === 0 && target === undefined) return [];
    const id = resolveTarget(graph, target);
    return this.locked(async (rows) => {
      const ids = upPlan(graph, rows, id);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const at of ids) {
        const row = byId.get(at);
        const input = this.partialInput(at);
        if (row && isInDoubt(row)) throw this.inDoubt(row);
        let start = row?.state === "applying" ? Math.min(row.stepsDone, input.upSteps.length) : 0;
        // A down that reverted nothing resumes where the up had stopped; one that reverted some is refused.
        if (row?.state === "reverting") start = upResumeAfterDown(row, input, this.downSteps(at));
        if (!options.allowDataLoss) await assertKeepsData(this.options.connection, at, "up", this.operationsOf(input.up, input.upSteps, start));
        await this.pass({ id: at, direction: "up", checksum: input.checksum, steps: input.upSteps, start, hasRow: row !== undefined, ...(row ? { recorded: row.checksum, was: row } : {}) });
      }
      return ids;
    });
  }

  /**
   * Reverts the migrations after `target` (`base`: all of them); with no target, the last applied
   * one. A partly applied or partly reverted migration is reverted too. Returns the ids reverted.
   * A down that would drop a table or column holding rows is refused (`DownDataLossError`, naming
   * the migration, the drops and their rows; the migrations before it stay reverted) unless `allowDataLoss`.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const runner = new MigrationRunner({ connection: conn, graph });
   * await runner.down();       // the last applied migration
   * await runner.down("base"); // every one
   * await runner.down("base", { allowDataLoss: true }); // even dropping tables that hold rows
   * ```
   */
  async down(target?: string, options: DownOptions = {}): Promise<string[]> {
    const { graph } = this.options;
    const id = target === undefined ? null : resolveTarget(graph, target);
    return this.locked(async (rows) => {
      const ids = downPlan(graph, rows, id);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const at of ids) {
        const row = byId.get(at)!;
        const planned = this.downSteps(at);
        if (isInDoubt(row)) throw this.inDoubt(row);
        // A partly applied up: the down's data steps run only for the up steps that ran (see partial.ts).
        let steps = planned;
        let upDone: string | undefined;
        // Kept in the row while the down runs; an up this checkout cannot plan (stamped elsewhere) leaves the row's checksum.
        if (row.state === "applied") upDone = tryPlan(() => allUpDone(this.partialInput(at)));
        else {
          const input = this.partialInput(at);
          const done = upStepsDone(row, input);
          if (done === undefined) throw new PartialMigrationError(at, `migration ${at} was left partly applied and its first steps changed since: which of them ran cannot be told. Nothing was run. Restore the file as it was when it failed, then run the command again.`);
          steps = downStepsAfter(input, planned, done);
        }
        const start = row.state === "reverting" ? Math.min(row.stepsDone, steps.length) : 0;
        if (!options.allowDataLoss) await assertKeepsData(this.options.connection, at, "down", this.operationsOf(this.options.graph.get(at).migration.definition.down, steps, start));
        await this.pass({ id: at, direction: "down", checksum: row.checksum, steps, start, hasRow: true, was: row, ...(upDone ? { upDone } : {}) });
      }
      return ids;
    });
  }

  /**
   * Records `target` and every migration before it as applied (with their current checksums) and
   * no other, without running anything: for a database brought up to date by other means, or to
   * accept an edited migration that the database already matches.
   *
   * ```ts
   * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
   * const runner = new MigrationRunner({ connection: conn, graph });
   * await runner.stamp(graph.heads[0]!); // the database is declared up to date; nothing runs
   * ```
   */
  async stamp(target: string): Promise<string[]> {
    const { graph } = this.options;
    const id = resolveTarget(graph, target);
    return this.locked(async (rows) => {
      const keep = id === undefined ? [] : graph.ancestors(id);
      await this.options.connection.transaction(async (conn) => {
        for (const row of rows) await conn.run(versionSql.remove(row.id));
        for (const at of keep) {
          await conn.run(versionSql.insert(this.dialect.name, { id: at, checksum: graph.get(at).migration.checksum, state: "applied", stepsDone: 0, stepsTotal: 0 }));
        }
      });
      return keep;
    }, false);
  }

  /** What partial.ts needs of migration `id`: its operations and its up's steps. */
  private partialInput(id: string): PartialInput {
    const { definition, checksum } = this.options.graph.get(id).migration;
    const upSteps = planSteps(definition.up, { dialect: this.dialect, schema: this.replay.schemaBefore(id) });
    return { id, checksum, dialect: this.dialect.name, up: definition.up, down: definition.down, upSteps };
  }

  /** The refusal of a pass on a row whose data step may or may not have run (in-doubt.ts): its steps as the row counts them. */
  private inDoubt(row: VersionRow) {
    const up = row.state === "applying-step" ? this.partialInput(row.id) : undefined;
    const steps = up ? up.upSteps : this.downSteps(row.id);
    return inDoubtError(row, { ordered: executionOrder(steps, this.dialect.name), checksum: up?.checksum ?? row.checksum });
  }

  /** The operations of `ops` (an up or a down) whose steps run from `start` (in execution order, as the row counts them). */
  private operationsOf(ops: readonly Operation[], steps: readonly Step[], start: number) {
    const indexes = new Set(executionOrder(steps, this.dialect.name).slice(start).flatMap((s) => (s.statements.length ? (s.operations ?? []) : [])));
    return [...indexes].map((i) => ops[i]!);
  }

  private downSteps(id: string): Step[] {
    return planSteps(this.options.graph.get(id).migration.definition.down, { dialect: this.dialect, schema: this.replay.schemaAt(id) });
  }

  private get dialect() {
    return this.options.connection.dialect;
  }

  /** Creates the version table, takes the lock, checks the history, then runs `fn` with the rows. */
  private async locked<T>(fn: (rows: readonly VersionRow[]) => Promise<T>, checkEdits = true): Promise<T> {
    await this.table.ensure();
    return withMigrationLock(this.options.connection, async () => {
      const rows = await this.table.rows();
      const status = migrationStatus(this.options.graph, rows);
      if (status.unknownRows.length) {
        const ids = status.unknownRows.map((r) => r.id).join(", ");
        throw new MigrationHistoryError(
          `the version table lists ${ids}, which no migration file defines: the database is ahead of this checkout (update it), or the files were deleted (restore them)`,
        );
      }
      if (checkEdits && status.edited.length) {
        const current = status.current.length === 1 ? status.current[0] : "<id>";
        throw new EditedMigrationError(
          status.edited,
          `Restore the file(s) as they were applied (see version control), or, if the database already matches the edited file(s), ` +
            `record the new checksums with 'athanor migrate stamp ${current}'.`,
        );
      }
      return fn(rows);
    });
  }

  private async pass(given: Pass & { steps: readonly Step[] }): Promise<void> {
    const { events, graph } = this.options;
    const { up, down } = graph.get(given.id).migration.definition;
    const pass = { ...given, schemas: schemasNamed([...up, ...down]) };
    const started = Date.now();
    events?.migrationStart?.({ id: pass.id, message: graph.get(pass.id).migration.definition.message, direction: pass.direction, total: pass.steps.length, start: pass.start });
    await executePass(this.options.connection, pass, (index, total, step, skipped) => events?.step?.({ id: pass.id, index, total, description: step.description, skipped }));
    events?.migrationDone?.({ id: pass.id, direction: pass.direction, ms: Date.now() - started });
  }
}

function tryPlan<T>(plan: () => T): T | undefined {
  try {
    return plan();
  } catch {
    return undefined;
  }
}
