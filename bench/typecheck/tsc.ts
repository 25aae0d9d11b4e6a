/**
 * The two compilers `bench:types` and the type-check budget (test/tools/type-budget.test.ts) run,
 * athanor's declarations emitted as a published package ships them, and the figures read from
 * `tsc --extendedDiagnostics`.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./generate.js";

export interface Compiler {
  readonly label: "TS 7" | "TS 5.9";
  readonly bin: string;
}

export const compilers: readonly Compiler[] = [
  { label: "TS 7", bin: join(repoRoot, "node_modules", "typescript", "bin", "tsc") },
  { label: "TS 5.9", bin: join(repoRoot, "node_modules", "typescript-5.9", "bin", "tsc") },
];

/**
 * Emits athanor's declarations (tsconfig.build.json, TS 7) into `outDir` and returns its index.d.ts:
 * what an application compiles against. `outDir` must be inside the repository, so that the
 * declarations' own imports (node, the drivers) resolve from its node_modules.
 */
export function emitDeclarations(outDir: string): string {
  rmSync(outDir, { recursive: true, force: true });
  const args = [compilers[0]!.bin, "-p", join(repoRoot, "tsconfig.build.json"), "--outDir", outDir];
  args.push("--emitDeclarationOnly", "--declarationMap", "false", "--sourceMap", "false", "--inlineSources", "false");
  const result = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`emitting athanor's declarations failed:\n${result.stdout}${result.stderr}`);
  return join(outDir, "index.d.ts");
}

/** A figure of `tsc --extendedDiagnostics` ("Instantiations", "Check time"...). */
export function diagnostic(output: string, label: string): number {
  const match = new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(output);
  if (!match) throw new Error(`no '${label}' in tsc --extendedDiagnostics output:\n${output}`);
  return Number(match[1]);
}

/**
 * `tsc -p dir --noEmit --extendedDiagnostics` (plus `extraArgs`): its type and instantiation
 * counts, which do not depend on the machine's load. Throws with tsc's output when it reports errors.
 */
export function countTypes(compiler: Compiler, dir: string, extraArgs: readonly string[] = []): { readonly instantiations: number; readonly types: number } {
  const result = spawnSync(process.execPath, [compiler.bin, "-p", dir, "--noEmit", "--extendedDiagnostics", ...extraArgs], { encoding: "utf8" });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`${compiler.label} reported errors on ${dir} (exit ${result.status}):\n${output}`);
  return { instantiations: diagnostic(output, "Instantiations"), types: diagnostic(output, "Types") };
}
