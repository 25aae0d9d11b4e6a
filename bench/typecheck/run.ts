/**
 * `npm run bench:types [-- --runs R] [N ...]`: the cost of the declarative mapping at scale.
 *
 * For each N (default 0 50 100 200; 0 is athanor alone), generates N models (generate.ts) and
 * runs `tsc --noEmit --extendedDiagnostics` on them with TypeScript 7 and TypeScript 5.9, R times
 * each (default 3; the median wall time is reported, instantiation counts do not vary). Then, for
 * the largest N, imports the models through tsx and configures their registry in fresh processes
 * (configure-models.ts): once with tsx's transform cache disabled, then the median of R cached runs.
 * Progress goes to stderr, the markdown tables to stdout. Targets: type-check under 10 s,
 * configure under 100 ms, instantiations linear in N.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { generateModels, repoRoot } from "./generate.js";

interface Compiler {
  readonly label: string;
  readonly bin: string;
}

const compilers: readonly Compiler[] = [
  { label: "TS 7", bin: join(repoRoot, "node_modules", "typescript", "bin", "tsc") },
  { label: "TS 5.9", bin: join(repoRoot, "node_modules", "typescript-5.9", "bin", "tsc") },
];

interface TscResult {
  readonly wallS: number;
  readonly checkS: number;
  readonly instantiations: number;
  readonly types: number;
  readonly memoryMB: number;
}

interface RuntimeResult {
  readonly athanorMs: number;
  readonly modelsMs: number;
  readonly configureMs: number;
  readonly mappers: number;
}

function parseArgs(argv: readonly string[]): { runs: number; sizes: number[] } {
  let runs = 3;
  const sizes: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--runs") runs = Number(argv[++i]);
    else sizes.push(Number(arg));
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a positive integer`);
  if (sizes.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`sizes must be non-negative integers: ${argv.join(" ")}`);
  return { runs, sizes: sizes.length > 0 ? sizes : [0, 50, 100, 200] };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const progress = (line: string) => process.stderr.write(line);

function diagnostic(output: string, label: string): number {
  const match = new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(output);
  if (!match) throw new Error(`no '${label}' in tsc --extendedDiagnostics output:\n${output}`);
  return Number(match[1]);
}

function typeCheck(compiler: Compiler, dir: string): TscResult {
  const start = performance.now();
  const result = spawnSync(process.execPath, [compiler.bin, "-p", dir, "--noEmit", "--extendedDiagnostics"], { encoding: "utf8" });
  const wallS = (performance.now() - start) / 1000;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`${compiler.label} reported errors on ${dir} (exit ${result.status}):\n${output}`);
  return {
    wallS,
    checkS: diagnostic(output, "Check time"),
    instantiations: diagnostic(output, "Instantiations"),
    types: diagnostic(output, "Types"),
    memoryMB: Math.round(diagnostic(output, "Memory used") / 1024),
  };
}

function importAndConfigure(dir: string, options: { cache: boolean }): RuntimeResult {
  const script = join(repoRoot, "bench", "typecheck", "configure-models.ts");
  const env = options.cache ? process.env : { ...process.env, TSX_DISABLE_CACHE: "1" };
  const result = spawnSync(process.execPath, ["--import", "tsx", script, dir], { encoding: "utf8", cwd: repoRoot, env });
  if (result.status !== 0) throw new Error(`importing and configuring ${dir} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as RuntimeResult;
}

const { runs, sizes } = parseArgs(process.argv.slice(2));
const rows: { n: number; results: TscResult[] }[] = [];

for (const n of sizes) {
  const dir = generateModels(n);
  progress(`N = ${n}: generated in ${dir}\n`);
  const results: TscResult[] = [];
  for (const compiler of compilers) {
    const walls: number[] = [];
    let last: TscResult | undefined;
    const checks: number[] = [];
    for (let run = 1; run <= runs; run++) {
      progress(`  ${compiler.label.padEnd(6)} run ${run}/${runs} ... `);
      last = typeCheck(compiler, dir);
      walls.push(last.wallS);
      checks.push(last.checkS);
      progress(`${last.wallS.toFixed(2)} s (check ${last.checkS.toFixed(2)} s, ${last.instantiations.toLocaleString("en-US")} instantiations)\n`);
    }
    results.push({ ...last!, wallS: median(walls), checkS: median(checks) });
  }
  rows.push({ n, results });
}

const largest = Math.max(...sizes);
let runtime: { cold: RuntimeResult; warm: RuntimeResult } | undefined;
if (largest > 0) {
  const dir = join(repoRoot, "bench", ".out", `models-${largest}`);
  progress(`N = ${largest}: import + configure through tsx, without tsx's cache ... `);
  const cold = importAndConfigure(dir, { cache: false });
  progress(`configure ${cold.configureMs.toFixed(1)} ms\n`);
  importAndConfigure(dir, { cache: true }); // fills the cache
  const samples: RuntimeResult[] = [];
  for (let run = 1; run <= runs; run++) {
    progress(`  run ${run}/${runs} ... `);
    const sample = importAndConfigure(dir, { cache: true });
    samples.push(sample);
    progress(`import ${(sample.athanorMs + sample.modelsMs).toFixed(0)} ms, configure ${sample.configureMs.toFixed(1)} ms\n`);
  }
  const pick = (key: keyof RuntimeResult) => median(samples.map((s) => s[key]));
  runtime = { cold, warm: { athanorMs: pick("athanorMs"), modelsMs: pick("modelsMs"), configureMs: pick("configureMs"), mappers: cold.mappers } };
}

// ─────────────────────────────── report ───────────────────────────────

const fmtS = (s: number) => `${s.toFixed(2)} s`;
const fmtInt = (v: number) => v.toLocaleString("en-US");
const baseline = rows.find((r) => r.n === 0);

const out: string[] = [];
out.push(`Type-checking (\`tsc --noEmit --extendedDiagnostics\`, median of ${runs} run${runs > 1 ? "s" : ""}; wall = whole process):`, ``);
out.push(
  `| N | ${compilers.map((c) => `${c.label} wall | ${c.label} check | ${c.label} instantiations | ${c.label} per model`).join(" | ")} |`,
  `|---|${compilers.map(() => "---|---|---|---").join("|")}|`,
);
for (const { n, results } of rows) {
  const cells = results.map((r, i) => {
    const base = baseline?.results[i];
    const perModel = n > 0 && base ? fmtInt(Math.round((r.instantiations - base.instantiations) / n)) : "";
    return `${fmtS(r.wallS)} | ${fmtS(r.checkS)} | ${fmtInt(r.instantiations)} | ${perModel}`;
  });
  out.push(`| ${n === 0 ? "0 (athanor alone)" : n} | ${cells.join(" | ")} |`);
}
if (runtime) {
  const { cold, warm } = runtime;
  out.push(
    ``,
    `Run time through tsx, N = ${largest} (${warm.mappers} mappers), fresh processes; transforms cached by tsx (median of ${runs}) or not:`,
    ``,
    `| | import athanor | import the models | registry.configure() |`,
    `|---|---|---|---|`,
    `| no tsx cache (every file transformed) | ${cold.athanorMs.toFixed(0)} ms | ${cold.modelsMs.toFixed(0)} ms | ${cold.configureMs.toFixed(1)} ms |`,
    `| tsx cache warm | ${warm.athanorMs.toFixed(0)} ms | ${warm.modelsMs.toFixed(0)} ms | ${warm.configureMs.toFixed(1)} ms |`,
  );
}
const worst = Math.max(...rows.filter((r) => r.n <= 200).flatMap((r) => r.results.map((x) => x.wallS)));
out.push(``, `Targets: type-check under 10 s (worst here ${fmtS(worst)})${runtime ? `, configure under 100 ms (${runtime.warm.configureMs.toFixed(1)} ms)` : ""}.`);
console.log(out.join("\n"));
