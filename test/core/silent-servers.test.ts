/**
 * A database server that stops answering without closing its sockets (power lost, a network
 * partition, a failover): `statementTimeoutMs` bounds the wait for each answer, closes the
 * connection and says what the statement's fate may be. The silence is real: a TCP proxy between
 * the driver and the server stops forwarding, both ways, and keeps the sockets open. And TCP
 * keepalive on the engine's sockets, so that idle pooled connections to a dead host are found.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import {
  ArgumentError,
  CommitOutcomeUnknownError,
  MetaData,
  OperationalError,
  TransactionRolledBackError,
  createEngine,
  insert,
  integer,
  select,
  sql,
  string,
  table,
  type Engine,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";
import { settlesWithin } from "../support/settles.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const metadata = new MetaData();
const items = table("core_silent_items", metadata, {
  id: integer().primaryKey(),
  name: string(40).notNull().unique(),
});

const TIMEOUT_MS = 400;

/** A lost connection that says the deadline, and is not an unknown outcome (retryable). */
function lostAfterDeadline(e: unknown): boolean {
  assert.ok(e instanceof OperationalError && !(e instanceof CommitOutcomeUnknownError), String(e));
  assert.ok(e.connectionInvalidated);
  assert.match(e.message, new RegExp(`did not answer within ${TIMEOUT_MS} ms \\(statementTimeoutMs\\)`));
  return true;
}

forEachDatabase("a server that stops answering", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const network = ctx.db.name === "sqlite" ? "SQLite runs in-process: no server to go silent" : false;
  const committed = async () => (await ctx.engine.execute(select(items.c.name).orderBy(items.c.name))).rows.map((r) => r.name);

  let proxy: TcpProxy | undefined;
  let proxied: Engine | undefined;
  beforeEach(async () => {
    if (network) return;
    proxy = await TcpProxy.start(ctx.db.url, ctx.db.name === "postgresql" ? 5432 : 3306);
    proxied = createEngine(proxy.url(ctx.db.url), { statementTimeoutMs: TIMEOUT_MS });
    // Opened before the silence: the pool's connection is the one that goes silent.
    await proxied.execute(sql`SELECT 1 AS warm`);
  });
  afterEach(async () => {
    await proxied?.dispose();
    await proxy?.close();
    proxied = proxy = undefined;
  });

  test("statementTimeoutMs must be a positive number of milliseconds; pool.prePing a boolean", () => {
    assert.throws(() => createEngine(ctx.db.url, { statementTimeoutMs: 0 }), (e: unknown) => e instanceof ArgumentError && /statementTimeoutMs must be a positive number/.test(e.message));
    assert.throws(() => createEngine(ctx.db.url, { statementTimeoutMs: "5s" as never }), ArgumentError);
    assert.throws(() => createEngine(ctx.db.url, { pool: { prePing: "yes" as never } }), (e: unknown) => e instanceof ArgumentError && /pool\.prePing must be true or false/.test(e.message));
  });

  test("SQLite accepts statementTimeoutMs and pool.prePing, which do not apply: a write waiting longer than the limit for another connection's lock waits, and commits", { skip: !network && "the network dialects are tested below" }, async () => {
    const file = join(process.env.ATHANOR_TEST_TMP ?? tmpdir(), `athanor-silent-${process.pid}.db`);
    const engine = createEngine(`sqlite:///${file}`, { statementTimeoutMs: 50, pool: { prePing: true } });
    try {
      await metadata.createAll(engine);
      const holder = await engine.connect();
      const tx = await holder.begin();
      await holder.execute(insert(items).values({ name: "held" }));
      const waiting = engine.execute(insert(items).values({ name: "waited" })); // busy: retried, asynchronously
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.commit();
      await holder.close();
      await waiting;
      assert.deepEqual((await engine.execute(select(items.c.name).orderBy(items.c.name))).rows.map((r) => r.name), ["held", "waited"]);
    } finally {
      await engine.dispose();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    }
  });

  test("a read sent to a server gone silent fails after statementTimeoutMs (it waited for ever): a retryable lost connection, and the pool opens another", { skip: network }, async () => {
    proxy!.goSilent();
    const start = performance.now();
    await assert.rejects(settlesWithin(proxied!.execute(sql`SELECT 2 AS two`)), lostAfterDeadline);
    const ms = performance.now() - start;
    assert.ok(ms < 2500, `the read waited ${ms.toFixed(0)} ms with statementTimeoutMs ${TIMEOUT_MS}`);
    // The silent connection was closed, not put back: a new one (a failover's new primary) answers.
    assert.equal(await settlesWithin(proxied!.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`))), 1);
  });

  test("engine.dispose() while a returned connection's reset goes unanswered: its socket is closed after pool.disposeTimeoutMs (dispose waited pool.connectTimeoutMs, and on MariaDB for ever)", { skip: network }, async () => {
    const engine = createEngine(proxy!.url(ctx.db.url), { pool: { connectTimeoutMs: 120_000, disposeTimeoutMs: 300 } });
    try {
      const conn = await engine.connect();
      // SQL text that changes the session: the connection is reset when it goes back to the pool.
      await conn.execute(ctx.db.name === "postgresql" ? sql`SET statement_timeout = 1234` : sql`SET SESSION sql_mode = ''`);
      const open = proxy!.connections;
      proxy!.goSilent();
      await conn.close(); // its reset goes into the silence
      const start = performance.now();
      await settlesWithin(engine.dispose());
      const ms = performance.now() - start;
      assert.ok(ms >= 250 && ms < 3000, `dispose() took ${ms.toFixed(0)} ms with pool.disposeTimeoutMs 300`);
      // The socket was closed, not left half-open to the silent server.
      for (let i = 0; i < 50 && proxy!.connections >= open; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(proxy!.connections, open - 1);
    } finally {
      await engine.dispose();
    }
  });

  test("an INSERT in autocommit that reached the server before the silence: CommitOutcomeUnknownError (it may have been applied), and it was", { skip: network }, async () => {
    const silent = proxy!.silenceAfter("silent-insert");
    await assert.rejects(
      settlesWithin(proxied!.execute(insert(items).values({ name: "silent-insert" }))),
      (e: unknown) => e instanceof CommitOutcomeUnknownError && e.connectionInvalidated && !e.retryable && /statementTimeoutMs/.test(e.message),
    );
    await silent;
    assert.deepEqual(await committed(), ["silent-insert"], "the unknown outcome was a write");
  });

  test("a COMMIT that reached the server before the silence: CommitOutcomeUnknownError, the row is there, the connection is not reused", { skip: network }, async () => {
    const conn = await proxied!.connect();
    try {
      const tx = await conn.begin();
      await conn.execute(insert(items).values({ name: "silent-commit" }));
      const silent = proxy!.silenceAfter("COMMIT");
      await assert.rejects(settlesWithin(tx.commit()), (e: unknown) => e instanceof CommitOutcomeUnknownError && /may or may not/.test(e.message) && /statementTimeoutMs/.test(e.message));
      await silent;
      assert.equal(tx.isActive, false);
      assert.equal(conn.invalidated, true);
    } finally {
      await conn.close();
    }
    assert.deepEqual(await committed(), ["silent-commit"]);
    assert.equal(await settlesWithin(proxied!.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`))), 1);
  });

  test("a statement inside a transaction, the server gone silent: the transaction is failed, retryable, and nothing is written", { skip: network }, async () => {
    const conn = await proxied!.connect();
    try {
      const tx = await conn.begin();
      await conn.execute(insert(items).values({ name: "first" }));
      const silent = proxy!.silenceAfter("second");
      await assert.rejects(settlesWithin(conn.execute(insert(items).values({ name: "second" }))), lostAfterDeadline);
      await silent;
      assert.equal(tx.isFailed, true);
      await assert.rejects(tx.commit(), (e: unknown) => e instanceof TransactionRolledBackError && e.retryable);
      await tx.rollback();
    } finally {
      await conn.close();
    }
    assert.deepEqual(await committed(), []);
  });

  test("a stream whose server goes silent mid-result: the loop fails after statementTimeoutMs, it does not wait for ever", { skip: network }, async () => {
    const many =
      ctx.db.name === "postgresql"
        ? sql<{ n: number }>`SELECT n, repeat('x', 1000) AS pad FROM generate_series(1, 100000) AS n`
        : sql<{ n: number }>`SELECT seq AS n, REPEAT('x', 1000) AS pad FROM seq_1_to_100000`;
    let read = 0;
    const loop = async () => {
      for await (const _row of proxied!.stream(many, { yieldPer: 10 })) if (++read === 15) proxy!.goSilent();
    };
    await assert.rejects(settlesWithin(loop()), (e: unknown) => e instanceof OperationalError && e.connectionInvalidated && /statementTimeoutMs/.test(e.message));
    assert.ok(read < 100_000);
  });

  /** Seconds until the first keepalive probe on the socket of `engine`'s connection, as ss(8) reads its timer. */
  async function keepaliveSeconds(engine: Engine): Promise<number> {
    const port = await engine.withConnection(async (conn) =>
      ctx.db.name === "postgresql"
        ? Number(await conn.scalar(sql<{ port: number }>`SELECT inet_client_port() AS port`))
        : Number(String(await conn.scalar(sql<{ host: string }>`SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()`)).split(":")[1]),
    );
    const line = execFileSync("ss", ["-tno", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
    const timer = /timer:\(keepalive,(?:(\d+)min)?(\d+(?:\.\d+)?)?(ms|sec)?/.exec(line);
    assert.ok(timer, `no keepalive timer on the socket: ${line}`);
    return Number(timer[1] ?? 0) * 60 + (timer[3] === "ms" ? Number(timer[2] ?? 0) / 1000 : Number(timer[2] ?? 0));
  }

  test("the engine's sockets have TCP keepalive after 30 s idle, so that an idle pooled connection to a dead host is found", { skip: network || (!hasSs() && "needs ss(8) to read the socket's timers") }, async () => {
    // pg had no keepalive at all; mysql2's waited for the system's idle time (2 hours on Linux).
    const engine = createEngine(ctx.db.url);
    try {
      const seconds = await keepaliveSeconds(engine);
      assert.ok(seconds <= 30 && seconds > 8, `keepalive probes start after ${seconds} s idle`);
    } finally {
      await engine.dispose();
    }
  });

  test("pool.keepAliveInitialDelayMs sets that idle time (it was fixed at 30 s)", { skip: network || (!hasSs() && "needs ss(8) to read the socket's timers") }, async () => {
    const engine = createEngine(ctx.db.url, { pool: { keepAliveInitialDelayMs: 5_000 } });
    try {
      const seconds = await keepaliveSeconds(engine);
      assert.ok(seconds <= 5, `keepalive probes start after ${seconds} s idle`);
    } finally {
      await engine.dispose();
    }
  });
});

function hasSs(): boolean {
  try {
    execFileSync("ss", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
