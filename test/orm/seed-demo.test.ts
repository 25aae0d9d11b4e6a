/** `npm start` (examples/seed/demo.ts) runs through the ORM, twice in a row, and reports both paths. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const demo = fileURLToPath(new URL("../../examples/seed/demo.ts", import.meta.url));

async function runTwice(nodeFlags: readonly string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "athanor-demo-"));
  try {
    const env = { ...process.env, SEED_DEMO_DB: join(dir, "seed.db") };
    for (let i = 0; i < 2; i++) {
      const { stdout } = await run(process.execPath, [...nodeFlags, "--import", "tsx", demo], { env, timeout: 60_000 });
      assert.match(stdout, /recreated\): association_table, left_table, right_table/);
      assert.match(stdout, /Parent 1 -> Children 10, 11\n  Parent 2 -> Children 11, 12/);
      assert.match(stdout, /Association\(parent=1, child=10, extraData="met at school"\)/);
      assert.match(stdout, /Association\(parent=1, child=11, extraData=null\)/);
      assert.match(stdout, /Association\(parent=2, child=12, extraData="colleagues"\)/);
      assert.match(stdout, /3 links remain/);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("the seed demo runs twice on the same database file and reports both paths", () => runTwice([]));

// Where code generation is forbidden (a Content Security Policy; here Node's flag), the dicts,
// row readers and masks that are otherwise compiled per shape fall back to loops.
test("the seed demo runs the same where code generation from strings is forbidden", () => runTwice(["--disallow-code-generation-from-strings"]));
