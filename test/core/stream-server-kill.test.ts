/**
 * The server ends the connection while a stream is open, as a restart or an administrator does
 * (PostgreSQL `pg_terminate_backend`, MariaDB `KILL`), or cancels its statement
 * (`pg_cancel_backend`, `KILL QUERY`): the loop must fail, never end as if every row had been read
 * (fewer rows presented as the whole result), and the pool must go on, its next user reading its
 * own rows. The termination is real, sent by another connection. (A PostgreSQL stream reads a
 * cursor a batch at a time: a cancel that arrives between two FETCHes finds no statement and does
 * nothing, so the cancel is sent while a FETCH sleeps in a slow row.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DBAPIError, createEngine, sql } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

forEachDatabase("the server ends a streaming connection", (ctx) => {
  const skip = ctx.db.name === "sqlite" && "SQLite runs in-process: no server to end the connection";
  const pg = ctx.db.name === "postgresql";
  /** Once the connection's statement sleeps in the slow row: a statement is under way to cancel. */
  async function sleeping(id: number): Promise<void> {
    const asleep = pg
      ? sql.raw(`SELECT 1 AS x FROM pg_stat_activity WHERE pid = ${id} AND wait_event = 'PgSleep'`)
      : sql.raw(`SELECT 1 AS x FROM information_schema.processlist WHERE id = ${id} AND state = 'User sleep'`);
    while (!(await ctx.engine.execute(asleep)).rows.length) await new Promise((r) => setTimeout(r, 20));
  }
  /** The server ends the connection (a restart, an administrator), or cancels its statement. */
  const stop = (id: number, how: "end" | "cancel") =>
    pg ? sql.raw(`SELECT ${how === "end" ? "pg_terminate_backend" : "pg_cancel_backend"}(${id})`) : sql.raw(`KILL ${how === "end" ? "" : "QUERY "}${id}`);

  for (const [yieldPer, how] of [[10, "end"], [1000, "end"], [10, "cancel"], [1000, "cancel"]] as const) {
    test(`${how === "end" ? "ended" : "its statement cancelled"}: the loop fails, having read fewer rows than the query has (yieldPer ${yieldPer}); the pool goes on, clean`, { skip, timeout: 30_000 }, async () => {
      const engine = createEngine(ctx.db.url, { pool: { max: 1 } });
      try {
        const conn = await engine.connect();
        const id = Number(await conn.scalar(pg ? sql<{ id: number }>`SELECT pg_backend_pid() AS id` : sql<{ id: number }>`SELECT CONNECTION_ID() AS id`));
        const many = pg
          ? sql<{ n: number }>`SELECT n, repeat('x', 200) AS pad, pg_sleep(CASE WHEN n = 5000 THEN 2 ELSE 0 END) AS s FROM generate_series(1, 200000) AS n`
          : sql<{ n: number }>`SELECT seq AS n, REPEAT('x', 200) AS pad, SLEEP(IF(seq = 5000, 2, 0)) AS s FROM seq_1_to_200000`;
        let read = 0;
        let stopping: Promise<unknown> | undefined;
        const loop = async () => {
          try {
            for await (const _row of conn.stream(many, { yieldPer })) {
              // While the stream reads on, its statement under way (a PostgreSQL cursor's FETCH runs only while rows are asked for).
              if (++read === 25) stopping = sleeping(id).then(() => ctx.engine.execute(stop(id, how)));
            }
          } finally {
            await conn.close();
          }
        };
        const outcome = await loop().then(
          () => undefined,
          (error: unknown) => error,
        );
        await stopping;
        assert.ok(outcome instanceof DBAPIError, `the loop must fail; it ended after ${read} of 200000 rows (${String(outcome)})`);
        assert.ok(read < 200_000);
        // The next user of the pool reads its own rows (none of the stopped query's), and its write commits.
        assert.deepEqual(await engine.withConnection(async (c) => (await c.execute(sql<{ one: number }>`SELECT 1 AS one`)).rows), [{ one: 1 }]);
        await engine.withConnection((c) => c.run("CREATE TEMPORARY TABLE IF NOT EXISTS kill_probe (x INTEGER)"));
        assert.equal(Number(await engine.withConnection((c) => c.scalar(sql<{ n: number }>`SELECT 2 + 3 AS n`))), 5);
      } finally {
        await engine.dispose();
      }
    });
  }
});
