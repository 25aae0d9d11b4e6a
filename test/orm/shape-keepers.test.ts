/**
 * The ORM keeps one object of each mapper (with its state and dict) and two lists alive for their
 * hidden classes (`Mapper.shapeKeeper`): V8 drops a shape once no object has it, and with it the
 * optimized code of every path that loads objects. Checked in a process of its own, where V8's
 * `%HaveSameMap` can be called: objects loaded before and after a full collection that nothing
 * loaded survived have the kept shapes.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./fixtures/shape-check.ts", import.meta.url));

test("loaded objects, their states and lists have the shapes kept alive, before and after a full collection", async () => {
  const { stdout } = await run(process.execPath, ["--allow-natives-syntax", "--expose-gc", "--import", "tsx", script], { timeout: 60_000 });
  const same = { object: true, state: true, listWithMembers: true, emptyList: true };
  assert.deepEqual(JSON.parse(stdout), { before: same, after: same });
});
