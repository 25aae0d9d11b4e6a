/**
 * Pooled connections the server already ended (a restart, a failover, `pg_terminate_backend`,
 * `KILL`) or whose host went silent while they were idle. What the driver heard, the pool drops
 * by itself (pg-pool removes an idle client that emits 'error', mysql2's pool one that ends);
 * what it has not heard yet, `pool: { prePing: true }` finds on checkout with a `SELECT 1`, and
 * the connection is replaced unseen: the caller's write runs once, on a live connection, where it
 * used to meet the dead one (an unknown outcome for a write that never ran, or a wait for ever).
 * The faults are real: the server ends the connection's backend, a TCP proxy holds back what the
 * server said about it, or stops forwarding.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { MetaData, createEngine, insert, integer, select, sql, string, table, type Engine } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";
import { settlesWithin } from "../support/settles.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const metadata = new MetaData();
const items = table("core_preping_items", metadata, {
  id: integer().primaryKey(),
  name: string(40).notNull().unique(),
});

forEachDatabase("pooled connections the server ended", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const network = ctx.db.name === "sqlite" ? "SQLite runs in-process: no server to end a connection" : false;
  const pg = ctx.db.name === "postgresql";
  const committed = async () => (await ctx.engine.execute(select(items.c.name).orderBy(items.c.name))).rows.map((r) => r.name);
  const backendOf = async (engine: Engine) => Number((await engine.execute(pg ? sql<{ id: number }>`SELECT pg_backend_pid() AS id` : sql<{ id: number }>`SELECT CONNECTION_ID() AS id`)).rows[0]!.id);
  /** Ends this test's own backend from another connection, and waits until the server has let it go. */
  async function endBackend(id: number): Promise<void> {
    await ctx.engine.execute(pg ? sql`SELECT pg_terminate_backend(${id})` : sql.raw(`KILL ${id}`));
    const alive = pg ? sql<{ n: number }>`SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ${id}` : sql<{ n: number }>`SELECT count(*) AS n FROM information_schema.processlist WHERE id = ${id}`;
    while (Number((await ctx.engine.execute(alive)).rows[0]!.n) !== 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  let proxy: TcpProxy | undefined;
  let engines: Engine[] = [];
  const engine = (url: string, options: Parameters<typeof createEngine>[1]) => {
    const made = createEngine(url, options);
    engines.push(made);
    return made;
  };
  beforeEach(async () => {
    if (!network) proxy = await TcpProxy.start(ctx.db.url, pg ? 5432 : 3306);
  });
  afterEach(async () => {
    for (const made of engines) await made.dispose();
    engines = [];
    await proxy?.close();
    proxy = undefined;
  });

  test("a pooled connection the server ended while idle, the driver told: the next write runs once, no error (held already)", { skip: network }, async () => {
    const pooled = engine(ctx.db.url, { pool: { max: 1 } });
    const id = await backendOf(pooled);
    await endBackend(id);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the driver reads the server's goodbye
    await pooled.execute(insert(items).values({ name: "after-end" }));
    assert.notEqual(await backendOf(pooled), id, "a new connection, not the ended one");
    assert.deepEqual(await committed(), ["after-end"]);
  });

  test("prePing: a pooled connection the server ended before the driver heard is replaced on checkout: the write runs once (it was reported as an unknown outcome, or failed)", { skip: network }, async () => {
    const pooled = engine(proxy!.url(ctx.db.url), { pool: { max: 1, prePing: true } });
    const id = await backendOf(pooled);
    const news = proxy!.holdAll(); // the server's goodbye waits in the proxy
    await endBackend(id);
    const write = pooled.execute(insert(items).values({ name: "after-end" }));
    write.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the checkout's first statement is on its way
    news.release();
    await settlesWithin(write);
    assert.notEqual(await backendOf(pooled), id);
    assert.deepEqual(await committed(), ["after-end"]);
  });

  test("prePing: a pooled connection whose host went silent while idle is replaced on checkout within statementTimeoutMs: the write runs once (it waited for ever)", { skip: network }, async () => {
    const pooled = engine(proxy!.url(ctx.db.url), { statementTimeoutMs: 400, pool: { max: 1, prePing: true } });
    await pooled.execute(sql`SELECT 1 AS warm`);
    proxy!.goSilent();
    const start = performance.now();
    await settlesWithin(pooled.execute(insert(items).values({ name: "after-silence" })));
    const ms = performance.now() - start;
    assert.ok(ms < 2500, `the checkout took ${ms.toFixed(0)} ms with statementTimeoutMs 400`);
    assert.deepEqual(await committed(), ["after-silence"]);
  });
});
