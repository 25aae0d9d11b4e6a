/**
 * The W3 floor of `npm run bench` (`bench/floor.ts [--db sqlite,pg,mysql] [--runs R]`): what
 * bounds hydrating 100,000 narrow rows, measured beside the raw driver and athanor, cold (a fresh
 * connection per round, a full `gc()` before each timing), all three back to back in each round.
 *
 *   raw      the driver's rows (bench/sides/raw-*.ts, `items`), as objects: the table's baseline;
 *   floor    the same rows, then per row the least an identity-mapped ORM with instrumented
 *            attributes keeps: an object of the model's class made without its constructor, a
 *            state object linked to it both ways (its mapper, session and key; the driver's row
 *            itself as its values, which no real ORM can keep as is), and an identity-map slot;
 *   athanor  `session.scalars(select(Item))` (bench/sides/athanor.ts).
 *
 * If the floor alone is past the target (1.5× raw), no identity-mapped ORM reaches it on these
 * rows; athanor / floor is then what is left to win. Progress to stderr, the table to stdout.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DATABASES, TARGETS, urlOf, WIDTHS, type DatabaseName, type Width } from "./harness/config.js";
import { prepareDatabase } from "./harness/data.js";
import { median, progress, timed } from "./harness/measure.js";
import type { Handle } from "./harness/side.js";
import { sidesFor } from "./harness/sides.js";
import { StateSlot } from "./harness/state-slot.js";
import { Item2, Item5 } from "./models.js";

const WARM_UPS = 2;
const ITEMS = 100_000;

/** The per-object record of the floor: what a session must know of each object it holds. */
class FloorState {
  obj: object | undefined = undefined;
  constructor(
    readonly mapper: object,
    readonly dict: object,
    readonly session: object,
    readonly key: unknown,
  ) {}
}

/** The floor's W3: the raw side's rows, each wrapped as above. */
async function floorHydrate(raw: Handle, width: Width): Promise<number> {
  const rows = (await raw.items!(width)) as { id: number }[];
  const prototype = (width === 2 ? Item2 : Item5).prototype as object;
  const session = {};
  const slots: object[] = [];
  const objects: object[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const obj = Object.create(prototype) as object;
    const state = new FloorState(prototype, row, session, row.id);
    state.obj = obj;
    new StateSlot(obj, state);
    slots[row.id] = obj;
    objects.push(obj);
  }
  if (StateSlot.read<FloorState>(objects[0]!)?.obj !== objects[0]) throw new Error("floor: state not linked");
  return objects.length;
}

async function runWidth(db: DatabaseName, url: string, width: Width, runs: number): Promise<Record<"raw" | "floor" | "athanor", number[]>> {
  const [rawSide, athanorSide] = await sidesFor(db, url, false);
  const times = { raw: [] as number[], floor: [] as number[], athanor: [] as number[] };
  for (let round = 1 - WARM_UPS; round <= runs; round++) {
    const line: string[] = [];
    for (const way of ["raw", "floor", "athanor"] as const) {
      const handle = await (way === "athanor" ? athanorSide! : rawSide!).open();
      const work = way === "floor" ? async () => ({ count: await floorHydrate(handle, width) }) : () => handle.hydrate(width);
      const { ms, count } = await timed("cold", work);
      await handle.close();
      if (count !== ITEMS) throw new Error(`${way} hydrated ${count} rows, expected ${ITEMS}`);
      if (round > 0) times[way].push(ms);
      line.push(`${way} ${ms.toFixed(1).padStart(6)}`);
    }
    progress(`  [${db} ${width}-col] ${round <= 0 ? "warm-up" : `run ${round}/${runs}`}  ${line.join("  ")} ms`);
  }
  return times;
}

const argv = process.argv.slice(2);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const databases = (option("--db")?.split(",") ?? ["sqlite"]) as DatabaseName[];
for (const db of databases) if (!DATABASES.includes(db)) throw new Error(`unknown database '${db}'`);
const runs = Number(option("--runs") ?? 7);
const outDir = join(dirname(fileURLToPath(import.meta.url)), ".out");
const sqliteFile = join(outDir, "floor.db");
mkdirSync(outDir, { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });

const ratio = (a: readonly number[], b: readonly number[]) => median(a.map((t, i) => t / b[i]!));
const lines = [
  `W3 floor, cold, median of ${runs} rounds of the per-round ratios: the raw driver's rows; the floor (those rows, each wrapped in an object`,
  `of the model's class with a state linked both ways and an identity-map slot: the least an identity-mapped ORM keeps); athanor`,
  "",
  `| database | columns | raw ms | floor / raw | athanor / raw | athanor / floor | target ≤ ${TARGETS.hydrate}× raw |`,
  "|---|---|---:|---:|---:|---:|---|",
];
for (const db of databases) {
  const url = urlOf(db, sqliteFile);
  progress(`[${db}] W3 floor: creating the items ...`);
  await prepareDatabase(db, url);
  for (const width of WIDTHS) {
    const t = await runWidth(db, url, width, runs);
    const floor = ratio(t.floor, t.raw);
    const verdict = floor > TARGETS.hydrate ? "the floor alone misses it" : ratio(t.athanor, t.raw) <= TARGETS.hydrate ? "met" : "missed";
    lines.push(
      `| ${db} | ${width} | ${median(t.raw).toFixed(1)} | ${floor.toFixed(2)}× | ${ratio(t.athanor, t.raw).toFixed(2)}× | ${ratio(t.athanor, t.floor).toFixed(2)}× | ${verdict} |`,
    );
  }
}
console.log(lines.join("\n"));
