/**
 * A row deleted and flushed by the session inside the loop of `session.stream`, still to come
 * from the cursor: PostgreSQL's cursor reads as of when it opened, and yielded the row as a new
 * persistent object; a change to it then failed the commit with a StaleDataError blaming another
 * transaction. The stream now skips a row whose key the session deleted in its transaction, unless
 * the session holds an object under that key again. SQLite and MariaDB refuse the flush inside
 * their stream (a write while it reads): there the row is never deleted under the cursor, and
 * nothing committed is lost (an in-memory SQLite database was: its connection closed as broken).
 * In a tuple, a deleted entity on the nullable side of an outer join reads as null and the rest of
 * the row stays (it skipped the whole row), as `execute` returns it. Rows a bulk statement or SQL
 * text deleted or changed inside the loop were yielded as the cursor had them (deleted ones as
 * persistent objects; changed ones with old values, which the commit then wrote back).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamInProgressError, columnsOf, deleteFrom, joinedLoad, select, sql, update } from "../../src/index.js";
import { StBook, StReview, StreamBase } from "./fixtures/stream-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("rows a stream's session deleted in its loop", StreamBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const seeding = ctx.session();
    seeding.addAll(Array.from({ length: 10 }, (_, i) => Object.assign(new StBook(), { id: i + 1, title: `book ${i + 1}` })));
    await seeding.commit();
    await seeding.close();
  }

  /** Streams the books in batches of 3, deleting book 8 and flushing at the first, changing every book yielded. */
  async function streamDeleting(session: ReturnType<typeof ctx.session>, readdAs?: string): Promise<number[]> {
    const seen: number[] = [];
    const eight = (await session.get(StBook, 8))!;
    for await (const book of session.stream(select(StBook).orderBy(columnsOf(StBook).id), { yieldPer: 3 })) {
      seen.push(book.id);
      if (book.id === 1) {
        await session.delete(eight);
        await session.flush();
        if (readdAs !== undefined) {
          session.add(Object.assign(new StBook(), { id: 8, title: readdAs }));
          await session.flush();
        }
      }
      book.title = `${book.title} (seen)`;
    }
    return seen;
  }

  // SQLite and MariaDB refuse a write while their stream reads: the row is not deleted, nothing is lost.
  if (ctx.db.name !== "postgresql") {
    test("cannot be deleted inside the loop: the flush is refused, and the rollback keeps every row", async () => {
      await seed();
      const session = ctx.session();
      await assert.rejects(streamDeleting(session), StreamInProgressError);
      // SQLite in memory: the failed flush's ROLLBACK, refused beside the open cursor, had the
      // connection closed as broken, and with it the database: every table and committed row.
      await session.rollback();
      assert.equal(await ctx.count("st_books"), 10, "committed rows were lost");
      assert.equal(await ctx.count("st_books", "title LIKE '% (seen)'"), 0);
      (await session.get(StBook, 8))!.title = "after the loop";
      await session.commit();
      await session.close();
      assert.equal(await ctx.count("st_books", "title = 'after the loop'"), 1, "the session is usable after the refused flush");
    });
    return;
  }

  test("is not yielded again, and the commit writes the changes of the rest", async () => {
    await seed();
    const session = ctx.session();
    const seen = await streamDeleting(session);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 9, 10], "the deleted row came back as a persistent object");
    await session.commit();
    assert.equal(await ctx.count("st_books"), 9);
    assert.equal(await ctx.count("st_books", "title LIKE '% (seen)'"), 9);
    assert.equal(await ctx.count("st_books", "id = 8"), 0, "the deleted row was resurrected");
  });

  test("one added again under its key is the object the session holds, as any row the session holds", async () => {
    await seed();
    const session = ctx.session();
    const seen = await streamDeleting(session, "again");
    assert.ok(seen.includes(8), "the cursor still has the row: it is the object added");
    await session.commit();
    assert.equal(await ctx.count("st_books"), 10);
    assert.equal(await ctx.count("st_books", "id = 8 AND title LIKE 'again%'"), 1);
  });

  /** Books 1-6, each with review n; streams `query` as tuples in batches of 2, deleting review 5 and flushing at the first; then runs it again. */
  async function tuplesDeletingReview(query: ReturnType<typeof bookReviewPairs>): Promise<{ streamed: string[]; executed: string[] }> {
    const seeding = ctx.session();
    for (let i = 1; i <= 6; i++) {
      seeding.add(Object.assign(new StBook(), { id: i, title: `book ${i}` }));
      seeding.add(Object.assign(new StReview(), { id: i, bookId: i, stars: i }));
    }
    await seeding.commit();
    await seeding.close();
    const session = ctx.session();
    const five = (await session.get(StReview, 5))!;
    const pair = ([book, review]: readonly [StBook | null, StReview | null]) => `${book?.id ?? "null"}/${review?.id ?? "null"}`;
    const streamed: string[] = [];
    for await (const row of session.streamRows(query, { yieldPer: 2 })) {
      streamed.push(pair(row));
      if (row[0]?.id === 1) {
        await session.delete(five);
        await session.flush();
      }
    }
    const executed = (await session.execute(query)).map(pair);
    await session.commit();
    return { streamed, executed };
  }

  const r = columnsOf(StReview);
  const bookReviewPairs = (outer: boolean) => {
    const books = select(StBook, StReview);
    return (outer ? books.leftJoin(StReview, r.bookId.eq(columnsOf(StBook).id)) : books.join(StReview, r.bookId.eq(columnsOf(StBook).id))).orderBy(columnsOf(StBook).id);
  };

  test("a tuple with an inner-joined entity deleted is skipped, as execute no longer returns the row", async () => {
    const { streamed, executed } = await tuplesDeletingReview(bookReviewPairs(false));
    assert.deepEqual(streamed, ["1/1", "2/2", "3/3", "4/4", "6/6"]);
    assert.deepEqual(streamed, executed);
  });

  test("a tuple with an outer-joined entity deleted keeps the rest of the row, the entity null, as execute returns it", async () => {
    const { streamed, executed } = await tuplesDeletingReview(bookReviewPairs(true));
    assert.deepEqual(streamed, ["1/1", "2/2", "3/3", "4/4", "5/null", "6/6"], "book 5 was lost with its deleted review");
    assert.deepEqual(streamed, executed);
    assert.equal(await ctx.count("st_books"), 6);
  });

  /** Streams the books in batches of 3, running `remove` at the first and changing every book yielded; then commits. */
  async function streamRemoving(remove: (session: ReturnType<typeof ctx.session>) => Promise<unknown>): Promise<number[]> {
    await seed();
    const session = ctx.session();
    const seen: number[] = [];
    for await (const book of session.stream(select(StBook).orderBy(columnsOf(StBook).id), { yieldPer: 3 })) {
      seen.push(book.id);
      if (book.id === 1) await remove(session);
      book.title = `${book.title} (seen)`;
    }
    await session.commit();
    return seen;
  }

  test("rows a bulk delete removed are not yielded, and the commit writes the changes of the rest", async () => {
    const seen = await streamRemoving((session) => session.execute(deleteFrom(StBook).where(columnsOf(StBook).id.in([5, 8]))));
    assert.deepEqual(seen, [1, 2, 3, 4, 6, 7, 9, 10], "rows deleted by the bulk delete came back as persistent objects");
    assert.equal(await ctx.count("st_books"), 8, "a deleted row was resurrected");
    assert.equal(await ctx.count("st_books", "title LIKE '% (seen)'"), 8);
  });

  test("rows a bulk update changed are read as they are now: the commit does not write their old values back", async () => {
    // The books yielded next show the new title: the loop's change builds on it, not on the cursor's.
    const seen = await streamRemoving((session) => session.execute(update(StBook).values({ title: "renamed" }).where(columnsOf(StBook).id.gt(3))));
    assert.equal(seen.length, 10);
    assert.equal(await ctx.count("st_books", "title = 'renamed (seen)'"), 7, "the bulk update was overwritten with the cursor's old titles");
    assert.equal(await ctx.count("st_books", "title LIKE 'book % (seen)'"), 3);
  });

  test("a joined-loaded book a bulk update changed is read as it is now: the commit does not write its old title back", async () => {
    const seeding = ctx.session();
    for (let i = 1; i <= 6; i++) {
      seeding.add(Object.assign(new StBook(), { id: i, title: `book ${i}` }));
      seeding.add(Object.assign(new StReview(), { id: i, bookId: i, stars: i }));
    }
    await seeding.commit();
    await seeding.close();
    const session = ctx.session();
    const seen: string[] = [];
    const reviews = select(StReview).options(joinedLoad(StReview, "book")).orderBy(r.id);
    for await (const review of session.stream(reviews, { yieldPer: 2 })) {
      if (review.id === 1) {
        await session.execute(update(StBook).values({ title: "renamed" }));
      }
      seen.push(`${review.id}:${review.book.title}`);
      review.book.title = `${review.book.title} (seen)`;
    }
    assert.deepEqual(seen, ["1:renamed", "2:renamed", "3:renamed", "4:renamed", "5:renamed", "6:renamed"]);
    await session.commit();
    assert.equal(await ctx.count("st_books", "title = 'renamed (seen)'"), 6, "the bulk update was overwritten with the joined rows' old titles");
  });

  test("rows deleted by SQL text in the session's transaction are not yielded", async () => {
    const seen = await streamRemoving((session) => session.execute(sql`DELETE FROM st_books WHERE id > 8`));
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(await ctx.count("st_books"), 8);
    assert.equal(await ctx.count("st_books", "title LIKE '% (seen)'"), 8);
  });

  test("a bulk-deleted entity on the nullable side of an outer join reads as null", async () => {
    const seeding = ctx.session();
    for (let i = 1; i <= 4; i++) {
      seeding.add(Object.assign(new StBook(), { id: i, title: `book ${i}` }));
      seeding.add(Object.assign(new StReview(), { id: i, bookId: i, stars: i }));
    }
    await seeding.commit();
    await seeding.close();
    const session = ctx.session();
    const streamed: string[] = [];
    for await (const [book, review] of session.streamRows(bookReviewPairs(true), { yieldPer: 2 })) {
      streamed.push(`${book.id}/${review?.id ?? "null"}`);
      if (book.id === 1) await session.execute(deleteFrom(StReview).where(r.stars.ge(3)));
    }
    assert.deepEqual(streamed, ["1/1", "2/2", "3/null", "4/null"]);
  });
}, { createOnce: true });
