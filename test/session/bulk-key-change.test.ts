/**
 * A bulk UPDATE that sets a primary key column (`update(Book).where(id = 1).values({ id: 10 })`):
 * the objects of the session follow their rows to the new key. The object matched used to get the
 * new key value while the identity map still filed it under the old one, so `get(Book, 10)` loaded
 * a second object for the row and the commit wrote both objects' changes, the last over the first
 * (with "fetch" where RETURNING gives the new keys, the object was not found at all, and its next
 * change failed with StaleDataError). A rollback (of the transaction or a savepoint) files the
 * object under its old key again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, update, type Session, type SynchronizeSession } from "../../src/index.js";
import { BkBook, BulkBase } from "./fixtures/bulk-shop.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const c = columnsOf(BkBook);

async function seeded(ctx: SessionContext): Promise<{ session: Session; book: BkBook }> {
  const seed = ctx.session();
  seed.add(Object.assign(new BkBook(), { id: 1, title: "Dune", listPrice: 10, stock: 1 }));
  await seed.commit();
  await seed.close();
  const session = ctx.session();
  return { session, book: (await session.get(BkBook, 1))! };
}

forEachDatabaseWithSchema("bulk UPDATE of a primary key", BulkBase.metadata, (ctx) => {
  for (const synchronizeSession of ["evaluate", "fetch"] as SynchronizeSession[]) {
    test(`${synchronizeSession}: the object follows its row to the new key; one object per row, each change written`, async () => {
      const { session, book } = await seeded(ctx);
      await session.execute(update(BkBook).where(c.id.eq(1)).values({ id: 10 }), { synchronizeSession });
      assert.equal(book.id, 10);
      assert.equal(await session.get(BkBook, 10), book);
      assert.equal(await session.get(BkBook, 1), undefined);
      book.title = "Dune Messiah";
      await session.commit();
      assert.equal(await ctx.count("bk_books", "id = 10 AND title = 'Dune Messiah'"), 1);
      assert.equal(await ctx.count("bk_books"), 1);
    });

    test(`${synchronizeSession}: rolled back, the object is under its old key again and its next change is written there`, async () => {
      const { session, book } = await seeded(ctx);
      const savepoint = await session.beginNested();
      await session.execute(update(BkBook).where(c.id.eq(1)).values({ id: 10 }), { synchronizeSession });
      await savepoint.rollback();
      assert.equal(book.id, 1);
      assert.equal(await session.get(BkBook, 1), book);
      await session.execute(update(BkBook).where(c.id.eq(1)).values({ id: 20 }), { synchronizeSession });
      await session.rollback();
      assert.equal(await session.get(BkBook, 1), book);
      assert.equal(book.id, 1);
      book.title = "Children of Dune";
      await session.commit();
      assert.equal(await ctx.count("bk_books", "id = 1 AND title = 'Children of Dune'"), 1);
    });
  }

  test("with RETURNING (PostgreSQL, SQLite): the object follows too, and the row returned is that object", async (t) => {
    if (ctx.db.name === "mysql") return t.skip("MariaDB has no UPDATE ... RETURNING");
    const { session, book } = await seeded(ctx);
    const rows = await session.execute(update(BkBook).where(c.id.eq(1)).values({ id: 10 }).returning(BkBook));
    assert.deepEqual(rows, [[book]]);
    assert.equal(await session.get(BkBook, 10), book);
  });
}, { createOnce: true });
