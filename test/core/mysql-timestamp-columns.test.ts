/**
 * MariaDB/MySQL TIMESTAMP columns (common in existing schemas: `updated_at TIMESTAMP(6) DEFAULT
 * CURRENT_TIMESTAMP(6)`) mapped as `datetime()`. mysql2 made them Dates itself, which dropped the
 * microseconds without recording it: a key was not refused (read as the key of another row), a
 * value given back was written rounded. They are read as text now, as DATETIME is, and take the
 * same checks. A zero TIMESTAMP ('0000-00-00 00:00:00') is DataError, as for DATETIME.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { DataError, MetaData, datetime, integer, select, sql, table, update } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

const metadata = new MetaData();
const stamps = table("core_mysql_timestamps", metadata, {
  id: integer().primaryKey().autoincrement(false),
  at: datetime({ precision: 6 }),
});

const MICRO = "2026-01-01 10:00:00.123456";

forEachDatabase(
  "MariaDB TIMESTAMP columns",
  (ctx) => {
    beforeEach(async () => {
      await ctx.engine.execute(sql`DROP TABLE IF EXISTS core_mysql_timestamps`);
      await ctx.engine.execute(sql`CREATE TABLE core_mysql_timestamps (id INTEGER PRIMARY KEY, at TIMESTAMP(6) NULL)`);
    });
    afterEach(async () => {
      await ctx.engine.execute(sql`DROP TABLE IF EXISTS core_mysql_timestamps`);
    });
    const storedText = async () => (await ctx.engine.execute(sql<{ v: string }>`SELECT CAST(at AS CHAR) AS v FROM core_mysql_timestamps WHERE id = 1`)).one().v;

    test("a TIMESTAMP(6) with microseconds is read as text: given back unchanged, its microseconds are kept", async () => {
      await ctx.engine.execute(sql.raw(`INSERT INTO core_mysql_timestamps (id, at) VALUES (1, '${MICRO}')`));
      const row = (await ctx.engine.execute(select(stamps).where(stamps.c.id.eq(1)))).one();
      assert.equal(row.at!.toISOString(), "2026-01-01T10:00:00.123Z");
      await ctx.engine.execute(update(stamps).set({ at: row.at }).where(stamps.c.id.eq(1)));
      assert.equal(await storedText(), MICRO);
      assert.equal((await ctx.engine.execute(select(stamps.c.id).where(stamps.c.at.eq(row.at!)))).rows.length, 1);
    });

    test("a zero TIMESTAMP is DataError, not an Invalid Date", async () => {
      // Written as a program in a lax sql_mode writes it (on one connection, its mode put back after).
      const conn = await ctx.engine.connect();
      try {
        const mode = (await conn.execute(sql<{ m: string }>`SELECT @@SESSION.sql_mode AS m`)).one().m;
        await conn.execute(sql.raw("SET SESSION sql_mode = ''"));
        await conn.execute(sql.raw("INSERT INTO core_mysql_timestamps (id, at) VALUES (1, '0000-00-00 00:00:00')"));
        await conn.execute(sql`SET SESSION sql_mode = ${mode}`);
      } finally {
        await conn.close();
      }
      await assert.rejects(ctx.engine.execute(select(stamps)), (e: unknown) => e instanceof DataError && /zero date/.test(e.message));
    });
  },
  ["mysql"],
);
