/**
 * Connections lost during a transaction. Lost after COMMIT was sent and before its answer: the
 * outcome is unknown (CommitOutcomeUnknownError). Lost before: the database rolled back
 * (TransactionRolledBackError from commit()). The losses are real: a TCP proxy between the
 * driver and the server drops the reply or resets the connection, or the server ends the
 * connection's own backend (pg_terminate_backend, KILL).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CommitOutcomeUnknownError,
  DBAPIError,
  MetaData,
  PoolTimeoutError,
  TransactionRolledBackError,
  createEngine,
  insert,
  integer,
  select,
  sql,
  string,
  table,
  type Connection,
  type Engine,
} from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";
import { settlesWithin } from "../support/settles.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const metadata = new MetaData();
const items = table("core_lost_items", metadata, {
  id: integer().primaryKey(),
  name: string(40).notNull().unique(),
});

/** Waits until `condition` holds (polled), failing after `ms`. */
async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the condition");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

forEachDatabase("lost connections", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const network = ctx.db.name === "sqlite" ? "SQLite runs in-process: there is no connection to lose" : false;
  const add = (conn: Connection, name: string) => conn.execute(insert(items).values({ name }));
  const committed = async () => (await ctx.engine.execute(select(items.c.name).orderBy(items.c.name))).rows.map((r) => r.name);

  let proxy: TcpProxy | undefined;
  let proxied: Engine | undefined;
  before(async () => {
    if (network) return;
    proxy = await TcpProxy.start(ctx.db.url, ctx.db.name === "postgresql" ? 5432 : 3306);
    proxied = createEngine(proxy.url(ctx.db.url));
  });
  after(async () => {
    await proxied?.dispose();
    await proxy?.close();
  });

  test("COMMIT reached the database but its answer was lost: CommitOutcomeUnknownError, and the row is there", { skip: network }, async () => {
    const conn = await proxied!.connect();
    try {
      const tx = await conn.begin();
      await add(conn, "maybe");
      const replyLost = proxy!.loseReplyTo("COMMIT");
      await assert.rejects(tx.commit(), (e: unknown) => e instanceof CommitOutcomeUnknownError && e.cause instanceof DBAPIError && /may or may not/.test(e.message));
      await replyLost;
      assert.equal(tx.isActive, false);
      assert.equal(conn.invalidated, true);
    } finally {
      await conn.close();
    }
    assert.deepEqual(await committed(), ["maybe"], "the unknown outcome was a commit");
    // The broken connection was discarded: the proxied engine connects again.
    assert.equal(await proxied!.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)), 1);
  });

  test("an INSERT in autocommit whose answer was lost: CommitOutcomeUnknownError (not a plain lost connection, which reads as retryable), and the row is there", { skip: network }, async () => {
    const replyLost = proxy!.loseReplyTo("autocommitted");
    await assert.rejects(
      proxied!.execute(insert(items).values({ name: "autocommitted" })),
      (e: unknown) => e instanceof CommitOutcomeUnknownError && e.connectionInvalidated && !e.retryable && /may or may not have been applied/.test(e.message),
    );
    await replyLost;
    assert.deepEqual(await committed(), ["autocommitted"], "the unknown outcome was a write");
    // A read lost the same way is a plain lost connection: nothing to be unsure of.
    const readLost = proxy!.loseReplyTo("read_lost");
    await assert.rejects(proxied!.execute(sql`SELECT 1 AS read_lost`), (e: unknown) => e instanceof DBAPIError && e.connectionInvalidated && !(e instanceof CommitOutcomeUnknownError));
    await readLost;
  });

  test("MariaDB: a stream of INSERT ... RETURNING in autocommit whose connection is lost mid-result: CommitOutcomeUnknownError (the statement may have committed)", { skip: ctx.db.name !== "mysql" && "MariaDB streams a write's RETURNING (PostgreSQL's cursors take only queries)" }, async () => {
    // The proxy lets the first 32 KB of the result through, then resets: lost mid-result, however
    // fast the client reads (resetting from the loop, once it had read some rows, raced the
    // driver, which may have had the whole result by then).
    const names = Array.from({ length: 5000 }, (_, i) => ({ name: `streamed-${i}-`.padEnd(40, "x") }));
    let read = 0;
    const cut = proxy!.cutReplyAfter("RETURNING", 32 * 1024);
    const loop = async () => {
      for await (const _row of proxied!.stream(insert(items).values(names).returning(items.c.id, items.c.name), { yieldPer: 10 })) read++;
    };
    await assert.rejects(settlesWithin(loop()), (e: unknown) => e instanceof CommitOutcomeUnknownError && e.connectionInvalidated);
    await cut;
    // The driver may drop the rows it had buffered when the socket fails: none may reach the loop.
    assert.ok(read < 5000, `rows read before the loss: ${read}`);
    const written = (await committed()).length;
    assert.ok(written === 0 || written === 5000, `all of the statement or none of it, as the error allows: ${written} rows`);
  });

  test("the connection lost before COMMIT was sent: commit() throws TransactionRolledBackError and nothing is written", { skip: network }, async () => {
    const conn = await proxied!.connect();
    try {
      const tx = await conn.begin();
      await add(conn, "lost");
      proxy!.resetAll();
      await until(() => conn.invalidated);
      await assert.rejects(
        tx.commit(),
        (e: unknown) => e instanceof TransactionRolledBackError && e.cause instanceof DBAPIError && e.cause.connectionInvalidated && e.retryable,
      );
      assert.equal(tx.isFailed, true);
      await tx.rollback();
    } finally {
      await conn.close();
    }
    assert.deepEqual(await committed(), []);
  });

  test("the server ends the connection mid-transaction: the transaction is failed, commit throws, the pool discards the connection", { skip: network }, async () => {
    const engine = engineFor(ctx.db, { pool: { max: 1 } });
    const ownId = (conn: Connection) =>
      conn.scalar(ctx.db.name === "postgresql" ? sql<{ id: number }>`SELECT pg_backend_pid() AS id` : sql<{ id: number }>`SELECT CONNECTION_ID() AS id`);
    try {
      const conn = await engine.connect();
      const id = Number(await ownId(conn));
      try {
        const tx = await conn.begin();
        await add(conn, "killed");
        // Only this test's own backend, from another connection.
        if (ctx.db.name === "postgresql") await ctx.engine.execute(sql`SELECT pg_terminate_backend(${id})`);
        else await ctx.engine.execute(sql.raw(`KILL ${id}`));
        await assert.rejects(add(conn, "after"), (e: unknown) => e instanceof DBAPIError && e.connectionInvalidated);
        assert.equal(tx.isFailed, true);
        await assert.rejects(tx.commit(), TransactionRolledBackError);
        await tx.rollback();
      } finally {
        await conn.close();
      }
      const next = await engine.connect();
      try {
        assert.notEqual(Number(await ownId(next)), id, "a new connection, not the broken one");
      } finally {
        await next.close();
      }
    } finally {
      await engine.dispose();
    }
    assert.deepEqual(await committed(), []);
  });

  test("the server's idle-in-transaction timeout ends the connection: the transaction is failed, retryable, nothing written", { skip: network }, async () => {
    const engine = engineFor(ctx.db, { pool: { max: 1 } });
    try {
      const conn = await engine.connect();
      try {
        // PostgreSQL in milliseconds, MariaDB in whole seconds.
        await conn.run(ctx.db.name === "postgresql" ? "SET idle_in_transaction_session_timeout = 200" : "SET SESSION idle_transaction_timeout = 1");
        const tx = await conn.begin();
        await add(conn, "idle");
        await new Promise((resolve) => setTimeout(resolve, ctx.db.name === "postgresql" ? 600 : 1600));
        await assert.rejects(add(conn, "after"), (e: unknown) => e instanceof DBAPIError && e.connectionInvalidated);
        assert.equal(tx.isFailed, true);
        await assert.rejects(tx.commit(), (e: unknown) => e instanceof TransactionRolledBackError && e.retryable);
        await tx.rollback();
      } finally {
        await conn.close();
      }
    } finally {
      await engine.dispose();
    }
    assert.deepEqual(await committed(), []);
  });

  test("the connection lost while a new connection runs its setup: connect() fails with a lost connection, and the process goes on", { skip: network }, async () => {
    // The engine's own settings, the first statement on every new connection. pg emitted the
    // socket's error on a client nobody listened to yet: the process crashed.
    const engine = createEngine(proxy!.url(ctx.db.url)); // no connection open yet
    try {
      const cut = proxy!.cutBefore(ctx.db.name === "postgresql" ? "TimeZone" : "time_zone");
      await assert.rejects(settlesWithin(engine.connect()), (e: unknown) => e instanceof DBAPIError && e.connectionInvalidated);
      await cut;
      assert.equal(await engine.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)), 1);
    } finally {
      await engine.dispose();
    }
  });

  test("PostgreSQL: the server ends a new connection in the very packet that says it is ready: connect() fails, and the process goes on", { skip: ctx.db.name !== "postgresql" && "pg's handover of a new client" }, async () => {
    // pg-pool hands a new client over while it parses the packet holding ReadyForQuery; a FATAL
    // after it in the same packet was emitted before anyone listened, and crashed the process.
    const url = new URL(proxy!.url(ctx.db.url));
    url.searchParams.set("application_name", "athanor_held");
    const engine = createEngine(url.toString());
    try {
      const held = proxy!.holdNextConnection(); // the server's answers wait in the proxy
      const connecting = engine.connect();
      const backends = sql<{ n: number }>`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'athanor_held' AND datname = current_database()`;
      while (Number((await ctx.engine.execute(backends)).rows[0]!.n) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await ctx.engine.execute(sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'athanor_held' AND datname = current_database()`);
      while (Number((await ctx.engine.execute(backends)).rows[0]!.n) !== 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 100)); // the backend's FATAL and close reach the proxy
      held.release(); // ready, then terminated: one packet
      await assert.rejects(settlesWithin(connecting), (e: unknown) => e instanceof DBAPIError && e.connectionInvalidated);
      assert.equal(await engine.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)), 1);
    } finally {
      await engine.dispose();
    }
  });

  test("the first connect() of an engine whose server never answers fails after acquireTimeoutMs", { skip: network, timeout: 20_000 }, async () => {
    // MariaDB's driver reads the server's version when it opens, before any acquire: that wait
    // had no limit but mysql2's own connectTimeout (10 s), whatever acquireTimeoutMs said.
    const engine = createEngine(proxy!.url(ctx.db.url), { pool: { max: 1, acquireTimeoutMs: 300 } });
    try {
      proxy!.holdNextConnection(); // never released: the server's answers do not come
      const start = performance.now();
      await assert.rejects(settlesWithin(engine.connect(), 8000), (e: unknown) => {
        assert.ok(e instanceof PoolTimeoutError, String(e));
        assert.match(e.message, /300 ms \(pool\.acquireTimeoutMs\)/);
        return true;
      });
      const ms = performance.now() - start;
      assert.ok(ms < 2000, `connect() waited ${ms.toFixed(0)} ms, with acquireTimeoutMs 300`);
    } finally {
      await engine.dispose();
    }
  });

  test("a new connection the server never answers (the network gone silent) does not keep its place in the pool for ever", { skip: network, timeout: 20_000 }, async () => {
    // pg waited for it without a limit: with pool.max such attempts, every connect() timed out
    // for good, though new connections would have opened.
    const engine = createEngine(proxy!.url(ctx.db.url), { pool: { max: 1, acquireTimeoutMs: 300 } });
    try {
      proxy!.holdNextConnection(); // never released: the server's answers do not come
      await assert.rejects(engine.connect(), PoolTimeoutError);
      const deadline = Date.now() + 5000;
      let opened: unknown;
      while (opened === undefined && Date.now() < deadline) {
        opened = await engine.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)).catch(() => undefined);
      }
      assert.equal(opened, 1, "the pool opened a new connection once the silent one was given up");
    } finally {
      await engine.dispose();
    }
  });

  test("the connection lost while the rows of a query are mapped as they arrive: the query fails, it does not wait for ever", { skip: network }, async () => {
    // Rows mapped one by one (`mapRow`, how the ORM reads): on MariaDB the command had no callback,
    // and mysql2 told only the connection of the loss; the query neither ended nor failed.
    const slow = ctx.db.name === "postgresql" ? sql<{ s: number }>`SELECT 1 AS s FROM pg_sleep(2)` : sql<{ s: number }>`SELECT SLEEP(2) AS s`;
    const conn = await proxied!.connect();
    try {
      const timer = setTimeout(() => proxy!.resetAll(), 300);
      await assert.rejects(settlesWithin(conn.execute(slow, { mapRow: (row) => row })), (e: unknown) => e instanceof DBAPIError && e.connectionInvalidated);
      clearTimeout(timer);
    } finally {
      await conn.close();
    }
  });

  test("the connection lost in the middle of a stream: the loop fails, it does not wait for ever", { skip: network }, async () => {
    const many =
      ctx.db.name === "postgresql"
        ? sql<{ n: number }>`SELECT n, repeat('x', 1000) AS pad FROM generate_series(1, 100000) AS n`
        : sql<{ n: number }>`SELECT seq AS n, REPEAT('x', 1000) AS pad FROM seq_1_to_100000`;
    let read = 0;
    const loop = async () => {
      for await (const _row of proxied!.stream(many, { yieldPer: 10 })) if (++read === 15) proxy!.resetAll();
    };
    await assert.rejects(settlesWithin(loop()), (e: unknown) => e instanceof DBAPIError && e.connectionInvalidated);
    assert.ok(read < 100_000);
    assert.equal(await proxied!.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)), 1);
  });

  test("dispose() closes a connection whose COMMIT's reply is slow, past disposeTimeoutMs: the commit rejects with CommitOutcomeUnknownError (on MariaDB it waited for ever)", { skip: network }, async () => {
    const engine = createEngine(proxy!.url(ctx.db.url), { pool: { disposeTimeoutMs: 200 } });
    const conn = await engine.connect();
    const tx = await conn.begin();
    await add(conn, "slow");
    const slow = proxy!.delayReplyTo("COMMIT");
    const commit = tx.commit();
    commit.catch(() => undefined);
    await settlesWithin(slow.held, 5000);
    const disposed = engine.dispose();
    try {
      await assert.rejects(settlesWithin(commit, 5000), (e: unknown) => e instanceof CommitOutcomeUnknownError && /may or may not/.test(e.message));
      await settlesWithin(disposed, 5000);
    } finally {
      slow.release();
    }
    assert.deepEqual(await committed(), ["slow"], "the server had the COMMIT: the unknown outcome was a commit");
  });

  test("invalidate() while a query's answer is slow: the query fails as on a lost connection (on MariaDB it waited for ever), and the pool goes on", { skip: network }, async () => {
    const conn = await proxied!.connect();
    // A text no connection has run (prepared) before: it goes through the proxy as text.
    const slow = proxy!.delayReplyTo("slow_answer");
    const query = conn.execute(sql<{ slow_answer: number }>`SELECT 1 AS slow_answer`);
    query.catch(() => undefined);
    await settlesWithin(slow.held, 5000);
    conn.invalidate("the test closed it");
    try {
      await assert.rejects(settlesWithin(query, 5000), (e: unknown) => e instanceof DBAPIError && e.connectionInvalidated);
    } finally {
      slow.release();
      await conn.close();
    }
    assert.equal(await proxied!.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)), 1);
  });

  test("dispose() while a COMMIT is in flight waits for it: the row is there", { skip: network && "SQLite runs a statement synchronously: none is ever in flight" }, async () => {
    const engine = engineFor(ctx.db);
    const conn = await engine.connect();
    const tx = await conn.begin();
    await add(conn, "in-flight");
    const commit = tx.commit();
    const disposed = engine.dispose();
    const [outcome] = await Promise.allSettled([commit]);
    await conn.close();
    await disposed;
    if (outcome.status === "rejected") {
      // Allowed, loudly: never a commit that resolves without its row.
      assert.ok(outcome.reason instanceof DBAPIError, `a database error, got ${outcome.reason}`);
    } else {
      assert.deepEqual(await committed(), ["in-flight"]);
    }
  });
});
