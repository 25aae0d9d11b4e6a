/**
 * Timestamps compare and sort by time whoever wrote them: athanor, a `CURRENT_TIMESTAMP` server
 * default, or raw SQL from another program. On SQLite, which compares dates as text, this holds
 * because athanor stores and binds SQLite's own format (`2021-01-01 00:00:00`, UTC); PostgreSQL and
 * MariaDB pass the same test with their native types. Every answer is compared with raw SQL.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, and, date, datetime, insert, integer, select, sql, string, table, type Expression } from "../../src/index.js";
import { forEachDatabase, type DatabaseContext } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

/** `now` as each database writes it for a timestamp without time zone, in UTC. */
const NOW = {
  sqlite: "CURRENT_TIMESTAMP",
  postgresql: "(now() AT TIME ZONE 'UTC')",
  mysql: "CURRENT_TIMESTAMP(6)",
} as const;

function schema(dialect: keyof typeof NOW) {
  const metadata = new MetaData();
  const events = table("core_dtcmp_events", metadata, {
    id: integer().primaryKey().autoincrement(false),
    at: datetime().notNull().serverDefault(sql.raw(NOW[dialect])),
    day: date(),
    writer: string(10).notNull(),
  });
  return { metadata, events };
}

const utc = (text: string) => new Date(`${text}Z`);
const jan1 = utc("2021-01-01T00:00:00");
const feb1 = utc("2021-02-01T00:00:00");

forEachDatabase("timestamps compared and sorted across writers", (ctx: DatabaseContext) => {
  const { metadata, events } = schema(ctx.db.name as keyof typeof NOW);
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const e = events.c;

  /** Rows written three ways: by athanor, by the server default (now), by raw SQL in SQLite's text format. */
  async function seed(): Promise<void> {
    await ctx.engine.execute(
      insert(events).values([
        { id: 1, at: jan1, day: "2021-01-01", writer: "athanor" }, // exactly at the lower bound
        { id: 2, at: utc("2021-01-15T12:30:00.250"), day: "2021-01-15", writer: "athanor" },
        { id: 3, at: utc("2020-12-31T23:59:59.999"), day: "2020-12-31", writer: "athanor" },
      ]),
    );
    await ctx.engine.execute(insert(events).values({ id: 4, writer: "default" }));
    for (const [id, at, day] of [
      [5, "2021-01-31 23:59:59", "2021-01-31"],
      [6, "2021-02-01 00:00:00", "2021-02-01"], // next month's midnight: outside [jan1, feb1)
      [7, "2021-01-01 00:00:00.500", "2021-01-01"],
    ] as const) {
      await ctx.engine.execute(sql`INSERT INTO core_dtcmp_events (id, at, day, writer) VALUES (${id}, ${sql.raw(`'${at}'`)}, ${day}, 'raw')`);
    }
  }

  const ids = async (where: Expression<boolean>) =>
    (await ctx.engine.execute(select(e.id).where(where).orderBy(e.id))).rows.map((r) => r.id);
  const rawIds = async (where: string) =>
    (await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM core_dtcmp_events WHERE ${sql.raw(where)} ORDER BY id`)).rows.map((r) => Number(r.id));

  test("a month's range includes the row at its first instant and excludes next month's midnight", async () => {
    await seed();
    const january = await ids(and(e.at.ge(jan1), e.at.lt(feb1)));
    assert.deepEqual(january, [1, 2, 5, 7]);
    assert.deepEqual(january, await rawIds("at >= '2021-01-01 00:00:00' AND at < '2021-02-01 00:00:00'"));
    assert.deepEqual(await ids(e.at.between(jan1, utc("2021-01-31T23:59:59"))), [1, 2, 5, 7]);
    assert.deepEqual(await ids(e.at.eq(jan1)), [1]);
    assert.deepEqual(await rawIds("at = '2021-01-01 00:00:00'"), [1]);
    assert.deepEqual(await ids(e.at.gt(utc("2021-01-01T00:00:00.250"))), [2, 4, 5, 6, 7]);
    assert.deepEqual(await ids(e.at.le(utc("2020-12-31T23:59:59.999"))), [3]);
  });

  test("the server default's 'now' falls inside a range bound from JavaScript", async () => {
    await seed();
    const now = Date.now();
    const recent = await ids(and(e.at.ge(new Date(now - 60_000)), e.at.le(new Date(now + 60_000))));
    assert.deepEqual(recent, [4]);
    const stored = (await ctx.engine.execute(select(e.at).where(e.id.eq(4)))).one().at;
    assert.ok(stored instanceof Date && Math.abs(stored.getTime() - now) < 60_000, `server default read back as ${String(stored)}`);
  });

  test("ORDER BY sorts athanor's, the server's and raw rows by time, as raw SQL does", async () => {
    await seed();
    const rows = (await ctx.engine.execute(select(e.id, e.at).orderBy(e.at))).rows;
    assert.deepEqual(rows.map((r) => r.id), [3, 1, 7, 2, 5, 6, 4]);
    const raw = (await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM core_dtcmp_events ORDER BY at`)).rows.map((r) => Number(r.id));
    assert.deepEqual(raw, [3, 1, 7, 2, 5, 6, 4]);
    const times = rows.map((r) => r.at.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    assert.equal(rows[2]!.at.toISOString(), "2021-01-01T00:00:00.500Z");
  });

  test("dates compare with raw SQL's dates", async () => {
    await seed();
    assert.deepEqual(await ids(and(e.day.ge("2021-01-01"), e.day.lt("2021-02-01"))), [1, 2, 5, 7]);
    assert.deepEqual(await rawIds("day >= '2021-01-01' AND day < '2021-02-01'"), [1, 2, 5, 7]);
  });
});

forEachDatabase(
  "SQLite: the text athanor writes, and what it reads",
  (ctx) => {
    const { metadata, events } = schema("sqlite");
    useSchema(ctx, metadata, { emptyBeforeEach: true });
    const raw = async (query: string) => (await ctx.engine.execute(sql<Record<string, unknown>>`${sql.raw(query)}`)).rows;

    test("timestamps are stored in SQLite's format, milliseconds only when there are some", async () => {
      await ctx.engine.execute(
        insert(events).values([
          { id: 1, at: jan1, day: "2021-01-01", writer: "athanor" },
          { id: 2, at: utc("2021-01-15T12:30:00.250"), writer: "athanor" },
        ]),
      );
      assert.deepEqual(await raw("SELECT at, day, datetime(at) = at AS same FROM core_dtcmp_events ORDER BY id"), [
        { at: "2021-01-01 00:00:00", day: "2021-01-01", same: 1 },
        { at: "2021-01-15 12:30:00.250", day: null, same: 0 },
      ]);
    });

    test("reading accepts ISO-8601 text, SQLite's text, a date alone and Unix seconds", async () => {
      await raw(`INSERT INTO core_dtcmp_events (id, at, day, writer) VALUES
        (1, '2021-01-01T00:00:00.000Z', '2021-01-01 00:00:00', 'iso'),
        (2, '2021-01-01 01:00:00', '2021-01-01', 'sqlite'),
        (3, 1609459200, 1609459200, 'unix'),
        (4, '2021-01-01T02:00:00+01:00', '2021-01-01', 'offset'),
        (5, '2021-01-01', '2021-01-01', 'date')`);
      const rows = (await ctx.engine.execute(select(events.c.id, events.c.at, events.c.day).orderBy(events.c.id))).rows;
      assert.deepEqual(
        rows.map((r) => [r.id, r.at.toISOString(), r.day]),
        [
          [1, "2021-01-01T00:00:00.000Z", "2021-01-01"],
          [2, "2021-01-01T01:00:00.000Z", "2021-01-01"],
          [3, "2021-01-01T00:00:00.000Z", "2021-01-01"],
          [4, "2021-01-01T01:00:00.000Z", "2021-01-01"],
          [5, "2021-01-01T00:00:00.000Z", "2021-01-01"],
        ],
      );
    });

    test("the one-line UPDATE converts timestamps stored as ISO text by earlier versions", async () => {
      await raw(`INSERT INTO core_dtcmp_events (id, at, writer) VALUES
        (1, '2021-01-01T00:00:00.000Z', 'old'), (2, '2021-01-15T12:30:00.250Z', 'old'), (3, '2021-02-01T00:00:00.000Z', 'old')`);
      await raw(CONVERT_ISO_TEXT);
      assert.deepEqual((await raw("SELECT at FROM core_dtcmp_events ORDER BY id")).map((r) => r.at), [
        "2021-01-01 00:00:00",
        "2021-01-15 12:30:00.250",
        "2021-02-01 00:00:00",
      ]);
      const january = await ctx.engine.execute(select(events.c.id).where(and(events.c.at.ge(jan1), events.c.at.lt(feb1))).orderBy(events.c.id));
      assert.deepEqual(january.rows.map((r) => r.id), [1, 2]);
    });
  },
  ["sqlite"],
);

/** The conversion given in the documentation, for one column. */
const CONVERT_ISO_TEXT =
  "UPDATE core_dtcmp_events SET at = substr(at, 1, 10) || ' ' || substr(at, 12, 8) || replace(substr(at, 20, 4), '.000', '') WHERE at LIKE '____-__-__T__:__:__.___Z'";
