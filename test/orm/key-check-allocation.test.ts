/**
 * The flush checks every new row's key before its INSERT (`checkKeyGiven`). That check once built
 * its error with a closure over the row's dict, and V8 allocates the context such a closure needs
 * on every call, thrown or not: 40 bytes per row, 1.3 MB of a 32,000-object commit, for an error
 * that almost never happens. Measured in a process of its own (fixtures/key-check-allocation.ts),
 * whose young generation holds the calls' garbage uncollected.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./fixtures/key-check-allocation.ts", import.meta.url));

test("the per-row key check allocates nothing for a row whose key is given", async () => {
  const { stdout } = await run(process.execPath, ["--expose-gc", "--max-semi-space-size=64", "--import", "tsx", script], { timeout: 60_000 });
  const { grown } = JSON.parse(stdout) as { grown: number };
  // 100,000 calls: a context each would be about 4 MB; allow a little for the runtime's own.
  assert.ok(grown < 400_000, `100,000 key checks grew the heap by ${grown} bytes`);
});
