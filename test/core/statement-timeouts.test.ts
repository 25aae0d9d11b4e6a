/**
 * A statement cancelled by the server's own timeout (PostgreSQL `statement_timeout`, SQLSTATE
 * 57014; MariaDB `max_statement_time`, 1969), in a plain query and in the middle of a stream: the
 * caller gets the error, and the connection goes back to the pool clean: the next user's write
 * on it commits (no transaction left open under it that would swallow the write), and the next
 * read is its own (no rows of the cancelled statement). The timeouts are real.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DBAPIError, MetaData, createEngine, insert, integer, select, sql, table, type Engine } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const marks = table("core_timeout_marks", metadata, { id: integer().primaryKey(), n: integer().notNull() });

forEachDatabase("statements cancelled by the server's timeout", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const skip = ctx.db.name === "sqlite" && "SQLite has no statement timeout";
  const pg = ctx.db.name === "postgresql";
  const timeout = pg ? "SET statement_timeout = 300" : "SET SESSION max_statement_time = 0.3";
  const slowRows = pg
    ? sql<{ n: number }>`SELECT n, pg_sleep(0.01) AS s FROM generate_series(1, 1000) AS n`
    : sql<{ n: number }>`SELECT seq AS n, SLEEP(0.01) AS s FROM seq_1_to_1000`;
  // A stream reads a PostgreSQL cursor a batch at a time, each FETCH a statement of its own under
  // the timeout: one row takes a second.
  const slowRow = pg
    ? sql<{ n: number }>`SELECT n, pg_sleep(CASE WHEN n = 50 THEN 1 ELSE 0 END) AS s FROM generate_series(1, 1000) AS n`
    : sql<{ n: number }>`SELECT seq AS n, SLEEP(IF(seq = 50, 1, 0)) AS s FROM seq_1_to_1000`;
  const cancelled = (e: unknown) => e instanceof DBAPIError && (pg ? e.code === "57014" : /max_statement_time|interrupted/i.test(e.message));

  /** One connection, with the timeout: every statement below runs on it. */
  const engineWithTimeout = (): Engine => createEngine(ctx.db.url, { pool: { max: 1, connectStatements: [timeout] } });

  async function cleanAfterwards(engine: Engine): Promise<void> {
    await engine.execute(insert(marks).values({ id: 1, n: 7 }));
    const elsewhere = await ctx.engine.execute(select(marks.c.n));
    assert.deepEqual(elsewhere.rows.map((r) => r.n), [7], "the write after the cancel is committed, seen by another connection");
    assert.equal(await engine.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)), 1);
  }

  test("a query cancelled by the timeout fails; the pooled connection is clean", { skip }, async () => {
    const engine = engineWithTimeout();
    try {
      await assert.rejects(engine.execute(slowRows), cancelled);
      await cleanAfterwards(engine);
    } finally {
      await engine.dispose();
    }
  });

  test("a stream cancelled by the timeout fails (it does not end short); the pooled connection is clean", { skip }, async () => {
    const engine = engineWithTimeout();
    try {
      let read = 0;
      await assert.rejects(
        (async () => {
          for await (const _row of engine.stream(slowRow, { yieldPer: 5 })) read++;
        })(),
        cancelled,
      );
      assert.ok(read < 1000);
      await cleanAfterwards(engine);
    } finally {
      await engine.dispose();
    }
  });

  test("a stream whose every batch fits the timeout: PostgreSQL runs it to the end (the timeout bounds each FETCH), MariaDB cancels it (it bounds the whole query)", { skip }, async () => {
    const engine = engineWithTimeout();
    // 60 rows of 10 ms: 600 ms in all, twice the timeout; a batch of 5 takes 50 ms.
    const rows = pg ? sql<{ n: number }>`SELECT n, pg_sleep(0.01) AS s FROM generate_series(1, 60) AS n` : sql<{ n: number }>`SELECT seq AS n, SLEEP(0.01) AS s FROM seq_1_to_60`;
    try {
      let read = 0;
      const loop = (async () => {
        for await (const _row of engine.stream(rows, { yieldPer: 5 })) read++;
      })();
      if (pg) {
        await loop;
        assert.equal(read, 60);
      } else {
        await assert.rejects(loop, cancelled);
        assert.ok(read < 60);
      }
      await cleanAfterwards(engine);
    } finally {
      await engine.dispose();
    }
  });

  test("in a transaction: the cancel fails it, commit refuses, and the connection is clean after rollback", { skip }, async () => {
    const engine = engineWithTimeout();
    try {
      const conn = await engine.connect();
      try {
        const tx = await conn.begin();
        await conn.execute(insert(marks).values({ id: 2, n: 1 }));
        await assert.rejects(conn.execute(slowRows), cancelled);
        if (pg) await assert.rejects(tx.commit(), /rolled back|can only be rolled back/);
        else await tx.rollback();
        if (tx.isActive) await tx.rollback();
      } finally {
        await conn.close();
      }
      assert.equal((await ctx.engine.execute(select(marks.c.n))).rows.length, 0, "nothing of the failed transaction");
      await cleanAfterwards(engine);
    } finally {
      await engine.dispose();
    }
  });
});
