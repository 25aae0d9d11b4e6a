/**
 * The promise at the heart of athanor: the seed's models, one file each, importing each other
 * with `import type` only, load and work in every import order. Each of the 24 orders of
 * base/parent/child/association runs in a fresh process, so each is a fresh module graph.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./fixtures/seed-roundtrip.ts", import.meta.url));

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const expected = [
  { id: 1, extraData: "first", childId: 10 },
  { id: 1, extraData: "second", childId: 20 },
  { id: 2, extraData: null, childId: 20 },
];

test("the seed's modules import, configure and round-trip in every order", async () => {
  const orders = permutations(["base", "parent", "child", "association"]);
  assert.equal(orders.length, 24);
  // Two at a time: these machines have two cores.
  for (let i = 0; i < orders.length; i += 2) {
    await Promise.all(
      orders.slice(i, i + 2).map(async (order) => {
        const { stdout } = await run(process.execPath, ["--import", "tsx", script, ...order], { timeout: 60_000 });
        assert.deepEqual(JSON.parse(stdout), expected, `import order ${order.join(", ")}`);
      }),
    );
  }
});
