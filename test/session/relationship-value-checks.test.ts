/**
 * A relationship holds objects of its target's class. An object of another model (or a plain
 * object), assigned from JavaScript or past a cast, is refused with ArgumentError naming the
 * relationship, what it holds and what it got, before anything changes. It used to be accepted:
 * the object was cascaded into the session and inserted, its key copied into the foreign key,
 * and the commit resolved with a row naming a row of the wrong table.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, lazy } from "../../src/index.js";
import { OrderedBase, OrBook, OrShelf, OrTag } from "./fixtures/ordered.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("relationship values of the wrong class", OrderedBase.metadata, (ctx) => {
  test("a many-to-one given another model's object: refused at once, nothing written", async () => {
    const session = ctx.session();
    session.add(Object.assign(new OrShelf(), { id: 1 }));
    await session.commit();
    const book = Object.assign(new OrBook(), { id: 1, position: 1 });
    assert.throws(
      () => ((book as unknown as { shelf: unknown }).shelf = Object.assign(new OrTag(), { id: 1, name: "t" })),
      (e: unknown) => e instanceof ArgumentError && /^OrBook\.shelf holds one OrShelf \(or null\); got an object of class OrTag/.test((e as Error).message),
    );
    book.shelf = (await session.get(OrShelf, 1))!;
    session.add(book);
    await session.commit();
    assert.equal(await ctx.count("or_tags"), 0);
    assert.equal(await ctx.count("or_books", "shelf_id = 1"), 1);
  });

  test("a list given one, by push or by a whole list: refused, the list as it was", async () => {
    const session = ctx.session();
    const shelf = Object.assign(new OrShelf(), { id: 1 });
    shelf.books.push(Object.assign(new OrBook(), { id: 1, position: 1 }));
    session.add(shelf);
    await session.commit();
    const books = await lazy(shelf).books;
    const wrong = [Object.assign(new OrTag(), { id: 1, name: "t" }), { id: 2 }];
    for (const item of wrong) {
      assert.throws(() => (books as unknown[]).push(item), ArgumentError);
      assert.throws(() => ((shelf as unknown as { books: unknown[] }).books = [books[0], item]), /OrShelf\.books holds OrBook objects/);
    }
    assert.equal(shelf.books, books);
    assert.deepEqual(books.map((b) => b.id), [1]);
    await session.commit();
    assert.equal(await ctx.count("or_tags"), 0);
    assert.equal(await ctx.count("or_books"), 1);
  });
}, { createOnce: true });
