/**
 * A `datetime()` column without a time zone holds UTC wall-clock time: athanor writes and reads it
 * so. The server's own clock must agree: on a PostgreSQL database whose time zone is not UTC
 * (`ALTER DATABASE ... SET timezone`, or the server's configuration), `CURRENT_TIMESTAMP` as a
 * server default stored the local wall-clock time, which athanor then read as UTC: hours off,
 * without an error. Each connection's session time zone is UTC now, as on MariaDB.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MetaData, datetime, insert, integer, select, sql, table, type Engine } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

const metadata = new MetaData();
const stamps = table("core_tz_stamps", metadata, {
  id: integer().primaryKey(),
  at: datetime().notNull().serverDefault(sql.raw("CURRENT_TIMESTAMP")),
  atTz: datetime({ timezone: true }).named("at_tz").notNull().serverDefault(sql.raw("CURRENT_TIMESTAMP")),
});

forEachDatabase(
  "a PostgreSQL database whose time zone is not UTC",
  (ctx) => {
    let engine: Engine | undefined;
    const database = () => sql.raw(`"${new URL(ctx.db.url).pathname.slice(1)}"`);
    before(async () => {
      await ctx.engine.execute(sql`ALTER DATABASE ${database()} SET timezone TO 'America/New_York'`);
      engine = engineFor(ctx.db); // its connections open after the change
      await metadata.dropAll(engine);
      await metadata.createAll(engine);
    });
    after(async () => {
      await ctx.engine.execute(sql`ALTER DATABASE ${database()} RESET timezone`);
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
  },
  ["postgresql"],
);
