/**
 * `npm run bench:types [-- --runs R] [--source] [N ...]`: the cost of the declarative mapping at scale.
 *
 * For each N (default 0 60 200; any other sizes on the command line), generates N models
 * (generate.ts), the same N classes without the ORM (the "plain" baseline) and those classes
 * with decorators that check nothing (the "decorated" baseline: the floor of any decorator-based
 * mapping), and runs
 * `tsc --noEmit --extendedDiagnostics` on each with TypeScript 7 and TypeScript 5.9, R times each,
 * alternating them (default 3; median wall, CPU and check time are reported, instantiation
 * counts do not vary), and prints the ratio athanor / plain, as is and with N = 0 subtracted. The models
 * compile against athanor's declarations, emitted first into bench/.out/athanor-types (as an
 * application compiles against the published package, with skipLibCheck); with `--source`, against
 * src/index.ts, so athanor's own sources are checked too (N = 0 then measures them alone). Then, for
 * the largest N, imports the models through tsx and configures their registry in fresh processes
 * (configure-models.ts): once with tsx's transform cache disabled, then the median of R cached runs.
 * Progress goes to stderr, the markdown tables to stdout. Targets: type-check within 1.3× of the
 * plain classes (issue 18) and under 10 s, configure under 100 ms, instantiations linear in N.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { generateModels, repoRoot, type Variant } from "./generate.js";
import { compilers, diagnostic, emitDeclarations, type Compiler } from "./tsc.js";

interface TscResult {
  readonly wallS: number;
  readonly cpuS: number;
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

function parseArgs(argv: readonly string[]): { runs: number; sizes: number[]; source: boolean } {
  let runs = 3;
  let source = false;
  const sizes: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--runs") runs = Number(argv[++i]);
    else if (arg === "--source") source = true;
    else sizes.push(Number(arg));
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a positive integer`);
  if (sizes.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`sizes must be non-negative integers: ${argv.join(" ")}`);
  return { runs, source, sizes: sizes.length > 0 ? sizes : [0, 60, 200] };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const progress = (line: string) => process.stderr.write(line);

/** `0m1.250000s` (POSIX `times` output) → seconds. */
const minutesSeconds = (text: string): number => {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
};

/**
 * Runs the compiler under `sh -c '...; times'` where a POSIX shell exists, to also get its CPU
 * time (user + system of the child processes), which a loaded machine distorts less than wall time.
 */
function typeCheck(compiler: Compiler, dir: string): TscResult {
  const tscArgs = [compiler.bin, "-p", dir, "--noEmit", "--extendedDiagnostics"];
  const viaShell = process.platform !== "win32";
  const start = performance.now();
  const result = viaShell
    ? spawnSync("/bin/sh", ["-c", '"$@"; status=$?; times >&2; exit $status', "sh", process.execPath, ...tscArgs], { encoding: "utf8" })
    : spawnSync(process.execPath, tscArgs, { encoding: "utf8" });
  const wallS = (performance.now() - start) / 1000;
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`${compiler.label} reported errors on ${dir} (exit ${result.status}):\n${output}`);
  // `times` prints the shell's user/system time, then its children's.
  const children = viaShell ? result.stderr.trim().split("\n").at(-1)!.trim().split(/\s+/).map(minutesSeconds) : [];
  return {
    wallS,
    cpuS: children.length === 2 ? children[0]! + children[1]! : Number.NaN,
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

const { runs, sizes, source } = parseArgs(process.argv.slice(2));
const variants: readonly Variant[] = ["athanor", "decorated", "plain"];
/** Medians per size, variant and compiler (index into `compilers`). */
const rows: { n: number; results: Record<Variant, TscResult[]> }[] = [];

let athanorTypes: string | undefined;
if (!source) {
  progress(`emitting athanor's declarations ... `);
  try {
    athanorTypes = emitDeclarations(join(repoRoot, "bench", ".out", "athanor-types"));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n(use --source to compile against src instead)`, { cause: error });
  }
  progress(`${athanorTypes}\n`);
}

for (const n of sizes) {
  const dirs = {} as Record<Variant, string>;
  for (const variant of variants) {
    dirs[variant] = generateModels(n, { variant, ...(athanorTypes ? { athanorTypes } : {}) });
    progress(`N = ${n}: ${variant} generated in ${dirs[variant]}\n`);
  }
  const results = { athanor: [], decorated: [], plain: [] } as Record<Variant, TscResult[]>;
  for (const compiler of compilers) {
    const samples: Record<Variant, TscResult[]> = { athanor: [], decorated: [], plain: [] };
    // Alternate the projects run by run, so that a change in the machine's load hits both.
    for (let run = 1; run <= runs; run++) {
      for (const variant of variants) {
        progress(`  ${compiler.label.padEnd(6)} ${variant.padEnd(9)} run ${run}/${runs} ... `);
        const r = typeCheck(compiler, dirs[variant]);
        samples[variant].push(r);
        progress(`${r.wallS.toFixed(2)} s wall, ${r.cpuS.toFixed(2)} s CPU (check ${r.checkS.toFixed(2)} s, ${r.instantiations.toLocaleString("en-US")} instantiations)\n`);
      }
    }
    for (const variant of variants) {
      const s = samples[variant];
      results[variant].push({
        ...s.at(-1)!,
        wallS: median(s.map((r) => r.wallS)),
        cpuS: median(s.map((r) => r.cpuS)),
        checkS: median(s.map((r) => r.checkS)),
      });
    }
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
const fmtX = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "");
const zero = rows.find((r) => r.n === 0);

const out: string[] = [];
const against = source ? "athanor's sources (src/index.ts)" : "athanor's emitted declarations (skipLibCheck)";
out.push(
  `Type-checking N models against ${against}, the same N plain classes without the ORM, and those`,
  `classes with decorators that check nothing ("decorated": what decorators cost by themselves)`,
  `(\`tsc --noEmit --extendedDiagnostics\`, median of ${runs} run${runs > 1 ? "s" : ""}; wall = whole process; ratio = athanor / plain;`,
  `"above N = 0" subtracts each project's N = 0 figure first; CPU = user + system time, which a loaded machine distorts less than wall):`,
);
for (const [c, compiler] of compilers.entries()) {
  out.push(
    ``,
    `${compiler.label}:`,
    ``,
    `| N | athanor wall | plain wall | wall ratio | wall ratio above N = 0 | CPU ratio | decorated / plain CPU | athanor / decorated CPU | athanor check | plain check | check ratio | athanor instantiations | plain instantiations | athanor instantiations per model |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
  );
  for (const { n, results } of rows) {
    const a = results.athanor[c]!;
    const p = results.plain[c]!;
    const d = results.decorated[c]!;
    const a0 = zero?.results.athanor[c];
    const p0 = zero?.results.plain[c];
    const above = n > 0 && a0 && p0 ? fmtX((a.wallS - a0.wallS) / (p.wallS - p0.wallS)) : "";
    const perModel = n > 0 && a0 ? fmtInt(Math.round((a.instantiations - a0.instantiations) / n)) : "";
    out.push(
      `| ${n} | ${fmtS(a.wallS)} | ${fmtS(p.wallS)} | ${fmtX(a.wallS / p.wallS)} | ${above} | ${fmtX(a.cpuS / p.cpuS)} | ${fmtX(d.cpuS / p.cpuS)} | ${fmtX(a.cpuS / d.cpuS)} | ${fmtS(a.checkS)} | ${fmtS(p.checkS)} | ${n > 0 ? fmtX(a.checkS / p.checkS) : ""} | ${fmtInt(a.instantiations)} | ${fmtInt(p.instantiations)} | ${perModel} |`,
    );
  }
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
const worst = Math.max(...rows.filter((r) => r.n <= 200).flatMap((r) => r.results.athanor.map((x) => x.wallS)));
const worstRatio = Math.max(...rows.filter((r) => r.n > 0).flatMap((r) => r.results.athanor.map((x, c) => x.wallS / r.results.plain[c]!.wallS)));
const floorRatio = Math.max(...rows.filter((r) => r.n > 0).flatMap((r) => r.results.decorated.map((x, c) => x.wallS / r.results.plain[c]!.wallS)));
out.push(
  ``,
  `Targets: type-check within 1.3× of the plain classes (worst wall ratio here ${fmtX(worstRatio)}; the decorators alone, checking nothing: ${fmtX(floorRatio)}), under 10 s (worst here ${fmtS(worst)})${runtime ? `, configure under 100 ms (${runtime.warm.configureMs.toFixed(1)} ms)` : ""}.`,
);
console.log(out.join("\n"));
