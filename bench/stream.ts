/**
 * `npm run bench:stream [-- --db sqlite,pg,mysql] [--rows 1000000] [--yield-per 1000]` (and, compiled,
 * the streaming figure of `npm run bench`, with `--stream-rows`, 200,000 by default): reading a
 * large table with bounded memory. A table of `--rows` rows (one INSERT ... SELECT from a
 * recursive CTE / generate_series / MariaDB's seq_1_to_N, made once and kept) is read, in a fresh
 * process per way so that each peak is its own, by:
 *   orm-stream   for await (const row of session.stream(select(Row), { yieldPer }))
 *   core-stream  for await (const row of engine.stream(select(...), { yieldPer }))
 *   raw-stream   the driver's own stream: better-sqlite3 iterate(), pg DECLARE/FETCH, mysql2 query().stream()
 *   core-all     (await engine.execute(select(...))).rows
 *   orm-all      await session.scalars(select(Row))
 * Each touches every row (sums a column). Peak RSS is `process.memoryUsage().rss`, sampled every
 * 5,000 rows and every 50 ms. SQLite is a file in bench/.out/; PostgreSQL is athanor_bench on
 * postgresql://postgres@127.0.0.1:5432 (or ATHANOR_BENCH_PG), MariaDB athanor_bench on
 * mysql://root@127.0.0.1:3306 (or ATHANOR_BENCH_MYSQL). Progress goes to stderr, the table to stdout.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { column, columnsOf, createEngine, DeclarativeBase, float, integer, model, select, Session, sql, string, type Engine } from "athanor";

class StreamBenchBase extends DeclarativeBase {}

@model("bench_stream_rows")
class Row extends StreamBenchBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor name!: string;
  @column(integer().notNull()) accessor qty!: number;
  @column(float().notNull()) accessor price!: number;
}

type Db = "sqlite" | "pg" | "mysql";
const WAYS = ["orm-stream", "core-stream", "raw-stream", "core-all", "orm-all"] as const;
type Way = (typeof WAYS)[number];

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sqliteFile = join(root, "bench/.out/stream.db");

function urlOf(db: Db): string {
  if (db === "sqlite") return `sqlite:///${sqliteFile}`;
  if (db === "pg") return process.env.ATHANOR_BENCH_PG ?? "postgresql://postgres@127.0.0.1:5432/athanor_bench";
  return process.env.ATHANOR_BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306/athanor_bench";
}

function parseArgs(args: readonly string[]) {
  const value = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return {
    databases: (value("--db") ?? "sqlite").split(",") as Db[],
    rows: Number(value("--rows") ?? 1_000_000),
    yieldPer: Number(value("--yield-per") ?? 1000),
    child: value("--child") as Way | undefined,
  };
}

// ------------------------------------------------------------------ the table, made once

async function ensureDatabase(db: Db): Promise<void> {
  if (db === "sqlite") {
    mkdirSync(dirname(sqliteFile), { recursive: true });
    return;
  }
  const url = new URL(urlOf(db));
  const name = url.pathname.slice(1);
  url.pathname = db === "pg" ? "/postgres" : "/";
  const admin = createEngine(url.toString(), { pool: { max: 1 } });
  try {
    if (db === "pg") {
      const { rows } = await admin.execute(sql<{ x: number }>`SELECT 1 AS x FROM pg_database WHERE datname = ${name}`);
      if (!rows.length) await admin.execute(sql`CREATE DATABASE ${sql.raw(`"${name}"`)}`);
    } else await admin.execute(sql`CREATE DATABASE IF NOT EXISTS ${sql.raw(`\`${name}\``)}`);
  } finally {
    await admin.dispose();
  }
}

async function prepareTable(db: Db, rows: number): Promise<void> {
  await ensureDatabase(db);
  const engine = createEngine(urlOf(db));
  try {
    await StreamBenchBase.metadata.createAll(engine);
    const count = Number((await engine.execute(sql<{ n: number }>`SELECT count(*) AS n FROM bench_stream_rows`)).rows[0]!.n);
    if (count === rows) return;
    process.stderr.write(`[${db}] generating ${rows.toLocaleString("en")} rows ... `);
    const start = performance.now();
    await engine.execute(sql`DELETE FROM bench_stream_rows`);
    const generate = {
      sqlite: `INSERT INTO bench_stream_rows (id, name, qty, price)
               WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${rows})
               SELECT n, 'row ' || n, n % 100, n * 0.25 FROM s`,
      pg: `INSERT INTO bench_stream_rows (id, name, qty, price)
           SELECT n, 'row ' || n, n % 100, n * 0.25 FROM generate_series(1, ${rows}) AS n`,
      mysql: `INSERT INTO bench_stream_rows (id, name, qty, price)
              SELECT seq, CONCAT('row ', seq), seq % 100, seq * 0.25 FROM seq_1_to_${rows}`,
    }[db];
    await engine.execute(sql`${sql.raw(generate)}`);
    process.stderr.write(`${((performance.now() - start) / 1000).toFixed(1)} s\n`);
  } finally {
    await engine.dispose();
  }
}

// ------------------------------------------------------------------ one way, in a child process

let peak = 0;
function sample(): void {
  const rss = process.memoryUsage().rss;
  if (rss > peak) peak = rss;
}

async function readOneWay(db: Db, way: Way, yieldPer: number): Promise<{ rows: number; sum: number; ms: number; peakMb: number; startMb: number }> {
  const timer = setInterval(sample, 50);
  sample();
  const startMb = peak / 2 ** 20;
  let rows = 0;
  let sum = 0;
  const seen = (qty: number) => {
    sum += qty;
    if (++rows % 5000 === 0) sample();
    if (rows % 250_000 === 0) process.stderr.write(`  [${db} ${way}] ${rows.toLocaleString("en")} rows, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
  };
  const r = columnsOf(Row);
  const core = select(r.id, r.name, r.qty, r.price);
  const start = performance.now();
  if (way === "raw-stream") await rawStream(db, yieldPer, seen);
  else {
    const engine: Engine = createEngine(urlOf(db));
    try {
      if (way === "core-stream") for await (const row of engine.stream(core, { yieldPer })) seen(row.qty);
      else if (way === "core-all") for (const row of (await engine.execute(core)).rows) seen(row.qty);
      else {
        const session = new Session(engine);
        if (way === "orm-stream") for await (const row of session.stream(select(Row), { yieldPer })) seen(row.qty);
        else for (const row of await session.scalars(select(Row))) seen(row.qty);
        sample();
        await session.close();
      }
    } finally {
      await engine.dispose();
    }
  }
  const ms = performance.now() - start;
  sample();
  clearInterval(timer);
  return { rows, sum, ms, peakMb: peak / 2 ** 20, startMb };
}

const RAW_QUERY = "SELECT id, name, qty, price FROM bench_stream_rows";

/** The driver's own way to read a large result, as its documentation shows it. */
async function rawStream(db: Db, yieldPer: number, seen: (qty: number) => void): Promise<void> {
  if (db === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const handle = new Database(sqliteFile, { readonly: true });
    for (const row of handle.prepare(RAW_QUERY).iterate() as IterableIterator<{ qty: number }>) seen(row.qty);
    handle.close();
  } else if (db === "pg") {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: urlOf("pg") });
    await client.connect();
    await client.query("BEGIN");
    await client.query(`DECLARE raw_cursor NO SCROLL CURSOR FOR ${RAW_QUERY}`);
    for (;;) {
      const { rows } = await client.query(`FETCH FORWARD ${yieldPer} FROM raw_cursor`);
      for (const row of rows) seen(row.qty);
      if (rows.length < yieldPer) break;
    }
    await client.query("COMMIT");
    await client.end();
  } else {
    const { default: mysql } = await import("mysql2");
    const url = new URL(urlOf("mysql"));
    const conn = mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: url.username || "root", database: url.pathname.slice(1) });
    for await (const row of conn.query(RAW_QUERY).stream({ highWaterMark: yieldPer })) seen((row as { qty: number }).qty);
    await new Promise((resolve) => conn.end(resolve));
  }
}

// ------------------------------------------------------------------ main

const { databases, rows, yieldPer, child } = parseArgs(process.argv.slice(2));
if (child) {
  const result = await readOneWay(databases[0]!, child, yieldPer);
  process.stdout.write(JSON.stringify(result) + "\n");
} else {
  const table: string[] = [
    `| database | way | rows | seconds | rows/s | peak RSS (MB) | RSS before reading (MB) |`,
    `|---|---|---:|---:|---:|---:|---:|`,
  ];
  for (const db of databases) {
    await prepareTable(db, rows);
    for (const way of WAYS) {
      process.stderr.write(`[${db}] ${way} (yieldPer ${yieldPer}) ...\n`);
      const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--child", way, "--db", db, "--yield-per", String(yieldPer)], {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 1 << 20,
      });
      if (run.status !== 0) {
        table.push(`| ${db} | ${way} | failed (exit ${run.status ?? run.signal}) | | | | |`);
        continue;
      }
      const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { rows: number; ms: number; peakMb: number; startMb: number };
      const line = `| ${db} | ${way} | ${result.rows.toLocaleString("en")} | ${(result.ms / 1000).toFixed(2)} | ${Math.round(result.rows / (result.ms / 1000)).toLocaleString("en")} | ${result.peakMb.toFixed(0)} | ${result.startMb.toFixed(0)} |`;
      process.stderr.write(`  ${line}\n`);
      table.push(line);
    }
  }
  console.log(table.join("\n"));
}
