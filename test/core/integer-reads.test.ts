/**
 * Integers past what a JavaScript number holds exactly (±(2^53 - 1)): an `integer()` column over a
 * BIGINT another program fills, and a sum of integers past 2^53. PostgreSQL and MariaDB send such
 * values as text and they were read with Number(), rounded without a word. Now refused with a
 * DataError naming the column and the way to read them exactly (bigint); bigint reads give every
 * digit. SQLite's driver reads them as exact bigints, left so (a reader on every integer column
 * would cost every read).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { DataError, MetaData, bigint, cast, func, integer, select, sql, table, types } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

const metadata = new MetaData();
/** The model says integer(); the table (made by raw DDL below) holds a BIGINT. */
const counters = table("core_integer_reads", metadata, {
  id: integer().primaryKey().autoincrement(false),
  hits: integer(),
});
const exact = table("core_integer_reads", new MetaData(), {
  id: integer().primaryKey().autoincrement(false),
  hits: bigint(),
});

const PAST = 9007199254740993n; // 2^53 + 1: Number() reads it as ...992
const HALF = 2n ** 52n; // three of them sum past 2^53

forEachDatabase("integer reads", (ctx) => {
  beforeEach(async () => {
    await ctx.engine.execute(sql`DROP TABLE IF EXISTS core_integer_reads`);
    await ctx.engine.execute(sql`CREATE TABLE core_integer_reads (id INTEGER PRIMARY KEY, hits BIGINT)`);
  });
  afterEach(async () => {
    await ctx.engine.execute(sql`DROP TABLE IF EXISTS core_integer_reads`);
  });

  const refused = (e: unknown) =>
    e instanceof DataError && /9007199254740993|13510798882111488/.test(e.message) && /"(hits|total)"/.test(e.message) && /bigint/.test(e.message);

  const refusedAt = (column: string) => (e: unknown) => e instanceof DataError && e.message.includes(`Result column ${column}:`);

  test("an integer() column holding 2^53 + 1 is refused, not read rounded; as bigint() it reads exactly", async () => {
    await ctx.engine.execute(sql`INSERT INTO core_integer_reads (id, hits) VALUES (1, ${sql.raw(String(PAST))}), (2, 7)`);
    if (ctx.db.name === "sqlite") {
      // better-sqlite3 reads it as a bigint, exact (no reader is spent on every integer column there).
      assert.equal((await ctx.engine.execute(select(counters).where(counters.c.id.eq(1)))).one().hits, PAST);
      return;
    }
    await assert.rejects(ctx.engine.execute(select(counters).where(counters.c.id.eq(1))), refused);
    const conn = await ctx.engine.connect();
    try {
      await assert.rejects(conn.execute(select(counters.c.hits).where(counters.c.id.eq(1)), { rowShape: "values" }), refusedAt("#1"));
      await assert.rejects(conn.execute(select(counters.c.hits).where(counters.c.id.eq(1)), { rowShape: "arrays" }), refusedAt("#1"));
    } finally {
      await conn.close();
    }
    assert.deepEqual((await ctx.engine.execute(select(counters).where(counters.c.id.eq(2)))).one(), { id: 2, hits: 7 });
    assert.equal((await ctx.engine.execute(select(exact.c.hits).where(exact.c.id.eq(1)))).one().hits, PAST);
    assert.equal((await ctx.engine.execute(select(cast(counters.c.hits, types.bigint()).label("hits")).where(counters.c.id.eq(1)))).one().hits, PAST);
  });

  test("a sum of integers past 2^53 is refused; summed as bigint it is exact; counts stay numbers", async () => {
    await ctx.engine.execute(sql`INSERT INTO core_integer_reads (id, hits) VALUES (1, ${sql.raw(String(HALF))}), (2, ${sql.raw(String(HALF))}), (3, ${sql.raw(String(HALF))})`);
    const sum = ctx.engine.execute(select(func.sum(counters.c.hits).label("total")).from(counters));
    if (ctx.db.name === "sqlite") assert.equal((await sum).one().total, 3n * HALF);
    else await assert.rejects(sum, refused);
    const asBigint = (await ctx.engine.execute(select(func.sum(cast(counters.c.hits, types.bigint())).label("total")).from(counters))).one().total;
    assert.equal(asBigint, 3n * HALF);
    assert.equal((await ctx.engine.execute(select(func.sum(exact.c.hits).label("total")).from(exact))).one().total, 3n * HALF);
    assert.equal((await ctx.engine.execute(select(func.count().label("n")).from(counters))).one().n, 3);
    assert.equal((await ctx.engine.execute(select(func.sum(counters.c.id).label("total")).from(counters))).one().total, 6);
  });
});
