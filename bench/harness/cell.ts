/**
 * One cell of the ORM-vs-raw tables, run in a process of its own: one workload (and width) in one
 * mode on one database, every side back to back in each round (raw, athanor, then the peers),
 * WARM_UPS rounds unmeasured then `runs` measured. Warm: each side's handle (engine, connection)
 * is opened once. Cold: a fresh handle per side and round (connecting untimed, the first
 * statement's compile and prepare timed). The counts each side reports are checked.
 */
import { CHILDREN, GETS, ITEMS, LINKS, PARENTS, WARM_UPS, type DatabaseName, type Mode, type SideName, type Width, type WorkloadName } from "./config.js";
import { SeedTables } from "./data.js";
import { fmtMs, progress, timed } from "./measure.js";
import { lookupIds, type Done, type Handle, type Side } from "./side.js";

export interface CellSpec {
  readonly db: DatabaseName;
  readonly url: string;
  readonly workload: WorkloadName;
  /** Columns of the item rows (W3, W4); 0 for W1 and W2. */
  readonly width: Width | 0;
  readonly mode: Mode;
  readonly runs: number;
}

export interface CellResult {
  readonly versions: Partial<Record<SideName, string>>;
  /** Measured wall-clock milliseconds per side, one per round (the same rounds for every side). */
  readonly times: Partial<Record<SideName, number[]>>;
}

const EXPECTED: Record<WorkloadName, number> = { insert: LINKS, selectin: LINKS, hydrate: ITEMS, get: GETS };

function workOf(spec: CellSpec, handle: Handle, ids: readonly number[]): () => Promise<Done> {
  const width = spec.width || 5;
  switch (spec.workload) {
    case "insert":
      return () => handle.insert();
    case "selectin":
      return () => handle.selectin();
    case "hydrate":
      return () => handle.hydrate(width);
    case "get":
      return () => handle.get(width, ids);
  }
}

export async function runCell(spec: CellSpec, sides: readonly Side[]): Promise<CellResult> {
  const ids = lookupIds();
  const seed = spec.workload === "insert" ? SeedTables.open(spec.db, spec.url) : undefined;
  const expectedSeed = `${PARENTS}/${CHILDREN}/${LINKS}`;
  const warmHandles = spec.mode === "warm" ? await Promise.all(sides.map((side) => side.open())) : [];
  const times: Record<string, number[]> = {};
  try {
    for (let round = 1 - WARM_UPS[spec.mode]; round <= spec.runs; round++) {
      const line: string[] = [];
      for (const [i, side] of sides.entries()) {
        const handle = warmHandles[i] ?? (await side.open());
        if (seed) {
          const now = await seed.counts();
          if (now !== "0/0/0" && now !== expectedSeed) throw new Error(`W1 left ${now} rows (parents/children/associations), expected ${expectedSeed}`);
          await seed.clear();
        }
        const { ms, count } = await timed(spec.mode, workOf(spec, handle, ids));
        if (!warmHandles[i]) await handle.close();
        if (count !== EXPECTED[spec.workload]) throw new Error(`${side.name} did ${count} of ${spec.workload}, expected ${EXPECTED[spec.workload]}`);
        if (round > 0) (times[side.name] ??= []).push(ms);
        line.push(`${side.name} ${fmtMs(ms).padStart(6)}`);
      }
      const tag = round <= 0 ? "warm-up" : `run ${round}/${spec.runs}`;
      progress(`  [${spec.db} ${spec.workload}${spec.width ? ` ${spec.width}-col` : ""} ${spec.mode}] ${tag.padEnd(9)} ${line.join("  ")} ms`);
    }
    if (seed && (await seed.counts()) !== expectedSeed) throw new Error(`after the last W1 round: ${await seed.counts()}, expected ${expectedSeed}`);
  } finally {
    for (const handle of warmHandles) await handle.close();
    await seed?.close();
  }
  return { versions: Object.fromEntries(sides.map((s) => [s.name, s.version])), times };
}
