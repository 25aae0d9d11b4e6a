/**
 * The "no growth over time" figure of `npm run bench` (`bench/commits.ts [--db sqlite,pg,mysql]`):
 * one Session, 10,000 commits of one small new object each (a 2-column row), every commit
 * timed, after 2,000 commits through a throwaway session and a full collection (so that the
 * first block does not time the JIT warming up, nor collect the throwaway's objects). Prints the
 * mean cost per commit of the first 1,000 and of the last 1,000 (issue 18's target: no growth,
 * the last at most 10 % above the first), and the mean of every block of 1,000, so that growth
 * shows even when the first block is slow for reasons of its own. Progress to stderr, the table to stdout.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { column, createEngine, DeclarativeBase, integer, model, Session, text } from "athanor";
import { DATABASES, urlOf, type DatabaseName } from "./harness/config.js";
import { progress } from "./harness/measure.js";

class CommitsBase extends DeclarativeBase {}

@model("bench_commit")
class Note extends CommitsBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(text().notNull()) accessor body!: string;
}

const COMMITS = 10_000;
const BLOCK = 1_000;
/** Commits through a throwaway session first, so that the first block is not the JIT warming up. */
const WARM_UP_COMMITS = 2_000;

async function commitMany(session: Session, n: number, each: (ms: number, i: number) => void): Promise<void> {
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const note = new Note();
    note.body = `note ${i}`;
    session.add(note);
    await session.commit();
    each(performance.now() - start, i);
  }
}

/** Milliseconds of each of the COMMITS commits, in order. */
async function commitTimes(url: string): Promise<number[]> {
  const engine = createEngine(url);
  const times: number[] = [];
  try {
    await CommitsBase.metadata.dropAll(engine);
    await CommitsBase.metadata.createAll(engine);
    const warmUp = new Session(engine);
    await commitMany(warmUp, WARM_UP_COMMITS, () => {});
    await warmUp.close();
    globalThis.gc?.();
    const session = new Session(engine);
    await commitMany(session, COMMITS, (ms, i) => {
      times.push(ms);
      if ((i + 1) % 2500 === 0) progress(`  [commits] ${i + 1} commits`);
    });
    await session.close();
  } finally {
    await engine.dispose();
  }
  return times;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const argv = process.argv.slice(2);
const dbIndex = argv.indexOf("--db");
const databases = (dbIndex >= 0 ? argv[dbIndex + 1]!.split(",") : ["sqlite"]) as DatabaseName[];
for (const db of databases) if (!DATABASES.includes(db)) throw new Error(`unknown database '${db}'`);
const outDir = join(dirname(fileURLToPath(import.meta.url)), ".out");
mkdirSync(outDir, { recursive: true });
const sqliteFile = join(outDir, "commits.db");
for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });
const lines = [
  `${COMMITS.toLocaleString("en")} small commits through one Session (one new 2-column object each): mean ms per commit`,
  "",
  `| database | first ${BLOCK.toLocaleString("en")} | last ${BLOCK.toLocaleString("en")} | last / first | target: last ≤ 1.1 × first | every block of ${BLOCK.toLocaleString("en")}, in order |`,
  "|---|---:|---:|---:|---|---|",
];
for (const db of databases) {
  progress(`[commits ${db}] ${COMMITS} commits ...`);
  const times = await commitTimes(urlOf(db, sqliteFile));
  const first = mean(times.slice(0, BLOCK));
  const last = mean(times.slice(-BLOCK));
  const ratio = last / first;
  const blocks = Array.from({ length: COMMITS / BLOCK }, (_, b) => mean(times.slice(b * BLOCK, (b + 1) * BLOCK)).toFixed(3));
  lines.push(`| ${db} | ${first.toFixed(3)} | ${last.toFixed(3)} | ${ratio.toFixed(2)} | ${ratio <= 1.1 ? "met" : "missed"} | ${blocks.join(" ")} |`);
}
process.stdout.write(`${lines.join("\n")}\n`);
