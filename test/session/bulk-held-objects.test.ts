/**
 * A bulk UPDATE or DELETE through the session and the objects it holds: a change to an object
 * whose row is gone, changes not flushed (autoflush off) that following the statement would drop,
 * "evaluate" on the row's values rather than a change not flushed, and lists holding rows the
 * statement moved to another parent (bulk-held.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, columnsOf, deleteFrom, inspect, lazy, select, sql, update, type Session, type SessionOptions } from "../../src/index.js";
import { BsBook, BsShelf, BulkSyncBase } from "./fixtures/bulk-sync.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const b = columnsOf(BsBook);

forEachDatabaseWithSchema("bulk statements and the objects the session holds", BulkSyncBase.metadata, (ctx) => {
  /** Shelves 1 and 2; books 1, 2 on shelf 1 and 3, 4 on shelf 2, priced 10 to 40; a new session holding the four books. */
  async function seeded(options?: SessionOptions): Promise<{ session: Session; books: BsBook[] }> {
    const seed = ctx.session();
    seed.addAll([1, 2].map((id) => Object.assign(new BsShelf(), { id, name: `Shelf ${id}` })));
    await seed.flush();
    seed.addAll([1, 2, 3, 4].map((id) => Object.assign(new BsBook(), { id, code: `C${id}`, title: `Book ${id}`, price: id * 10, shelfId: id <= 2 ? 1 : 2 })));
    await seed.commit();
    await seed.close();
    const session = ctx.session(options);
    return { session, books: await session.scalars(select(BsBook).orderBy(b.id)) };
  }
  /** In the session's transaction: SQLite in memory has one connection, which the session holds. */
  const rowIn = async (session: Session, id: number) => (await (await session.connection()).execute(sql<{ price: number; shelf_id: number | null }>`SELECT price, shelf_id FROM bs_books WHERE id = ${id}`)).rows[0];
  const row = async (id: number) => (await ctx.engine.execute(sql<{ title: string; price: number; shelf_id: number | null }>`SELECT title, price, shelf_id FROM bs_books WHERE id = ${id}`)).rows[0];

  test("a change to an object a bulk DELETE deleted is refused at once (the commit used to resolve without it); so is one deleted by a flush", async () => {
    const { session, books } = await seeded();
    await session.execute(deleteFrom(BsBook).where(b.id.eq(1)));
    assert.equal(inspect(books[0]!).status, "deleted");
    assert.throws(() => (books[0]!.title = "changed"), (e: Error) => e instanceof InvalidRequestError && /BsBook\.title was changed on BsBook \(id=1\), deleted in this transaction/.test(e.message));
    assert.throws(() => (books[0]!.shelf = null), InvalidRequestError);
    assert.equal(books[0]!.title, "Book 1", "nothing was changed");
    session.delete(books[1]!);
    await session.flush();
    assert.throws(() => (books[1]!.price = 1), InvalidRequestError);
    await session.rollback(); // both rows back: the objects can be changed again
    books[0]!.title = "kept";
    await session.commit();
    assert.equal((await row(1))?.title, "kept");
    assert.equal((await row(2))?.price, 20);
  });

  test("synchronizeSession false, autoflush off: a change not flushed that expiring would drop refuses the statement before it runs; flushed first, it runs", async () => {
    const { session, books } = await seeded({ autoflush: false });
    books[2]!.price = 99; // book 3: not matched by the statement, its change used to be expired away
    await assert.rejects(
      session.execute(update(BsBook).where(b.id.eq(1)).values({ price: 5 }), { synchronizeSession: false }),
      (e: Error) => e instanceof InvalidRequestError && /BsBook \(id=3\) holds changes to price not flushed/.test(e.message) && /nothing was run/.test(e.message),
    );
    books[3]!.title = "changed"; // a DELETE with false expired every object of the class
    await assert.rejects(session.execute(deleteFrom(BsBook).where(b.id.eq(2)), { synchronizeSession: false }), /BsBook \(id=3\) holds changes not flushed/);
    assert.equal(books[2]!.price, 99);
    assert.equal((await rowIn(session, 1))?.price, 10, "the refused UPDATE was not run");
    assert.ok(await rowIn(session, 2), "nor the DELETE");
    await session.flush();
    await session.execute(update(BsBook).where(b.id.eq(1)).values({ price: 5 }), { synchronizeSession: false });
    await session.execute(deleteFrom(BsBook).where(b.id.eq(2)), { synchronizeSession: false });
    await session.commit();
    assert.deepEqual([(await row(1))?.price, await row(2), (await row(3))?.price, (await row(4))?.title], [5, undefined, 99, "changed"]);
  });

  test("synchronizeSession false, autoflush off: a change not flushed to an attribute the statement does not set is kept", async () => {
    const { session, books } = await seeded({ autoflush: false });
    books[2]!.title = "mine";
    await session.execute(update(BsBook).where(b.id.eq(3)).values({ price: 5 }), { synchronizeSession: false });
    await session.commit();
    assert.deepEqual({ ...(await row(3)) }, { title: "mine", price: 5, shelf_id: 2 });
  });

  test("evaluate tests the WHERE on the values the rows hold, not on a change not flushed (autoflush off)", async () => {
    const { session, books } = await seeded({ autoflush: false });
    books[0]!.price = 500; // row 1 still holds 10
    books[3]!.price = 1; // row 4 still holds 40
    await session.execute(update(BsBook).where(b.price.lt(15)).values({ title: "cheap" }), { synchronizeSession: "evaluate" });
    assert.deepEqual(books.map((book) => book.title), ["cheap", "Book 2", "Book 3", "Book 4"], "the objects show what their rows hold");
    assert.deepEqual([books[0]!.price, books[3]!.price], [500, 1], "the changes not flushed are kept");
    await session.commit();
    assert.deepEqual({ ...(await row(1)) }, { title: "cheap", price: 500, shelf_id: 1 });
    assert.deepEqual({ ...(await row(4)) }, { title: "Book 4", price: 1, shelf_id: 2 });
  });

  for (const strategy of ["auto", "evaluate", false] as const) {
    test(`a bulk UPDATE moving a row to another parent (${String(strategy)}): both parents' lists are read again, and deleting the old parent (delete cascade) leaves the row moved away`, async () => {
      const { session } = await seeded();
      const [shelf1, shelf2] = await session.scalars(select(BsShelf).orderBy(columnsOf(BsShelf).id));
      assert.deepEqual((await lazy(shelf1!).books).map((book) => book.id), [1, 2]);
      assert.deepEqual((await lazy(shelf2!).books).map((book) => book.id), [3, 4]);
      await session.execute(update(BsBook).where(b.id.eq(1)).values({ shelfId: 2 }), { synchronizeSession: strategy });
      assert.deepEqual((await lazy(shelf1!).books).map((book) => book.id), [2], "the old parent's list no longer shows it");
      assert.deepEqual((await lazy(shelf2!).books).map((book) => book.id), [1, 3, 4], "the new parent's list shows it");
      session.delete(shelf1!); // used to delete book 1 with it, from shelf 2
      await session.commit();
      assert.deepEqual({ ...(await row(1)) }, { title: "Book 1", price: 10, shelf_id: 2 });
      assert.equal(await row(2), undefined);
    });
  }

  test("a bulk UPDATE moving rows the session does not hold: the new parent's loaded list is read again", async () => {
    await (await seeded()).session.close();
    const session = ctx.session(); // holds no book
    const shelf3 = Object.assign(new BsShelf(), { id: 3, name: "Shelf 3" });
    session.add(shelf3);
    await session.flush();
    assert.deepEqual([...(await lazy(shelf3).books)], []);
    await session.execute(update(BsBook).where(b.id.in([1, 3])).values({ shelfId: 3 }));
    assert.deepEqual((await lazy(shelf3).books).map((book) => book.id), [1, 3], "it used to stay empty");
  });

  test("autoflush off: a list not flushed that the move would read again refuses the statement before it runs", async () => {
    const { session, books } = await seeded({ autoflush: false });
    const shelf2 = (await session.get(BsShelf, 2))!;
    (await lazy(shelf2).books).push(books[1]!); // book 2 moves to shelf 2 at the next flush
    await assert.rejects(session.execute(update(BsBook).where(b.id.eq(1)).values({ shelfId: 2 })), /BsShelf \(id=2\) holds changes not flushed.*BsShelf\.books may hold rows it moves/);
    assert.equal((await rowIn(session, 1))?.shelf_id, 1, "nothing was run");
    await session.flush();
    await session.execute(update(BsBook).where(b.id.eq(1)).values({ shelfId: 2 }));
    assert.deepEqual((await lazy(shelf2).books).map((book) => book.id), [1, 2, 3, 4]);
    await session.commit();
    assert.deepEqual([(await row(1))?.shelf_id, (await row(2))?.shelf_id], [2, 2]);
  });
}, { createOnce: true });
