/** docs/events.md's example (examples/events-tour.ts) runs as written. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

test("examples/events-tour.ts runs and reports what docs/events.md says", async () => {
  const script = fileURLToPath(new URL("../../examples/events-tour.ts", import.meta.url));
  const { stdout } = await run(process.execPath, ["--import", "tsx", script], { timeout: 60_000 });
  assert.match(stdout, /^email: ann@example\.com$/m);
  assert.match(stdout, /refused: not an email address: not an address; email still ann@example\.com/);
  assert.match(stdout, /refused: a loan's fee cannot be negative; 1 loan/);
  assert.match(stdout, /stamped: true; audit: new patron ann@example\.com; mails: 1/);
  assert.match(stdout, /loaded: loan #1 \(40\)/);
  assert.match(stdout, /delete refused: loan 1 is overdue: it cannot be deleted; the session is usable/);
  assert.match(stdout, /afterCommit failed, committed: true; patrons: 2/);
});
