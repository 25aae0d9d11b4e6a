/**
 * A column assigned while a read of it is in flight (`session.refresh(obj)` or a lazy load not
 * awaited yet): the row read used to overwrite the assignment, marked unchanged, and the commit
 * resolved without it. It is kept, and written (changed-during-read.ts). A change made before a
 * refresh began is still the refresh's to drop, as in SQLAlchemy.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, lazy, sql } from "../../src/index.js";
import { BsBook, BulkSyncBase } from "./fixtures/bulk-sync.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("changes made while a read is in flight", BulkSyncBase.metadata, (ctx) => {
  async function seeded() {
    const seed = ctx.session();
    seed.add(Object.assign(new BsBook(), { id: 1, code: "C1", title: "Book 1", price: 10, shelfId: null }));
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    return { session, book: (await session.get(BsBook, 1))! };
  }
  const row = async () => ({ ...(await ctx.engine.execute(sql<{ title: string; price: number }>`SELECT title, price FROM bs_books WHERE id = 1`)).rows[0] });

  test("refresh(obj) not awaited, then a column assigned: the assignment is kept and committed; a change made before the refresh is dropped", async () => {
    const { session, book } = await seeded();
    book.title = "before the refresh";
    const refreshing = session.refresh(book);
    book.price = 77;
    await refreshing;
    assert.equal(book.title, "Book 1", "dropped by the refresh, as SQLAlchemy does");
    assert.equal(book.price, 77);
    assert.deepEqual(inspect(book).modified, ["price"]);
    await session.commit();
    assert.deepEqual(await row(), { title: "Book 1", price: 77 });
  });

  test("refresh(obj, [attributes]) not awaited, then one of them assigned: kept and committed", async () => {
    const { session, book } = await seeded();
    const refreshing = session.refresh(book, ["title", "price"]);
    book.title = "during the refresh";
    await refreshing;
    assert.equal(book.title, "during the refresh");
    await session.commit();
    assert.deepEqual(await row(), { title: "during the refresh", price: 10 });
  });

  test("an expired column's lazy load not awaited, then the column assigned: kept and committed", async () => {
    const { session, book } = await seeded();
    session.expire(book, ["title"]);
    const loading = lazy(book).title;
    book.title = "during the load";
    await loading;
    assert.equal(book.title, "during the load");
    await session.commit();
    assert.deepEqual(await row(), { title: "during the load", price: 10 });
  });
}, { createOnce: true });
