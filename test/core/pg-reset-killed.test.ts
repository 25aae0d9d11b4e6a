/**
 * PostgreSQL: a connection whose session SQL text changed (`SET application_name = ...`) is reset
 * when it goes back to the pool (DISCARD ALL, then the engine's session settings). It used to be
 * handed on at once, the reset queued ahead of the next user's statements: when the backend was
 * terminated (`pg_terminate_backend`, a failover) while the reset was in flight, the next user's
 * `connect()` failed on that dead connection though it had done nothing. The pool now gets the
 * connection back once the reset answered, and a closed one when it failed: the next user gets
 * another connection. (MariaDB's reset, the same shape, is tested in mysql-reset-killed.test.ts.)
 *
 * The fault is real and timed exactly: a TCP proxy holds the server's answer to DISCARD ALL while
 * another connection terminates the backend; then the answer, the server's FATAL and its close
 * arrive together.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, sql } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { settlesWithin } from "../support/settles.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const pidOf = sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`;

forEachDatabase("a PostgreSQL connection whose reset is in flight when its backend is terminated", (ctx) => {
  test("the next user's connect() never fails for the reset: the dead connection is discarded, another one serves it", async () => {
    const proxy = await TcpProxy.start(ctx.db.url, 5432);
    const engine = createEngine(proxy.url(ctx.db.url), { pool: { max: 1 } });
    try {
      const first = await engine.connect();
      const pid = Number(await first.scalar(pidOf));
      await first.run("SET application_name = 'athanor_reset_probe'"); // the session changed: reset on release
      const reset = proxy.delayReplyTo("DISCARD ALL");
      await first.close();
      await reset.held;
      await ctx.engine.execute(sql`SELECT pg_terminate_backend(${pid}::int)`);
      // The backend is gone before the reset's answer (and the server's FATAL) reach the client.
      for (let i = 0; i < 100 && (await ctx.engine.execute(sql`SELECT 1 AS one FROM pg_stat_activity WHERE pid = ${pid}::int`)).rows.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const next = engine.connect();
      reset.release();
      const conn = await settlesWithin(next);
      try {
        const nextPid = Number(await conn.scalar(pidOf));
        assert.notEqual(nextPid, pid, "a new connection");
        assert.equal(await conn.scalar(sql<{ name: string }>`SELECT current_setting('application_name') AS name`), "", "its session is a fresh one");
      } finally {
        await conn.close();
      }
      assert.equal(await engine.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)), 1);
    } finally {
      await engine.dispose();
      await proxy.close();
    }
  });
}, ["postgresql"]);
