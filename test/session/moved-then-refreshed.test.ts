/**
 * A child moved to another parent (`book.shelf = other`, not flushed, autoflush off, both
 * parents' lists loaded), then refreshed or expired, which drops the change to the child: its
 * row names the old parent again, while the old parent's list still lacks it and the new one's
 * still shows it. The flush cleared the key of the child the old list had lost, as if no other
 * parent had taken it: the commit resolved with the row on no shelf at all, which neither the
 * child nor any list showed. A child another loaded list holds is not cleared: its row stays as
 * the refresh read it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, lazy, select, sql, type Session } from "../../src/index.js";
import { BsBook, BsShelf, BulkSyncBase } from "./fixtures/bulk-sync.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a child moved, then refreshed or expired before the flush", BulkSyncBase.metadata, (ctx) => {
  /** Shelves 1 and 2 with their books loaded: 1 and 2 on shelf 1, 3 on shelf 2. */
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
    return { session, shelves, books: await session.scalars(select(BsBook).orderBy(columnsOf(BsBook).id)) };
  }
  const shelfOf = async (id: number) => (await ctx.engine.execute(sql<{ s: number | null }>`SELECT shelf_id AS s FROM bs_books WHERE id = ${id}`)).rows[0]!.s;

  const drops = {
    "refresh(book)": (session: Session, book: BsBook) => session.refresh(book),
    "expire(book)": (session: Session, book: BsBook) => session.expire(book),
    'expire(book, ["shelf"])': (session: Session, book: BsBook) => session.expire(book, ["shelf"]),
  };
  for (const [name, drop] of Object.entries(drops)) {
    test(`moved to shelf 2, then ${name}: the row stays on shelf 1 (was: on no shelf)`, async () => {
      const { session, books, shelves } = await seeded();
      books[0]!.shelf = shelves[1]!;
      await drop(session, books[0]!);
      await session.commit();
      assert.equal(Number(await shelfOf(1)), 1);
      assert.equal(Number(await shelfOf(3)), 2);
    });
  }

  test("taken out of shelf 1's list, then refreshed: the removal is written (no other list holds it)", async () => {
    const { session, books, shelves } = await seeded();
    shelves[0]!.books.splice(0, 1);
    await session.refresh(books[0]!);
    await session.commit();
    assert.equal(await shelfOf(1), null);
  });
});
