/**
 * The pool's bounds: `connect()` waits at most `pool.acquireTimeoutMs`, then throws
 * PoolTimeoutError naming the pool size and who holds the connections; `dispose()` waits at most
 * `pool.disposeTimeoutMs` for connections never returned, closes them and warns naming holders.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import {
  ArgumentError,
  ConnectionsNotReturnedWarning,
  PoolTimeoutError,
  ResourceClosedError,
  sql,
  type Engine,
} from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

const FAST = { max: 1, acquireTimeoutMs: 200, disposeTimeoutMs: 200 };

/** The warnings emitted while `fn` runs, and a little after (emitWarning delivers on the next tick). */
async function warningsDuring(fn: () => Promise<void>): Promise<Error[]> {
  const seen: Error[] = [];
  const listen = (warning: Error) => seen.push(warning);
  process.on("warning", listen);
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off("warning", listen);
  }
  return seen;
}

/** How long `run()` took, timed from the call (a connect() may start its timer before it first awaits). */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; outcome: T | unknown; failed: boolean }> {
  const start = performance.now();
  try {
    const outcome = await run();
    return { ms: performance.now() - start, outcome, failed: false };
  } catch (error) {
    return { ms: performance.now() - start, outcome: error, failed: true };
  }
}

forEachDatabase("pool timeouts", (ctx) => {
  let engine: Engine;
  const open = (options = {}) => (engine = engineFor(ctx.db, { pool: { ...FAST, ...options } }));
  // A test that fails half way leaves a connection held: without this the process never exits.
  afterEach(() => (engine as Engine | undefined)?.dispose().catch(() => undefined));

  test("a second connect() fails after acquireTimeoutMs with PoolTimeoutError naming the size and the holder; dispose() still resolves", async () => {
    open();
    const held = await engine.connect({ holder: "Report job #7" });
    await held.execute(sql`SELECT 1 AS one`);

    const { ms, outcome, failed } = await timed(() => engine.connect({ holder: "Session #2" }));
    assert.ok(failed, "the second connect() must not succeed");
    assert.ok(outcome instanceof PoolTimeoutError, `expected PoolTimeoutError, got ${String(outcome)}`);
    assert.ok(ms >= 190 && ms < 3000, `waited ${ms.toFixed(0)} ms, expected about 200`);
    assert.equal(outcome.poolSize, 1);
    assert.equal(outcome.timeoutMs, 200);
    assert.deepEqual(outcome.holders.map((h) => h.holder), ["Report job #7"]);
    assert.match(outcome.message, /all 1 connection\(s\) of the pool \(pool\.max = 1\)/);
    assert.match(outcome.message, /Report job #7 \(held \d+\.\d s\)/);

    const disposing = timed(() => warningsDuring(() => engine.dispose()));
    const disposed = await disposing;
    assert.equal(disposed.failed, false);
    assert.ok(disposed.ms < 3000, `dispose() took ${disposed.ms.toFixed(0)} ms`);
    const warnings = disposed.outcome as Error[];
    const warning = warnings.find((w) => w instanceof ConnectionsNotReturnedWarning) as ConnectionsNotReturnedWarning | undefined;
    assert.ok(warning, "dispose() warns about the connection never returned");
    assert.deepEqual(warning.holders.map((h) => h.holder), ["Report job #7"]);
    assert.match(warning.message, /Report job #7/);

    // The holder learns what happened when it uses its connection again.
    await assert.rejects(held.execute(sql`SELECT 1 AS one`), (error: unknown) => {
      assert.ok(error instanceof ResourceClosedError);
      assert.match(error.message, /engine\.dispose\(\) closed it/);
      return true;
    });
    await held.close(); // harmless now
  });

  test("without a label, the holder is the code that called connect()", async () => {
    open();
    const held = await engine.connect();
    try {
      await assert.rejects(engine.connect(), (error: unknown) => {
        assert.ok(error instanceof PoolTimeoutError);
        assert.match(error.holders[0]!.holder, /pool-timeouts\.test\.[jt]s:\d+/);
        return true;
      });
    } finally {
      await held.close();
      await engine.dispose();
    }
  });

  test("a waiting connect() gets the connection as soon as it is returned", async () => {
    open({ acquireTimeoutMs: 5000 });
    const held = await engine.connect();
    setTimeout(() => void held.close(), 50);
    const { ms, failed } = await timed(() => engine.connect().then((conn) => conn.close()));
    assert.equal(failed, false);
    assert.ok(ms < 2000, `waited ${ms.toFixed(0)} ms`);
    const warnings = await warningsDuring(() => engine.dispose());
    assert.deepEqual(warnings.filter((w) => w instanceof ConnectionsNotReturnedWarning), [], "everything was returned");
  });

  test("after a connect() timed out, the pool hands the returned connection to the next caller", async () => {
    open();
    const held = await engine.connect();
    await assert.rejects(engine.connect(), PoolTimeoutError);
    await held.close();
    // The abandoned wait must not keep the connection: the next connect() gets it at once.
    const { ms, outcome, failed } = await timed(() => engine.connect());
    assert.equal(failed, false, String(outcome));
    assert.ok(ms < 150, `waited ${ms.toFixed(0)} ms for a free connection`);
    const conn = outcome as Awaited<ReturnType<Engine["connect"]>>;
    assert.equal((await conn.execute(sql<{ one: number }>`SELECT 1 AS one`)).rows.length, 1);
    await conn.close();
    await engine.dispose();
  });

  test("dispose() waits for a connection that is returned within disposeTimeoutMs, without warning", async () => {
    open({ disposeTimeoutMs: 5000 });
    const held = await engine.connect();
    const tx = await held.begin();
    setTimeout(() => void tx.commit().then(() => held.close()), 50);
    const warnings = await warningsDuring(() => engine.dispose());
    assert.deepEqual(warnings.filter((w) => w instanceof ConnectionsNotReturnedWarning), []);
    assert.equal(held.closed, true);
  });

  test("a timeout that is not a positive number of milliseconds is refused when the engine is made", () => {
    for (const bad of [0, -5, Number.NaN, "200" as unknown as number]) {
      assert.throws(() => engineFor(ctx.db, { pool: { acquireTimeoutMs: bad } }), (error: unknown) => {
        assert.ok(error instanceof ArgumentError);
        assert.match(error.message, /pool\.acquireTimeoutMs must be a positive number of milliseconds/);
        return true;
      });
    }
    assert.throws(() => engineFor(ctx.db, { pool: { disposeTimeoutMs: -1 } }), /pool\.disposeTimeoutMs/);
    assert.throws(() => engineFor(ctx.db, { pool: { busyTimeoutMs: 0 } }), /pool\.busyTimeoutMs/);
  });
});
