/**
 * An upsert or a bulk UPDATE with `.returning(Model)` returns the session's own object for a row
 * it holds. That object kept the values it was read with (as a query without
 * `populateExisting()` keeps them, and as SQLAlchemy does): the statement's own RETURNING row,
 * what another transaction had committed in between, were not what it showed, and a change made
 * from it was written over both. The objects a writing statement returns now show its rows.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, insert, update, type Session } from "../../src/index.js";
import { BkBook, BulkBase } from "./fixtures/bulk-shop.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

/** Book 1 with 5 in stock, held by a session (expireOnCommit off) whose read transaction ended. */
async function held(ctx: SessionContext): Promise<{ session: Session; book: BkBook }> {
  const seed = ctx.session();
  seed.add(Object.assign(new BkBook(), { id: 1, title: "Dune", listPrice: 10, stock: 5 }));
  await seed.commit();
  const session = ctx.session({ expireOnCommit: false });
  const book = (await session.get(BkBook, 1))!;
  await session.commit();
  return { session, book };
}

/** Another session sells two books, and the title is corrected. */
async function changedElsewhere(ctx: SessionContext): Promise<void> {
  const other = ctx.session();
  const book = (await other.get(BkBook, 1))!;
  book.stock! -= 2;
  book.title = "Dune (1965)";
  await other.commit();
}

forEachDatabaseWithSchema("rows returned by a writing statement", BulkBase.metadata, (ctx) => {
  const b = columnsOf(BkBook);

  test("an upsert's RETURNING shows the row it wrote on the session's object; a change made from it keeps the other's", async () => {
    const { session, book } = await held(ctx);
    await changedElsewhere(ctx);
    const statement = insert(BkBook).values({ id: 1, title: "Dune", listPrice: 10, stock: 1 });
    const set = (proposed: { stock: unknown }) => ({ stock: statement.table.c.stock.plus(proposed.stock as never) });
    const upsert = (ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [statement.table.c.id], set })).returning(BkBook);
    const [[returned]] = (await session.execute(upsert)) as [[BkBook]];
    assert.equal(returned, book);
    assert.deepEqual([book.stock, book.title], [4, "Dune (1965)"], "as the RETURNING row has them");
    book.stock! -= 1;
    await session.commit();
    assert.equal(await ctx.count("bk_books", "stock = 3 AND title = 'Dune (1965)'"), 1);
  });

  test("a bulk UPDATE's RETURNING shows the row it wrote on the session's object", { skip: ctx.db.name === "mysql" && "MariaDB has no UPDATE ... RETURNING" }, async () => {
    const { session, book } = await held(ctx);
    await changedElsewhere(ctx);
    const [[returned]] = (await session.execute(update(BkBook).where(b.id.eq(1)).values({ listPrice: 12 }).returning(BkBook))) as [[BkBook]];
    assert.equal(returned, book);
    assert.deepEqual([book.stock, book.title, book.listPrice], [3, "Dune (1965)", 12]);
    book.stock! -= 1;
    await session.commit();
    assert.equal(await ctx.count("bk_books", "stock = 2 AND title = 'Dune (1965)' AND list_price = 12"), 1);
  });
}, { createOnce: true, sqliteFile: true });
