/**
 * Model-based tests run as seeded random programs: a generator, the seeds to run
 * (`ATHANOR_RANDOM_SEED=<seed>` replays one, `ATHANOR_RANDOM_PROGRAMS=<n>` runs more than 12),
 * and one test per seed that, when its program fails, shrinks it to the fewest steps that still
 * fail the same way and prints them with the seed.
 */
import { test } from "node:test";

/** mulberry32: a small seeded generator, so that a failing program can be replayed. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seeds to run: the one of `ATHANOR_RANDOM_SEED`, else 1..`ATHANOR_RANDOM_PROGRAMS` (`programs` by default). */
export function programSeeds(programs = 12): number[] {
  return process.env.ATHANOR_RANDOM_SEED
    ? [Number(process.env.ATHANOR_RANDOM_SEED)]
    : Array.from({ length: Number(process.env.ATHANOR_RANDOM_PROGRAMS ?? programs) }, (_, i) => i + 1);
}

/** How a run failed, to tell whether a shrunk program fails the same way. */
export const failureOf = (error: unknown) => `${(error as Error).name}: ${(error as Error).message.slice(0, 40)}`;

/** A program under test: runs steps against its session and its model. */
export interface ModelProgram<Step> {
  /** Runs `step`, or returns false when the model says it cannot run now (a shrunk program's leftovers). */
  run(step: Step): Promise<boolean>;
  /** Ends the program: everything committed and checked against the model. */
  finish(): Promise<void>;
  /** Closes the program's session (SQLite in memory has one connection: the next program needs it). */
  close(): Promise<void>;
}

export interface RandomProgramsOptions<Step, P extends ModelProgram<Step>> {
  /** Steps per program. */
  readonly steps: number;
  /** Programs the suite runs (12 when not given; `ATHANOR_RANDOM_PROGRAMS` overrides it). */
  readonly programs?: number;
  /** The test's name after the seed (default: "every commit holds the model's rows"). */
  readonly title?: string;
  /** Empties the tables before a program or a replay. */
  readonly reset: () => Promise<void>;
  /** A new program, with a new session from `ctx.session()`. */
  readonly program: () => P;
  /** The next step, chosen from what the program's model holds now; `next()` gives fresh numbers for labels. */
  readonly randomStep: (random: () => number, program: P, next: () => number) => Step;
  readonly describe: (step: Step) => string;
}

/** Declares one test per seed in the current suite (call it inside `forEachDatabaseWithSchema`). */
export function randomProgramTests<Step, P extends ModelProgram<Step>>(options: RandomProgramsOptions<Step, P>): void {
  /** Runs `steps` on empty tables and a new session: the steps that ran, and the error, if one was thrown. */
  async function replay(steps: readonly Step[]): Promise<{ ran: Step[]; error?: unknown }> {
    await options.reset();
    const program = options.program();
    const ran: Step[] = [];
    let failing: Step | undefined;
    try {
      for (const step of steps) {
        failing = step;
        if (await program.run(step)) ran.push(step);
        failing = undefined;
      }
      await program.finish();
      return { ran };
    } catch (error) {
      // The step that threw is part of the failing program (undefined: finish() threw).
      if (failing !== undefined) ran.push(failing);
      return { ran, error };
    } finally {
      await program.close();
    }
  }

  /** The fewest steps of `steps` that still fail as `failure` does (removing chunks, then single steps). */
  async function shrink(steps: Step[], failure: string): Promise<Step[]> {
    for (let size = Math.ceil(steps.length / 2); size >= 1; size = size === 1 ? 0 : Math.ceil(size / 2)) {
      for (let at = 0; at < steps.length; ) {
        const fewer = [...steps.slice(0, at), ...steps.slice(at + size)];
        const { error } = await replay(fewer);
        if (error !== undefined && failureOf(error) === failure) steps = fewer;
        else at += size;
      }
    }
    return (await replay(steps)).ran;
  }

  for (const seed of programSeeds(options.programs)) {
    test(`seed ${seed}: ${options.title ?? "every commit holds the model's rows"}`, async () => {
      const random = generator(seed);
      let label = 1;
      await options.reset();
      const program = options.program();
      const steps: Step[] = [];
      try {
        for (let i = 0; i < options.steps; i++) {
          const step = options.randomStep(random, program, () => label++);
          steps.push(step);
          await program.run(step);
        }
        await program.finish();
      } catch (error) {
        await program.close();
        const shrunk = await shrink(steps, failureOf(error));
        const { error: again } = await replay(shrunk);
        throw new Error(`seed ${seed} fails after ${shrunk.length} steps:\n  ${shrunk.map(options.describe).join("\n  ")}\n${(again as Error | undefined)?.stack ?? (error as Error).stack}`, {
          cause: error,
        });
      }
    });
  }
}
