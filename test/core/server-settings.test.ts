/**
 * A PostgreSQL database (or server) whose settings are not the defaults athanor reads values by:
 * - TimeZone not UTC: `CURRENT_TIMESTAMP` as a server default stored the local wall-clock time in
 *   a `datetime()` column, which athanor reads as UTC: hours off, without an error;
 * - DateStyle 'SQL, DMY': a TIMESTAMP read back as an Invalid Date, a TIMESTAMPTZ as null, a DATE
 *   as '03/02/2024';
 * - extra_float_digits 0: a double read back with 15 digits (0.30000000000000004 as 0.3).
 * Each connection now sets TimeZone UTC, DateStyle ISO and extra_float_digits 3 for itself.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MetaData, date, datetime, float, insert, integer, select, sql, table, type Engine } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

const metadata = new MetaData();
const stamps = table("core_tz_stamps", metadata, {
  id: integer().primaryKey(),
  at: datetime().notNull().serverDefault(sql.raw("CURRENT_TIMESTAMP")),
  atTz: datetime({ timezone: true }).named("at_tz").notNull().serverDefault(sql.raw("CURRENT_TIMESTAMP")),
  day: date(),
  real: float(),
});

forEachDatabase(
  "a PostgreSQL database with its own time zone, DateStyle and extra_float_digits",
  (ctx) => {
    let engine: Engine | undefined;
    const database = () => sql.raw(`"${new URL(ctx.db.url).pathname.slice(1)}"`);
    before(async () => {
      await ctx.engine.execute(sql`ALTER DATABASE ${database()} SET timezone TO 'America/New_York'`);
      await ctx.engine.execute(sql`ALTER DATABASE ${database()} SET datestyle TO 'SQL, DMY'`);
      await ctx.engine.execute(sql`ALTER DATABASE ${database()} SET extra_float_digits = 0`);
      engine = engineFor(ctx.db); // its connections open after the change
      await metadata.dropAll(engine);
      await metadata.createAll(engine);
    });
    after(async () => {
      for (const setting of ["timezone", "datestyle", "extra_float_digits"]) await ctx.engine.execute(sql`ALTER DATABASE ${database()} RESET ${sql.raw(setting)}`);
      await metadata.dropAll(engine!);
      await engine?.dispose();
    });

    test("CURRENT_TIMESTAMP as a server default reads back as now, with and without a time zone", async () => {
      await engine!.execute(insert(stamps).values({ id: 1 }));
      const row = (await engine!.execute(select(stamps))).one();
      for (const value of [row.at, row.atTz]) assert.ok(Math.abs(value.getTime() - Date.now()) < 60_000, `read back as ${value.toISOString()}`);
    });

    test("a Date written and read back is the same instant; raw now() compares with it", async () => {
      const when = new Date(Date.UTC(2024, 2, 10, 7, 30)); // 02:30 in New York: inside its DST gap
      await engine!.execute(insert(stamps).values({ id: 2, at: when, atTz: when }));
      const row = (await engine!.execute(select(stamps).where(stamps.c.id.eq(2)))).one();
      assert.deepEqual([row.at.toISOString(), row.atTz.toISOString()], [when.toISOString(), when.toISOString()]);
      const earlier = await engine!.execute(sql<{ n: number }>`SELECT count(*) AS n FROM core_tz_stamps WHERE at < CURRENT_TIMESTAMP AND id = 2`);
      assert.equal(Number(earlier.rows[0]!.n), 1);
    });

    test("dates, timestamps and doubles read back as written", async () => {
      const when = new Date(Date.UTC(2024, 1, 3, 10, 20, 30, 456));
      await engine!.execute(insert(stamps).values({ id: 3, at: when, atTz: when, day: "2024-02-03", real: 0.1 + 0.2 }));
      const row = (await engine!.execute(select(stamps).where(stamps.c.id.eq(3)))).one();
      assert.deepEqual([row.at.toISOString(), row.atTz.toISOString(), row.day, row.real], [when.toISOString(), when.toISOString(), "2024-02-03", 0.1 + 0.2]);
    });
  },
  ["postgresql"],
);
