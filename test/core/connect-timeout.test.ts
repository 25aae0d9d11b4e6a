/**
 * `pool.connectTimeoutMs`: a server that accepts the TCP connection but never answers (a host gone
 * silent behind a proxy, a server stuck starting up) kept `connect()` waiting for ever once the
 * handshake was done: the connection's setup statements (the session settings, MariaDB's version
 * read when the pool opens) had no limit, nor had the reset of a connection going back to the pool,
 * which then kept its place for ever. Each now fails after the limit with `ConnectTimeoutError`,
 * the half-open socket destroyed, and the pool stays usable. The silence is real: a TCP proxy
 * forwards the setup statement to the server, and then nothing, either way.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { ArgumentError, ConnectTimeoutError, PoolTimeoutError, createEngine, sql, type Engine } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { settlesWithin } from "../support/settles.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const LIMIT_MS = 400;
const one = sql<{ one: number }>`SELECT 1 AS one`;

function timedOut(e: unknown): boolean {
  assert.ok(e instanceof ConnectTimeoutError, String(e));
  assert.match(e.message, new RegExp(`not ready within ${LIMIT_MS} ms \\(pool\\.connectTimeoutMs\\)`));
  assert.ok(e.connectionInvalidated && e.retryable);
  return true;
}

/** Waits until the proxy has no connection left open: the engine closed the silent one. */
async function closed(proxy: TcpProxy, expected: number): Promise<void> {
  for (let i = 0; i < 100 && proxy.connections > expected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(proxy.connections, expected, "the half-open socket was closed");
}

forEachDatabase("a new connection's deadline", (ctx) => {
  const network = ctx.db.name === "sqlite" ? "SQLite runs in-process: nothing to connect to" : false;
  const mysql = ctx.db.name === "mysql";
  /** The first statement of a new connection's setup, as the proxy sees it. */
  const setupText = mysql ? "SET time_zone" : "SET TimeZone";
  let proxy: TcpProxy | undefined;
  let engine: Engine | undefined;
  beforeEach(async () => {
    if (network) return;
    proxy = await TcpProxy.start(ctx.db.url, mysql ? 3306 : 5432);
    engine = createEngine(proxy.url(ctx.db.url), { pool: { max: 1, connectTimeoutMs: LIMIT_MS, acquireTimeoutMs: 5000 } });
  });
  // Bounded: a pool whose connection hangs in its setup (the old code) never ends.
  afterEach(async () => {
    const [e, p] = [engine, proxy];
    engine = proxy = undefined;
    await settlesWithin(Promise.all([e?.dispose(), p?.close()]), 5000).catch(() => undefined);
  });

  test("pool.connectTimeoutMs is a positive number of milliseconds; pool.keepAliveInitialDelayMs at least 1000 (TCP counts whole seconds)", () => {
    assert.throws(() => createEngine(ctx.db.url, { pool: { connectTimeoutMs: 0 } }), (e: unknown) => e instanceof ArgumentError && /pool\.connectTimeoutMs must be a positive number/.test(e.message));
    assert.throws(() => createEngine(ctx.db.url, { pool: { keepAliveInitialDelayMs: 500 } }), (e: unknown) => e instanceof ArgumentError && /keepAliveInitialDelayMs must be .* at least 1000; got 500/.test(e.message));
    assert.throws(() => createEngine(ctx.db.url, { pool: { keepAliveInitialDelayMs: Infinity } }), ArgumentError);
  });

  test("SQLite accepts pool.connectTimeoutMs and keepAliveInitialDelayMs, which do not apply", { skip: !network && "the network dialects are tested below" }, async () => {
    const local = createEngine("sqlite::memory:", { pool: { connectTimeoutMs: 1, keepAliveInitialDelayMs: 1000 } });
    try {
      assert.equal(await local.withConnection((c) => c.scalar(one)), 1);
    } finally {
      await local.dispose();
    }
  });

  test("a new connection whose setup the server never answers: ConnectTimeoutError after the limit (it waited for ever), the socket closed, the pool usable", { skip: network }, async () => {
    // MariaDB: the pool opens first (its version read, on a connection the setup then runs on).
    const silent = proxy!.silenceAfter(setupText);
    const start = performance.now();
    await assert.rejects(settlesWithin(engine!.connect()), timedOut);
    const ms = performance.now() - start;
    await silent;
    assert.ok(ms < 3000, `connect() waited ${ms.toFixed(0)} ms with connectTimeoutMs ${LIMIT_MS}`);
    await closed(proxy!, 0);
    assert.equal(await settlesWithin(engine!.withConnection((c) => c.scalar(one))), 1, "the pool (of one) opens another");
  });

  test("MariaDB: the version read when the pool opens, never answered: ConnectTimeoutError, and the next connect() opens the pool again", { skip: network || (!mysql && "MariaDB reads the server's version when its pool opens") }, async () => {
    const silent = proxy!.silenceAfter("SELECT VERSION()");
    await assert.rejects(settlesWithin(engine!.connect()), timedOut);
    await silent;
    await closed(proxy!, 0);
    assert.equal(await settlesWithin(engine!.withConnection((c) => c.scalar(one))), 1);
  });

  test("a handshake the server never finishes: ConnectTimeoutError after connectTimeoutMs, before acquireTimeoutMs", { skip: network }, async () => {
    const held = proxy!.holdNextConnection(); // the server's answers wait in the proxy
    try {
      await assert.rejects(settlesWithin(engine!.connect()), (e: unknown) => !(e instanceof PoolTimeoutError) && timedOut(e));
    } finally {
      held.release();
    }
    assert.equal(await settlesWithin(engine!.withConnection((c) => c.scalar(one))), 1);
  });

  test("a pool reset the server never answers: the connection is closed after the limit, not kept in the pool for ever; the next connect() gets another", { skip: network }, async () => {
    const conn = await engine!.connect();
    await conn.run(mysql ? "SET @athanor_probe = 1" : "SET application_name = 'athanor_probe'"); // reset on release
    const silent = proxy!.silenceAfter(mysql ? "SET time_zone" : "DISCARD ALL");
    await conn.close();
    await silent;
    // One connection in the pool: the next connect() waits for the reset, then for a new connection.
    assert.equal(await settlesWithin(engine!.withConnection((c) => c.scalar(one))), 1);
    await closed(proxy!, 1);
  });
});
