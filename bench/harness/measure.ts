/**
 * Timing one round of one side, and the statistics of the tables. Warm rounds start after a
 * young-generation collection (`gc({ type: "minor" })`, as since session 3: a full one also
 * shrinks the young generation, and the next timing then runs with many more scavenges than an
 * application in steady state). Cold rounds start after a full collection (`gc()`, no argument:
 * a major GC), as an independent measurement does.
 */
import { performance } from "node:perf_hooks";
import type { Mode } from "./config.js";
import type { Done } from "./side.js";

const gc = (globalThis as { gc?: (options?: { type: "minor" | "major" }) => void }).gc;

/** Whether the process runs with --expose-gc (the bench refuses to time without it). */
export const canCollect = gc !== undefined;

export function collect(mode: Mode): void {
  if (!gc) throw new Error("run with node --expose-gc (npm run bench does)");
  if (mode === "warm") gc({ type: "minor" });
  else gc();
}

/** Wall-clock milliseconds of `work`; what it returns to run after the clock stops runs untimed. */
export async function timed(mode: Mode, work: () => Promise<Done>): Promise<{ ms: number; count: number }> {
  collect(mode);
  const start = performance.now();
  const done = await work();
  const ms = performance.now() - start;
  await done.after?.();
  return { ms, count: done.count };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, min and max of a list. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Per-round ratios side / raw: each round's sides ran back to back, under the same load. */
export function ratios(side: readonly number[], raw: readonly number[]): Spread {
  return spread(side.map((ms, i) => ms / raw[i]!));
}

export const fmtMs = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
export const progress = (line: string) => process.stderr.write(`${line}\n`);
