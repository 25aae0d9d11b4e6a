/**
 * An upsert through the session (`insert(Book).values(...).onConflictDoUpdate(...).returning(Book)`)
 * returns the session's own object for a row it updated. That object was recorded as inserted by
 * the statement, so a rollback took it out of the session (transient) and a savepoint's rollback
 * made it pending: its next change was never written (the commit resolved without it), or its
 * row was inserted a second time. Only the objects made from the rows now leave with a rollback.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, insert, type Session } from "../../src/index.js";
import { BkBook, BulkBase } from "./fixtures/bulk-shop.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

/** An upsert of book 1 returning it, in the dialect's form. */
function upsertOf(ctx: SessionContext, id: number) {
  const statement = insert(BkBook).values({ id, title: "Upserted", listPrice: 1 });
  const set = { title: "Upserted" };
  return (ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [statement.table.c.id], set })).returning(BkBook);
}

async function seeded(ctx: SessionContext): Promise<{ session: Session; book: BkBook }> {
  const seed = ctx.session();
  seed.add(Object.assign(new BkBook(), { id: 1, title: "Dune", listPrice: 10 }));
  await seed.commit();
  await seed.close();
  const session = ctx.session();
  return { session, book: (await session.get(BkBook, 1))! };
}

forEachDatabaseWithSchema("upsert returning the session's object, then rollback", BulkBase.metadata, (ctx) => {
  test("rollback: the object stays persistent, its next change is written", async () => {
    const { session, book } = await seeded(ctx);
    const [[returned]] = (await session.execute(upsertOf(ctx, 1))) as [[BkBook]];
    assert.equal(returned, book);
    await session.rollback();
    assert.equal(inspect(book).status, "persistent");
    book.title = "Dune Messiah";
    await session.commit();
    assert.equal(await ctx.count("bk_books", "id = 1 AND title = 'Dune Messiah'"), 1);
  });

  test("savepoint rollback: the object stays persistent (not pending, not inserted again); an object made by the upsert leaves", async () => {
    const { session, book } = await seeded(ctx);
    const savepoint = await session.beginNested();
    await session.execute(upsertOf(ctx, 1));
    const [[made]] = (await session.execute(upsertOf(ctx, 2))) as [[BkBook]];
    await savepoint.rollback();
    assert.equal(inspect(book).status, "persistent");
    assert.equal(inspect(made).status, "transient");
    book.title = "Children of Dune";
    await session.commit();
    assert.equal(await ctx.count("bk_books"), 1);
    assert.equal(await ctx.count("bk_books", "id = 1 AND title = 'Children of Dune'"), 1);
  });
}, { createOnce: true });
