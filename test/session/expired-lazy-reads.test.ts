/**
 * `await lazy(obj).key` of an object expired (by a commit, a rollback, `expire()`) reads what the
 * row holds now. It used to answer with the value from before the expiry, kept in memory until
 * read again: a column as it was, and a many-to-one loaded by the foreign key as it was, so after
 * another transaction moved the row the old parent came back (and the next flush of the object
 * could copy its key back over the move). A row gone raises ObjectDeletedError.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ObjectDeletedError, lazy, select, sql, type Session } from "../../src/index.js";
import { OrderedBase, OrBook, OrShelf } from "./fixtures/ordered.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

/** Book 1 on shelf 1, loaded then expired by a commit; then moved to shelf 2 by another transaction. */
async function expiredThenMoved(ctx: SessionContext): Promise<{ session: Session; book: OrBook }> {
  const seed = ctx.session();
  const shelves = [1, 2].map((id) => Object.assign(new OrShelf(), { id }));
  shelves[0]!.books.push(Object.assign(new OrBook(), { id: 1, position: 1 }));
  seed.addAll(shelves);
  await seed.commit();
  await seed.close();
  const session = ctx.session();
  const book = (await session.get(OrBook, 1))!;
  await session.commit();
  await ctx.engine.execute(sql`UPDATE or_books SET shelf_id = 2, position = 5`);
  return { session, book };
}

forEachDatabaseWithSchema("lazy reads of expired objects", OrderedBase.metadata, (ctx) => {
  test("a column reads the row's value now", async () => {
    const { book } = await expiredThenMoved(ctx);
    assert.equal(await lazy(book).position, 5);
    assert.equal(await lazy(book).shelfId, 2);
  });

  test("a many-to-one is loaded by the foreign key the row holds now; a change to the object keeps the move", async () => {
    const { session, book } = await expiredThenMoved(ctx);
    assert.equal((await lazy(book).shelf).id, 2);
    await session.scalars(select(OrBook)); // reads the expired columns back
    book.rank = 3;
    await session.commit();
    assert.equal(await ctx.count("or_books", "id = 1 AND shelf_id = 2 AND rank = 3"), 1);
  });

  test("the row deleted by another transaction: ObjectDeletedError", async () => {
    const { book } = await expiredThenMoved(ctx);
    await ctx.engine.execute(sql`DELETE FROM or_books`);
    await assert.rejects(lazy(book).shelf, ObjectDeletedError);
    await assert.rejects(lazy(book).position, ObjectDeletedError);
  });
}, { createOnce: true });
