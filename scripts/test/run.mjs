#!/usr/bin/env node
// The test suite's runner (`npm test` after the type checks): every test file in a process of its
// own, as `node --test` runs them, but two files at a time, each lane on databases of its own.
//
//   node scripts/test/run.mjs [files...]     # default: test/*/*.test.ts
//   node scripts/test/run.mjs --checks       # first the type checks and `npm run deps` (npm test)
//   ATHANOR_TEST_LANES=1 node scripts/test/run.mjs   # one file at a time, as before
//   ATHANOR_TEST_FROM_SOURCE=1 node scripts/test/run.mjs   # every file through tsx, nothing compiled
//
// With --checks, `tsc` 7, `tsc` 5.9 and the dependency rules run first, side by side; the tests
// run only if all three pass. `tsc` 7 also writes the JavaScript the tests run from (.test-out/,
// see COMPILE); without --checks the runner compiles first.
// Lane 1 uses ATHANOR_TEST_PG / ATHANOR_TEST_MYSQL (default athanor_test) as they are; lane n
// appends `_n` to the database name, so no two files running at once share a table. Files that
// must not overlap anything (SERIAL below) run alone after the others; files that build or pack
// dist/ (they import test/support/dist.ts or pack.ts, directly or through a helper) run one after
// the other in one lane, because `npm pack` deletes dist/ while it rebuilds it.
// Each file's output is printed whole when it ends; a summary and the slowest files at the end.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Files that run alone, after every other file, and why. */
const SERIAL = new Map([
  ["test/core/mysql-strict-mode.test.ts", "SET GLOBAL sql_mode: every new connection on the server sees it"],
  // Faults timed against short timeouts and delays, or bounds on how long something took: a
  // second file's load could turn them into flakes. (Faults that wait for the event itself, with
  // deadlines of a minute, such as mysql-reset-killed and stream-server-kill, share a lane.)
  ["test/core/lost-connections.test.ts", "proxy resets and delays timed in hundreds of milliseconds"],
  ["test/core/pool-pre-ping.test.ts", "asserts a checkout takes < 2.5 s"],
  ["test/core/pool-timeouts.test.ts", "asserts dispose() takes < 3 s; timers of 20-50 ms"],
  ["test/core/statement-timeouts.test.ts", "statement timeouts against 1 s sleeps"],
  ["test/core/silent-servers.test.ts", "a lock released after 300 ms"],
  ["test/core/sqlite-busy.test.ts", "asserts the event loop never stalls 250 ms"],
  ["test/session/transactions-and-faults.test.ts", "a deadlock set up with a 200 ms wait"],
  ["test/core/connect-timeout.test.ts", "asserts a connect gives up within 3 s of a 400 ms limit"],
  ["test/session/lock-nowait-elapsed.test.ts", "asserts NOWAIT fails within 2 s"],
  // Its deadline is 300 ms against a lock wait, and it counts the UPDATEs of `users` running on the
  // whole server (pg_stat_activity, MariaDB's process list), which the other lane's files show too.
  ["test/session/statement-deadline-locks.test.ts", "300 ms statement deadlines against lock waits; counts UPDATEs running server-wide"],
  // A child process must reach a trigger that sleeps, within 20 s, while the test polls for it:
  // killed-data-step missed it twice beside another file with the machine at load 20.
  ["test/migrations/killed-data-step.test.ts", "polls for a child process inside a sleeping trigger"],
  ["test/migrations/killed-offline-script.test.ts", "polls for a child process inside a sleeping trigger"],
  ["test/migrations/concurrent-index-killed.test.ts", "polls for an index build waiting on a lock, 20 s"],
]);

/**
 * The longest files outside the dist/ lane (session 20's runs, 25-130 s each under load 15), started
 * first and longest first: run in name order, one of them came last and kept a lane busy for a
 * minute while the other had nothing left. A file missing here starts after these, in name order.
 */
const LONGEST = [
  "test/session/long-lived-session.test.ts",
  "test/tools/dependency-rules.test.ts",
  "test/migrations/acceptance-round-trip.test.ts",
  "test/tools/doc-examples.test.ts",
  "test/tools/api-docs.test.ts",
  "test/tools/type-budget.test.ts",
  "test/session/streaming.test.ts",
  "test/migrations/drift.test.ts",
  "test/tools/compiled-build.test.ts",
  "test/orm/seed-import-orders.test.ts",
  "test/migrations/migrate-cli.test.ts",
  "test/core/mysql-reset-killed.test.ts",
  "test/session/lock-timeouts.test.ts",
  "test/session/chinook.test.ts",
];

const lanes = Math.max(1, Number(process.env.ATHANOR_TEST_LANES ?? 2));

function allTestFiles() {
  const dir = join(root, "test");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => readdirSync(join(dir, entry.name)).filter((f) => f.endsWith(".test.ts")).map((f) => `test/${entry.name}/${f}`))
    .sort();
}

/**
 * The modules outside src/ that `file` loads (under test/, bench/, examples/), itself included,
 * directly or through one another, with their text.
 */
function testModulesOf(file, found = new Map()) {
  if (found.has(file)) return found;
  let text;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    return found;
  }
  found.set(file, text);
  for (const [, spec] of text.matchAll(/(?:from|import)\s+"(\.{1,2}\/[^"]+)"/g)) {
    const target = relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, ".ts");
    if (!target.startsWith("..") && !target.startsWith("src/")) testModulesOf(target, found);
  }
  return found;
}

/** Whether `file` imports test/support/dist.ts or pack.ts, itself or through a helper under test/. */
function usesDist(file) {
  const modules = testModulesOf(file);
  return modules.has("test/support/dist.ts") || modules.has("test/support/pack.ts");
}

/**
 * Whether `file` must run from its TypeScript source, through tsx, rather than compiled: it or a
 * helper it loads finds files next to itself (`import.meta`: the compiled copy sits elsewhere), or
 * imports a module that is not a literal `.js` path (a `.ts` file written by the test).
 * repo-root.ts finds the checkout from either place. (No --enable-source-maps for the compiled
 * files: stack traces as an application's, from dist/, has them; rerun a failing file with
 * ATHANOR_TEST_FROM_SOURCE=1 for TypeScript lines.)
 */
function runsFromSource(file) {
  for (const [module, text] of testModulesOf(file)) {
    if (module === "test/support/repo-root.ts") continue;
    if (/import\.meta|import\((?!\s*"(\.{1,2}\/[^"]+\.js|node:[^"]+)"\s*\))/.test(text)) return true;
  }
  return false;
}

/** Lane n's URL: the database name with `_n` appended (lane 1: unchanged). */
function laneUrl(url, lane) {
  if (lane === 1) return url;
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname}_${lane}`;
  return parsed.toString();
}

function laneEnv(lane) {
  const pg = process.env.ATHANOR_TEST_PG ?? "postgresql://postgres@127.0.0.1:5432/athanor_test";
  const mysql = process.env.ATHANOR_TEST_MYSQL ?? "mysql://root@127.0.0.1:3306/athanor_test";
  return { ...process.env, ATHANOR_TEST_PG: laneUrl(pg, lane), ATHANOR_TEST_MYSQL: laneUrl(mysql, lane) };
}

const results = [];

/**
 * The tests run compiled: tsc (TypeScript 7, incremental) writes src/, test/, examples/ and bench/
 * as JavaScript to .test-out/, and each file runs from there with Node alone. Loaded through tsx,
 * the suite's modules cost about a second of CPU per file more (tsx's start-up, its module hooks),
 * over 300 files. A file that must run from its source (`runsFromSource`), and every file with
 * ATHANOR_TEST_FROM_SOURCE=1, runs through tsx. .test-out/ is its own package (package.json and
 * node_modules/athanor, a link to itself), so that `import ... from "athanor"` in the examples
 * finds the compiled src/ as tsconfig.json's `paths` find src/ for tsx.
 */
const OUT = ".test-out";
const fromSource = process.env.ATHANOR_TEST_FROM_SOURCE === "1";
const COMPILE = [
  "node_modules/typescript/bin/tsc", "-p", "tsconfig.json",
  // Single-threaded: it shares the machine with tsc 5.9, and its parallel checkers cost ~20% more CPU.
  "--singleThreaded",
  "--noEmit", "false", "--outDir", OUT, "--rootDir", ".", "--sourceMap", "--incremental", "--tsBuildInfoFile", `${OUT}/.tsbuildinfo`,
];

/** Makes .test-out/ a package whose name `athanor` resolves to its compiled src/. */
function packageTheCompiledTests() {
  const exports = { ".": "./src/index.js", "./migrations": "./src/migrations/index.js" };
  writeFileSync(join(root, OUT, "package.json"), JSON.stringify({ type: "module", exports }, null, 2) + "\n");
  const link = join(root, OUT, "node_modules", "athanor");
  if (!existsSync(link)) {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync("..", link, "dir");
  }
}

/** Outside `npm test` (whose TypeScript 7 check compiles them): compiles the tests, type errors or not, as tsx would run them. */
function compileTests() {
  process.stdout.write(`== compiling the tests into ${OUT}/ (tsc, incremental; ATHANOR_TEST_FROM_SOURCE=1 runs them through tsx instead)\n`);
  const { status, stdout } = spawnSync(process.execPath, COMPILE, { cwd: root, encoding: "utf8" });
  if (status !== 0) process.stdout.write(`${stdout}== tsc reported errors (exit ${status}); the files it wrote run as they are\n`);
  if (!existsSync(join(root, OUT, "test"))) throw new Error(`scripts/test/run.mjs: tsc wrote nothing to ${OUT}/`);
  packageTheCompiledTests();
}

/** The checks `npm test` runs before the tests: the same commands as `npm run typecheck` and `npm run deps`. */
const CHECKS = [
  ["tsc (TypeScript 7)", COMPILE],
  ["tsc (TypeScript 5.9)", ["node_modules/typescript-5.9/bin/tsc", "-p", "tsconfig.json"]],
  ["npm run deps", ["scripts/depcruise/check.mjs"]],
];

/** Runs one file, compiled or through tsx, the expire-on-commit check loaded first. */
function runFile(file, lane) {
  const check = CHECKS.find(([name]) => name === file);
  const compiled = !check && !fromSource && !runsFromSource(file);
  const args = check
    ? check[1]
    : compiled
      ? ["--import", `./${OUT}/test/support/check-expiry.js`, "--test-reporter=spec", `${OUT}/${file.replace(/\.ts$/, ".js")}`]
      : ["--import", "tsx", "--import", "./test/support/check-expiry.ts", "--test-reporter=spec", file];
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: root, env: laneEnv(lane), stdio: ["ignore", "pipe", "pipe"] });
    const chunks = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.on("data", (chunk) => chunks.push(chunk));
    child.on("close", (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const output = Buffer.concat(chunks).toString("utf8");
      const ok = code === 0;
      results.push({ file, seconds, ok, output });
      const how = check ? "" : compiled ? ", compiled" : ", tsx";
      process.stdout.write(`\n▶ ${file} (lane ${lane}${how}, ${seconds.toFixed(1)} s${ok ? "" : `, FAILED: exit ${code ?? signal}`})\n${output}`);
      done();
    });
  });
}

/** `lanes` workers take the next unit (a file, or a group run in order) until none is left. */
async function runUnits(units, laneCount) {
  const queue = [...units];
  const worker = async (lane) => {
    for (let unit = queue.shift(); unit; unit = queue.shift()) for (const file of unit) await runFile(file, lane);
  };
  await Promise.all(Array.from({ length: laneCount }, (_, i) => worker(i + 1)));
}

function summary() {
  const totals = {};
  for (const { output } of results) {
    for (const [, key, n] of output.matchAll(/^ℹ (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) totals[key] = (totals[key] ?? 0) + Number(n);
  }
  const failed = results.filter((r) => !r.ok);
  const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 10);
  const lines = [
    "",
    `== ${results.length} files, ${lanes} lane(s), ${((performance.now() - start) / 1000).toFixed(1)} s`,
    `== ${Object.entries(totals).map(([k, n]) => `${k} ${n}`).join(", ")}`,
    "== slowest files:",
    ...slowest.map((r) => `   ${r.seconds.toFixed(1).padStart(6)} s  ${r.file}`),
  ];
  if (failed.length) lines.push("== FAILED:", ...failed.map((r) => `   ${r.file}`));
  process.stdout.write(lines.join("\n") + "\n");
  return failed.length === 0;
}

const start = performance.now();
// A renamed file would silently leave the list and share a lane.
const stale = [...SERIAL.keys(), ...LONGEST].filter((f) => !existsSync(join(root, f)));
if (stale.length) throw new Error(`scripts/test/run.mjs: SERIAL or LONGEST names files that do not exist: ${stale.join(", ")}`);
const args = process.argv.slice(2);
if (args[0] === "--checks") {
  args.shift();
  // tsc 5.9 is the longest: it runs in one lane, tsc 7 then the dependency rules in the other.
  await runUnits([[CHECKS[1][0]], [CHECKS[0][0], CHECKS[2][0]]], 2);
  if (results.some((r) => !r.ok)) {
    process.stdout.write("\n== the checks failed: no test run\n");
    process.exit(1);
  }
  results.length = 0;
  packageTheCompiledTests();
} else if (!fromSource) {
  compileTests();
}
const files = args.length ? args.map((f) => relative(root, resolve(f))) : allTestFiles();
const distGroup = files.filter((f) => !SERIAL.has(f) && usesDist(f));
const rank = (f) => (LONGEST.includes(f) ? LONGEST.indexOf(f) : LONGEST.length);
const parallel = files
  .filter((f) => !SERIAL.has(f) && !distGroup.includes(f))
  .sort((a, b) => rank(a) - rank(b))
  .map((f) => [f]);
// The dist/ group is the longest unit: it starts first so that the other lanes fill in around it.
await runUnits(distGroup.length ? [distGroup, ...parallel] : parallel, lanes);
await runUnits(files.filter((f) => SERIAL.has(f)).map((f) => [f]), 1);
process.exitCode = summary() ? 0 : 1;
