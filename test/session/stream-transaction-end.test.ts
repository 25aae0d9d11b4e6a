/**
 * The session's transaction ending inside the loop of `session.stream` (a failed flush rolls it
 * back; a rollback() or commit()): the cursor read in that transaction and ended with it. The
 * stream went on yielding the rest of the batch it had read (rows of a transaction whose writes
 * were undone), then failed with "This connection is closed". It now ends at the next row with
 * `StreamEndedError`; the session stays usable and the commit after it loses nothing. A flush in a
 * savepoint that fails rolls back the savepoint only: the stream goes on (PostgreSQL). SQLite and
 * MariaDB refuse a flush beside their cursor: it was refused at its first statement and rolled the
 * transaction back, ending the stream; it is now refused before anything, and the stream goes on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, ResourceClosedError, StreamEndedError, StreamInProgressError, columnsOf, select } from "../../src/index.js";
import { StBook, StReview, StreamBase } from "./fixtures/stream-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const byId = select(StBook).orderBy(columnsOf(StBook).id);

forEachDatabaseWithSchema("the session's transaction ending inside a stream's loop", StreamBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const seeding = ctx.session();
    seeding.addAll(Array.from({ length: 10 }, (_, i) => Object.assign(new StBook(), { id: i + 1, title: `book ${i + 1}` })));
    await seeding.commit();
    await seeding.close();
  }

  /** Streams the books in batches of 4, running `atFirst` at book 1; returns the ids seen and what the loop threw. */
  async function streamRunning(session: ReturnType<typeof ctx.session>, atFirst: () => Promise<void>): Promise<{ seen: number[]; error: unknown }> {
    const seen: number[] = [];
    try {
      for await (const book of session.stream(byId, { yieldPer: 4 })) {
        seen.push(book.id);
        if (book.id === 1) await atFirst();
      }
    } catch (error) {
      return { seen, error };
    }
    return { seen, error: undefined };
  }

  test(
    ctx.db.name === "postgresql"
      ? "a failed flush ends the stream with StreamEndedError at the next row; the commit after it writes every change"
      : "a flush beside the cursor is refused before anything: the transaction and the stream go on, the commit after the loop writes every change",
    async () => {
      await seed();
      const session = ctx.session();
      (await session.get(StBook, 10))!.title = "flushed before the stream";
      await session.flush();
      // PostgreSQL: a foreign key violation; SQLite and MariaDB refuse any write beside their cursor.
      const review = Object.assign(new StReview(), { id: 1, bookId: 999, stars: 1 });
      const { seen, error } = await streamRunning(session, async () => {
        (await session.get(StBook, 1))!.title = "changed in the loop";
        session.add(review);
        await assert.rejects(session.flush(), ctx.db.name === "postgresql" ? IntegrityError : StreamInProgressError);
        review.bookId = 2;
      });
      if (ctx.db.name === "postgresql") {
        assert.ok(error instanceof StreamEndedError, `expected StreamEndedError, got ${String(error)}`);
        assert.ok(error instanceof ResourceClosedError);
        assert.deepEqual(seen, [1], "rows read in the rolled-back transaction were yielded after it ended");
      } else {
        assert.equal(error, undefined, "the refused flush ended the stream");
        assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
      await session.commit();
      assert.equal(await ctx.count("st_books"), 10);
      assert.equal(await ctx.count("st_books", "title = 'flushed before the stream'"), 1, "the change flushed before the failed flush was lost");
      assert.equal(await ctx.count("st_books", "title = 'changed in the loop'"), 1);
      assert.equal(await ctx.count("st_reviews", "book_id = 2"), 1);
    },
  );

  test("session.rollback() in the loop ends the stream with StreamEndedError; the session goes on", async () => {
    await seed();
    const session = ctx.session();
    const { seen, error } = await streamRunning(session, () => session.rollback());
    assert.ok(error instanceof StreamEndedError, `expected StreamEndedError, got ${String(error)}`);
    assert.deepEqual(seen, [1]);
    (await session.get(StBook, 2))!.title = "after";
    await session.commit();
    assert.equal(await ctx.count("st_books", "title = 'after'"), 1);
  });

  if (ctx.db.name === "postgresql") {
    test("session.commit() in the loop commits, then ends the stream with StreamEndedError (the cursor closed with it)", async () => {
      await seed();
      const session = ctx.session();
      const { seen, error } = await streamRunning(session, async () => {
        (await session.get(StBook, 1))!.title = "committed in the loop";
        await session.commit();
      });
      assert.ok(error instanceof StreamEndedError, `expected StreamEndedError, got ${String(error)}`);
      assert.deepEqual(seen, [1]);
      assert.equal(await ctx.count("st_books", "title = 'committed in the loop'"), 1);
    });
  }

  test("a transaction ended at the last row ends the stream as it would have ended", async () => {
    await seed();
    const session = ctx.session();
    const seen: number[] = [];
    for await (const book of session.stream(byId.where(columnsOf(StBook).id.le(3)), { yieldPer: 4 })) {
      seen.push(book.id);
      if (book.id === 3) await session.rollback();
    }
    assert.deepEqual(seen, [1, 2, 3]);
  });

  if (ctx.db.name === "postgresql") {
    test("the savepoint the stream was opened in, rolled back in the loop: StreamEndedError, nothing sent on the closed cursor, the transaction goes on", async () => {
      // The next FETCH (or the CLOSE as the loop ended) failed on the cursor PostgreSQL had closed,
      // and failed the whole transaction with it: the change flushed before the savepoint was lost.
      await seed();
      const session = ctx.session();
      (await session.get(StBook, 10))!.title = "flushed before the savepoint";
      await session.flush();
      const savepoint = await session.beginNested();
      const { seen, error } = await streamRunning(session, () => savepoint.rollback());
      assert.ok(error instanceof StreamEndedError, `expected StreamEndedError, got ${String(error)}`);
      assert.ok(seen.length < 10);
      await session.commit();
      assert.equal(await ctx.count("st_books", "title = 'flushed before the savepoint'"), 1);
    });

    test("breaking out of the loop after the savepoint it was opened in was rolled back: the transaction goes on", async () => {
      await seed();
      const session = ctx.session();
      (await session.get(StBook, 10))!.title = "flushed before the savepoint";
      await session.flush();
      const savepoint = await session.beginNested();
      for await (const book of session.stream(byId, { yieldPer: 4 })) {
        if (book.id !== 1) continue;
        await savepoint.rollback();
        break;
      }
      await session.commit();
      assert.equal(await ctx.count("st_books", "title = 'flushed before the savepoint'"), 1);
    });

    test("a flush that fails in a savepoint rolls back the savepoint only: the stream goes on to its end", async () => {
      await seed();
      const session = ctx.session();
      const seen: number[] = [];
      for await (const book of session.stream(byId, { yieldPer: 4 })) {
        seen.push(book.id);
        book.title = `${book.title} (seen)`;
        if (book.id !== 1) continue;
        const savepoint = await session.beginNested();
        session.add(Object.assign(new StReview(), { id: 1, bookId: 999, stars: 1 }));
        await assert.rejects(savepoint.commit());
      }
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      await session.commit();
      assert.equal(await ctx.count("st_books", "title LIKE '% (seen)'"), 10);
      assert.equal(await ctx.count("st_reviews"), 0);
    });
    return;
  }

  test("a savepoint cannot begin beside the cursor (StreamInProgressError): the stream goes on, the commit after it writes the changes", async () => {
    await seed();
    const session = ctx.session();
    const seen: number[] = [];
    for await (const book of session.stream(byId, { yieldPer: 4 })) {
      seen.push(book.id);
      book.title = `${book.title} (seen)`;
      if (book.id === 1) await assert.rejects(session.beginNested(), StreamInProgressError);
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await session.commit();
    assert.equal(await ctx.count("st_books", "title LIKE '% (seen)'"), 10);
  });
}, { createOnce: true });
