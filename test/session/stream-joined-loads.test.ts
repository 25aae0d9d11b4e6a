/**
 * `session.stream` with a joined load (`joinedLoad(StReview, "book")`), the reviews' books moved
 * inside the loop by the session's transaction: PostgreSQL's cursor joined each review to the book
 * it had when the cursor opened. The review was read again (its new `bookId`) but came with its old
 * book, where `execute` run then joins the new one; a review the session held, moved and flushed
 * in the loop, was given its old book too (`review.book.id !== review.bookId`). A batch's joined
 * loads are now read again as the query joins them, once the transaction wrote beside the cursor.
 * A containsEager target (the query's own JOIN) its review no longer names failed the stream with an
 * ArgumentError; it is now left to load.
 * SQLite and MariaDB refuse the writes beside their cursor: no review moves under it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamInProgressError, columnsOf, containsEager, joinedLoad, lazy, select, update, withLoaderCriteria } from "../../src/index.js";
import { StBook, StReview, StreamBase } from "./fixtures/stream-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { seedBooks } from "./fixtures/stream-seed.js";

const r = columnsOf(StReview);
const reviews = select(StReview).options(joinedLoad(StReview, "book")).orderBy(r.id);

forEachDatabaseWithSchema("a stream's joined loads changed by its session in the loop", StreamBase.metadata, (ctx) => {
  /** Streams `query` (the reviews with their books) in batches of 2, running `atFirst` at review 1: "review:bookId:book.id" per review, and what `execute` then returns. */
  async function streamMoving(atFirst: (session: ReturnType<typeof ctx.session>) => Promise<unknown>, query = reviews): Promise<{ streamed: string[]; executed: string[] }> {
    await seedBooks(ctx, 6, true);
    const session = ctx.session();
    const streamed: string[] = [];
    const show = (review: StReview) => `${review.id}:${review.bookId}:${review.book?.id ?? "none"}`;
    for await (const review of session.stream(query, { yieldPer: 2 })) {
      if (review.id === 1) await atFirst(session);
      streamed.push(show(review));
    }
    const executed = (await session.scalars(query)).map(show);
    await session.commit();
    return { streamed, executed };
  }

  const moveByBulkUpdate = (session: ReturnType<typeof ctx.session>) => session.execute(update(StReview).values({ bookId: 2 }).where(r.id.gt(2)));

  if (ctx.db.name !== "postgresql") {
    test("cannot be moved beside the cursor: the update is refused, every review comes with its book", async () => {
      const { streamed, executed } = await streamMoving((session) => assert.rejects(moveByBulkUpdate(session), StreamInProgressError));
      assert.deepEqual(streamed, ["1:1:1", "2:2:2", "3:3:3", "4:4:4", "5:5:5", "6:6:6"]);
      assert.deepEqual(streamed, executed);
    });
    return;
  }

  test("reviews a bulk update moved come with the book they have now, as execute returns them", async () => {
    const { streamed, executed } = await streamMoving(moveByBulkUpdate);
    assert.deepEqual(streamed, ["1:1:1", "2:2:2", "3:2:2", "4:2:2", "5:2:2", "6:2:2"], "a moved review came with the book the cursor joined");
    assert.deepEqual(streamed, executed);
  });

  test("a review the session held, moved and flushed in the loop, comes with its new book", async () => {
    let five: StReview | undefined;
    const { streamed, executed } = await streamMoving(async (session) => {
      five = (await session.get(StReview, 5))!;
      five.bookId = 1;
      await session.flush();
    });
    assert.deepEqual(streamed, ["1:1:1", "2:2:2", "3:3:3", "4:4:4", "5:1:1", "6:6:6"], "the review was given the book the cursor joined");
    assert.deepEqual(streamed, executed);
    assert.equal(await ctx.count("st_reviews", "id = 5 AND book_id = 1"), 1);
  });

  test("the loader criteria of the query are in the joins read again: a book they leave out is not loaded", async () => {
    const notBookTwo = reviews.options(withLoaderCriteria(StBook, (book) => book.id.ne(2)));
    const { streamed, executed } = await streamMoving(moveByBulkUpdate, notBookTwo);
    assert.deepEqual(streamed, ["1:1:1", "2:2:none", "3:2:none", "4:2:none", "5:2:none", "6:2:none"]);
    assert.deepEqual(streamed, executed);
  });

  test("a book the bulk update moved a review away from is not shown as its book", async () => {
    // Book 3 deleted once its review left it: the review comes with book 2, not with the deleted book 3.
    const { streamed } = await streamMoving(async (session) => {
      await moveByBulkUpdate(session);
      await session.delete((await session.get(StBook, 3))!);
      await session.flush();
    });
    assert.deepEqual(streamed, ["1:1:1", "2:2:2", "3:2:2", "4:2:2", "5:2:2", "6:2:2"]);
    assert.equal(await ctx.count("st_books"), 5);
  });

  test("a containsEager target its review no longer names is left to load, not shown, and the stream goes on", async () => {
    // The query's own JOIN cannot be run again: a review moved away from its book is left with its book unloaded. It
    // failed the stream with an ArgumentError blaming the query's JOIN (the review's new key beside the cursor's book).
    const own = select(StReview).join(StBook, r.bookId.eq(columnsOf(StBook).id)).options(containsEager(StReview, "book")).orderBy(r.id);
    await seedBooks(ctx, 6, true);
    const session = ctx.session();
    const streamed: string[] = [];
    for await (const review of session.stream(own, { yieldPer: 2 })) {
      if (review.id === 1) await moveByBulkUpdate(session);
      streamed.push(`${review.id}:${review.bookId}:${(await lazy(review).book).id}`);
    }
    assert.deepEqual(streamed, ["1:1:1", "2:2:2", "3:2:2", "4:2:2", "5:2:2", "6:2:2"]);
  });
}, { createOnce: true });
