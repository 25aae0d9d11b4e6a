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
    include: [join(root, "bench/orm-vs-raw.ts"), join(root, "examples/seed")],
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
run(["--expose-gc", ...nodeFlags, join(out, "bench/orm-vs-raw.js"), ...args], "the benchmark");
