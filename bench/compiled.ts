/**
 * `npm run bench`: the benchmark as an application ships, compiled by `tsc` and run by plain
 * `node`. The library is built as `npm run build` builds it, into a package folder
 * `node_modules/athanor` under bench/.out/build, and the benchmark with the seed's models is
 * compiled against that package, so that both sides of the comparison run compiled JavaScript.
 * (`npm run bench:tsx` runs the same benchmark from source under tsx; esbuild lowers the models'
 * `accessor` fields to WeakMaps there, which makes building objects slower.) Arguments are
 * passed on to bench/orm-vs-raw.ts, but one: `--young-mb N` runs it with V8's young generation
 * set to N MB (`--max-semi-space-size`), a diagnostic that shows what the ORM costs apart from
 * promoting its objects out of a small young generation (an application does not set it).
 *
 * After the ORM-vs-raw tables come two more figures, each its own compiled script:
 *   bench/upsert.ts  10,000 rows upserted, Core vs the raw driver (`--runs`, every `--db` given);
 *   bench/stream.ts  peak RSS and rows/s of session.stream, engine.stream, the driver's own stream
 *                    and load-all, one child process per way, on `--stream-rows N` rows (200,000
 *                    by default; 1000000 for the full figure).
 * `--db` may name mysql (MariaDB/MySQL) for these two; the ORM-vs-raw tables run on sqlite and pg.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "bench/.out/build");
const tsc = join(root, "node_modules/typescript/bin/tsc");

function run(args: readonly string[], what: string): void {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`bench: ${what} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
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
    include: [join(root, "bench/orm-vs-raw.ts"), join(root, "bench/upsert.ts"), join(root, "bench/stream.ts"), join(root, "examples/seed")],
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
const dbArg = take("--db") ?? "sqlite";
const runsArg = take("--runs");
const databases = dbArg.split(",");
const ormVsRaw = databases.filter((db) => db !== "mysql");
const runs = runsArg === undefined ? [] : ["--runs", runsArg];
if (ormVsRaw.length) {
  console.error(`bench: ORM vs raw driver on ${ormVsRaw.join(", ")} ...`);
  run(["--expose-gc", ...nodeFlags, join(out, "bench/orm-vs-raw.js"), ...args, "--db", ormVsRaw.join(","), ...runs], "the benchmark");
}
console.log();
console.error(`bench: upsert on ${databases.join(", ")} ...`);
run([...nodeFlags, join(out, "bench/upsert.js"), "--db", dbArg, ...runs], "the upsert figure");
console.log();
console.error(`bench: streaming ${Number(streamRows).toLocaleString("en")} rows on ${databases.join(", ")} ...`);
console.log(`Streaming ${Number(streamRows).toLocaleString("en")} rows (peak RSS per way, each in its own process; --stream-rows 1000000 for the full figure)\n`);
run([join(out, "bench/stream.js"), "--db", dbArg, "--rows", streamRows], "the streaming figure");
