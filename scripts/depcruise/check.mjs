#!/usr/bin/env node
// npm run deps: cruises src/ with both rule sets and fails if either has a violation.
// Both always run, so one run lists every violation (import rules and run-time rules).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const run = fileURLToPath(new URL("./run.mjs", import.meta.url));
let failed = false;
for (const config of [".dependency-cruiser.cjs", ".dependency-cruiser-runtime.cjs"]) {
  const result = spawnSync(process.execPath, [run, "src", "--config", config], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
