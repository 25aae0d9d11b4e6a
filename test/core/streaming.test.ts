/**
 * Streaming with bounded memory: `engine.stream` / `connection.stream` read a query's rows in
 * batches through a server-side cursor (PostgreSQL DECLARE/FETCH, MySQL/MariaDB's row stream,
 * SQLite's statement iterator), converted as `execute` converts them; leaving the loop early
 * closes the cursor and gives the connection back.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, MetaData, StreamInProgressError, datetime, deleteFrom, insert, integer, select, sql, string, table } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const events = table("core_stream_events", metadata, {
  id: integer().primaryKey(),
  name: string(30).notNull(),
  at: datetime().notNull(),
});

const ROWS = 5000;
const seed = Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, name: `event ${i + 1}`, at: new Date(Date.UTC(2024, 0, 1, 0, 0, i)) }));
const ordered = select(events.c.id, events.c.name, events.c.at).from(events).orderBy(events.c.id);

async function withinOneSecond<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no connection within 1 s")), 1000)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

forEachDatabase("streaming (Core)", (ctx) => {
  useSchema(ctx, metadata);
  test("seed", async () => {
    for (let i = 0; i < ROWS; i += 1000) await ctx.engine.execute(insert(events).values(seed.slice(i, i + 1000)));
  });

  test("engine.stream reads 5,000 rows in batches of 100, equal to a plain query's (converted the same way)", async () => {
    const plain = (await ctx.engine.execute(ordered)).rows;
    const streamed = [];
    for await (const row of ctx.engine.stream(ordered, { yieldPer: 100 })) streamed.push(row);
    assert.equal(streamed.length, ROWS);
    assert.ok(streamed[0]!.at instanceof Date);
    assert.deepEqual(streamed, plain);
  });

  test("connection.streamCompiled yields batches of yieldPer rows, the last one shorter", async () => {
    const conn = await ctx.engine.connect();
    try {
      const sizes: number[] = [];
      for await (const batch of conn.streamCompiled(conn.compile(ordered), { yieldPer: 1200 })) sizes.push(batch.length);
      assert.deepEqual(sizes, [1200, 1200, 1200, 1200, 200]);
    } finally {
      await conn.close();
    }
  });

  test("breaking after 10 rows closes the cursor and returns the connection: a pool of one connects again at once", async () => {
    // An in-memory SQLite database is one connection already (and a new engine would be another database).
    const own = ctx.db.name !== "sqlite";
    const engine = own ? engineFor(ctx.db, { pool: { max: 1, acquireTimeoutMs: 1000 } }) : ctx.engine;
    try {
      const seen = [];
      for await (const row of engine.stream(ordered, { yieldPer: 100 })) {
        seen.push(row.id);
        if (seen.length === 10) break;
      }
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const conn = await withinOneSecond(engine.connect()); // it times out if the stream kept the connection
      try {
        assert.equal(Number((await conn.execute(sql<{ n: number }>`SELECT count(*) AS n FROM core_stream_events`)).rows[0]!.n), ROWS);
        if (ctx.db.name === "postgresql") {
          // The same backend (pool of one): its cursors are listed in pg_cursors.
          const open = await conn.execute(sql<{ n: number }>`SELECT count(*) AS n FROM pg_cursors`);
          assert.equal(Number(open.rows[0]!.n), 0);
          assert.equal(conn.inTransaction, false);
        }
      } finally {
        await conn.close();
      }
    } finally {
      if (own) await engine.dispose();
    }
  });

  test("an error thrown in the loop closes the cursor; a stream inside the connection's own transaction leaves it open", async () => {
    const conn = await ctx.engine.connect();
    try {
      const tx = await conn.begin();
      await assert.rejects(async () => {
        for await (const row of conn.stream(ordered, { yieldPer: 50 })) if (row.id === 75) throw new Error("stop here");
      }, /stop here/);
      assert.ok(tx.isActive);
      if (ctx.db.name === "postgresql") {
        assert.equal(Number((await conn.execute(sql<{ n: number }>`SELECT count(*) AS n FROM pg_cursors`)).rows[0]!.n), 0);
      }
      assert.equal(Number((await conn.execute(sql<{ n: number }>`SELECT count(*) AS n FROM core_stream_events`)).rows[0]!.n), ROWS);
      await tx.commit();
    } finally {
      await conn.close();
    }
  });

  test("another statement inside the loop: runs beside the cursor (PostgreSQL, SQLite) or is refused with StreamInProgressError (MySQL/MariaDB)", async () => {
    const conn = await ctx.engine.connect();
    try {
      let inner: unknown;
      for await (const row of conn.stream(ordered, { yieldPer: 10 })) {
        try {
          inner = (await conn.execute(select(events.c.name).from(events).where(events.c.id.eq(row.id)))).rows[0]!.name;
        } catch (error) {
          inner = error;
        }
        break;
      }
      if (ctx.db.name === "mysql") {
        assert.ok(inner instanceof StreamInProgressError, String(inner));
        assert.match((inner as Error).message, /Finish or leave the loop first/);
      } else assert.equal(inner, "event 1");
      // Usable again once the loop is left.
      assert.equal((await conn.execute(select(events.c.name).from(events).where(events.c.id.eq(2)))).rows[0]!.name, "event 2");
    } finally {
      await conn.close();
    }
  });

  test("a write inside the loop: runs beside the cursor on PostgreSQL; StreamInProgressError on SQLite and MySQL/MariaDB, and the connection goes on", async () => {
    const conn = await ctx.engine.connect();
    try {
      const tx = await conn.begin();
      let outcome: unknown = "written";
      for await (const _ of conn.stream(ordered, { yieldPer: 10 })) {
        try {
          await conn.execute(insert(events).values({ id: ROWS + 1, name: "late", at: new Date(0) }));
        } catch (error) {
          outcome = error;
        }
        break;
      }
      if (ctx.db.name === "postgresql") assert.equal(outcome, "written");
      else {
        assert.ok(outcome instanceof StreamInProgressError, String(outcome));
        assert.match((outcome as Error).message, /Finish or leave the loop first/);
      }
      assert.ok(tx.isActive, "a refused statement does not fail the transaction");
      await tx.rollback();
    } finally {
      await conn.close();
    }
  });

  test("a write with RETURNING inside the loop: runs beside the cursor on PostgreSQL; refused on SQLite (it moved rows under the cursor, which read them again) and MySQL/MariaDB", async () => {
    const conn = await ctx.engine.connect();
    try {
      const tx = await conn.begin();
      const ids: number[] = [];
      let outcome: unknown = "written";
      for await (const row of conn.stream(select(events.c.id).from(events).where(events.c.id.le(6)).orderBy(events.c.id), { yieldPer: 2 })) {
        ids.push(row.id);
        if (row.id !== 2) continue;
        // MariaDB has no UPDATE ... RETURNING: a DELETE ... RETURNING is refused there the same way.
        const moving = ctx.db.name === "mysql" ? sql`DELETE FROM core_stream_events WHERE id <= 2 RETURNING id` : sql`UPDATE core_stream_events SET id = id + ${ROWS + 100} WHERE id <= 2 RETURNING id`;
        await conn.execute(moving).catch((error: unknown) => (outcome = error));
      }
      if (ctx.db.name === "postgresql") assert.equal(outcome, "written");
      else assert.ok(outcome instanceof StreamInProgressError, String(outcome));
      assert.deepEqual(ids, [1, 2, 3, 4, 5, 6], "the stream read rows twice");
      await tx.rollback();
    } finally {
      await conn.close();
    }
  });

  test("COMMIT or a savepoint's ROLLBACK refused while a stream holds the connection: the transaction stays open, and ends as asked once the loop has", { skip: ctx.db.name === "postgresql" && "PostgreSQL runs them beside the cursor" }, async () => {
    // MariaDB's refusal used to end the Transaction though nothing was sent: the database's stayed
    // open, statements "in autocommit" then ran inside it and were lost with the connection.
    const conn = await ctx.engine.connect();
    const late = (id: number) => conn.execute(insert(events).values({ id, name: "late", at: new Date(0) }));
    try {
      const tx = await conn.begin();
      await late(ROWS + 1);
      const sp = await conn.beginNested();
      await late(ROWS + 2);
      const refused: unknown[] = [];
      for await (const _ of conn.stream(ordered, { yieldPer: 10 })) {
        await sp.rollback().catch((error: unknown) => refused.push(error));
        await tx.commit().catch((error: unknown) => refused.push(error));
        break;
      }
      assert.equal(refused.length, 2);
      for (const error of refused) assert.ok(error instanceof StreamInProgressError, String(error));
      assert.ok(sp.isActive && tx.isActive, "nothing was sent: both are still open");
      await sp.rollback();
      await tx.commit();
    } finally {
      await conn.close();
    }
    const ids = (await ctx.engine.execute(select(events.c.id).from(events).where(events.c.id.gt(ROWS)))).rows.map((r) => r.id);
    await ctx.engine.execute(sql`DELETE FROM core_stream_events WHERE id > ${ROWS}`);
    assert.deepEqual(ids, [ROWS + 1], "the transaction's row, not the savepoint's");
  });

  test("an INSERT or DELETE ... RETURNING streamed: runs whole and yields its rows (PostgreSQL declares no cursor over a write)", async () => {
    const added = Array.from({ length: 250 }, (_, i) => ({ id: ROWS + 1 + i, name: `added ${i}`, at: new Date(Date.UTC(2025, 0, 1)) }));
    const sizes: number[] = [];
    const conn = await ctx.engine.connect();
    try {
      const write = insert(events).values(added).returning(events.c.id, events.c.name);
      for await (const batch of conn.streamCompiled<{ id: number; name: string }>(conn.compile(write), { yieldPer: 100 })) sizes.push(batch.length);
      const text = sql<{ id: number }>`INSERT INTO core_stream_events (id, name, at) VALUES (${ROWS + 251}, 'text', ${new Date(Date.UTC(2025, 0, 1))}) RETURNING id`;
      const fromText = [];
      for await (const row of conn.stream(text)) fromText.push(Number(row.id));
      assert.deepEqual(fromText, [ROWS + 251]);
    } finally {
      await conn.close();
    }
    assert.deepEqual(sizes, [100, 100, 50]);
    const streamed = [];
    for await (const row of ctx.engine.stream(insert(events).values({ id: ROWS + 252, name: "one", at: new Date(0) }).returning(events.c.name))) streamed.push(row.name);
    assert.deepEqual(streamed, ["one"]);
    if (ctx.engine.dialect.capabilities.deleteReturning) {
      const deleted = [];
      for await (const row of ctx.engine.stream(deleteFrom(events).where(events.c.id.gt(ROWS)).returning(events.c.id), { yieldPer: 50 })) deleted.push(Number(row.id));
      assert.equal(deleted.length, 252);
    } else await ctx.engine.execute(deleteFrom(events).where(events.c.id.gt(ROWS)));
    assert.equal(Number((await ctx.engine.execute(sql<{ n: number }>`SELECT count(*) AS n FROM core_stream_events`)).rows[0]!.n), ROWS);
  });

  test("yieldPer must be a positive integer: ArgumentError before any SQL", async () => {
    for (const yieldPer of [0, -1, 1.5]) {
      await assert.rejects(async () => {
        for await (const _ of ctx.engine.stream(ordered, { yieldPer })) break;
      }, (error: unknown) => error instanceof ArgumentError && /yieldPer must be a positive integer/.test((error as Error).message));
    }
  });
});
