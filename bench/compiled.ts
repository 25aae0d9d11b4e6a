/**
 * `npm run bench`: the benchmark as an application ships, compiled by `tsc` and run by plain
 * `node`. The library is built as `npm run build` builds it, into a package folder
 * `node_modules/athanor` under bench/.out/build, and the benchmark with the seed's models is
 * compiled against that package, so that both sides of the comparison run compiled JavaScript.
 * The peers (Kysely, Drizzle ORM) are bench's own dependencies (bench/package.json and its
 * lockfile), installed into bench/node_modules with `npm ci --prefix bench` when missing; their
 * files (bench/peers/) are compiled here, not by the repository's type-check.
 * (`npm run bench:tsx` runs the same benchmark from source under tsx; esbuild lowers the models'
 * `accessor` fields to WeakMaps there, which makes building objects slower.) Arguments are
 * passed on to bench/orm-vs-raw.ts, but one: `--young-mb N` runs it with V8's young generation
 * set to N MB (`--max-semi-space-size`), a diagnostic that shows what the ORM costs apart from
 * promoting its objects out of a small young generation (an application does not set it).
 *
 * `--db sqlite,pg,mysql` names the databases; by default SQLite and every server that answers
 * (PostgreSQL and MariaDB at the URLs of bench/harness/config.ts). After the ORM-vs-raw tables
 * come six more figures, each its own compiled script:
 *   bench/rss.ts      W3's peak RSS, raw driver vs athanor, each in its own process;
 *   bench/floor.ts    W3 beside its floor: the raw rows each wrapped as an identity-mapped ORM must;
 *   bench/insert-floor.ts  W1 beside its floor: plain objects and the least a unit of work does;
 *   bench/commits.ts  10,000 small commits through one Session: first 1,000 vs last 1,000;
 *   bench/upsert.ts   10,000 rows upserted, Core vs the raw driver (`--runs`, every `--db` given);
 *   bench/stream.ts   peak RSS and rows/s of session.stream, engine.stream, the driver's own stream
 *                     and load-all, one child process per way, on `--stream-rows N` rows (200,000
 *                     by default; 1000000 for the full figure).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import mysql from "mysql2/promise";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "bench/.out/build");
const tsc = join(root, "node_modules/typescript/bin/tsc");

function run(args: readonly string[], what: string, command = process.execPath): void {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`bench: ${what} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
const peersInstalled = () => existsSync(join(root, "bench/node_modules/kysely")) && existsSync(join(root, "bench/node_modules/drizzle-orm"));
if (!peersInstalled()) {
  console.error("bench: installing the peers (Kysely, Drizzle ORM) into bench/node_modules with npm ci --prefix bench ...");
  run(["ci", "--prefix", join(root, "bench"), "--ignore-scripts", "--no-audit", "--no-fund"], "installing bench's dependencies", process.platform === "win32" ? "npm.cmd" : "npm");
}
const library = join(out, "node_modules/athanor");
console.error("bench: compiling the library and the benchmark with tsc ...");
run([tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", library, "--sourceMap", "false", "--inlineSources", "false"], "building the library");
writeFileSync(
  join(library, "package.json"),
  JSON.stringify({ name: "athanor", type: "module", exports: { ".": { types: "./index.d.ts", import: "./index.js" } } }),
);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "package.json"), JSON.stringify({ private: true, type: "module" }));
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify({
    extends: join(root, "tsconfig.json"),
    // "athanor" is the package built above (at run time too: node_modules next to the output).
    compilerOptions: { noEmit: false, rootDir: root, outDir: out, paths: { athanor: [join(library, "index.d.ts")] } },
    include: [
      ...["orm-vs-raw.ts", "rss.ts", "floor.ts", "insert-floor.ts", "commits.ts", "upsert.ts", "stream.ts", "harness", "sides", "models.ts", "peers"].map((f) => join(root, "bench", f)),
      join(root, "examples/seed"),
    ],
    exclude: [],
  }),
);
run([tsc, "-p", join(out, "tsconfig.json")], "compiling the benchmark");
const args = process.argv.slice(2);
const nodeFlags: string[] = [];
const young = args.indexOf("--young-mb");
if (young >= 0) {
  const mb = Number(args.splice(young, 2)[1]);
  if (!Number.isInteger(mb) || mb < 1) {
    console.error("bench: --young-mb needs a whole number of megabytes");
    process.exit(2);
  }
  nodeFlags.push(`--max-semi-space-size=${mb}`);
  console.error(`bench: diagnostic run with ${nodeFlags[0]} (not how an application runs)`);
}
/** Removes `name value` from args and returns the value. */
function take(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
}
const streamRows = take("--stream-rows") ?? "200000";
const runsArg = take("--runs");
const dbArg = take("--db") ?? (await reachableDatabases()).join(",");
const databases = dbArg.split(",");
const runs = runsArg === undefined ? [] : ["--runs", runsArg];
console.error(`bench: ORM vs raw driver and peers on ${databases.join(", ")} ...`);
run(["--expose-gc", ...nodeFlags, join(out, "bench/orm-vs-raw.js"), ...args, "--db", dbArg, ...runs], "the benchmark");
console.log();
console.error(`bench: W3 peak RSS on ${databases.join(", ")} ...`);
run(["--expose-gc", ...nodeFlags, join(out, "bench/rss.js"), "--db", dbArg], "the RSS figure");
console.log();
console.error(`bench: W3 floor on ${databases.join(", ")} ...`);
run(["--expose-gc", ...nodeFlags, join(out, "bench/floor.js"), "--db", dbArg, ...runs], "the W3 floor figure");
console.log();
console.error(`bench: W1 floor on ${databases.join(", ")} ...`);
run(["--expose-gc", ...nodeFlags, join(out, "bench/insert-floor.js"), "--db", dbArg, ...runs], "the W1 floor figure");
console.log();
console.error(`bench: 10,000 small commits on ${databases.join(", ")} ...`);
run(["--expose-gc", ...nodeFlags, join(out, "bench/commits.js"), "--db", dbArg], "the commits figure");
console.log();
console.error(`bench: upsert on ${databases.join(", ")} ...`);
run([...nodeFlags, join(out, "bench/upsert.js"), "--db", dbArg, ...runs], "the upsert figure");
console.log();
console.error(`bench: streaming ${Number(streamRows).toLocaleString("en")} rows on ${databases.join(", ")} ...`);
console.log(`Streaming ${Number(streamRows).toLocaleString("en")} rows (peak RSS per way, each in its own process; --stream-rows 1000000 for the full figure)\n`);
run([join(out, "bench/stream.js"), "--db", dbArg, "--rows", streamRows], "the streaming figure");

/** SQLite, and each server that accepts a connection within a second (the default of --db). */
async function reachableDatabases(): Promise<string[]> {
  const found = ["sqlite"];
  const pgUrl = new URL(process.env.ATHANOR_BENCH_PG ?? "postgresql://postgres@127.0.0.1:5432/athanor_bench");
  pgUrl.pathname = "/postgres";
  const client = new pg.Client({ connectionString: pgUrl.toString(), connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    found.push("pg");
  } catch {
    console.error(`bench: no PostgreSQL at ${pgUrl.host}: left out (--db or ATHANOR_BENCH_PG to choose)`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const myUrl = new URL(process.env.ATHANOR_BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306/athanor_bench");
  try {
    const conn = await mysql.createConnection({ host: myUrl.hostname, port: Number(myUrl.port || 3306), user: myUrl.username || "root", connectTimeout: 1000 });
    await conn.end();
    found.push("mysql");
  } catch {
    console.error(`bench: no MariaDB/MySQL at ${myUrl.host}: left out (--db or ATHANOR_BENCH_MYSQL to choose)`);
  }
  return found;
}
