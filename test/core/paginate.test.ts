/**
 * Keyset pagination with `paginate(engine, query, { limit, after })`: pages in ORDER BY order
 * (mixed directions), stable when rows are inserted between fetches, an opaque cursor that is
 * validated when read back, and the query shapes it refuses (no unique key, nullable key, its own
 * LIMIT). Run on every database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, InvalidCursorError, MetaData, datetime, deleteFrom, func, insert, integer, paginate, select, sql, string, table, type Select } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const events = table("core_page_events", metadata, {
  id: integer().primaryKey(),
  at: datetime().notNull(),
  score: integer().notNull(),
  kind: string(10).notNull(),
  note: string(20),
});

// Timestamps as the database writes them (`now()`, CURRENT_TIMESTAMP(6)): microseconds, several in one millisecond.
const stamps = table("core_page_stamps", metadata, {
  id: integer().primaryKey(),
  at: datetime({ precision: 6 }).notNull(),
  at_zone: datetime({ precision: 6, timezone: true }).notNull(),
});
/** Timestamps past the millisecond, as PostgreSQL's now() and MariaDB's CURRENT_TIMESTAMP(6) write them. */
const micro = table("core_page_micro", metadata, {
  id: integer().primaryKey(),
  at: datetime({ precision: 6 }).notNull(),
  atz: datetime({ precision: 6, timezone: true }).notNull(),
});
const MICRO_STAMPS = ["2026-01-01 10:00:00.123456", "2026-01-01 10:00:00.123400", "2026-01-01 10:00:00.124000", "2026-01-01 10:00:00.123900", "2026-01-01 10:00:00.123456"];

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
// Ties on `at` (three rows a minute) and on `score`, so only the id breaks them.
const seed = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, at: at(Math.floor(i / 3)), score: (i * 7) % 5, kind: i % 2 ? "odd" : "even", note: null }));

forEachDatabase("keyset pagination", (ctx) => {
  useSchema(ctx, metadata, { seed: [[events, seed]] });

  async function allPages<R>(query: Select<R, any, any>, limit: number): Promise<{ rows: R[]; pages: number }> {
    const rows: R[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: { rows: R[]; nextCursor: string | null } = await paginate(ctx.engine, query, { limit, after });
      rows.push(...page.rows);
      after = page.nextCursor;
      pages++;
      assert.ok(pages < 100, "paging does not end");
    } while (after);
    return { rows, pages };
  }

  test("pages follow the ORDER BY (desc, then the key asc) and together are the whole result, each row once", async () => {
    const q = select(events.c.id, events.c.at).orderBy(events.c.at.desc(), events.c.id);
    const everything = (await ctx.engine.execute(q)).rows;
    const { rows, pages } = await allPages(q, 7);
    assert.equal(pages, 4);
    assert.deepEqual(rows, everything);
    assert.deepEqual(rows.slice(0, 4).map((r) => r.id), [25, 22, 23, 24]);
    assert.ok(rows[0]!.at instanceof Date);
    assert.deepEqual(Object.keys(rows[0]!), ["id", "at"], "the key columns paginate adds are taken off");
  });

  test("mixed directions over three keys, a WHERE of the query's own, and a page size that divides the rows exactly", async () => {
    const q = select(events.c.id).where(events.c.kind.eq("even")).orderBy(events.c.score.asc(), events.c.at.desc(), events.c.id.desc());
    const everything = (await ctx.engine.execute(q)).rows;
    assert.equal(everything.length, 13);
    for (const limit of [1, 2, 5, 13, 20]) assert.deepEqual((await allPages(q, limit)).rows, everything, `limit ${limit}`);
    const first = await paginate(ctx.engine, q, { limit: 13 });
    assert.equal(first.nextCursor, null, "the last page says so, even when it is full");
  });

  test("stable under inserts: rows inserted between fetches neither shift nor repeat the rows already listed", async () => {
    const q = select(events.c.id).orderBy(events.c.at, events.c.id);
    const first = await paginate(ctx.engine, q, { limit: 10 });
    assert.deepEqual(first.rows.map((r) => r.id), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Before the cursor (would shift an OFFSET by two) and after it.
    await ctx.engine.execute(insert(events).values([
      { id: 101, at: at(0), score: 0, kind: "new" },
      { id: 102, at: at(1), score: 0, kind: "new" },
      { id: 103, at: at(3), score: 0, kind: "new" },
      { id: 104, at: at(30), score: 0, kind: "new" },
    ]));
    try {
      const seen = first.rows.map((r) => r.id);
      let after = first.nextCursor;
      while (after) {
        const page = await paginate(ctx.engine, q, { limit: 10, after });
        seen.push(...page.rows.map((r) => r.id));
        after = page.nextCursor;
      }
      assert.equal(new Set(seen).size, seen.length, "no row twice");
      for (let id = 1; id <= 25; id++) assert.ok(seen.includes(id), `row ${id} listed`);
      assert.ok(seen.includes(103) && seen.includes(104), "rows inserted after the cursor are listed");
      assert.ok(!seen.includes(101) && !seen.includes(102), "rows inserted before the cursor are not");
      assert.deepEqual(seen.slice(10, 13), [11, 12, 103]);
    } finally {
      await ctx.engine.execute(deleteFrom(events).where(events.c.id.gt(100)));
    }
  });

  test("timestamps a few microseconds apart (as now() writes them) page once each: the cursor keeps the database's own digits", async () => {
    // Rows 1..9 within one millisecond; ids in the opposite order to the time, so that id breaks no tie.
    const micro = (i: number) => `2026-01-01 12:00:00.123${String(i * 100).padStart(3, "0")}`;
    for (let i = 1; i <= 9; i++) await ctx.engine.execute(sql`INSERT INTO core_page_stamps (id, at, at_zone) VALUES (${10 - i}, ${sql.raw(`'${micro(i)}'`)}, ${sql.raw(`'${micro(i)}'`)})`);
    try {
      for (const key of [stamps.c.at, stamps.c.at_zone]) {
        for (const q of [select(stamps.c.id).orderBy(key.desc(), stamps.c.id), select(stamps.c.id).orderBy(key, stamps.c.id.desc())]) {
          const whole = (await ctx.engine.execute(q)).rows.map((r) => r.id);
          assert.deepEqual(whole.length, 9);
          assert.deepEqual((await allPages(q, 2)).rows.map((r) => r.id), whole, `${key.node.kind === "column" ? key.node.name : ""}: pages of 2`);
        }
      }
      // The rows' Dates are the millisecond (JavaScript's precision); the listing was still exact.
      const [first] = (await ctx.engine.execute(select(stamps.c.at).where(stamps.c.id.eq(1)))).rows;
      assert.equal(first!.at.toISOString(), "2026-01-01T12:00:00.123Z");
    } finally {
      await ctx.engine.execute(deleteFrom(stamps));
    }
  });

  test("an expression key (coalesce of a nullable column) pages like a column", async () => {
    const key = func.coalesce(events.c.note, "-");
    const q = select(events.c.id, key.label("n")).orderBy(key, events.c.id.desc());
    assert.deepEqual((await allPages(q, 4)).rows, (await ctx.engine.execute(q)).rows);
  });

  test("the cursor is opaque base64url; an altered one, one from another ORDER BY, or garbage raises InvalidCursorError", async () => {
    const q = select(events.c.id).orderBy(events.c.at, events.c.id);
    const { nextCursor } = await paginate(ctx.engine, q, { limit: 3 });
    assert.match(nextCursor!, /^[A-Za-z0-9_-]+$/);
    const decoded = JSON.parse(Buffer.from(nextCursor!, "base64url").toString());
    const forge = (change: (c: any) => void) => {
      const copy = structuredClone(decoded);
      change(copy);
      return Buffer.from(JSON.stringify(copy)).toString("base64url");
    };
    const invalid = (after: string, reason: RegExp) => assert.rejects(paginate(ctx.engine, q, { limit: 3, after }), (e: unknown) => e instanceof InvalidCursorError && reason.test(e.message));
    await invalid("not a cursor!", /not a base64url string/);
    await invalid(Buffer.from("{oops").toString("base64url"), /does not decode to JSON/);
    await invalid(forge((c) => (c.k[1] = "3")), /key 2 .* is not a integer value/);
    await invalid(forge((c) => (c.k[0] = { d: "yesterday" })), /key 1 .* is not a datetime value/);
    await invalid(forge((c) => c.k.pop()), /holds 1 key values, the ORDER BY has 2/);
    await invalid(forge((c) => (c.s = "AAAAAAAAAAAAAAAA")), /another ORDER BY/);
    const other = select(events.c.id).orderBy(events.c.at.desc(), events.c.id);
    await assert.rejects(paginate(ctx.engine, other, { limit: 3, after: nextCursor }), InvalidCursorError);
    // A well-formed cursor for another position is accepted: it only selects rows the query would list.
    const moved = await paginate(ctx.engine, q, { limit: 2, after: forge((c) => (c.k[1] = 1)) });
    assert.deepEqual(moved.rows.map((r) => r.id), [2, 3]);
  });

  test("refused: an ORDER BY that does not identify a row (unless assumeUnique), a nullable key, no ORDER BY, the query's own LIMIT, a bad page size", async () => {
    const ids = select(events.c.id);
    await assert.rejects(paginate(ctx.engine, ids.orderBy(events.c.at), { limit: 5 }), (e: unknown) => e instanceof ArgumentError && /does not identify a row/.test(e.message));
    await assert.rejects(paginate(ctx.engine, ids.orderBy(events.c.at, events.c.score), { limit: 5 }), /does not identify a row/);
    const assumed = await paginate(ctx.engine, ids.orderBy(events.c.at, events.c.score), { limit: 5, assumeUnique: true });
    assert.equal(assumed.rows.length, 5);
    await assert.rejects(paginate(ctx.engine, ids.orderBy(events.c.note, events.c.id), { limit: 5 }), /core_page_events.note is nullable/);
    await assert.rejects(paginate(ctx.engine, ids, { limit: 5 }), /needs an ORDER BY/);
    await assert.rejects(paginate(ctx.engine, ids.orderBy(events.c.id).limit(3), { limit: 5 }), /must not have its own limit/);
    for (const limit of [0, -1, 1.5, Number.NaN]) await assert.rejects(paginate(ctx.engine, ids.orderBy(events.c.id), { limit }), ArgumentError, `limit ${limit}`);
  });

  test("timestamps past the millisecond: every row once, in order, both ways (a Date cursor repeated a row without end, or skipped rows)", async () => {
    const table = ctx.db.name === "mysql" ? "core_page_micro" : '"core_page_micro"';
    for (const [i, stamp] of MICRO_STAMPS.entries()) {
      await ctx.engine.execute(sql`INSERT INTO ${sql.raw(table)} (id, at, atz) VALUES (${i + 1}, ${sql.raw(`'${stamp}'`)}, ${sql.raw(`'${stamp}'`)})`);
    }
    for (const key of [micro.c.at, micro.c.atz]) {
      for (const order of [key.asc(), key.desc()]) {
        const q = select(micro.c.id).orderBy(order, micro.c.id);
        const everything = (await ctx.engine.execute(q)).rows.map((r) => r.id);
        assert.equal(new Set(everything).size, MICRO_STAMPS.length);
        for (const limit of [1, 2]) assert.deepEqual((await allPages(q, limit)).rows.map((r) => r.id), everything, `${key.name} limit ${limit}`);
      }
    }
  });
});
