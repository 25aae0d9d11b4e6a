/**
 * Objects changed and not flushed (autoflush off) whose rows a bulk DELETE through the session
 * then deletes. The statement marks them deleted; their changes have no row to go to. The flush
 * used to UPDATE them anyway: it matched no row, and the commit failed with a StaleDataError
 * blaming "another transaction", the transaction unusable until rolled back, however often it
 * was retried. The changes are now dropped with the row, as SQLAlchemy drops them; the rest of
 * the flush is written.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, deleteFrom, inspect, lazy, select, sql, type Session } from "../../src/index.js";
import { BsBook, BsShelf, BulkSyncBase } from "./fixtures/bulk-sync.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const b = columnsOf(BsBook);

forEachDatabaseWithSchema("changes not flushed to rows a bulk DELETE deleted", BulkSyncBase.metadata, (ctx) => {
  /** Shelves 1 and 2; books 1, 2 on shelf 1 and 3 on shelf 2; a session without autoflush holding them. */
  async function seeded(): Promise<{ session: Session; books: BsBook[]; shelves: BsShelf[] }> {
    const seed = ctx.session();
    seed.addAll([1, 2].map((id) => Object.assign(new BsShelf(), { id, name: `Shelf ${id}` })));
    await seed.flush();
    seed.addAll([1, 2, 3].map((id) => Object.assign(new BsBook(), { id, code: `C${id}`, title: `Book ${id}`, price: id * 10, shelfId: id <= 2 ? 1 : 2 })));
    await seed.commit();
    await seed.close();
    const session = ctx.session({ autoflush: false });
    const shelves = await session.scalars(select(BsShelf).orderBy(columnsOf(BsShelf).id));
    for (const shelf of shelves) await lazy(shelf).books;
    return { session, shelves, books: await session.scalars(select(BsBook).orderBy(b.id)) };
  }
  const rows = async () =>
    (await ctx.engine.execute(sql<{ id: number; title: string; shelf_id: number | null }>`SELECT id, title, shelf_id FROM bs_books ORDER BY id`)).rows.map(
      (r) => `${r.id}:${r.title}:${r.shelf_id}`,
    );

  test("a column changed, then the row deleted in bulk: the commit deletes it and writes the other changes", async () => {
    const { session, books } = await seeded();
    books[0]!.title = "changed, then deleted";
    books[1]!.title = "kept";
    await session.execute(deleteFrom(BsBook).where(b.id.eq(1)));
    assert.equal(inspect(books[0]!).status, "deleted");
    await session.commit(); // was: StaleDataError, UPDATE of BsBook (id=1) matched 0 rows
    assert.deepEqual(await rows(), ["2:kept:1", "3:Book 3:2"]);
  });

  test("a book moved to another shelf, then deleted in bulk: the commit deletes it", async () => {
    const { session, books, shelves } = await seeded();
    books[0]!.shelf = shelves[1]!;
    await session.execute(deleteFrom(BsBook).where(b.id.eq(1)));
    await session.commit(); // was: StaleDataError, UPDATE of BsBook (id=1) matched 0 rows
    assert.deepEqual(await rows(), ["2:Book 2:1", "3:Book 3:2"]);
  });

  test("the DELETE undone by a savepoint's rollback after a flush: the change is written", async () => {
    const { session, books } = await seeded();
    books[0]!.title = "changed";
    const savepoint = await session.beginNested();
    await session.execute(deleteFrom(BsBook).where(b.id.eq(1)));
    await session.flush();
    await savepoint.rollback();
    assert.equal(inspect(books[0]!).status, "persistent");
    await session.commit();
    assert.deepEqual(await rows(), ["1:changed:1", "2:Book 2:1", "3:Book 3:2"]);
  });
});
