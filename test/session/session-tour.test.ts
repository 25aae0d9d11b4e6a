/** The README's session example (examples/session-tour.ts) runs as written. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

test("examples/session-tour.ts runs and reports what the README says", async () => {
  const script = fileURLToPath(new URL("../../examples/session-tour.ts", import.meta.url));
  const { stdout } = await run(process.execPath, ["--import", "tsx", script], { timeout: 60_000 });
  assert.match(stdout, /commit: 6 statements for 1 user, 2 posts, 2 tags, 4 links/);
  assert.match(stdout, /get\(User, 1\) is the same object: true, statements: 0/);
  assert.match(stdout, /2 posts with tags \(select-in\) and authors \(joined\) in 2 statements/);
  assert.match(stdout, /Hello by Ann \[orm, typescript\]/);
  assert.match(stdout, /lazy\(user\)\.posts for 1 users: 1 statement, 2 posts/);
  assert.match(stdout, /after the savepoint's rollback the name is Ann/);
  assert.match(stdout, /transaction\(\): 2 tags/);
  assert.match(stdout, /pushed twice, one copy removed: 1 in the list, 1 link row/);
  assert.match(stdout, /sql UPDATE: 2 rows, seen as ORM, TYPESCRIPT, twice; after rollback orm, typescript, twice/);
  assert.match(stdout, /aliased: Books < -, SF < Books, Poetry < Books; one Books object: true/);
});
