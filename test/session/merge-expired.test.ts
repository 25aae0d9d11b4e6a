/**
 * `session.merge(obj)` of a detached object whose attributes were expired (committed, then its
 * session closed): the values from before the expiry, kept in memory until read again, were
 * copied as changes, and the commit wrote them back over what another transaction had committed
 * since. Only what the object holds loaded (or was given since) is merged now.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "../../src/index.js";
import { BkBook, BulkBase } from "./fixtures/bulk-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("merge of an expired detached object", BulkBase.metadata, (ctx) => {
  test("its expired values are not written over another transaction's; a value set since is", async () => {
    const seed = ctx.session();
    seed.add(Object.assign(new BkBook(), { id: 1, title: "Dune", listPrice: 10, stock: 1 }));
    await seed.commit();
    await seed.close();
    const reader = ctx.session();
    const book = (await reader.get(BkBook, 1))!;
    await reader.commit(); // expires it
    await reader.close();
    const other = ctx.session();
    Object.assign((await other.get(BkBook, 1))!, { title: "Dune Messiah", listPrice: 20 });
    await other.commit();
    await other.close();
    book.stock = 5; // set after the expiry: merged
    const session = ctx.session();
    const merged = await session.merge(book);
    assert.deepEqual(inspect(merged).modified, ["stock"]);
    await session.commit();
    assert.equal(await ctx.count("bk_books", "title = 'Dune Messiah' AND list_price = 20 AND stock = 5"), 1);
  });
}, { createOnce: true });
