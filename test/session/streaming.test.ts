/**
 * `session.stream`: objects read a batch at a time through a cursor in the session's transaction.
 * Select-in loads run per batch, a finished batch's objects leave the identity map (detached),
 * and leaving the loop early closes the cursor while the session keeps its transaction.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamingLoadError, columnsOf, inspect, joinedLoad, select, selectinLoad, sql } from "../../src/index.js";
import { StBook, StReview, StreamBase } from "./fixtures/stream-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const BOOKS = 5000;
const BATCH = 100;
const byId = select(StBook).orderBy(columnsOf(StBook).id);

forEachDatabaseWithSchema("session streaming", StreamBase.metadata, (ctx) => {
  /** 5,000 books; book n has n % 3 reviews. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    let reviewId = 0;
    for (let i = 1; i <= BOOKS; i++) {
      const book = Object.assign(new StBook(), { id: i, title: `Book ${i}` });
      for (let r = 0; r < i % 3; r++) book.reviews.push(Object.assign(new StReview(), { id: ++reviewId, stars: (r % 5) + 1 }));
      session.add(book);
    }
    await session.commit();
    await session.close();
    ctx.reset();
  }

  test("streams 5,000 books in batches of 100, the same objects' rows as a plain query, one SELECT sent", async () => {
    await seed();
    const reader = ctx.session();
    const plain = (await reader.scalars(byId)).map((b) => [b.id, b.title]);
    await reader.close(); // in-memory SQLite has one connection
    ctx.reset();
    const session = ctx.session();
    const streamed: [number, string][] = [];
    for await (const book of session.stream(byId, { yieldPer: BATCH })) {
      assert.ok(book instanceof StBook);
      streamed.push([book.id, book.title]);
    }
    assert.deepEqual(streamed, plain);
    assert.equal(ctx.statements.length, 1);
  });

  test("the objects of a finished batch leave the identity map: the session holds one batch; objects changed in the loop stay and are flushed", async () => {
    await seed();
    const session = ctx.session();
    const known = (await session.get(StBook, 4999))!; // held before the stream: stays
    let first: StBook | undefined;
    let largest = 0;
    for await (const book of session.stream(byId, { yieldPer: BATCH })) {
      first ??= book;
      if (book.id === 150) book.title = "Changed in the loop";
      largest = Math.max(largest, session.objects.length);
    }
    assert.ok(largest <= BATCH + 2, `at most one batch (plus the objects held or changed) at a time; saw ${largest}`);
    assert.equal(inspect(first!).status, "detached");
    assert.equal(first!.title, "Book 1", "a detached object keeps its loaded values");
    assert.equal(inspect(known).status, "persistent");
    ctx.reset();
    assert.equal(await session.get(StBook, 4999), known);
    assert.equal(ctx.statements.length, 0, "an object held before the stream is still in the identity map");
    await session.commit();
    assert.equal(await ctx.count("st_books", "title = 'Changed in the loop'"), 1);
  });

  test("selectinLoad runs once per batch: 1 streamed SELECT + 1 select-in per batch (PostgreSQL, SQLite); StreamingLoadError on MySQL/MariaDB", async () => {
    await seed();
    const session = ctx.session();
    const query = byId.options(selectinLoad(StBook, "reviews"));
    if (ctx.db.name === "mysql") {
      await assert.rejects(async () => {
        for await (const _ of session.stream(query, { yieldPer: BATCH })) break;
      }, (error: unknown) => error instanceof StreamingLoadError && /MySQL\/MariaDB/.test((error as Error).message));
      // The stream was read to its end and closed: the session goes on in its transaction.
      assert.equal((await session.get(StBook, 7))!.title, "Book 7");
      return;
    }
    let rows = 0;
    for await (const book of session.stream(query, { yieldPer: BATCH })) {
      assert.equal(book.reviews.length, book.id % 3, "loaded with its batch, read without a query");
      rows++;
    }
    assert.equal(rows, BOOKS);
    const batches = BOOKS / BATCH;
    assert.equal(ctx.statements.filter((s) => /st_reviews/.test(s)).length, batches);
    assert.equal(ctx.statements.length, 1 + batches);
  });

  test("breaking after 10 books closes the cursor; the session keeps its transaction and connection", async () => {
    await seed();
    const session = ctx.session();
    const connection = await session.connection();
    const ids: number[] = [];
    for await (const book of session.stream(byId, { yieldPer: BATCH })) {
      ids.push(book.id);
      if (ids.length === 10) break;
    }
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(await session.connection(), connection);
    assert.ok(connection.inTransaction);
    if (ctx.db.name === "postgresql") {
      assert.equal(Number((await connection.execute(sql<{ n: number }>`SELECT count(*) AS n FROM pg_cursors`)).rows[0]!.n), 0);
    }
    assert.equal((await session.get(StBook, 4321))!.title, "Book 4321");
  });

  test("a joined-loaded collection cannot be streamed (a parent's rows may straddle batches): StreamingLoadError naming it", async () => {
    const session = ctx.session();
    await assert.rejects(async () => {
      for await (const _ of session.stream(byId.options(joinedLoad(StBook, "reviews")))) break;
    }, (error: unknown) => error instanceof StreamingLoadError && /StBook\.reviews/.test((error as Error).message) && /selectinLoad/.test((error as Error).message));
  });

  test("streamRows yields tuples", async () => {
    await seed();
    const session = ctx.session();
    const b = columnsOf(StBook);
    const rows: [number, string][] = [];
    for await (const [id, title] of session.streamRows(select(b.id, b.title).where(b.id.le(250)).orderBy(b.id), { yieldPer: 100 })) rows.push([id, title]);
    assert.equal(rows.length, 250);
    assert.deepEqual(rows[249], [250, "Book 250"]);
  });
});
