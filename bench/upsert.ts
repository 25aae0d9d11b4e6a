/**
 * The upsert figure of `npm run bench` (`bench/upsert.ts [--runs R] [--db sqlite,pg,mysql]`):
 * 10,000 rows upserted into a 4-column table that holds 5,000 of them already (half new, half
 * existing), by Core `insert(t).values(rows).onConflictDoUpdate(...)` (SQLite, PostgreSQL) /
 * `.onDuplicateKeyUpdate(...)` (MariaDB/MySQL) through `engine.execute`, against the raw driver
 * running the same statement text with the same chunking (rows per statement =
 * maxParameters / 4, in one transaction when there is more than one chunk). The table is reset
 * (untimed) before each timing; each run times both sides back to back after WARM_UPS rounds.
 * Progress goes to stderr, the markdown table to stdout.
 */
import { performance } from "node:perf_hooks";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import mysql from "mysql2/promise";
import { createEngine, float, insert, integer, MetaData, string, table, type Engine } from "athanor";

type Db = "sqlite" | "pg" | "mysql";
const ROWS = 10_000;
const EXISTING = 5_000;
const WARM_UPS = 2;
const COLUMNS = ["id", "name", "qty", "price"] as const;

const metadata = new MetaData();
const upserted = table("bench_upsert", metadata, {
  id: integer().primaryKey(),
  name: string(40).notNull(),
  qty: integer().notNull(),
  price: float().notNull(),
});
const u = upserted.c;

type Values = { id: number; name: string; qty: number; price: number };
/** The 10,000 proposed rows: ids 1..10,000, of which 1..5,000 exist (with other values). */
const proposed: Values[] = Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, name: `new ${i + 1}`, qty: i % 50, price: i * 0.5 }));

function urlOf(db: Db, outDir: string): string {
  if (db === "sqlite") return `sqlite:///${join(outDir, "upsert.db")}`;
  if (db === "pg") return process.env.ATHANOR_BENCH_PG ?? "postgresql://postgres@127.0.0.1:5432/athanor_bench";
  return process.env.ATHANOR_BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306/athanor_bench";
}

/** Creates the database named in the URL when it is missing (PostgreSQL, MariaDB). */
async function ensureDatabase(db: Db, url: string): Promise<void> {
  if (db === "sqlite") return;
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  if (db === "pg") {
    admin.pathname = "/postgres";
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    if (!(await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rows.length) await client.query(`CREATE DATABASE "${name}"`);
    await client.end();
  } else {
    const conn = await mysql.createConnection({ host: admin.hostname, port: Number(admin.port || 3306), user: admin.username || "root" });
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
    await conn.end();
  }
}

/** The raw side: run one SQL text with flat parameters, and BEGIN/COMMIT. */
interface Raw {
  run(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

async function rawOf(db: Db, url: string): Promise<Raw> {
  if (db === "sqlite") {
    const handle = new Database(new URL(url.replace("sqlite:///", "file:///")).pathname);
    handle.pragma("journal_mode = WAL");
    handle.pragma("busy_timeout = 5000");
    // Prepared once per SQL text, as a careful program keeps them.
    const prepared = new Map<string, Database.Statement>();
    const statement = (sql: string) => prepared.get(sql) ?? prepared.set(sql, handle.prepare(sql)).get(sql)!;
    return { run: async (sql, params) => void statement(sql).run(...(params as never[])), close: async () => void handle.close() };
  }
  if (db === "pg") {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return { run: async (sql, params) => void (await client.query(sql, params)), close: () => client.end() };
  }
  const parsed = new URL(url);
  const conn = await mysql.createConnection({ host: parsed.hostname, port: Number(parsed.port || 3306), user: parsed.username || "root", database: parsed.pathname.slice(1) });
  return {
    run: async (sql, params) => void (params.length ? await conn.execute(sql, params as never) : await conn.query(sql)),
    close: () => conn.end(),
  };
}

/** The hand-written statement for n rows: what a careful program sends. */
function rawSql(db: Db, n: number): string {
  const q = (name: string) => (db === "mysql" ? `\`${name}\`` : `"${name}"`);
  let p = 0;
  const row = () => `(${COLUMNS.map(() => (db === "pg" ? `$${++p}` : "?")).join(", ")})`;
  const rows = Array.from({ length: n }, row).join(", ");
  const head = `INSERT INTO ${q("bench_upsert")} (${COLUMNS.map(q).join(", ")}) VALUES ${rows}`;
  const set = COLUMNS.slice(1);
  return db === "mysql"
    ? `${head} ON DUPLICATE KEY UPDATE ${set.map((c) => `${q(c)} = VALUES(${q(c)})`).join(", ")}`
    : `${head} ON CONFLICT (${q("id")}) DO UPDATE SET ${set.map((c) => `${q(c)} = excluded.${q(c)}`).join(", ")}`;
}

async function rawUpsert(db: Db, raw: Raw, chunk: number): Promise<void> {
  const chunked = ROWS > chunk;
  if (chunked) await raw.run(db === "mysql" ? "START TRANSACTION" : "BEGIN", []);
  for (let i = 0; i < ROWS; i += chunk) {
    const part = proposed.slice(i, i + chunk);
    await raw.run(rawSql(db, part.length), part.flatMap((r) => [r.id, r.name, r.qty, r.price]));
  }
  if (chunked) await raw.run("COMMIT", []);
}

async function ormUpsert(db: Db, engine: Engine): Promise<void> {
  const statement = insert(upserted).values(proposed);
  if (db === "mysql") await engine.execute(statement.onDuplicateKeyUpdate({ set: (excluded) => ({ name: excluded.name, qty: excluded.qty, price: excluded.price }) }));
  else await engine.execute(statement.onConflictDoUpdate({ target: u.id, set: (excluded) => ({ name: excluded.name, qty: excluded.qty, price: excluded.price }) }));
}

/** Leaves ids 1..5,000 in the table, with values the upsert changes. */
async function reset(raw: Raw, db: Db, chunk: number): Promise<void> {
  await raw.run("DELETE FROM bench_upsert", []);
  for (let i = 0; i < EXISTING; i += chunk) {
    const ids = Array.from({ length: Math.min(chunk, EXISTING - i) }, (_, k) => i + k + 1);
    const q = (c: string) => (db === "mysql" ? `\`${c}\`` : `"${c}"`);
    let p = 0;
    const marks = ids.map(() => `(${COLUMNS.map(() => (db === "pg" ? `$${++p}` : "?")).join(", ")})`).join(", ");
    await raw.run(`INSERT INTO ${q("bench_upsert")} (${COLUMNS.map(q).join(", ")}) VALUES ${marks}`, ids.flatMap((id) => [id, `old ${id}`, 0, 0]));
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs the upsert comparison on one database: one markdown table row. */
async function runOn(db: Db, runs: number, outDir: string): Promise<string> {
  const url = urlOf(db, outDir);
  if (db === "sqlite") for (const suffix of ["", "-wal", "-shm"]) rmSync(join(outDir, "upsert.db") + suffix, { force: true });
  await ensureDatabase(db, url);
  const engine = createEngine(url);
  await metadata.dropAll(engine);
  await metadata.createAll(engine);
  const raw = await rawOf(db, url);
  const chunk = Math.floor(engine.dialect.capabilities.maxParameters / COLUMNS.length);
  const statements = Math.ceil(ROWS / chunk);
  const ratios: number[] = [];
  const rawMs: number[] = [];
  const ormMs: number[] = [];
  try {
    for (let round = -WARM_UPS; round < runs; round++) {
      await reset(raw, db, chunk);
      const r = await timed(() => rawUpsert(db, raw, chunk));
      await reset(raw, db, chunk);
      const o = await timed(() => ormUpsert(db, engine));
      if (round < 0) continue;
      rawMs.push(r);
      ormMs.push(o);
      ratios.push(o / r);
      process.stderr.write(`  [upsert ${db}] run ${round + 1}/${runs}: raw ${r.toFixed(1)} ms, athanor ${o.toFixed(1)} ms, ratio ${(o / r).toFixed(2)}\n`);
    }
  } finally {
    await raw.close();
    await engine.dispose();
  }
  const fmt = (n: number) => n.toFixed(2);
  return `| ${db} | ${statements} | ${median(rawMs).toFixed(1)} | ${median(ormMs).toFixed(1)} | ${fmt(median(ratios))}× | ${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))} |`;
}

function parseArgs(argv: readonly string[]): { runs: number; databases: Db[] } {
  let runs = 5;
  let databases: Db[] = ["sqlite"];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") runs = Number(argv[++i]);
    else if (argv[i] === "--db") databases = (argv[++i] ?? "").split(",") as Db[];
    else throw new Error(`unknown argument ${argv[i]}; usage: bench/upsert.ts [--runs R] [--db sqlite,pg,mysql]`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
  for (const db of databases) if (!["sqlite", "pg", "mysql"].includes(db)) throw new Error(`unknown database '${db}' (known: sqlite, pg, mysql)`);
  return { runs, databases };
}

const { runs, databases } = parseArgs(process.argv.slice(2));
const outDir = join(dirname(fileURLToPath(import.meta.url)), ".out");
mkdirSync(outDir, { recursive: true });
const lines = [
  `Upsert: ${ROWS.toLocaleString("en")} rows (${EXISTING.toLocaleString("en")} new, ${EXISTING.toLocaleString("en")} existing), 4 columns; median of ${runs} run(s), min–max of the ratio`,
  "",
  "| database | statements | raw driver (ms) | athanor Core (ms) | ratio | ratio min–max |",
  "|---|---:|---:|---:|---:|---:|",
];
for (const db of databases) {
  process.stderr.write(`[upsert ${db}] ${WARM_UPS} warm-up rounds, then ${runs} timed ...\n`);
  lines.push(await runOn(db, runs, outDir));
}
process.stdout.write(`${lines.join("\n")}\n`);
