/**
 * Through PgBouncer in transaction mode (pool_mode = transaction, 4 server connections): each
 * transaction (each statement outside one) may run on another server connection. Named prepared
 * statements then fail, which must come out as TransactionPoolerError naming the fix; with
 * `transactionPooler: true` the Session's workloads run as on a direct connection; migrations
 * are refused, or, through the pooler unannounced, never applied twice.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { CommitOutcomeUnknownError, OperationalError, Session, TransactionPoolerError, columnsOf, createEngine, select, sessionMaker, sql, type Engine } from "../../src/index.js";
import { MigrationHistoryError, MigrationRunner, buildGraph, op, type MigrationDefinition } from "../../src/migrations/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { pgCluster, query, type PgCluster } from "./pg-cluster.js";

const MIGRATION_KEY = 0x4154484e;

describe("PgBouncer in transaction mode", () => {
  let cluster: PgCluster;
  let direct: Engine;
  before(async () => {
    cluster = await pgCluster();
    direct = createEngine(cluster.primary);
    await Base.metadata.dropAll(direct);
    await Base.metadata.createAll(direct);
    await direct.execute(sql`DROP TABLE IF EXISTS pool_probe`);
    await direct.execute(sql`CREATE TABLE pool_probe (v integer NOT NULL)`);
  });
  after(async () => {
    await Base.metadata.dropAll(direct);
    await direct.execute(sql`DROP TABLE IF EXISTS pool_probe`);
    // The migrations' version table too: the main suite's migration tests share this database.
    await direct.execute(sql`DROP TABLE IF EXISTS athanor_migrations`);
    await direct.dispose();
  });

  test("without transactionPooler, a prepared statement missing on the next server connection is a TransactionPoolerError; nothing ran", async () => {
    const engine = createEngine(cluster.bouncer, { pool: { max: 1 } });
    const pinned: pg.Client[] = [];
    try {
      const conn = await engine.connect();
      // Prepared (named) on the server connection this transaction runs on.
      const first = await conn.transaction(async (c) => {
        await c.run("INSERT INTO pool_probe (v) VALUES ($1)", [1]);
        return Number((await c.run("SELECT pg_backend_pid() AS pid")).rows[0].pid);
      });
      // Hold that server connection in a transaction of another client: the next statement of
      // `conn` runs on another one, where pg binds the name without parsing it again.
      pinned.push(...(await holdServer(cluster.bouncer, first)));
      await assert.rejects(conn.run("INSERT INTO pool_probe (v) VALUES ($1)", [2]), (error: unknown) => {
        assert.ok(error instanceof TransactionPoolerError, String(error));
        assert.equal(error.code, "26000");
        assert.match(error.message, /prepared statement "athanor_[0-9a-f]{8}_0" does not exist/);
        assert.match(error.message, /createEngine\(url, \{ transactionPooler: true \}\)/);
        return true;
      });
      await conn.close();
      assert.deepEqual((await query(cluster.primary, "SELECT v FROM pool_probe ORDER BY v")).map((r) => r.v), [1], "the second INSERT did not run");
    } finally {
      for (const client of pinned) await client.end();
      await engine.dispose();
    }
  });

  test("without transactionPooler, two engines never run each other's prepared statement (names are unique per engine)", async () => {
    await direct.execute(sql`DELETE FROM pool_probe`);
    await direct.execute(sql`INSERT INTO pool_probe (v) VALUES (5)`);
    await freshServerConnections(cluster);
    const a = createEngine(cluster.bouncer, { pool: { max: 1 } });
    const b = createEngine(cluster.bouncer, { pool: { max: 1 } });
    const pins: pg.Client[] = [];
    const ca = await a.connect();
    const cb = await b.connect();
    try {
      const pid = async (c: typeof ca) => Number((await c.run("SELECT pg_backend_pid() AS pid")).rows[0].pid);
      // Engine A's first named statement, prepared on server connection SA.
      const sa = await ca.transaction(async (c) => {
        await c.run("INSERT INTO pool_probe (v) VALUES ($1)", [6]);
        return pid(c);
      });
      // Engine B's first named statement, prepared on another one, SB, while SA is held.
      pins.push(...(await holdServer(cluster.bouncer, sa)));
      await cb.transaction(async (c) => {
        assert.notEqual(await pid(c), sa);
        await c.run("DELETE FROM pool_probe WHERE v = $1", [6]);
      });
      // SA released (COMMIT: ending a client in a transaction would close SA): PgBouncer hands
      // out the most recently released server connection first.
      for (const pin of pins) await pin.query("COMMIT");
      const outcome = await cb.run("DELETE FROM pool_probe WHERE v = $1", [5]).then(
        () => "ran",
        (error: unknown) => (error instanceof TransactionPoolerError ? "refused" : Promise.reject(error)),
      );
      const left = (await query(cluster.primary, "SELECT v FROM pool_probe ORDER BY v")).map((r) => r.v);
      // Run on SA under a shared name, B's DELETE would have been A's INSERT: a row 5 written twice.
      assert.deepEqual(left, outcome === "ran" ? [] : [5], `B's DELETE ${outcome}`);
    } finally {
      await ca.close();
      await cb.close();
      for (const pin of pins) await pin.end();
      await a.dispose();
      await b.dispose();
    }
  });

  test("without transactionPooler, concurrent statements through the pooler fail only with TransactionPoolerError", async () => {
    const engine = createEngine(cluster.bouncer, { pool: { max: 8 } });
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        for (let k = 0; k < 20; k++) await engine.execute(sql`SELECT ${i}::int + ${k}::int AS n`).catch((error: unknown) => failures.push(error));
      }),
    );
    await engine.dispose();
    assert.ok(failures.length > 0, "named statements do break behind PgBouncer in transaction mode");
    for (const error of failures) assert.ok(error instanceof TransactionPoolerError, String(error));
  });

  test("with transactionPooler: true, concurrent sessions commit, query, stream and roll back savepoints through the pooler", async () => {
    const engine = createEngine(cluster.bouncer, { transactionPooler: true, pool: { max: 8 } });
    const Sessions = sessionMaker(engine);
    try {
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          for (let k = 0; k < 5; k++) {
            await Sessions.transaction(async (session) => {
              const author = Object.assign(new User(), { email: `w${w}-${k}@x`, name: `w${w}` });
              session.add(author);
              for (let p = 0; p < 3; p++) session.add(Object.assign(new Post(), { author, title: `w${w}-${k}-${p}` }));
              await session.flush();
              const sp = await session.beginNested();
              session.add(Object.assign(new Post(), { author, title: "rolled back" }));
              await sp.commit();
              await session.beginNested().then((nested) => nested.rollback());
              const mine = await session.scalars(select(Post).where(columnsOf(Post).authorId.eq(author.id)));
              assert.equal(mine.length, 4);
            });
          }
          const session = new Session(engine);
          const users = await session.scalars(select(User).where(columnsOf(User).name.eq(`w${w}`)));
          assert.equal(users.length, 5);
          let streamed = 0;
          for await (const post of session.stream(select(Post).where(columnsOf(Post).authorId.in(users.map((u) => u.id))), { yieldPer: 3 })) streamed += post.title.startsWith(`w${w}-`) ? 1 : 0;
          assert.equal(streamed, 15);
          users[0]!.name = "renamed";
          await session.commit();
          await session.close();
        }),
      );
      const [row] = await query(cluster.primary, "SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM users WHERE name = 'renamed')::int AS renamed");
      assert.deepEqual(row, { users: 40, posts: 160, renamed: 8 }, "every row once, none lost");
    } finally {
      await engine.dispose();
    }
  });

  test("statementTimeoutMs through the pooler: a write in autocommit waiting for a lock is cancelled at the server and never applies; a flush's UPDATE never commits", async () => {
    await direct.execute(sql`DELETE FROM posts`);
    await direct.execute(sql`DELETE FROM users`);
    await direct.execute(sql`INSERT INTO users (id, email, name) VALUES (1, 'a@x', 'first')`);
    const holder = await direct.connect();
    const held = await holder.begin();
    await holder.execute(sql`UPDATE users SET name = 'holder' WHERE id = 1`);
    const timed = createEngine(cluster.bouncer, { transactionPooler: true, statementTimeoutMs: 300, pool: { max: 1 } });
    const waiting = async () => Number((await query(cluster.primary, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'UPDATE %users%'"))[0]!.n);
    try {
      await assert.rejects(timed.execute(sql`UPDATE users SET email = 'late@x' WHERE id = 1`), CommitOutcomeUnknownError);
      const session = new Session(timed);
      const user = (await session.get(User, 1))!;
      user.name = "abandoned";
      await assert.rejects(session.commit(), (e: unknown) => e instanceof OperationalError && e.connectionInvalidated);
      await session.rollback();
      await session.close();
      // The CancelRequests went through PgBouncer while the clients were still connected: both statements stopped.
      for (let i = 0; i < 40 && (await waiting()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await waiting(), 0);
      // The pool's slot was free at once: the next statement runs on a new server connection.
      assert.equal((await timed.execute(sql<{ n: number }>`SELECT count(*)::int AS n FROM users`)).rows[0]!.n, 1);
      await held.rollback();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(await query(cluster.primary, "SELECT email, name FROM users WHERE id = 1"), [{ email: "a@x", name: "first" }]);
    } finally {
      if (held.isActive) await held.rollback();
      await holder.close();
      await timed.dispose();
    }
  });

  describe("migrations", () => {
    const slow: MigrationDefinition = {
      id: "20261205000000_pooled",
      parents: [],
      message: "pooled",
      // A step that takes a while, so that two runs overlap; then one that must happen once.
      up: [op.execute("SELECT pg_sleep(0.3)"), op.execute("INSERT INTO pool_probe (v) VALUES (100)")],
      down: [op.execute("DELETE FROM pool_probe WHERE v = 100")],
    };
    const graph = buildGraph([{ id: slow.id, file: "<test>", definition: slow, checksum: "pooled" }]);
    async function run(engine: Engine): Promise<string[]> {
      const connection = await engine.connect();
      try {
        return await new MigrationRunner({ connection, graph }).up();
      } finally {
        await connection.close();
      }
    }
    async function reset(): Promise<void> {
      await direct.execute(sql`DROP TABLE IF EXISTS athanor_migrations`);
      await direct.execute(sql`DELETE FROM pool_probe`);
    }
    const applied = async () => (await query(cluster.primary, "SELECT count(*)::int AS n FROM pool_probe WHERE v = 100"))[0]!.n;
    const locksLeft = async () => (await query(cluster.primary, `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = ${MIGRATION_KEY}`))[0]!.n;

    test("with transactionPooler: true, migrate is refused before anything is applied, naming the fix", async () => {
      await reset();
      const engine = createEngine(cluster.bouncer, { transactionPooler: true });
      try {
        await assert.rejects(run(engine), (error: unknown) => {
          assert.ok(error instanceof MigrationHistoryError, String(error));
          assert.match(error.message, /cannot run through a pooler in transaction mode .*Nothing was applied.*directly/s);
          return true;
        });
      } finally {
        await engine.dispose();
      }
      assert.equal(await applied(), 0);
      assert.equal(await locksLeft(), 0, "no lock taken, none left behind");
    });

    test("through the pooler unannounced, two runs at once apply the migration once", async () => {
      await reset();
      const engines = [createEngine(cluster.bouncer), createEngine(cluster.bouncer)];
      try {
        const outcomes = await Promise.allSettled(engines.map((engine) => run(engine)));
        assert.equal(await applied(), 1, `applied once (${outcomes.map((o) => (o.status === "fulfilled" ? o.value.join() || "nothing" : String(o.reason).split("\n")[0])).join(" | ")})`);
        assert.ok(outcomes.some((o) => o.status === "fulfilled" && o.value.length === 1), "one run applied it");
      } finally {
        await Promise.all(engines.map((engine) => engine.dispose()));
      }
    });
  });
});

/**
 * Clients holding transactions through PgBouncer until one runs on the server connection `pid`
 * (the last returned); the others' transactions are ended. End the clients to release them.
 */
async function holdServer(bouncer: string, pid: number): Promise<pg.Client[]> {
  const held: pg.Client[] = [];
  for (let tries = 0; tries < 8; tries++) {
    const client = new pg.Client({ connectionString: bouncer });
    await client.connect();
    await client.query("BEGIN");
    held.push(client);
    if (Number((await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid) === pid) {
      for (const other of held.slice(0, -1)) await other.query("COMMIT").then(() => other.end());
      return [client];
    }
  }
  for (const client of held) await client.end();
  throw new Error(`no transaction through PgBouncer ran on server connection ${pid}`);
}

/** Closes PgBouncer's server connections to the test database: no statement prepared by an earlier test or run is left on them. */
async function freshServerConnections(cluster: PgCluster): Promise<void> {
  const admin = new URL(cluster.bouncer);
  const database = admin.pathname.slice(1);
  admin.pathname = "/pgbouncer";
  await query(admin.toString(), `KILL ${database}`);
  await query(admin.toString(), `RESUME ${database}`);
}
