/**
 * A timestamp with microseconds in a column that names no row reads as the Date it rounds to.
 * Written back (a bulk UPDATE or an upsert given the values read, an object copied to a new row)
 * that Date stored the rounded value over the microseconds without a word, and compared with the
 * column (`at = ?`) it missed its own row. A Date read that way and not changed since is now bound
 * as the text it was read from; one changed since is written as it is.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, columnsOf, createEngine, datetime, insert, integer, select, sql, table, update } from "../../src/index.js";
import { MicroBase, McEvent } from "./fixtures/micro-dated.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const MICRO = "2026-01-01 10:00:00.123456";

/** A timestamp with a zone (PostgreSQL's TIMESTAMPTZ reads as `...123456+00`), and a copy of it in another database. */
const zoned = table("mc_zoned", new MetaData(), { id: integer().primaryKey().autoincrement(false), at: datetime({ precision: 6, timezone: true }) });

forEachDatabaseWithSchema("timestamps past the millisecond written back", MicroBase.metadata, (ctx) => {
  const e = columnsOf(McEvent);
  const storedText = async (id: number): Promise<string> => {
    const cast = ctx.db.name === "mysql" ? "CHAR" : "TEXT";
    const rows = (await ctx.engine.execute(sql.raw(`SELECT CAST(at AS ${cast}) AS v FROM mc_events WHERE id = ${id}`))).rows as { v: string }[];
    return String(rows[0]!.v);
  };
  const loaded = async () => {
    await ctx.engine.execute(sql.raw(`INSERT INTO mc_events (id, at, label) VALUES (1, '${MICRO}', 'event')`));
    const exact = await storedText(1);
    const session = ctx.session();
    const event = (await session.get(McEvent, 1))!;
    assert.equal(event.at.toISOString(), "2026-01-01T10:00:00.123Z");
    return { session, at: event.at, exact };
  };

  test("a bulk UPDATE and an upsert given the Date read keep the stored microseconds", async () => {
    const { session, at, exact } = await loaded();
    assert.match(exact, /\.123456/);
    await session.execute(update(McEvent).set({ at, label: "bulk" }).where(e.id.eq(1)));
    await session.commit();
    assert.equal(await storedText(1), exact, "bulk UPDATE");
    const statement = insert(McEvent).values({ id: 1, at, label: "upserted" });
    const set = { at, label: "upserted" };
    await session.execute(ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [statement.table.c.id], set }));
    await session.commit();
    assert.equal(await ctx.count("mc_events", "label = 'upserted'"), 1);
    assert.equal(await storedText(1), exact, "upsert");
    await session.close();
  });

  test("an object copied to a new row gets the stored microseconds; the Date read finds its own row", async () => {
    const { session, at, exact } = await loaded();
    session.add(Object.assign(new McEvent(), { id: 2, at, label: "copy" }));
    await session.commit();
    assert.equal(await storedText(2), exact, "copied");
    const found = await session.scalars(select(McEvent).where(e.at.eq(at)).orderBy(e.id));
    assert.deepEqual(found.map((x) => x.id), [1, 2]);
    await session.close();
  });

  test("a Date changed in place since it was read is written as it now is, not as read", async () => {
    const { session, at } = await loaded();
    at.setUTCMilliseconds(500);
    await session.execute(update(McEvent).set({ at }).where(e.id.eq(1)));
    await session.commit();
    assert.match(await storedText(1), /^2026-01-01 10:00:00\.5(0*)?$/);
    await session.close();
  });

  test("a Date read from a zoned column is copied to another database with its microseconds, in UTC", async () => {
    await ctx.engine.execute(sql`DROP TABLE IF EXISTS mc_zoned`);
    await zoned.metadata.createAll(ctx.engine);
    const copy = createEngine("sqlite://:memory:", { pool: { max: 1 } });
    try {
      await ctx.engine.execute(insert(zoned).values({ id: 1, at: new Date(Date.UTC(2026, 0, 1, 10)) }));
      const set = ctx.db.name === "mysql" ? "at = '2026-01-01 10:00:00.123456'" : ctx.db.name === "sqlite" ? "at = '2026-01-01T12:00:00.123456+02:00'" : "at = '2026-01-01 12:00:00.123456+02'";
      await ctx.engine.execute(sql.raw(`UPDATE mc_zoned SET ${set} WHERE id = 1`));
      const { at } = (await ctx.engine.execute(select(zoned.c.at))).one();
      assert.equal(at!.toISOString(), "2026-01-01T10:00:00.123Z");
      await zoned.metadata.createAll(copy);
      await copy.execute(insert(zoned).values({ id: 1, at }));
      assert.equal((await copy.execute(sql<{ v: string }>`SELECT at AS v FROM mc_zoned`)).one().v, MICRO);
      await ctx.engine.execute(update(zoned).set({ at }).where(zoned.c.id.eq(1)));
      assert.equal((await ctx.engine.execute(select(zoned.c.id).where(zoned.c.at.eq(at!)))).rows.length, 1, "written back, it is the same instant");
    } finally {
      await copy.dispose();
      await ctx.engine.execute(sql`DROP TABLE IF EXISTS mc_zoned`);
    }
  });
}, { createOnce: true });
