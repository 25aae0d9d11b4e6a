/**
 * A savepoint rolled back inside the loop of `session.stream`, when it was open as the stream read
 * its current batch: the rest of that batch was yielded, rows the rollback had undone among them
 * (rows the session inserted in the savepoint, shown as objects the session had just let go of).
 * The stream now ends at the next row with `StreamEndedError`, as it ends when its transaction
 * does; the session goes on, and the commit after it writes what the savepoint did not hold.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamEndedError, StreamInProgressError, columnsOf, deleteFrom, select } from "../../src/index.js";
import { StBook, StreamBase } from "./fixtures/stream-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { seedBooks } from "./fixtures/stream-seed.js";

const b = columnsOf(StBook);

forEachDatabaseWithSchema("a savepoint rolled back inside a stream's loop", StreamBase.metadata, (ctx) => {
  /** Books 1 to `count`, book 1's change flushed, then a savepoint begun. */
  async function inSavepoint(count: number) {
    await seedBooks(ctx, count);
    const session = ctx.session();
    (await session.get(StBook, 1))!.title = "flushed before the savepoint";
    await session.flush();
    return { session, savepoint: await session.beginNested() };
  }

  test("rows inserted in the savepoint the stream was opened in are not yielded after its rollback", async () => {
    const { session, savepoint } = await inSavepoint(10);
    session.addAll([11, 12].map((id) => Object.assign(new StBook(), { id, title: `inserted ${id}` })));
    await session.flush();
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const book of session.stream(select(StBook).where(b.id.ge(9)).orderBy(b.id), { yieldPer: 4 })) {
        seen.push(book.id);
        if (book.id === 9) {
          if (ctx.db.name === "postgresql") await savepoint.rollback();
          // SQLite and MariaDB refuse the rollback beside their cursor: the savepoint and the stream go on.
          else await assert.rejects(savepoint.rollback(), StreamInProgressError);
        }
      }
    } catch (e) {
      error = e;
    }
    if (ctx.db.name === "postgresql") {
      assert.ok(error instanceof StreamEndedError, `expected StreamEndedError, got ${String(error)}`);
      assert.deepEqual(seen, [9], "rows of the batch read in the rolled-back savepoint were yielded after its rollback");
    } else {
      assert.equal(error, undefined);
      assert.deepEqual(seen, [9, 10, 11, 12]);
      await savepoint.rollback(); // after the loop, as the refusal says
    }
    await session.commit();
    assert.equal(await ctx.count("st_books"), 10, "a row of the rolled-back savepoint was written");
    assert.equal(await ctx.count("st_books", "title = 'flushed before the savepoint'"), 1);
  });

  if (ctx.db.name !== "postgresql") {
    test("a savepoint committed in the loop, with changes to flush, is refused before anything: committed after the loop", async () => {
      // Its flush was refused, then its rollback, which failed the whole transaction: the commit lost every change.
      const { session, savepoint } = await inSavepoint(4);
      for await (const book of session.stream(select(StBook).orderBy(b.id), { yieldPer: 2 })) {
        book.title = `${book.title} (seen)`;
        // The flush's refusal, not that of the rollback that followed it: nothing was sent, the savepoint goes on.
        if (book.id === 2) await assert.rejects(savepoint.commit(), (error) => error instanceof StreamInProgressError && /^Cannot flush/.test(error.message));
      }
      await savepoint.commit();
      await session.commit();
      assert.equal(await ctx.count("st_books", "title = 'flushed before the savepoint (seen)'"), 1);
      assert.equal(await ctx.count("st_books", "title LIKE 'book % (seen)'"), 3);
    });
    return;
  }

  test("a batch read while a savepoint had deleted rows, then rolled back: StreamEndedError rather than a stream missing those rows", async () => {
    await seedBooks(ctx, 10);
    const session = ctx.session();
    const seen: number[] = [];
    let savepoint: Awaited<ReturnType<typeof session.beginNested>> | undefined;
    let error: unknown;
    try {
      for await (const book of session.stream(select(StBook).orderBy(b.id), { yieldPer: 4 })) {
        seen.push(book.id);
        if (book.id === 4) {
          savepoint = await session.beginNested();
          await session.execute(deleteFrom(StBook).where(b.id.eq(6)));
        }
        if (book.id === 5) await savepoint!.rollback();
      }
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof StreamEndedError, `expected StreamEndedError, got ${String(error)} after ${seen.join(",")}`);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    await session.commit();
    assert.equal(await ctx.count("st_books"), 10);
  });
}, { createOnce: true });
