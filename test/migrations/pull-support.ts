/**
 * Helpers of the `athanor pull` tests: write generated files into a scratch project (its own
 * package.json and tsconfig, athanor imported from this checkout's src/index.ts), type-check it
 * with either compiler, run the CLI, load the generated models, and list relationships by table.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Registry } from "../../src/index.js";
import type { ModelFile } from "../../src/migrations/pull/model-files.js";
import { repoRoot } from "../support/repo-root.js";

/** What the generated files import athanor from: this checkout's sources (tsx and tsc both resolve it). */
export const importFrom = join(repoRoot, "src/index.ts");

/** The built package's entry (build dist/ first): tsc reads its declarations, not the sources. */
export const distImportFrom = join(repoRoot, "dist/index.js");

/** The scratch folders of these tests (under /tmp/mpull unless ATHANOR_PULL_TMP says otherwise). */
export const scratchRoot = process.env.ATHANOR_PULL_TMP ?? "/tmp/mpull";

const made: string[] = [];
// Removed when the test process ends (kept with ATHANOR_PULL_KEEP=1, to read what was generated).
process.on("exit", () => {
  if (!process.env.ATHANOR_PULL_KEEP) for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, empty scratch folder, removed when the process exits. */
export function scratch(name: string): string {
  const dir = join(scratchRoot, `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  made.push(dir);
  return dir;
}

/** The project files that make `dir` an ES module project compiled like the repository's own code. */
export function writeProject(dir: string): void {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2023", "esnext.decorators"],
        types: ["node"],
        typeRoots: [join(repoRoot, "node_modules/@types")],
        strict: true,
        noUnusedLocals: true,
        noImplicitOverride: true,
        verbatimModuleSyntax: true,
        isolatedModules: true,
        useDefineForClassFields: true,
        skipLibCheck: true,
        noEmit: true,
        // The files import athanor as a .ts path: this checkout's sources, not a package.
        allowImportingTsExtensions: true,
      },
      include: ["*.ts"],
    }),
  );
}

/** Writes generated files and the project around them. */
export function writeFiles(dir: string, files: readonly ModelFile[]): void {
  for (const file of files) writeFileSync(join(dir, file.path), file.source);
  writeProject(dir);
}

const compilers = {
  "TypeScript 7": join(repoRoot, "node_modules/typescript/bin/tsc"),
  "TypeScript 5.9": join(repoRoot, "node_modules/typescript-5.9/bin/tsc"),
} as const;

/**
 * Type-checks the project in `dir`; fails with the compiler's output. TypeScript 7's passes of a
 * test process share one incremental build state: the checkout's sources, which every generated
 * file imports, are checked by the first pass and their diagnostics reused (and reported again)
 * by the next, while the generated files, new each time, are checked whole (a pass: 3-4 s, then
 * about 1 s). TypeScript 5.9 checks one project per process: a build state would only be written.
 */
export function typeCheck(dir: string, compiler: keyof typeof compilers = "TypeScript 7"): void {
  const buildInfo = join(scratchRoot, `tsbuildinfo-${process.pid}`);
  if (!made.includes(buildInfo)) made.push(buildInfo);
  const incremental = compiler === "TypeScript 7" ? ["--incremental", "--tsBuildInfoFile", buildInfo] : [];
  const args = [compilers[compiler], "-p", dir, ...incremental];
  const run = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, `${compiler} on ${dir}:\n${run.stdout}${run.stderr}`);
}

/** Runs `node bin/athanor.mjs args` (the compiled CLI: build dist/ first). */
export function athanor(args: readonly string[], cwd = repoRoot): { code: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.ATHANOR_URL;
  delete env.ATHANOR_MODELS;
  const result = spawnSync(process.execPath, [join(repoRoot, "bin/athanor.mjs"), ...args], { cwd, env, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Imports the generated index.ts of `dir` and returns its exports. */
export async function loadGenerated(dir: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(join(dir, "index.ts")).href)) as Record<string, unknown>;
}

/** Every relationship of a registry as `table.kind -> target [via secondary]`, sorted: what must match between two model sets. */
export function relationshipShapes(registry: Registry): string[] {
  registry.configure();
  const shapes: string[] = [];
  for (const mapper of registry.mappers) {
    for (const rel of mapper.relationships.values()) {
      const via = rel.resolved.secondary ? ` via ${rel.resolved.secondary.name}` : "";
      shapes.push(`${mapper.table.name}.${rel.kind} -> ${rel.target.table.name}${via}`);
    }
  }
  return shapes.sort();
}
