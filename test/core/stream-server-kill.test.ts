/**
 * The server ends the connection while a stream is open, as a restart or an administrator does
 * (PostgreSQL `pg_terminate_backend`, MariaDB `KILL`): the loop must fail, never end as if every
 * row had been read (fewer rows presented as the whole result), and the pool must go on with a new
 * connection. The termination is real, sent by another connection.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DBAPIError, createEngine, sql } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

forEachDatabase("the server ends a streaming connection", (ctx) => {
  const skip = ctx.db.name === "sqlite" && "SQLite runs in-process: no server to end the connection";
  const pg = ctx.db.name === "postgresql";

  for (const yieldPer of [10, 1000]) {
    test(`the loop fails, having read fewer rows than the query has (yieldPer ${yieldPer}); the pool goes on`, { skip, timeout: 30_000 }, async () => {
      const engine = createEngine(ctx.db.url, { pool: { max: 1 } });
      try {
        const conn = await engine.connect();
        const id = Number(await conn.scalar(pg ? sql<{ id: number }>`SELECT pg_backend_pid() AS id` : sql<{ id: number }>`SELECT CONNECTION_ID() AS id`));
        const many = pg
          ? sql<{ n: number }>`SELECT n, repeat('x', 200) AS pad FROM generate_series(1, 200000) AS n`
          : sql<{ n: number }>`SELECT seq AS n, REPEAT('x', 200) AS pad FROM seq_1_to_200000`;
        let read = 0;
        const loop = async () => {
          try {
            for await (const _row of conn.stream(many, { yieldPer })) {
              if (++read === 25) await ctx.engine.execute(pg ? sql`SELECT pg_terminate_backend(${id})` : sql.raw(`KILL ${id}`));
            }
          } finally {
            await conn.close();
          }
        };
        const outcome = await loop().then(
          () => undefined,
          (error: unknown) => error,
        );
        assert.ok(outcome instanceof DBAPIError, `the loop must fail; it ended after ${read} of 200000 rows (${String(outcome)})`);
        assert.ok(read < 200_000);
        assert.equal(await engine.withConnection((c) => c.scalar(sql<{ one: number }>`SELECT 1 AS one`)), 1);
      } finally {
        await engine.dispose();
      }
    });
  }
});
