/**
 * `npm run bench [-- --runs R] [--only selectin,hydrate,get,insert] [--db sqlite,pg]`: the Session
 * against the raw driver, side by side in one run.
 *
 * SQLite by default (a file database in bench/.out/, recreated each run; the raw side is
 * better-sqlite3 on its own handle); PostgreSQL with `--db pg` or `--db sqlite,pg` (athanor and
 * `pg` directly, on the database `athanor_bench` of postgresql://postgres@127.0.0.1:5432, or
 * ATHANOR_BENCH_PG; created when missing). The raw side is what a careful hand-written program
 * does: prepared statements, multi-row INSERTs in one transaction, one SELECT per level grouped
 * in JS.
 *
 * Scenarios (each R times after WARM_UPS rounds, raw and athanor back to back in each round):
 *   selectin  every parent with its children: selectinLoad(Parent, "children") and touching each
 *             parent.children, vs one SELECT of parents + one SELECT ... JOIN ... WHERE IN (...).
 *   hydrate   100,000 rows of a 5-column model, fresh session each run, vs stmt.all() (objects).
 *   get       10,000 session.get(Child, id) of distinct ids in a fresh session, vs a prepared
 *             SELECT ... WHERE id = ?.
 *   insert    2,000 parents, 10,000 children (generated ids), 20,000 association objects with
 *             extraData, through one session and one commit, vs batched multi-row INSERTs in
 *             one transaction.
 * Each scenario runs in a process of its own (the same Node flags), so that none is timed
 * while V8 collects what another left. `session.close()` runs after the clock stops (its cost is shown for hydrate). Each round gives
 * a wall-clock and a CPU-time ratio; the table shows the medians of both (CPU time is less
 * disturbed by other processes on a shared machine). Progress goes to stderr, one line per
 * scenario and round; the markdown table to stdout.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import pg from "pg";
import {
  column,
  columnsOf,
  createEngine,
  DeclarativeBase,
  float,
  integer,
  model,
  select,
  selectinLoad,
  Session,
  text,
  type Engine,
} from "athanor";
import { Association, Base, Child, Parent } from "../examples/seed/index.js";

// ------------------------------------------------------------------ the bench's own model

class BenchBase extends DeclarativeBase {}

/** A plain 5-column row, for the hydration scenario. */
@model("bench_item")
class Item extends BenchBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(text().notNull()) accessor name!: string;
  @column(integer().notNull()) accessor qty!: number;
  @column(float().notNull()) accessor price!: number;
  @column(text()) accessor note!: string | null;
}

// ------------------------------------------------------------------ sizes and options

const PARENTS = 2_000;
const CHILDREN = 10_000;
const LINKS_PER_PARENT = 10; // 20,000 associations; every child is linked to two parents
const ITEMS = 100_000;
const GETS = 10_000;
/**
 * Unmeasured rounds first: each scenario has a process of its own, so its code starts cold (the
 * insert's first two rounds took twice as long as the rest on both sides).
 */
const WARM_UPS = 3;
/** Rows per multi-row INSERT on the raw side (3 columns: 1,500 parameters). */
const RAW_CHUNK = 500;

type ScenarioName = "insert" | "selectin" | "hydrate" | "get";
const ALL: readonly ScenarioName[] = ["selectin", "hydrate", "get", "insert"];

type DatabaseName = "sqlite" | "pg";

function parseArgs(argv: readonly string[]) {
  let runs = 5;
  let only: ScenarioName[] = [...ALL];
  let databases: DatabaseName[] = ["sqlite"];
  let child = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--runs") runs = Number(argv[++i]);
    else if (arg === "--only") only = (argv[++i] ?? "").split(",") as ScenarioName[];
    else if (arg === "--db") databases = (argv[++i] ?? "").split(",") as DatabaseName[];
    else if (arg === CHILD_FLAG) child = true;
    else throw new Error(`unknown argument ${arg}; usage: bench/orm-vs-raw.ts [--runs R] [--only ${ALL.join(",")}] [--db sqlite,pg]`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
  for (const name of only) if (!ALL.includes(name)) throw new Error(`unknown scenario '${name}' (known: ${ALL.join(", ")})`);
  for (const name of databases) if (name !== "sqlite" && name !== "pg") throw new Error(`unknown database '${name}' (known: sqlite, pg)`);
  return { runs, only, databases, child };
}

/** Given to the process that runs one scenario on one database: it prints its rows as JSON. */
const CHILD_FLAG = "--one-scenario-as-json";

/** The (parent index, child index) pairs of the association objects. */
function links(): [number, number][] {
  const pairs: [number, number][] = [];
  for (let p = 0; p < PARENTS; p++) for (let k = 0; k < LINKS_PER_PARENT; k++) pairs.push([p, (p * LINKS_PER_PARENT + k) % CHILDREN]);
  return pairs;
}

function extraData(p: number, c: number): string {
  return `p${p}-c${c}`;
}

/** A fixed permutation of 1..n (the same order for both sides). */
function shuffledIds(n: number): number[] {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  let seed = 42;
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

// ------------------------------------------------------------------ the raw side

/** What the raw side needs from a database: the same four scenarios, hand-written. */
interface RawSide {
  clearSeed(): Promise<void>;
  insert(): Promise<void>;
  selectin(): Promise<number>;
  hydrate(): Promise<number>;
  get(ids: readonly number[]): Promise<number>;
  count(table: string): Promise<number>;
  fillItems(): Promise<void>;
  close(): Promise<void>;
}

function rawSqlite(path: string): RawSide {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");

  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  const rowsOf = (n: number, width: number) => Array.from({ length: n }, () => `(${Array(width).fill("?").join(", ")})`).join(", ");
  /** Inserts rows (flattened values) in chunks, one prepared statement per chunk size; returns RETURNING rows. */
  const insertChunks = (head: string, width: number, values: readonly unknown[], chunk: number, returning = "") => {
    const out: unknown[] = [];
    const rows = values.length / width;
    for (let i = 0; i < rows; i += chunk) {
      const n = Math.min(chunk, rows - i);
      const stmt = prepared(`${head} VALUES ${rowsOf(n, width)}${returning}`);
      const params = values.slice(i * width, (i + n) * width);
      if (returning) for (const row of stmt.pluck().all(...params)) out.push(row);
      else stmt.run(...params);
    }
    return out;
  };
  const keyRows = (table: string, n: number) => {
    // Tables with only a generated key: VALUES (NULL), ... RETURNING id, in chunks.
    const ids: number[] = [];
    for (let i = 0; i < n; i += RAW_CHUNK) {
      const k = Math.min(RAW_CHUNK, n - i);
      const stmt = prepared(`INSERT INTO ${table} (id) VALUES ${Array(k).fill("(NULL)").join(", ")} RETURNING id`);
      for (const id of stmt.pluck().all()) ids.push(id as number);
    }
    return ids;
  };

  return {
    async clearSeed() {
      db.exec("DELETE FROM association_table; DELETE FROM right_table; DELETE FROM left_table;");
    },
    async insert() {
      db.transaction(() => {
        const parentIds = keyRows("left_table", PARENTS);
        const childIds = keyRows("right_table", CHILDREN);
        const values: unknown[] = [];
        for (const [p, c] of links()) values.push(parentIds[p], childIds[c], extraData(p, c));
        insertChunks("INSERT INTO association_table (left_id, right_id, extra_data)", 3, values, RAW_CHUNK);
      })();
    },
    async selectin() {
      const parents = prepared("SELECT id FROM left_table").all() as { id: number; children?: { id: number }[] }[];
      const ids = parents.map((p) => p.id);
      const rows = prepared(
        `SELECT c.id, a.left_id FROM association_table a JOIN right_table c ON c.id = a.right_id WHERE a.left_id IN (${ids.map(() => "?").join(", ")})`,
      ).all(...ids) as { id: number; left_id: number }[];
      return attachChildren(parents, rows);
    },
    async hydrate() {
      return (prepared("SELECT id, name, qty, price, note FROM bench_item").all() as object[]).length;
    },
    async get(ids) {
      const stmt = prepared("SELECT id FROM right_table WHERE id = ?");
      let found = 0;
      for (const id of ids) if (stmt.get(id)) found++;
      return found;
    },
    async count(table) {
      return db.prepare(`SELECT count(*) AS n FROM ${table}`).pluck().get() as number;
    },
    async fillItems() {
      db.exec("DELETE FROM bench_item");
      db.transaction(() => {
        const values: unknown[] = [];
        for (let i = 1; i <= ITEMS; i++) values.push(i, `item ${i}`, i % 97, i * 0.25, i % 3 ? `note ${i}` : null);
        insertChunks("INSERT INTO bench_item (id, name, qty, price, note)", 5, values, 1000);
      })();
    },
    async close() {
      db.close();
    },
  };
}

async function rawPostgres(url: string): Promise<RawSide> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Parameters: $1, $2, ... for n rows of width columns.
  const rowsOf = (n: number, width: number, start = 0) =>
    Array.from({ length: n }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${start + r * width + c + 1}`).join(", ")})`).join(", ");
  const insertChunks = async (name: string, head: string, width: number, values: readonly unknown[], chunk: number) => {
    const rows = values.length / width;
    for (let i = 0; i < rows; i += chunk) {
      const n = Math.min(chunk, rows - i);
      // A named statement is prepared once per connection and chunk size.
      await client.query({ name: `${name}_${n}`, text: `${head} VALUES ${rowsOf(n, width)}`, values: values.slice(i * width, (i + n) * width) as unknown[] });
    }
  };
  const keyRows = async (table: string, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += RAW_CHUNK) {
      const k = Math.min(RAW_CHUNK, n - i);
      const result = await client.query({ name: `keys_${table}_${k}`, text: `INSERT INTO ${table} (id) VALUES ${Array(k).fill("(DEFAULT)").join(", ")} RETURNING id`, rowMode: "array" });
      for (const row of result.rows as number[][]) ids.push(row[0]!);
    }
    return ids;
  };
  return {
    async clearSeed() {
      await client.query("DELETE FROM association_table");
      await client.query("DELETE FROM right_table");
      await client.query("DELETE FROM left_table");
    },
    async insert() {
      await client.query("BEGIN");
      try {
        const parentIds = await keyRows("left_table", PARENTS);
        const childIds = await keyRows("right_table", CHILDREN);
        const values: unknown[] = [];
        for (const [p, c] of links()) values.push(parentIds[p], childIds[c], extraData(p, c));
        await insertChunks("assoc", "INSERT INTO association_table (left_id, right_id, extra_data)", 3, values, RAW_CHUNK);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
    async selectin() {
      const parents = (await client.query({ name: "parents", text: "SELECT id FROM left_table" })).rows as { id: number; children?: { id: number }[] }[];
      const ids = parents.map((p) => p.id);
      const rows = (
        await client.query({
          text: "SELECT c.id, a.left_id FROM association_table a JOIN right_table c ON c.id = a.right_id WHERE a.left_id = ANY($1)",
          values: [ids],
        })
      ).rows as { id: number; left_id: number }[];
      return attachChildren(parents, rows);
    },
    async hydrate() {
      return (await client.query({ name: "items", text: "SELECT id, name, qty, price, note FROM bench_item" })).rows.length;
    },
    async get(ids) {
      let found = 0;
      for (const id of ids) if ((await client.query({ name: "child_by_id", text: "SELECT id FROM right_table WHERE id = $1", values: [id] })).rows.length) found++;
      return found;
    },
    async count(table) {
      return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    },
    async fillItems() {
      await client.query("DELETE FROM bench_item");
      await client.query("BEGIN");
      const values: unknown[] = [];
      for (let i = 1; i <= ITEMS; i++) values.push(i, `item ${i}`, i % 97, i * 0.25, i % 3 ? `note ${i}` : null);
      await insertChunks("items", "INSERT INTO bench_item (id, name, qty, price, note)", 5, values, 1000);
      await client.query("COMMIT");
    },
    async close() {
      await client.end();
    },
  };
}

// ------------------------------------------------------------------ the athanor side

/**
 * Each resolves when the part compared with the raw side is done, with what `timed` runs after
 * the clock stops: `session.close()` (what it costs is reported apart, in `closeMs`).
 */
const closeMs: Record<string, number[]> = {};

interface Untimed {
  readonly after: () => Promise<void>;
}

function closing(name: string, session: Session): Untimed {
  return {
    after: async () => {
      const start = performance.now();
      await session.close();
      (closeMs[name] ??= []).push(performance.now() - start);
    },
  };
}

const athanor = {
  async insert(engine: Engine, split: { build: number[]; commit: number[] }): Promise<Untimed> {
    const t0 = performance.now();
    const parents = Array.from({ length: PARENTS }, () => new Parent());
    const children = Array.from({ length: CHILDREN }, () => new Child());
    for (const [p, c] of links()) {
      const association = new Association();
      association.extraData = extraData(p, c);
      association.parent = parents[p]!;
      association.child = children[c]!;
    }
    const t1 = performance.now();
    const session = new Session(engine);
    session.addAll(parents); // children and associations come along (save-update cascade)
    await session.commit();
    split.build.push(t1 - t0);
    split.commit.push(performance.now() - t1);
    return closing("insert", session);
  },
  async selectin(engine: Engine, out: { count: number }): Promise<Untimed> {
    const session = new Session(engine);
    const parents = await session.scalars(select(Parent).options(selectinLoad(Parent, "children")));
    let touched = 0;
    for (const parent of parents) touched += parent.children.length;
    out.count = touched;
    return closing("selectin", session);
  },
  async hydrate(engine: Engine, out: { count: number }): Promise<Untimed> {
    const session = new Session(engine);
    out.count = (await session.scalars(select(Item))).length;
    return closing("hydrate", session);
  },
  async get(engine: Engine, ids: readonly number[], out: { count: number }): Promise<Untimed> {
    const session = new Session(engine);
    let found = 0;
    for (const id of ids) if (await session.get(Child, id)) found++;
    out.count = found;
    return closing("get", session);
  },
};

// ------------------------------------------------------------------ measuring

interface Row extends Omit<Result, "rawTimes"> {
  readonly scenario: string;
  readonly target: number | undefined;
  readonly note?: string;
}

/**
 * A young-generation collection before each timing, so that each side starts with an empty young
 * generation. Not a full one (`gc()`): that also shrinks the young generation, and the next
 * timing then runs with many more scavenges than an application in steady state (measured: the
 * insert's rounds took up to twice as long). (Until session 3 this asked for
 * `{ type: "major" }`, which Node 20's V8 runs as a scavenge too, as `--trace-gc` shows.)
 * Garbage in the old generation is collected when V8 decides, inside either side's timing; the
 * median of many rounds absorbs it.
 */
const collect = (globalThis as { gc?: (options: { type: "minor" }) => void }).gc;
const gc = collect && (() => collect({ type: "minor" }));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Timing {
  /** Wall-clock milliseconds. */
  readonly wall: number;
  /** CPU milliseconds of the process (user + system): less disturbed by other processes. */
  readonly cpu: number;
}

/** Times `fn`; what it returns to run after the clock stops (`after`) is not timed. */
async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  gc?.();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  if (result && typeof (result as Untimed).after === "function") await (result as Untimed).after();
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const progress = (line: string) => process.stderr.write(`${line}\n`);
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/**
 * Runs raw and athanor alternately, WARM_UPS rounds then `runs` measured ones; `before` runs
 * untimed before each side's every round (e.g. emptying the tables).
 */
async function compare(
  label: string,
  runs: number,
  raw: () => Promise<unknown>,
  orm: () => Promise<unknown>,
  before: () => Promise<void> = async () => {},
): Promise<Result> {
  const rawTimes: Timing[] = [];
  const ormTimes: Timing[] = [];
  for (let round = 1 - WARM_UPS; round <= runs; round++) {
    await before();
    const r = await timed(raw);
    await before();
    const o = await timed(orm);
    const tag = round <= 0 ? "warm-up" : `run ${round}/${runs}`;
    progress(
      `  ${label.padEnd(10)} ${tag.padEnd(9)} raw ${ms(r.wall).padStart(7)} ms   athanor ${ms(o.wall).padStart(7)} ms   ` +
        `x${(o.wall / r.wall).toFixed(2)} wall, x${(o.cpu / r.cpu).toFixed(2)} CPU`,
    );
    if (round > 0) {
      rawTimes.push(r);
      ormTimes.push(o);
    }
  }
  // Each round's two sides ran back to back, under the same load: the median of the rounds'
  // ratios is steadier on a busy machine than the ratio of the two medians.
  return {
    raw: median(rawTimes.map((t) => t.wall)),
    orm: median(ormTimes.map((t) => t.wall)),
    ratio: median(ormTimes.map((o, i) => o.wall / rawTimes[i]!.wall)),
    cpuRatio: median(ormTimes.map((o, i) => o.cpu / rawTimes[i]!.cpu)),
    rawTimes,
  };
}

interface Result {
  /** Median wall-clock milliseconds of each side. */
  readonly raw: number;
  readonly orm: number;
  /** Median of the per-round ratios athanor / raw, wall clock and CPU time. */
  readonly ratio: number;
  readonly cpuRatio: number | undefined;
  readonly rawTimes: readonly Timing[];
}

function check(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

interface Database_ {
  readonly name: string;
  readonly engine: Engine;
  readonly raw: RawSide;
}

async function runScenarios(db: Database_, runs: number, only: readonly ScenarioName[]): Promise<Row[]> {
  const { engine, raw } = db;
  const rows: Row[] = [];
  const counts = async () => [await raw.count("left_table"), await raw.count("right_table"), await raw.count("association_table")].join("/");
  const expectedCounts = `${PARENTS}/${CHILDREN}/${PARENTS * LINKS_PER_PARENT}`;
  const needsSeedData = only.some((s) => s === "selectin" || s === "get");

  // The seed data the reads need (when scenarios share a process, the insert runs last, so that
  // the garbage of its 32,000 objects per round does not weigh on the others' collections).
  if (needsSeedData) {
    await raw.clearSeed();
    await raw.insert();
  }

  if (only.includes("selectin")) {
    progress(`[${db.name}] selectin: ${PARENTS} parents with their children (${PARENTS * LINKS_PER_PARENT} links)`);
    let a = 0;
    const b = { count: 0 };
    const result = await compare("select-in", runs, async () => void (a = await raw.selectin()), () => athanor.selectin(engine, b));
    check("raw select-in links", a, PARENTS * LINKS_PER_PARENT);
    check("athanor select-in links", b.count, PARENTS * LINKS_PER_PARENT);
    rows.push({ scenario: "select-in load (parents + children)", ...result, target: 2 });
  }

  if (only.includes("hydrate")) {
    progress(`[${db.name}] hydrate: ${ITEMS} rows of a 5-column model`);
    await raw.fillItems();
    let a = 0;
    const b = { count: 0 };
    const result = await compare("hydrate", runs, async () => void (a = await raw.hydrate()), () => athanor.hydrate(engine, b));
    check("raw rows", a, ITEMS);
    check("athanor objects", b.count, ITEMS);
    rows.push({ scenario: `hydrate ${ITEMS.toLocaleString("en")} rows`, ...result, target: 1.5, note: `then session.close(): ${ms(median(closeMs.hydrate!.slice(WARM_UPS)))} ms` });
  }

  if (only.includes("get")) {
    progress(`[${db.name}] get: ${GETS} primary-key lookups, fresh session`);
    const ids = shuffledIds(GETS);
    const firstChild = await (async () => {
      const session = new Session(engine);
      const [child] = await session.scalars(select(Child).orderBy(columnsOf(Child).id).limit(1));
      await session.close();
      return child!.id;
    })();
    const lookups = ids.map((i) => i + firstChild - 1);
    let a = 0;
    const b = { count: 0 };
    const result = await compare("get", runs, async () => void (a = await raw.get(lookups)), () => athanor.get(engine, lookups, b));
    check("raw lookups found", a, GETS);
    check("athanor lookups found", b.count, GETS);
    rows.push({ scenario: `${GETS.toLocaleString("en")} × get by primary key`, ...result, target: undefined });
  }
  if (only.includes("insert")) {
    progress(`[${db.name}] insert: ${PARENTS} parents, ${CHILDREN} children, ${PARENTS * LINKS_PER_PARENT} associations`);
    const split = { build: [] as number[], commit: [] as number[] };
    const result = await compare(
      "insert",
      runs,
      async () => {
        await raw.insert();
      },
      () => athanor.insert(engine, split),
      async () => {
        const now = await counts();
        if (now !== "0/0/0" && now !== expectedCounts) throw new Error(`insert left ${now} rows (parents/children/associations), expected ${expectedCounts}`);
        await raw.clearSeed();
      },
    );
    const after = await counts();
    if (after !== expectedCounts) throw new Error(`after the last insert: ${after} rows, expected ${expectedCounts}`);
    // The warm-ups' splits are the first entries.
    const builds = split.build.slice(WARM_UPS);
    const commits = split.commit.slice(WARM_UPS);
    rows.push({ scenario: "insert: build objects + addAll + commit", ...result, target: 2 });
    rows.push({
      scenario: "insert: addAll + commit only",
      raw: result.raw,
      orm: median(commits),
      ratio: median(commits.map((c, i) => c / result.rawTimes[i]!.wall)),
      cpuRatio: undefined,
      target: 2,
      note: `building the objects: ${ms(median(builds))} ms`,
    });
  }

  return rows;
}

function table(name: string, rows: readonly Row[], runs: number): string {
  const lines = [
    `**${name}**: median of ${runs} runs after ${WARM_UPS} warm-ups; ratios are medians of the per-run ratios athanor / raw`,
    "",
    "| scenario | raw median ms | athanor median ms | ratio (wall) | ratio (CPU) | target (on wall) |",
    "|---|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const target = row.target === undefined ? "–" : `≤ ${row.target}× ${row.ratio <= row.target ? "(met)" : "(missed)"}`;
    const cpu = row.cpuRatio === undefined ? "–" : `${row.cpuRatio.toFixed(2)}×`;
    lines.push(`| ${row.scenario}${row.note ? ` (${row.note})` : ""} | ${ms(row.raw)} | ${ms(row.orm)} | ${row.ratio.toFixed(2)}× | ${cpu} | ${target} |`);
  }
  return lines.join("\n");
}

// ------------------------------------------------------------------ main

/** Runs the scenarios on one database in this process: the table's title and its rows. */
async function runOn(database: DatabaseName, runs: number, only: readonly ScenarioName[]): Promise<{ title: string; rows: Row[] }> {
  const outDir = join(dirname(fileURLToPath(import.meta.url)), ".out");
  mkdirSync(outDir, { recursive: true });
  if (database === "sqlite") {
    const file = join(outDir, "orm-vs-raw.db");
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    const engine = createEngine(`sqlite:///${file}`);
    await Base.metadata.createAll(engine);
    await BenchBase.metadata.createAll(engine);
    const raw = rawSqlite(file);
    try {
      const version = (await import("better-sqlite3/package.json", { with: { type: "json" } })).default.version;
      return { title: `SQLite (better-sqlite3 ${version}, file database)`, rows: await runScenarios({ name: "SQLite", engine, raw }, runs, only) };
    } finally {
      await raw.close();
      await engine.dispose();
    }
  }
  const url = process.env.ATHANOR_BENCH_PG ?? "postgresql://postgres@127.0.0.1:5432/athanor_bench";
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  if (!(await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rows.length) await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const engine = createEngine(url);
  await BenchBase.metadata.dropAll(engine);
  await Base.metadata.dropAll(engine);
  await Base.metadata.createAll(engine);
  await BenchBase.metadata.createAll(engine);
  const raw = await rawPostgres(url);
  try {
    return { title: "PostgreSQL (pg, localhost)", rows: await runScenarios({ name: "PostgreSQL", engine, raw }, runs, only) };
  } finally {
    await raw.close();
    await engine.dispose();
  }
}

/**
 * Each scenario runs in a process of its own, with the same Node flags: the garbage one
 * scenario leaves in the old generation would otherwise be collected during the next one's
 * timings (on either side), and the order of the scenarios would change their results.
 */
function runIsolated(database: DatabaseName, runs: number, only: readonly ScenarioName[]): { title: string; rows: Row[] } {
  const script = fileURLToPath(import.meta.url);
  const results = only.map((scenario) => {
    const args = [...process.execArgv, script, "--db", database, "--only", scenario, "--runs", String(runs), CHILD_FLAG];
    const child = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 26 });
    if (child.status !== 0) throw new Error(`the ${scenario} scenario on ${database} failed (exit ${child.status ?? child.signal})`);
    return JSON.parse(child.stdout) as { title: string; rows: Row[] };
  });
  return { title: results[0]!.title, rows: results.flatMap((r) => r.rows) };
}

const { runs, only, databases, child } = parseArgs(process.argv.slice(2));
if (!gc) progress("(run with node --expose-gc for a collection before each timing: `npm run bench` does)");
if (child) {
  process.stdout.write(JSON.stringify(await runOn(databases[0]!, runs, only)));
} else {
  const tables: string[] = [];
  for (const database of databases) {
    const { title, rows } = only.length > 1 ? runIsolated(database, runs, only) : await runOn(database, runs, only);
    tables.push(table(title, rows, runs));
  }
  process.stdout.write(`${tables.join("\n\n")}\n`);
}

/** The raw side of select-in: groups link rows by parent and gives each parent its list. */
function attachChildren(parents: { id: number; children?: { id: number }[] }[], rows: readonly { id: number; left_id: number }[]): number {
  const byParent = new Map<number, { id: number }[]>();
  for (const row of rows) {
    let group = byParent.get(row.left_id);
    if (!group) byParent.set(row.left_id, (group = []));
    group.push(row);
  }
  let touched = 0;
  for (const parent of parents) touched += (parent.children = byParent.get(parent.id) ?? []).length;
  return touched;
}
