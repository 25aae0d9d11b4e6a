/**
 * `statementTimeoutMs` against a server that is alive but slow to answer: an UPDATE waits for a
 * row lock another transaction holds. Past the deadline the client closes the connection; the
 * server notices only when it next writes to it, and would run the statement on. athanor asks the
 * server to stop it: a CancelRequest on PostgreSQL, KILL QUERY on MariaDB (which used to run it on
 * until it ended). What must hold: the flush fails as on a lost connection, the connection is
 * never handed out again (the pool opens another, so the next session works at once), and the
 * abandoned statement of a flush never commits. A write in autocommit is an unknown outcome; it is
 * stopped and never applies (on MariaDB it applied once the lock was released, after the error).
 * Through a proxy MariaDB's thread cannot be shown to be this client's: no KILL is sent, and the
 * statement runs on (docs/clusters.md). The locks and the waits are real.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { CommitOutcomeUnknownError, OperationalError, Session, TransactionRolledBackError, createEngine, sql } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const TIMEOUT_MS = 300;

forEachDatabaseWithSchema("statementTimeoutMs on a statement waiting for a lock", Base.metadata, (ctx) => {
  const skip = ctx.db.name === "sqlite" && "SQLite runs in-process: statementTimeoutMs does not apply";
  const pg = ctx.db.name === "postgresql";

  /** The server's sessions running an UPDATE of `users` now (the holder's is done: it waits idle in its transaction). */
  async function runningUpdates(): Promise<number> {
    const query = pg
      ? sql<{ n: number }>`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'UPDATE %users%'`
      : sql<{ n: number }>`SELECT count(*) AS n FROM information_schema.processlist WHERE command <> 'Sleep' AND info LIKE 'UPDATE %users%'`;
    return Number((await ctx.engine.execute(query)).rows[0]!.n);
  }

  /** User 1, its row locked by another connection's open transaction. */
  async function lockedUser() {
    const seeding = ctx.session();
    seeding.add(Object.assign(new User(), { id: 1, email: "a@x", name: "first" }));
    await seeding.commit();
    const holder = await ctx.engine.connect();
    const held = await holder.begin();
    await holder.execute(sql`UPDATE users SET name = 'holder' WHERE id = 1`);
    return { holder, held };
  }

  /** Waits (5 s at most: the request goes on a connection of its own) for the abandoned UPDATE to be stopped by the server. */
  async function stopped(): Promise<void> {
    for (let i = 0; i < 100 && (await runningUpdates()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await runningUpdates(), 0);
  }

  test("the flush's UPDATE past the deadline: a lost connection, the next session works at once on a new connection, the abandoned UPDATE never commits", { skip }, async () => {
    const { holder, held } = await lockedUser();
    const timed = createEngine(ctx.db.url, { statementTimeoutMs: TIMEOUT_MS, pool: { max: 1 } });
    try {
      const session = new Session(timed);
      const user = (await session.get(User, 1))!;
      user.name = "abandoned";
      await assert.rejects(session.commit(), (e: unknown) => e instanceof OperationalError && e.connectionInvalidated && /statementTimeoutMs/.test(e.message));
      await assert.rejects(session.commit(), TransactionRolledBackError);
      await session.rollback();
      // The server was asked to stop it (PostgreSQL's CancelRequest, MariaDB's KILL QUERY); its
      // connection is not the pool's any more.
      await stopped();
      const next = new Session(timed);
      next.add(Object.assign(new User(), { id: 2, email: "b@x" }));
      await next.commit();
      await next.close();
      await held.commit();
      await holder.close();
      // Released, the abandoned UPDATE runs, finds its client gone, and its transaction is rolled back.
      for (let i = 0; i < 100 && (await runningUpdates()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await runningUpdates(), 0);
      const { rows } = await ctx.engine.execute(sql<{ id: number; name: string | null }>`SELECT id, name FROM users ORDER BY id`);
      assert.deepEqual(rows.map((r) => [Number(r.id), r.name]), [[1, "holder"], [2, null]]);
      await session.refresh(user);
      assert.equal(user.name, "holder");
      await session.close();
    } finally {
      if (held.isActive) await held.rollback();
      await holder.close().catch(() => undefined);
      await timed.dispose();
    }
  });

  test("a write in autocommit past the deadline: CommitOutcomeUnknownError; the server is asked to stop it, and it never applies", { skip }, async () => {
    const { holder, held } = await lockedUser();
    const timed = createEngine(ctx.db.url, { statementTimeoutMs: TIMEOUT_MS, pool: { max: 1 } });
    try {
      await assert.rejects(timed.execute(sql`UPDATE users SET email = 'late@x' WHERE id = 1`), (e: unknown) => e instanceof CommitOutcomeUnknownError && /statementTimeoutMs/.test(e.message));
      // Stopped while it waits (it used to wait on, and apply once the lock was released).
      await stopped();
      await held.rollback();
      await holder.close();
      for (let i = 0; i < 100 && (await runningUpdates()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const { rows } = await ctx.engine.execute(sql<{ email: string }>`SELECT email FROM users WHERE id = 1`);
      assert.equal(rows[0]!.email, "a@x");
    } finally {
      if (held.isActive) await held.rollback();
      await holder.close().catch(() => undefined);
      await timed.dispose();
    }
  });

  test("MariaDB through a Unix socket (?socketPath=): the KILL goes the pool's way, and the write never applies", { skip: pg || skip }, async (t) => {
    const socket = String((await ctx.engine.execute(sql<{ s: string }>`SELECT @@socket AS s`)).rows[0]!.s);
    if (!existsSync(socket)) return t.skip(`the server's socket ${socket} is not on this machine`);
    // Host and port name nothing that answers: only the socket reaches the server (a side
    // connection given host and port only could not, and the UPDATE ran on).
    const url = new URL(ctx.db.url);
    url.host = "127.0.0.1:1";
    url.searchParams.set("socketPath", socket);
    const { holder, held } = await lockedUser();
    const timed = createEngine(url.toString(), { statementTimeoutMs: TIMEOUT_MS, pool: { max: 1 } });
    try {
      await assert.rejects(timed.execute(sql`UPDATE users SET email = 'late@x' WHERE id = 1`), CommitOutcomeUnknownError);
      await stopped();
      await held.rollback();
      await holder.close();
      const { rows } = await ctx.engine.execute(sql<{ email: string }>`SELECT email FROM users WHERE id = 1`);
      assert.equal(rows[0]!.email, "a@x");
    } finally {
      if (held.isActive) await held.rollback();
      await holder.close().catch(() => undefined);
      await timed.dispose();
    }
  });

  test("MariaDB through a proxy: the thread cannot be shown to be this client's, so no KILL is sent; the write runs on", { skip: pg || skip }, async () => {
    const { holder, held } = await lockedUser();
    const proxy = await TcpProxy.start(ctx.db.url, 3306);
    const timed = createEngine(proxy.url(ctx.db.url), { statementTimeoutMs: TIMEOUT_MS, pool: { max: 1 } });
    try {
      await assert.rejects(timed.execute(sql`UPDATE users SET email = 'late@x' WHERE id = 1`), CommitOutcomeUnknownError);
      // The server sees the proxy's port, not this client's: the thread might be another client's.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(await runningUpdates(), 1);
      await held.rollback();
      await holder.close();
      for (let i = 0; i < 100 && (await runningUpdates()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const { rows } = await ctx.engine.execute(sql<{ email: string }>`SELECT email FROM users WHERE id = 1`);
      assert.equal(rows[0]!.email, "late@x", "run on, as before: look it up only once the server's own limit has passed");
    } finally {
      if (held.isActive) await held.rollback();
      await holder.close().catch(() => undefined);
      await timed.dispose();
      await proxy.close();
    }
  });
}, { createOnce: true });
