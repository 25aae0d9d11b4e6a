/**
 * The engine options for clusters, where no cluster is needed (the replica and PgBouncer
 * themselves are in test/cluster, `npm run test:cluster`): `readOnly` sessions refuse to write
 * before sending anything, on every database; on PostgreSQL the server refuses the engine's
 * writes too; `transactionPooler` is checked, and refuses migrations; the migration lock is not
 * taken by a server session that already holds it (what a pooler's shared session would do).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { repoRoot as root } from "../support/repo-root.js";
import { after, before, describe, test } from "node:test";
import { ArgumentError, ReadOnlyDatabaseError, ReadOnlySessionError, Session, createEngine, inspect, insert, select, update, sql, type Engine } from "../../src/index.js";
import { MigrationHistoryError, MigrationRunner, buildGraph, op, type MigrationDefinition } from "../../src/migrations/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { testDatabases } from "../support/databases.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

test("the cluster options are checked when the engine is made", () => {
  assert.throws(() => createEngine("sqlite::memory:", { transactionPooler: true }), (e: unknown) => e instanceof ArgumentError && /transactionPooler is a PostgreSQL option/.test(e.message));
  assert.throws(
    () => createEngine("postgresql://u@127.0.0.1/db", { transactionPooler: true, pool: { preparedStatements: true } }),
    (e: unknown) => e instanceof ArgumentError && /preparedStatements: true cannot go with transactionPooler: true/.test(e.message),
  );
  assert.throws(() => createEngine("sqlite::memory:", { readOnly: "yes" as unknown as boolean }), (e: unknown) => e instanceof ArgumentError && /readOnly must be true or false/.test(e.message));
  createEngine("postgresql://u@127.0.0.1/db", { transactionPooler: true, readOnly: true });
});

forEachDatabaseWithSchema(
  "a session on a readOnly engine",
  Base.metadata,
  (ctx) => {
    let readOnly: Engine;
    const sent: string[] = [];
    before(() => {
      readOnly = createEngine(ctx.db.url, { readOnly: true, echo: (message) => void sent.push(message.split("\n")[0]!) });
    });
    after(() => readOnly.dispose());

    test("refuses to flush or run DML before sending anything; its changes stay pending and it goes on reading", async () => {
      const writer = ctx.session();
      writer.add(Object.assign(new User(), { email: "ann@x", name: "Ann" }));
      await writer.commit();
      const session = new Session(readOnly);
      try {
        const [ann] = await session.scalars(select(User));
        ann!.name = "Changed";
        const bob = Object.assign(new User(), { email: "bob@x" });
        session.add(bob);
        session.delete(ann!);
        sent.length = 0;
        await assert.rejects(session.commit(), (error: unknown) => error instanceof ReadOnlySessionError && /cannot flush: User \(1 new, 1 deleted\)\. Nothing was sent/.test(error.message));
        await assert.rejects(session.scalars(select(User)), ReadOnlySessionError, "the autoflush before a query is refused too");
        assert.deepEqual(sent, [], "nothing reached the database");
        assert.equal(inspect(bob).status, "pending");
        await session.rollback();
        await assert.rejects(session.execute(update(User).values({ name: "x" })), (error: unknown) => error instanceof ReadOnlySessionError && /cannot run an UPDATE/.test(error.message));
        await assert.rejects(session.execute(insert(User).values({ email: "carl@x" })), ReadOnlySessionError);
        assert.deepEqual((await session.scalars(select(User))).map((u) => u.name), ["Ann"]);
        await session.commit();
      } finally {
        await session.close();
      }
      assert.equal(await ctx.count("users"), 1);
    });

    test("the database refuses the engine's own SQL text that writes (PostgreSQL default_transaction_read_only, MariaDB tx_read_only, SQLite query_only)", async () => {
      const write = sql`INSERT INTO users (email) VALUES ('text@x')`;
      await assert.rejects(readOnly.execute(write), (e: unknown) => e instanceof ReadOnlyDatabaseError && /Nothing was written/.test(e.message));
      await assert.rejects(readOnly.transaction((conn) => conn.execute(write)), ReadOnlyDatabaseError);
      const session = new Session(readOnly);
      try {
        await assert.rejects(session.execute(write), ReadOnlyDatabaseError);
        await session.rollback();
        assert.deepEqual(await session.scalars(select(User)), [], "and it goes on reading");
      } finally {
        await session.close();
      }
      assert.equal(await ctx.count("users"), 0);
    });
  },
  { createOnce: true, sqliteFile: true },
);

test("docs/clusters.md's read-only example is examples/read-replica.ts, and it prints what its comments say", () => {
  const example = readFileSync(`${root}/examples/read-replica.ts`, "utf8");
  assert.ok(readFileSync(`${root}/docs/clusters.md`, "utf8").includes("```ts\n" + example + "```"), "the guide embeds the example verbatim");
  const out = execFileSync(process.execPath, ["--import", "tsx", "examples/read-replica.ts"], { cwd: root, encoding: "utf8" });
  const promised = example.trimEnd().split("\n").slice(-2).map((line) => line.replace(/^\/\/ /, ""));
  assert.deepEqual(out.trimEnd().split("\n"), promised);
});

const postgres = (await testDatabases()).find((d) => d.name === "postgresql")!;

describe("PostgreSQL: readOnly and transactionPooler", { skip: postgres.skip }, () => {
  let direct: Engine;
  before(async () => {
    direct = createEngine(postgres.url);
    await direct.execute(sql`DROP TABLE IF EXISTS athanor_migrations`);
    await direct.execute(sql`DROP TABLE IF EXISTS lock_probe`);
    await direct.execute(sql`CREATE TABLE lock_probe (v integer)`);
  });
  after(async () => {
    await direct.execute(sql`DROP TABLE IF EXISTS athanor_migrations`);
    await direct.execute(sql`DROP TABLE IF EXISTS lock_probe`);
    await direct.dispose();
  });

  test("readOnly: the server refuses the engine's writes (default_transaction_read_only): ReadOnlyDatabaseError, nothing written", async () => {
    const guarded = createEngine(postgres.url, { readOnly: true });
    try {
      await assert.rejects(guarded.execute(sql`INSERT INTO lock_probe (v) VALUES (1)`), (e: unknown) => e instanceof ReadOnlyDatabaseError && e.code === "25006");
      await assert.rejects(guarded.transaction((conn) => conn.run("INSERT INTO lock_probe (v) VALUES (2)")), ReadOnlyDatabaseError);
      assert.equal((await guarded.execute(sql<{ n: number }>`SELECT count(*)::int AS n FROM lock_probe`)).rows[0]!.n, 0);
    } finally {
      await guarded.dispose();
    }
  });

  const migration: MigrationDefinition = { id: "20261205000000_probe", parents: [], message: "probe", up: [op.execute("INSERT INTO lock_probe (v) VALUES (7)")], down: [] };
  const graph = buildGraph([{ id: migration.id, file: "<test>", definition: migration, checksum: "probe" }]);
  const applied = async () => Number((await direct.execute(sql<{ n: number }>`SELECT count(*)::int AS n FROM lock_probe WHERE v = 7`)).rows[0]!.n);

  test("transactionPooler: migrations are refused before the lock, nothing applied", async () => {
    const pooled = createEngine(postgres.url, { transactionPooler: true });
    const connection = await pooled.connect();
    try {
      await assert.rejects(new MigrationRunner({ connection, graph }).up(), (e: unknown) => e instanceof MigrationHistoryError && /transactionPooler: true.*Nothing was applied/s.test(e.message));
    } finally {
      await connection.close();
      await pooled.dispose();
    }
    assert.equal(await applied(), 0);
  });

  test("a server session that holds the migration lock already (a pooler's, shared with another run) does not take it again", async () => {
    const connection = await direct.connect();
    try {
      // What a run through a pooler leaves on the server connection it took the lock on.
      await connection.run("SELECT pg_advisory_lock(1096042574)");
      await assert.rejects(new MigrationRunner({ connection, graph }).up(), (e: unknown) => e instanceof MigrationHistoryError && /holds the migration lock already.*Nothing was applied/s.test(e.message));
      assert.equal(await applied(), 0, "PostgreSQL would have granted the lock again, and the run applied it beside the other");
    } finally {
      await connection.run("SELECT pg_advisory_unlock_all()");
      await connection.close();
    }
  });
});
