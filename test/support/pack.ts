/**
 * The package as npm publishes it: `npm pack` of the repository (its `prepack` builds dist/ from
 * scratch) into a scratch folder. Tests that need the tarball pack it themselves, so they always
 * see the current sources.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs a command; no NODE_OPTIONS inherited (no tsx in the child unless asked for). */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  delete childEnv.NODE_OPTIONS;
  return spawnSync(command, args, { cwd, env: childEnv, encoding: "utf8", timeout: 120_000 });
}

/** Output of a finished run, for assertion messages. */
export const output = (result: SpawnSyncReturns<string>): string =>
  `exit ${result.status}${result.error ? ` (${result.error.message})` : ""}\n${result.stdout}${result.stderr}`;

/** Packs the repository into `folder` and returns the tarball's path. */
export function packInto(folder: string): string {
  const result = run("npm", ["pack", "--pack-destination", folder, "--no-fund", "--no-audit"], root);
  if (result.status !== 0) throw new Error(`npm pack failed: ${output(result)}`);
  const tarball = readdirSync(folder).find((file) => file.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${folder}: ${output(result)}`);
  return join(folder, tarball);
}
