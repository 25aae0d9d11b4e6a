/**
 * Values the drivers used to change on the way back: a JSON string that looks like JSON (MariaDB
 * decoded it twice), dates and timestamps in years 1-99 (`Date.UTC` maps those to 1900-1999), and
 * UUIDs in upper case (PostgreSQL answers in lower case: every dialect now stores lower case).
 * Each is read back both by a statement with parameters (prepared: MySQL's binary protocol) and
 * by one without (MySQL's text protocol).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError, MetaData, date, datetime, insert, integer, json, select, sql, table, uuid } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const docs = table("core_driver_json", metadata, {
  id: integer().primaryKey(),
  doc: json(),
});
const moments = table("core_driver_moments", metadata, {
  id: integer().primaryKey(),
  day: date(),
  stamp: datetime(),
  stampTz: datetime({ timezone: true }).named("stamp_tz"),
});
const refs = table("core_driver_uuids", metadata, {
  ref: uuid().primaryKey(),
  n: integer(),
});

/** Midday UTC on a day of year `year` (set after construction: `Date.UTC(50, ...)` would be 1950). */
function utcIn(year: number, month: number, day: number, ms = 0): Date {
  const d = new Date(Date.UTC(2000, month - 1, day, 12, 30, 15, ms));
  d.setUTCFullYear(year, month - 1, day);
  return d;
}

forEachDatabase("driver values", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });

  test("JSON is decoded exactly once: a string that looks like JSON stays a string", async () => {
    const values: unknown[] = ["[1,2]", '{"a":1}', "plain", "", [1, 2], { a: [1, { b: null }] }, 5, 0.5, true, false, [], {}];
    await ctx.engine.execute(insert(docs).values(values.map((doc, i) => ({ id: i + 1, doc }))));
    const unprepared = (await ctx.engine.execute(select(docs).orderBy(docs.c.id))).rows.map((r) => r.doc);
    assert.deepEqual(unprepared, values);
    for (const [i, value] of values.entries()) {
      const row = (await ctx.engine.execute(select(docs).where(docs.c.id.eq(i + 1)))).one();
      assert.deepEqual(row.doc, value, `value #${i + 1}: ${JSON.stringify(value)}`);
    }
    await ctx.engine.execute(insert(docs).values({ id: 100, doc: null }));
    assert.equal((await ctx.engine.execute(select(docs).where(docs.c.id.eq(100)))).one().doc, null);
  });

  test("JSON whose numbers a JavaScript number cannot hold is refused (DataError), not read rounded; the rest reads as written", async () => {
    // Written by another program: a 64-bit id (as in many APIs' payloads), a decimal past a double's digits, one past its range.
    const lossy = ['{"id": 12345678901234567890}', "[1, 0.12345678901234567891]", '{"big": 1e400}', "-9007199254740993"];
    const exact = ['{"id": 9007199254740991, "n": -0.5, "e": 1e21, "tiny": 5e-324}', '{"text": "12345678901234567890 stays text", "escaped": "\\"12345678901234567890"}', "[1.0, 100, 0.1]"];
    for (const [i, text] of [...lossy, ...exact].entries()) await ctx.engine.execute(sql`INSERT INTO core_driver_json (id, doc) VALUES (${i + 1}, ${text})`);
    for (const [i, text] of lossy.entries()) {
      await assert.rejects(ctx.engine.execute(select(docs).where(docs.c.id.eq(i + 1))), (e: unknown) => e instanceof DataError && /cannot hold exactly/.test(e.message), text);
    }
    const read = (await ctx.engine.execute(select(docs).where(docs.c.id.gt(lossy.length)).orderBy(docs.c.id))).rows.map((r) => r.doc);
    assert.deepEqual(read, exact.map((text) => JSON.parse(text)));
  });

  test("dates and timestamps in years 1-99 read back unchanged", async () => {
    const rows = [
      { id: 1, day: "0001-01-01", stamp: utcIn(1, 1, 1), stampTz: utcIn(1, 1, 1) },
      { id: 2, day: "0050-06-15", stamp: utcIn(50, 6, 15, 123), stampTz: utcIn(50, 6, 15, 123) },
      { id: 3, day: "0099-12-31", stamp: utcIn(99, 12, 31), stampTz: utcIn(99, 12, 31) },
      { id: 4, day: "2024-02-29", stamp: utcIn(2024, 2, 29, 999), stampTz: utcIn(2024, 2, 29, 999) },
    ];
    await ctx.engine.execute(insert(moments).values(rows));
    const iso = (r: { id: number; day: string | null; stamp: Date | null; stampTz: Date | null }) => ({
      id: r.id,
      day: r.day,
      stamp: r.stamp?.toISOString(),
      stampTz: r.stampTz?.toISOString(),
    });
    const expected = rows.map(iso);
    assert.equal(expected[1]!.stamp, "0050-06-15T12:30:15.123Z");
    assert.deepEqual((await ctx.engine.execute(select(moments).orderBy(moments.c.id))).rows.map(iso), expected);
    for (const row of rows) {
      const read = (await ctx.engine.execute(select(moments).where(moments.c.id.eq(row.id)))).one();
      assert.deepEqual(iso(read), iso(row));
    }
    // As filters too: the year-50 timestamp finds its row.
    const found = await ctx.engine.execute(select(moments.c.id).where(moments.c.stamp.eq(utcIn(50, 6, 15, 123))));
    assert.deepEqual(found.rows.map((r) => r.id), [2]);
  });

  test("a UUID given in upper case is stored and read back in lower case, and found by either case", async () => {
    const upper = "123E4567-E89B-12D3-A456-4266141740AB";
    const lower = upper.toLowerCase();
    await ctx.engine.execute(insert(refs).values({ ref: upper, n: 1 }));
    assert.deepEqual((await ctx.engine.execute(select(refs))).rows, [{ ref: lower, n: 1 }]);
    for (const key of [upper, lower]) {
      const found = await ctx.engine.execute(select(refs.c.n).where(refs.c.ref.eq(key)));
      assert.deepEqual(found.rows, [{ n: 1 }], `found by ${key}`);
    }
  });
});
