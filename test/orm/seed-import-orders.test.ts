/**
 * The promise at the heart of athanor: the seed's models, one file each, importing each other
 * with `import type` only, load and work in every import order. Each of the 24 orders of
 * base/parent/child/association runs in a fresh module graph: one process loads the fixture, the
 * seed's modules and athanor anew for each order (fixtures/fresh-graph-hooks.ts), which is what a
 * fresh process per order gave, at a third of the cost (the process and tsx start once).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./fixtures/seed-import-orders-run.ts", import.meta.url));

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
  const orders = permutations(["base", "parent", "child", "association"]).map((order) => order.join(","));
  assert.equal(orders.length, 24);
  const { stdout } = await run(process.execPath, ["--import", "tsx", script, ...orders], { timeout: 120_000 });
  const { results, athanors } = JSON.parse(stdout) as { results: { order: string; rows: unknown }[]; athanors: number };
  assert.equal(athanors, 24, "each order ran on a copy of athanor of its own");
  assert.deepEqual(
    results.map((r) => r.order),
    orders,
  );
  for (const { order, rows } of results) assert.deepEqual(rows, expected, `import order ${order}`);
});
