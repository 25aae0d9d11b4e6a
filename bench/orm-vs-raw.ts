/**
 * `npm run bench [-- --runs R] [--only insert,selectin,hydrate,get] [--db sqlite,pg,mysql]
 * [--mode warm,cold] [--no-peers]`: athanor against the raw driver, with Kysely and Drizzle ORM
 * beside it, on the four workloads of issue 18:
 *   W1 insert    2,000 parents, 10,000 children, 20,000 association objects with extra data, in
 *                one transaction (athanor: build the objects, addAll, commit);
 *   W2 selectin  every parent with its many-to-many children (athanor: selectinLoad, exactly 2
 *                statements, checked before the timings);
 *   W3 hydrate   100,000 rows into objects, rows of 2 and of 5 columns;
 *   W4 get       10,000 lookups by primary key, rows of 2 and of 5 columns.
 * Each runs warm (one engine, a young-generation collection before each timing) and cold (a
 * fresh engine and session every round, a full `gc()` before each timing): see
 * bench/harness/config.ts and docs/performance.md#methodology. Every (database, workload,
 * width, mode) runs in a process of its own (bench/harness/cell.ts), all sides back to back in
 * each round; the tables give the median of the per-round ratios to the raw driver, min–max.
 * SQLite is a file in bench/.out/; PostgreSQL athanor_bench on 127.0.0.1:5432 (or
 * ATHANOR_BENCH_PG), MariaDB athanor_bench on 127.0.0.1:3306 (or ATHANOR_BENCH_MYSQL), created
 * when missing. Progress goes to stderr, the markdown tables to stdout.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseOptions, urlOf, WIDTHS, type DatabaseName, type Options, type SideName } from "./harness/config.js";
import { runCell, type CellResult, type CellSpec } from "./harness/cell.js";
import { analyze, checkSelectinStatements, prepareDatabase } from "./harness/data.js";
import { canCollect, progress } from "./harness/measure.js";
import { sidesFor, writeSeedRows } from "./harness/sides.js";
import { tableOf, type CellRow } from "./harness/table.js";

const CELL_FLAG = "--cell";
const script = fileURLToPath(import.meta.url);

/** Runs one cell in a child process with the same Node flags; its result comes back as JSON on stdout. */
function runIsolated(spec: CellSpec & { peers: boolean }): CellResult {
  const child = spawnSync(process.execPath, [...process.execArgv, script, CELL_FLAG, JSON.stringify(spec)], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (child.status !== 0) throw new Error(`${spec.workload} ${spec.mode} on ${spec.db} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as CellResult;
}

/** The peers are there when bench/node_modules is (npm run bench installs it). */
async function peersAvailable(db: DatabaseName, url: string, options: Options): Promise<boolean> {
  if (options.noPeers) return false;
  try {
    await sidesFor(db, url, true);
    return true;
  } catch (error) {
    progress(`bench: Kysely and Drizzle left out (${(error as Error).message.split("\n")[0]}); \`npm ci --prefix bench\` installs them`);
    return false;
  }
}

async function runDatabase(db: DatabaseName, options: Options, sqliteFile: string): Promise<string> {
  const url = urlOf(db, sqliteFile);
  progress(`[${db}] creating the tables and 2 × 100,000 items ...`);
  await prepareDatabase(db, url);
  await writeSeedRows(db, url);
  await analyze(db, url);
  if (options.only.includes("selectin")) await checkSelectinStatements(url);
  const peers = await peersAvailable(db, url, options);
  const rows: CellRow[] = [];
  let versions: Partial<Record<SideName, string>> = {};
  // W1 last: it rewrites the seed rows that W2 reads.
  for (const workload of (["selectin", "hydrate", "get", "insert"] as const).filter((w) => options.only.includes(w))) {
    for (const width of workload === "hydrate" || workload === "get" ? WIDTHS : ([0] as const)) {
      for (const mode of options.modes) {
        progress(`[${db}] ${workload}${width ? ` (${width} columns)` : ""}, ${mode} ...`);
        const result = runIsolated({ db, url, workload, width, mode, runs: options.runs, peers });
        versions = result.versions;
        rows.push({ workload, width, mode, times: result.times });
      }
    }
  }
  return tableOf(db, versions, rows, options.runs);
}

const argv = process.argv.slice(2);
if (!canCollect) throw new Error("run with node --expose-gc (npm run bench does)");
if (argv[0] === CELL_FLAG) {
  const spec = JSON.parse(argv[1]!) as CellSpec & { peers: boolean };
  process.stdout.write(JSON.stringify(await runCell(spec, await sidesFor(spec.db, spec.url, spec.peers))));
} else {
  const options = parseOptions(argv);
  const outDir = join(dirname(script), ".out");
  mkdirSync(outDir, { recursive: true });
  const sqliteFile = join(outDir, "orm-vs-raw.db");
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(sqliteFile + suffix, { force: true });
  const tables: string[] = [];
  for (const db of options.databases) tables.push(await runDatabase(db, options, sqliteFile));
  process.stdout.write(`${tables.join("\n\n")}\n`);
}
