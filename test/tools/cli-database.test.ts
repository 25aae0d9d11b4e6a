/**
 * `athanor check --url`: the mapped tables compared with a real database (a SQLite file here),
 * and an unreachable database reported as one line.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createEngine } from "../../src/index.js";
import { Base } from "../../examples/seed/index.js";
import { buildDist } from "../support/dist.js";
import { repoRoot as root } from "../support/repo-root.js";

// bin/athanor.mjs runs the compiled CLI.
before(buildDist);
const scratch = mkdtempSync(join(tmpdir(), "athanor-cli-db-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function athanor(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(root, "bin/athanor.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, ATHANOR_MODELS: "", ATHANOR_URL: "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("check --url reports the mapped tables a database lacks, then passes once they exist", async () => {
  const file = join(scratch, "seed.db");
  const url = `sqlite:///${file}`;
  const missing = athanor(["check", "examples/seed", "--url", url]);
  assert.equal(missing.code, 1, missing.stderr);
  for (const table of ["left_table", "right_table", "association_table"]) {
    assert.match(missing.stdout, new RegExp(`table ${table}\\n\\s+the table of \\w+ does not exist`));
  }
  assert.match(missing.stdout, /fix: Create it: await metadata\.createAll\(engine\)/);

  const engine = createEngine(url);
  await Base.metadata.createAll(engine);
  await engine.dispose();
  const ok = athanor(["check", "examples/seed"], { ATHANOR_URL: url });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /database\s+3\s+tables compared: every mapped table and column exists/);
});

test("check --url on an unreachable database is one line and a non-zero exit", () => {
  const run = athanor(["check", "examples/seed", "--url", "postgresql://postgres:secret@127.0.0.1:1/nowhere"]);
  assert.equal(run.code, 2);
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /^athanor: cannot connect to postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
  assert.doesNotMatch(run.stderr, /secret/);
});
