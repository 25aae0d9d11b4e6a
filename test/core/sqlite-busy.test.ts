/**
 * SQLite FILE databases with two connections, one holding a write transaction: the other waits
 * for the lock without stopping the event loop (better-sqlite3 is synchronous, so a long
 * `busy_timeout` would freeze every timer and socket of the process), and gives up after
 * `pool.busyTimeoutMs` with a retryable OperationalError.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OperationalError, createEngine, sql, type Engine } from "../../src/index.js";

describe("SQLite busy waits [sqlite file]", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "athanor-busy-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const engineOn = async (file: string, busyTimeoutMs?: number): Promise<Engine> => {
    const engine = createEngine(`sqlite:///${join(dir, file)}`, { pool: { max: 2, ...(busyTimeoutMs ? { busyTimeoutMs } : {}) } });
    await engine.execute(sql`CREATE TABLE core_busy_items (id INTEGER PRIMARY KEY)`);
    return engine;
  };

  /** Starts a 5 ms timer and records the longest gap between its ticks until `stop()`. */
  const watchEventLoop = () => {
    let last = performance.now();
    let longest = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks++;
    }, 5);
    return {
      stop: () => {
        clearInterval(timer);
        return { longest, ticks };
      },
    };
  };

  test("a writer waiting for another connection's write transaction lets timers run, and succeeds once it commits", async () => {
    const engine = await engineOn("wait.db");
    const holder = await engine.connect({ holder: "writer A" });
    const waiter = await engine.connect({ holder: "writer B" });
    try {
      const tx = await holder.begin();
      await holder.run("INSERT INTO core_busy_items (id) VALUES (1)");

      const loop = watchEventLoop();
      // The commit is due on a timer: it runs only if the waiting statement does not block the loop.
      const commitLater = new Promise<void>((resolve, reject) => setTimeout(() => tx.commit().then(resolve, reject), 600));
      const start = performance.now();
      await waiter.run("INSERT INTO core_busy_items (id) VALUES (2)");
      const waited = performance.now() - start;
      await commitLater;
      const { longest, ticks } = loop.stop();

      assert.ok(waited >= 500, `the insert waited ${waited.toFixed(0)} ms for the lock`);
      assert.ok(longest < 250, `the event loop stalled for ${longest.toFixed(0)} ms`);
      assert.ok(ticks >= 20, `the 5 ms timer fired only ${ticks} times while waiting`);
      const { rows } = await waiter.run("SELECT id FROM core_busy_items ORDER BY id");
      assert.deepEqual(rows.map((r: { id: number }) => r.id), [1, 2]);
    } finally {
      await waiter.close();
      await holder.close();
      await engine.dispose();
    }
  });

  test("past pool.busyTimeoutMs the waiting statement fails with a retryable OperationalError", async () => {
    const engine = await engineOn("give-up.db", 300);
    const holder = await engine.connect();
    const waiter = await engine.connect();
    try {
      await holder.begin();
      await holder.run("INSERT INTO core_busy_items (id) VALUES (1)");
      const start = performance.now();
      await assert.rejects(waiter.run("INSERT INTO core_busy_items (id) VALUES (2)"), (error: unknown) => {
        assert.ok(error instanceof OperationalError, String(error));
        assert.equal(error.code, "SQLITE_BUSY");
        assert.equal(error.retryable, true);
        assert.match(error.message, /retried for 300 ms .*pool\.busyTimeoutMs/);
        return true;
      });
      const waited = performance.now() - start;
      assert.ok(waited >= 250 && waited < 2000, `gave up after ${waited.toFixed(0)} ms`);
    } finally {
      await waiter.close();
      await holder.close(); // rolls the write transaction back
      await engine.dispose();
    }
  });
});
