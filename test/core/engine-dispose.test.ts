/**
 * engine.dispose() while a connect() waits for a connection (every pooled one checked out): the
 * waiting connect() is refused with ResourceClosedError instead of waiting forever (pg) or failing
 * as a driver error (mysql2), and the engine connects again afterwards with a new pool.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ResourceClosedError, sql } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { engineFor } from "../support/databases.js";

/** The promise's outcome, or "still waiting" if it has none after `ms`. */
async function settled<T>(promise: Promise<T>, ms = 2000): Promise<{ value: T } | { error: unknown } | "still waiting"> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then((value) => ({ value }), (error: unknown) => ({ error })),
      new Promise<"still waiting">((resolve) => (timer = setTimeout(() => resolve("still waiting"), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

forEachDatabase("engine disposed while a connect() waits", (ctx) => {
  test("the waiting connect() is refused with ResourceClosedError; connecting again works", async () => {
    const engine = engineFor(ctx.db, { pool: { max: 1 } });
    const first = await engine.connect();
    const waiting = engine.connect();
    const disposed = engine.dispose();
    const outcome = await settled(waiting);
    await first.close();
    await disposed;
    assert.ok(outcome !== "still waiting", "the connect() is still waiting after dispose()");
    assert.ok("error" in outcome, "the connect() got a connection from a disposed pool");
    assert.ok(outcome.error instanceof ResourceClosedError, String(outcome.error));
    assert.match(outcome.error.message, /engine\.dispose\(\).*connect again/s);
    try {
      assert.equal(Number((await engine.execute(sql<{ n: number }>`SELECT 1 AS n`)).one().n), 1);
    } finally {
      await engine.dispose();
    }
  });
});
