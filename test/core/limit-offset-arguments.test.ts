/**
 * `limit()` and `offset()` take a non-negative safe integer (or undefined for none). Anything else
 * is refused when the method is called, with an ArgumentError naming the method and the value:
 * before, SQLite read a negative LIMIT as "no limit" and a string went through to the driver.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, MetaData, integer, select, table } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const items = table("core_limit_items", metadata, { id: integer().primaryKey() });

const bad: readonly [unknown, string][] = [
  [-1, "-1"],
  [1.5, "1.5"],
  [Number.NaN, "NaN"],
  [Number.POSITIVE_INFINITY, "Infinity"],
  [Number.MAX_SAFE_INTEGER + 1, String(Number.MAX_SAFE_INTEGER + 1)],
  ["2", '"2"'],
  [null, "null"],
  [2n, "2n"],
];

for (const method of ["limit", "offset"] as const) {
  test(`${method}() refuses a value that is not a non-negative safe integer, at the call`, () => {
    const query = select(items.c.id);
    for (const [value, shown] of bad) {
      assert.throws(
        () => query[method](value as number),
        (error: unknown) =>
          error instanceof ArgumentError &&
          error.message.startsWith(`Select.${method}(${shown}):`) &&
          error.message.includes("Number.MAX_SAFE_INTEGER"),
        `${method}(${shown})`,
      );
    }
  });
}

forEachDatabase("limit and offset", (ctx) => {
  useSchema(ctx, metadata, { seed: [[items, [{ id: 1 }, { id: 2 }, { id: 3 }]]] });

  test("the edges of the accepted range run: 0, Number.MAX_SAFE_INTEGER, and undefined to remove", async () => {
    const { engine } = ctx;
    const all = select(items.c.id).orderBy(items.c.id);
    const ids = async (query: typeof all) => (await engine.execute(query)).rows.map((r) => r.id);
    assert.deepEqual(await ids(all.limit(0)), []);
    assert.deepEqual(await ids(all.limit(Number.MAX_SAFE_INTEGER)), [1, 2, 3]);
    assert.deepEqual(await ids(all.offset(Number.MAX_SAFE_INTEGER)), []);
    assert.deepEqual(await ids(all.limit(1).offset(0)), [1]);
    assert.deepEqual(await ids(all.offset(1)), [2, 3]);
    assert.deepEqual(await ids(all.limit(1).offset(2).limit(undefined)), [3]);
  });
});
