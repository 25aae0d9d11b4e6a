/**
 * The `athanor` command runs the compiled library in dist/: tests that spawn it build dist/ first
 * (TypeScript 7, about 2 s), so that they run the sources as they are, never a stale build.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./repo-root.js";

export { repoRoot };

let built = false;

export function buildDist(): void {
  if (built) return;
  const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", join(repoRoot, "tsconfig.build.json")], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
  assert.equal(run.status, 0, `npm run build failed:\n${run.stdout}${run.stderr}`);
  built = true;
}
