/**
 * Prepared statements are bounded per connection (`pool.maxPreparedStatements`, default 256):
 * MariaDB/MySQL closes the least recently used on the server (mysql2's LRU sends
 * COM_STMT_CLOSE), PostgreSQL names at most that many statement texts. Counted on the server.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { literal, select, sql } from "../../src/index.js";
import { engineFor, testDatabases } from "../support/databases.js";

const BOUND = 20;
for (const db of await testDatabases()) {
  if (db.name === "sqlite") continue;
  test(`${db.name}: more distinct statements than maxPreparedStatements keep at most that many prepared on the connection`, { skip: db.skip }, async () => {
    const engine = engineFor(db, { pool: { max: 1, maxPreparedStatements: BOUND } });
    try {
      const conn = await engine.connect();
      const counts: number[] = [];
      try {
        const prepared = async () => {
          if (db.name === "postgresql") return Number((await conn.execute(sql<{ n: number }>`SELECT count(*) AS n FROM pg_prepared_statements`)).rows[0]!.n);
          // Prepared_stmt_count is global (other connections count too); this session's prepares minus its closes are its own.
          const rows = (await conn.execute(sql<{ Variable_name: string; Value: string }>`SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_prepare', 'Com_stmt_close')`)).rows;
          const value = (name: string) => Number(rows.find((r) => r.Variable_name.toLowerCase() === name)!.Value);
          return value("com_stmt_prepare") - value("com_stmt_close");
        };
        const start = await prepared();
        for (let i = 0; i < 5 * BOUND; i++) {
          await conn.execute(select(literal(i).label(`n${i}`)).where(sql`${i} = ${i}`));
          if (i % 10 === 9) counts.push((await prepared()) - start);
        }
      } finally {
        await conn.close();
      }
      assert.equal(counts.length, 10);
      assert.ok(Math.max(...counts) <= BOUND + 1, `prepared statements seen: ${counts}`);
      assert.ok(Math.max(...counts) >= BOUND - 1, `the bound was reached: ${counts}`);
    } finally {
      await engine.dispose();
    }
  });
}

for (const db of await testDatabases()) {
  if (db.name !== "postgresql") continue;
  test("postgresql: schema changes through the engine do not add up prepared statements on a connection", { skip: db.skip }, async () => {
    const engine = engineFor(db, { pool: { max: 1, maxPreparedStatements: BOUND } });
    try {
      const conn = await engine.connect();
      const counts: number[] = [];
      try {
        for (let round = 0; round < 4; round++) {
          await conn.execute(sql`CREATE TABLE core_psb_${sql.raw(String(round))} (id integer)`);
          await conn.execute(sql`DROP TABLE core_psb_${sql.raw(String(round))}`);
          for (let i = 0; i < BOUND; i++) await conn.execute(select(literal(i).label(`n${i}`)).where(sql`${i} = ${i}`));
          counts.push(Number((await conn.execute(sql<{ n: number }>`SELECT count(*) AS n FROM pg_prepared_statements`)).rows[0]!.n));
          // The statements still run after their names were dropped (prepared again under new ones).
          assert.equal(Number((await conn.execute(select(literal(3).label("n3")).where(sql`${3} = ${3}`))).rows[0]!.n3), 3);
        }
      } finally {
        await conn.close();
      }
      assert.ok(Math.max(...counts) <= BOUND, `prepared statements after each schema change: ${counts}`);
    } finally {
      await engine.dispose();
    }
  });
}
