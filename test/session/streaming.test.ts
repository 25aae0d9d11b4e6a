/**
 * `session.stream`: objects read a batch at a time through a cursor in the session's transaction.
 * Select-in loads run per batch, a finished batch's objects leave the identity map (detached),
 * and leaving the loop early closes the cursor while the session keeps its transaction.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PoolTimeoutError, Session, StreamingLoadError, columnsOf, inspect, joinedLoad, select, selectinLoad, sql, type Engine } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
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

  /** A book as loaded: its columns and its reviews (by id), each pointing back to it. */
  const bookShape = (book: StBook) => [book.id, book.title, book.reviews.map((r) => [r.id, r.stars, r.book === book] as const).sort((a, b) => a[0] - b[0])];

  test("selectinLoad of a collection runs once per batch on every database: the same books and reviews as a plain load, 1 streamed SELECT + 1 select-in per batch", async () => {
    await seed();
    const query = byId.options(selectinLoad(StBook, "reviews"));
    const reader = ctx.session();
    const plain = (await reader.scalars(query)).map(bookShape);
    await reader.close(); // in-memory SQLite has one connection
    ctx.reset();
    const session = ctx.session();
    const streamed = [];
    for await (const book of session.stream(query, { yieldPer: BATCH })) streamed.push(bookShape(book));
    assert.equal(streamed.length, BOOKS);
    assert.deepEqual(streamed, plain);
    const batches = BOOKS / BATCH;
    assert.equal(ctx.statements.filter((s) => /st_reviews/.test(s)).length, batches);
    assert.equal(ctx.statements.length, 1 + batches);
  });

  test("selectinLoad of a many-to-one runs once per batch on every database: each review's book as a plain load gives it", async () => {
    await seed();
    const query = select(StReview).orderBy(columnsOf(StReview).id).options(selectinLoad(StReview, "book"));
    const shape = (review: StReview) => [review.id, review.book.id, review.book.title];
    const reader = ctx.session();
    const plain = (await reader.scalars(query)).map(shape);
    await reader.close();
    ctx.reset();
    const session = ctx.session();
    const streamed = [];
    for await (const review of session.stream(query, { yieldPer: BATCH })) streamed.push(shape(review));
    assert.deepEqual(streamed, plain);
    const batches = Math.ceil(plain.length / BATCH);
    assert.equal(ctx.statements.filter((s) => /FROM st_books|FROM `st_books`|FROM "st_books"/.test(s)).length, batches);
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

  // ------------------------------------------------------------------ select-in loads beside a MySQL/MariaDB stream

  const withReviews = byId.options(selectinLoad(StBook, "reviews"));
  const isMySql = () => ctx.db.name === "mysql";

  /** An engine of its own with a small pool (not for SQLite: a new in-memory engine is another database). */
  async function withPool(max: number, acquireTimeoutMs: number, body: (engine: Engine) => Promise<void>): Promise<void> {
    const engine = engineFor(ctx.db, { pool: { max, acquireTimeoutMs } });
    try {
      await body(engine);
    } finally {
      await engine.dispose();
    }
  }

  test("MySQL/MariaDB load each batch on a second pooled connection, back in the pool when the loop ends and after break (PostgreSQL: none taken)", async (t) => {
    if (ctx.db.name === "sqlite") return t.skip("an in-memory SQLite engine of its own would be another database");
    await seed();
    await withPool(2, 1000, async (engine) => {
      const session = new Session(engine);
      try {
        assert.equal((await session.get(StBook, 1))!.title, "Book 1"); // reads in the transaction: the second connection is fine
        let rows = 0;
        for await (const book of session.stream(withReviews, { yieldPer: BATCH })) {
          assert.equal(book.reviews.length, book.id % 3);
          if (++rows === 150) {
            // In the loop: the session holds one connection, and on MySQL/MariaDB the loads hold the other.
            if (isMySql()) {
              await assert.rejects(engine.connect(), (error: unknown) =>
                error instanceof PoolTimeoutError && error.holders.some((h) => h.holder === "a session stream's select-in loads"));
            } else await (await engine.connect()).close();
          }
        }
        assert.equal(rows, BOOKS);
        await (await engine.connect()).close(); // PoolTimeoutError if the loads' connection was kept
        for await (const book of session.stream(withReviews, { yieldPer: BATCH })) if (book.id === 10) break;
        await (await engine.connect()).close();
        assert.ok((await session.connection()).inTransaction, "the session keeps its own connection and transaction");
      } finally {
        await session.close();
      }
    });
  });

  test("after the session has written in its transaction, MySQL/MariaDB refuse the loads (they would miss the writes) until a commit; PostgreSQL and SQLite load the writes", async () => {
    await seed();
    const session = ctx.session();
    const early = byId.where(columnsOf(StBook).id.le(300)).options(selectinLoad(StBook, "reviews"));
    session.add(Object.assign(new StReview(), { id: 100_000, bookId: 3, stars: 4 })); // written by the stream's autoflush
    const reviewIdsOfBook3 = async () => {
      for await (const book of session.stream(early, { yieldPer: BATCH })) if (book.id === 3) return book.reviews.map((r) => r.id).sort((a, b) => a - b);
      return undefined;
    };
    if (isMySql()) {
      await assert.rejects(reviewIdsOfBook3(), (error: unknown) =>
        error instanceof StreamingLoadError && /uncommitted writes/.test((error as Error).message) && /session\.commit\(\)/.test((error as Error).message));
      assert.equal(await ctx.count("st_reviews", "id = 100000"), 0, "flushed, not committed");
      await session.commit();
    }
    const ids = await reviewIdsOfBook3();
    assert.ok(ids?.includes(100_000), `book 3's reviews include the one the session wrote: ${ids}`);
    // An explicit flush in a savepoint is refused the same way (a new session: the first one still holds book 3's reviews).
    await session.close(); // in-memory SQLite has one connection
    const other = ctx.session();
    const savepoint = await other.beginNested();
    (await other.get(StBook, 6))!.title = "Six";
    await other.flush();
    const stream = async () => {
      for await (const book of other.stream(early, { yieldPer: BATCH })) if (book.id === 6) return book.title;
      return undefined;
    };
    if (isMySql()) await assert.rejects(stream(), StreamingLoadError);
    else assert.equal(await stream(), "Six");
    await savepoint.rollback();
  });

  test("no connection free for the loads: StreamingLoadError (cause PoolTimeoutError) on MySQL/MariaDB, at once with a pool of one; the session goes on", async (t) => {
    if (!isMySql()) return t.skip("PostgreSQL and SQLite load on the stream's own connection");
    await seed();
    await withPool(1, 5000, async (engine) => {
      const session = new Session(engine);
      await assert.rejects(async () => {
        for await (const _ of session.stream(withReviews, { yieldPer: BATCH })) break;
      }, (error: unknown) => error instanceof StreamingLoadError && /pool of one connection/.test((error as Error).message) && /pool\.max/.test((error as Error).message));
      assert.equal((await session.get(StBook, 7))!.title, "Book 7");
      await session.close();
    });
    await withPool(2, 1000, async (engine) => {
      const held = await engine.connect();
      const session = new Session(engine);
      try {
        await assert.rejects(async () => {
          for await (const _ of session.stream(withReviews, { yieldPer: BATCH })) break;
        }, (error: unknown) => error instanceof StreamingLoadError && (error as Error).cause instanceof PoolTimeoutError && /none was free within 1000 ms/.test((error as Error).message));
        assert.equal((await session.get(StBook, 8))!.title, "Book 8");
      } finally {
        await session.close();
        await held.close();
      }
    });
  });
}, { createOnce: true });
