/**
 * The W3 memory figure of `npm run bench` (`bench/rss.ts [--db sqlite,pg,mysql]`): the peak RSS of
 * hydrating the 100,000 items (2 and 5 columns) with the raw driver and with athanor
 * (`session.scalars(select(Item))`), each in a fresh process of its own, after a full `gc()`.
 * The peak is the kernel's high-water mark of the process (`process.resourceUsage().maxRSS`),
 * which a sampling timer would miss inside better-sqlite3's synchronous `all()`. Issue 18's
 * target: athanor's peak ≤ 1.5× the raw driver's. Progress to stderr, the table to stdout.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DATABASES, urlOf, WIDTHS, type DatabaseName, type Width } from "./harness/config.js";
import { prepareDatabase } from "./harness/data.js";
import { collect, progress } from "./harness/measure.js";
import { sidesFor } from "./harness/sides.js";

const script = fileURLToPath(import.meta.url);
const outDir = join(dirname(script), ".out");
const sqliteFile = join(outDir, "rss.db");
type Way = "raw" | "athanor";

interface Peak {
  readonly startMb: number;
  readonly peakMb: number;
}

/** In the child: one hydration of `width` columns by `way`; the process's peak RSS. */
async function hydrateOnce(db: DatabaseName, way: Way, width: Width): Promise<Peak> {
  const sides = await sidesFor(db, urlOf(db, sqliteFile), false);
  const handle = await sides.find((side) => side.name === way)!.open();
  collect("cold");
  const startMb = process.memoryUsage().rss / 2 ** 20;
  const done = await handle.hydrate(width);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  await done.after?.();
  await handle.close();
  if (done.count !== 100_000) throw new Error(`${way} hydrated ${done.count} rows`);
  return { startMb, peakMb };
}

function inChild(db: DatabaseName, way: Way, width: Width): Peak {
  const child = spawnSync(process.execPath, [...process.execArgv, script, "--child", db, way, String(width)], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (child.status !== 0) throw new Error(`rss: ${way} on ${db} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as Peak;
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  process.stdout.write(JSON.stringify(await hydrateOnce(argv[1] as DatabaseName, argv[2] as Way, Number(argv[3]) as Width)));
} else {
  const dbIndex = argv.indexOf("--db");
  const databases = (dbIndex >= 0 ? argv[dbIndex + 1]!.split(",") : ["sqlite"]) as DatabaseName[];
  for (const db of databases) if (!DATABASES.includes(db)) throw new Error(`unknown database '${db}'`);
  mkdirSync(outDir, { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });
  const lines = [
    "W3 peak RSS: hydrating 100,000 rows once, each way in a fresh process (process high-water mark; RSS before the read in brackets)",
    "",
    "| database | columns | raw peak MB | athanor peak MB | ratio | above the start: raw / athanor MB | target ≤ 1.5× |",
    "|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const db of databases) {
    progress(`[rss ${db}] preparing the items ...`);
    await prepareDatabase(db, urlOf(db, sqliteFile));
    for (const width of WIDTHS) {
      const raw = inChild(db, "raw", width);
      const orm = inChild(db, "athanor", width);
      const ratio = orm.peakMb / raw.peakMb;
      const above = `${(raw.peakMb - raw.startMb).toFixed(0)} / ${(orm.peakMb - orm.startMb).toFixed(0)}`;
      const line = `| ${db} | ${width} | ${raw.peakMb.toFixed(0)} (${raw.startMb.toFixed(0)}) | ${orm.peakMb.toFixed(0)} (${orm.startMb.toFixed(0)}) | ${ratio.toFixed(2)}× | ${above} | ${ratio <= 1.5 ? "met" : "missed"} |`;
      progress(`  ${line}`);
      lines.push(line);
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
