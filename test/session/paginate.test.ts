/**
 * Keyset pagination of ORM selects: `paginate(session, select(Book).orderBy(...), { limit, after })`
 * returns the session's tuples (`[book]`), identity-mapped objects, one SELECT per page, and the
 * same cursor behaviour as on an engine.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidCursorError, columnsOf, paginate, select, sql } from "../../src/index.js";
import { PagedBase, PgBook } from "./fixtures/paged-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const c = columnsOf(PgBook);
const day = (d: number) => new Date(Date.UTC(2026, 2, d));

forEachDatabaseWithSchema("ORM keyset pagination", PagedBase.metadata, (ctx) => {
  async function seeded() {
    const session = ctx.session();
    session.addAll(Array.from({ length: 11 }, (_, i) => Object.assign(new PgBook(), { id: i + 1, title: `Book ${i + 1}`, createdAt: day(1 + Math.floor(i / 4)) })));
    await session.commit();
    ctx.reset();
    return ctx.session();
  }

  test("pages of objects, newest first then by id, one SELECT per page; each object once, from the identity map", async () => {
    const session = await seeded();
    const q = select(PgBook).orderBy(c.createdAt.desc(), c.id);
    const seen: PgBook[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: { rows: [PgBook][]; nextCursor: string | null } = await paginate(session, q, { limit: 4, after });
      for (const [book] of page.rows) {
        assert.ok(book instanceof PgBook);
        seen.push(book);
      }
      after = page.nextCursor;
      pages++;
    } while (after);
    assert.equal(pages, 3);
    assert.equal(ctx.statements.filter((s) => /^SELECT/i.test(s)).length, 3);
    assert.deepEqual(seen.map((b) => b.id), [9, 10, 11, 5, 6, 7, 8, 1, 2, 3, 4]);
    assert.equal(seen[0], await session.get(PgBook, 9), "the identity map's object");
    assert.ok(seen[0]!.createdAt instanceof Date);
  });

  test("objects whose timestamps differ by microseconds (as now() writes them) are each listed once", async () => {
    const session = ctx.session();
    for (let i = 1; i <= 7; i++) {
      const stamp = `2026-03-01 08:00:00.456${String(i * 100).padStart(3, "0")}`;
      await session.execute(sql`INSERT INTO pg_books (id, title, created_at) VALUES (${i}, ${`Book ${i}`}, ${sql.raw(`'${stamp}'`)})`);
    }
    await session.commit();
    const seen: number[] = [];
    let after: string | null = null;
    do {
      const page: { rows: [PgBook][]; nextCursor: string | null } = await paginate(session, select(PgBook).orderBy(c.createdAt.desc(), c.id), { limit: 3, after });
      seen.push(...page.rows.map(([book]) => book.id));
      after = page.nextCursor;
    } while (after && seen.length < 20);
    assert.deepEqual(seen, [7, 6, 5, 4, 3, 2, 1]);
  });

  test("a select of an entity and a column keeps the tuple shape; a WHERE of the query's own applies; cursors are checked", async () => {
    const session = await seeded();
    const q = select(PgBook, c.title.label("t")).where(c.id.gt(2)).orderBy(c.id.desc());
    const first = await paginate(session, q, { limit: 5 });
    assert.deepEqual(first.rows.map(([book, title]) => [book.id, title]), [[11, "Book 11"], [10, "Book 10"], [9, "Book 9"], [8, "Book 8"], [7, "Book 7"]]);
    const second = await paginate(session, q, { limit: 5, after: first.nextCursor });
    assert.deepEqual(second.rows.map(([book]) => book.id), [6, 5, 4, 3]);
    assert.equal(second.nextCursor, null);
    await assert.rejects(paginate(session, select(PgBook).orderBy(c.id), { limit: 5, after: first.nextCursor }), InvalidCursorError);
  });
}, { createOnce: true });
