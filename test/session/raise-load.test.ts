/**
 * Raise loading: a relationship that is not loaded and refuses to load when read, per mapping
 * (`lazy: "raise"`) or per query (`raiseLoad(Model, key)`). Reading it, synchronously or with
 * `await lazy(obj).key`, raises RelationshipNotLoadedError naming the attribute and the loader
 * options to use, and runs no statement.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { RelationshipNotLoadedError, columnsOf, lazy, raiseLoad, select, selectinLoad } from "../../src/index.js";
import { LibraryBase, RlBook, RlNote, RlShelf } from "./fixtures/library.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** The error of reading `Model.key` of an object whose relationship refuses to load. */
function refused(attribute: string, because: RegExp) {
  const [model, key] = attribute.split(".");
  return (error: unknown) =>
    error instanceof RelationshipNotLoadedError &&
    error.message.startsWith(`${attribute} is not loaded`) &&
    because.test(error.message) &&
    error.message.includes(`selectinLoad(${model}, "${key}") or joinedLoad(${model}, "${key}")`);
}

forEachDatabaseWithSchema("raise loading", LibraryBase.metadata, (ctx) => {
  /** Two shelves with two books each; every book has one note. */
  async function seedData(): Promise<void> {
    const session = ctx.session();
    for (const id of [1, 2]) {
      const shelf = Object.assign(new RlShelf(), { id });
      for (const bookId of [10 * id + 1, 10 * id + 2]) {
        const book = Object.assign(new RlBook(), { id: bookId, title: `book ${bookId}` });
        book.notes.push(Object.assign(new RlNote(), { id: bookId }));
        shelf.books.push(book);
      }
      session.add(shelf);
    }
    await session.commit();
    await session.close();
    ctx.reset();
  }

  test("raiseLoad() on a many-to-one: reading it raises, sync and awaited, without a statement", async () => {
    await seedData();
    const session = ctx.session();
    const books = await session.scalars(select(RlBook).options(raiseLoad(RlBook, "shelf")));
    assert.equal(books.length, 4);
    ctx.reset();
    const byQuery = refused("RlBook.shelf", /raiseLoad\(RlBook, "shelf"\)/);
    assert.throws(() => books[0]!.shelf, byQuery);
    await assert.rejects(lazy(books[0]!).shelf, byQuery);
    await assert.rejects(Promise.all(books.map((book) => lazy(book).shelf)), byQuery);
    assert.deepEqual(ctx.statements, []);
  });

  test("raiseLoad() marks only the objects of its query: another query's objects load lazily", async () => {
    await seedData();
    const session = ctx.session();
    const [raising] = await session.scalars(select(RlBook).options(raiseLoad(RlBook, "shelf")).where(columnsOf(RlBook).id.eq(11)));
    const [other] = await session.scalars(select(RlBook).where(columnsOf(RlBook).id.eq(12)));
    ctx.reset();
    assert.equal((await lazy(other!).shelf).id, 1);
    assert.equal(ctx.statements.length, 1);
    await assert.rejects(lazy(raising!).shelf, refused("RlBook.shelf", /raiseLoad/));
  });

  test("raiseLoad() on a collection: reading it raises until a query loads it", async () => {
    await seedData();
    const session = ctx.session();
    const [shelf] = await session.scalars(select(RlShelf).options(raiseLoad(RlShelf, "books")).where(columnsOf(RlShelf).id.eq(1)));
    const byQuery = refused("RlShelf.books", /the query that returned it said raiseLoad\(RlShelf, "books"\)/);
    assert.throws(() => shelf!.books, byQuery);
    await assert.rejects(lazy(shelf!).books, byQuery);
    // The fix the message names: a query with a loader option loads it on the same object.
    const [again] = await session.scalars(select(RlShelf).options(selectinLoad(RlShelf, "books")).where(columnsOf(RlShelf).id.eq(1)));
    assert.equal(again, shelf);
    assert.deepEqual(shelf!.books.map((book) => book.id).sort(), [11, 12]);
  });

  test("without raiseLoad() the same collection loads lazily", async () => {
    await seedData();
    const session = ctx.session();
    const [shelf] = await session.scalars(select(RlShelf).where(columnsOf(RlShelf).id.eq(1)));
    assert.deepEqual((await lazy(shelf!).books).map((book) => book.id).sort(), [11, 12]);
  });

  test('lazy: "raise" in the mapping: reading it raises, sync and awaited; selectinLoad() loads it', async () => {
    await seedData();
    const session = ctx.session();
    const books = await session.scalars(select(RlBook).orderBy(columnsOf(RlBook).id));
    ctx.reset();
    const byMapping = refused("RlBook.notes", /its mapping says lazy: "raise"/);
    assert.throws(() => books[0]!.notes, byMapping);
    await assert.rejects(lazy(books[0]!).notes, byMapping);
    assert.deepEqual(ctx.statements, []);
    await session.scalars(select(RlBook).options(selectinLoad(RlBook, "notes")));
    assert.deepEqual(books.map((book) => book.notes.map((note) => note.id)), [[11], [12], [21], [22]]);
  });
}, { createOnce: true });
