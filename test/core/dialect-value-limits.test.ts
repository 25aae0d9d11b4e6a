/**
 * Values a database would hold as another, refused; values written by others, read as they mean:
 * - a NaN in a SQLite REAL was stored as NULL (it is DataError now, on any statement);
 * - a timestamp before year 1 or after 9999 (PostgreSQL and MariaDB refused it; SQLite read year
 *   -1 back as 2001) is InvalidColumnValueError everywhere;
 * - a boolean column holding 2 or -1 (written by raw SQL or another program) read as false on
 *   SQLite and MariaDB, where the database itself takes any number but 0 as true.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError, InvalidColumnValueError, MetaData, boolean, datetime, float, insert, integer, select, sql, table } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const samples = table("core_dvl_samples", metadata, {
  id: integer().primaryKey(),
  reading: float(),
  flag: boolean(),
  at: datetime(),
});

function inYear(year: number): Date {
  const d = new Date(Date.UTC(2000, 5, 1, 12));
  d.setUTCFullYear(year);
  return d;
}

forEachDatabase("values at the limits of each database", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const rows = async () => (await ctx.engine.execute(select(samples).orderBy(samples.c.id))).rows;

  test("NaN in a float column: NaN on PostgreSQL, DataError on SQLite (which stored NULL) and MariaDB; nothing written", async () => {
    const write = ctx.engine.execute(insert(samples).values({ id: 1, reading: NaN }));
    if (ctx.db.name === "postgresql") {
      await write;
      assert.ok(Number.isNaN((await rows())[0]!.reading));
      return;
    }
    await assert.rejects(write, DataError);
    assert.deepEqual(await rows(), []);
  });

  test("timestamps in years 1 and 9999 round-trip; before and after them InvalidColumnValueError", async () => {
    await ctx.engine.execute(insert(samples).values([{ id: 1, at: inYear(9999) }, { id: 2, at: inYear(1) }]));
    assert.deepEqual((await rows()).map((r) => r.at!.toISOString()), [inYear(9999).toISOString(), inYear(1).toISOString()]);
    for (const year of [-1, 0, 10000]) {
      assert.throws(() => insert(samples).values({ id: 3, at: inYear(year) }), (e: unknown) => e instanceof InvalidColumnValueError && e.column === "at");
    }
  });

  test("a boolean column holding another number than 0 and 1 reads as the database reads it", async () => {
    if (ctx.db.name === "postgresql") return; // a real boolean type: only true and false
    await ctx.engine.execute(sql`INSERT INTO core_dvl_samples (id, flag) VALUES (1, 2), (2, -1), (3, 0), (4, 1)`);
    const truthy = (await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM core_dvl_samples WHERE flag ORDER BY id`)).rows.map((r) => Number(r.id));
    assert.deepEqual(truthy, [1, 2, 4], "the database's own reading");
    assert.deepEqual((await rows()).map((r) => r.flag), [true, true, false, true]);
  });
});
