#!/usr/bin/env node
// The test suite's runner (`npm test` after the type checks): every test file in a process of its
// own, as `node --test` runs them, but two files at a time, each lane on databases of its own.
//
//   node scripts/test/run.mjs [files...]     # default: test/*/*.test.ts
//   node scripts/test/run.mjs --checks       # first the type checks and `npm run deps` (npm test)
//   ATHANOR_TEST_LANES=1 node scripts/test/run.mjs   # one file at a time, as before
//
// With --checks, `tsc` 7, `tsc` 5.9 and the dependency rules run first, side by side; the tests
// run only if all three pass.
// Lane 1 uses ATHANOR_TEST_PG / ATHANOR_TEST_MYSQL (default athanor_test) as they are; lane n
// appends `_n` to the database name, so no two files running at once share a table. Files that
// must not overlap anything (SERIAL below) run alone after the others; files that build or pack
// dist/ (they import test/support/dist.ts or pack.ts, directly or through a helper) run one after
// the other in one lane, because `npm pack` deletes dist/ while it rebuilds it.
// Each file's output is printed whole when it ends; a summary and the slowest files at the end.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

/** Whether `file` imports test/support/dist.ts or pack.ts, itself or through a helper under test/. */
function usesDist(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  let text;
  try {
    text = readFileSync(join(root, file), "utf8");
  } catch {
    return false;
  }
  for (const [, spec] of text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
    const target = relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, ".ts");
    if (target === "test/support/dist.ts" || target === "test/support/pack.ts") return true;
    if (target.startsWith("test/") && usesDist(target, seen)) return true;
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

/** The checks `npm test` runs before the tests: the same commands as `npm run typecheck` and `npm run deps`. */
const CHECKS = [
  // Single-threaded: it shares the machine with tsc 5.9, and its parallel checkers cost ~20% more CPU.
  ["tsc (TypeScript 7)", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json", "--singleThreaded"]],
  ["tsc (TypeScript 5.9)", ["node_modules/typescript-5.9/bin/tsc", "-p", "tsconfig.json"]],
  ["npm run deps", ["scripts/depcruise/check.mjs"]],
];

/** Runs one file, as `npm test` always has: tsx and the expire-on-commit check loaded first. */
function runFile(file, lane) {
  const check = CHECKS.find(([name]) => name === file);
  const args = check ? check[1] : ["--import", "tsx", "--import", "./test/support/check-expiry.ts", "--test-reporter=spec", file];
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
      process.stdout.write(`\n▶ ${file} (lane ${lane}, ${seconds.toFixed(1)} s${ok ? "" : `, FAILED: exit ${code ?? signal}`})\n${output}`);
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
