/**
 * `session.merge()` of an object that had a row, when the row is gone (another transaction
 * deleted it). SQLAlchemy inserts the object as new: the commit brings back a row another
 * transaction deleted, and nothing says so. athanor refuses with ObjectDeletedError, along the
 * merge cascade too; `{ missing: "insert" }` inserts it on purpose. An object that never had a
 * row (a key given by hand) is inserted as before.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ObjectDeletedError, inspect, selectinLoad, select } from "../../src/index.js";
import { LibraryBase, RlBook, RlShelf } from "./fixtures/library.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

/** Shelf 1 with books 10 and 11, read (books loaded) by a session that is then closed: detached. */
async function detachedShelf(ctx: SessionContext): Promise<RlShelf> {
  const seed = ctx.session();
  const shelf = Object.assign(new RlShelf(), { id: 1 });
  shelf.books.push(Object.assign(new RlBook(), { id: 10, title: "ten" }), Object.assign(new RlBook(), { id: 11, title: "eleven" }));
  seed.add(shelf);
  await seed.commit();
  await seed.close();
  const reader = ctx.session();
  const [read] = await reader.scalars(select(RlShelf).options(selectinLoad(RlShelf, "books")));
  await reader.close();
  return read!;
}

/** Another session deletes book `id` and commits. */
async function deletedElsewhere(ctx: SessionContext, id: number): Promise<void> {
  const other = ctx.session();
  await other.delete((await other.get(RlBook, id))!);
  await other.commit();
  await other.close();
}

const deleted = (name: string) => (e: unknown) =>
  e instanceof ObjectDeletedError && new RegExp(`merge\\(RlBook\\): the row of this RlBook \\(id=${name}\\) is not in the database.*missing: "insert"`).test((e as Error).message);

forEachDatabaseWithSchema("merge of an object whose row was deleted", LibraryBase.metadata, (ctx) => {
  test("a detached object whose row another transaction deleted is refused, where it used to be inserted again", async () => {
    const shelf = await detachedShelf(ctx);
    const book = shelf.books.find((b) => b.id === 11)!;
    await deletedElsewhere(ctx, 11);
    book.title = "edited while detached";
    const session = ctx.session();
    await assert.rejects(session.merge(book), deleted("11"));
    await session.commit();
    assert.equal(await ctx.count("rl_books", "id = 11"), 0, "the deleted row came back");
    assert.equal(inspect(book).status, "detached");
  });

  test("along the merge cascade: the parent's merge names the deleted child and copies nothing, so a commit after writes nothing of it", async () => {
    const shelf = await detachedShelf(ctx);
    await deletedElsewhere(ctx, 11);
    shelf.books.find((b) => b.id === 10)!.title = "edited while detached"; // merged before book 11 is reached
    const session = ctx.session();
    await assert.rejects(session.merge(shelf), deleted("11"));
    await session.commit();
    assert.equal(await ctx.count("rl_books"), 1);
    assert.equal(await ctx.count("rl_books", "id = 10 AND title = 'ten'"), 1, "the failed merge was written in part");
  });

  test('{ missing: "insert" } inserts it on purpose, and an object that never had a row is inserted as before', async () => {
    const shelf = await detachedShelf(ctx);
    const book = shelf.books.find((b) => b.id === 11)!;
    await deletedElsewhere(ctx, 11);
    const session = ctx.session();
    await session.merge(book, { missing: "insert" });
    const fresh = await session.merge(Object.assign(new RlBook(), { id: 12, shelfId: 1, title: "new" }));
    assert.equal(inspect(fresh).status, "pending");
    await session.commit();
    assert.equal(await ctx.count("rl_books", "(id = 11 AND title = 'eleven') OR (id = 12 AND title = 'new')"), 2);
  });

  for (const load of [true, false]) {
    test(`onto the session's object marked for deletion (autoflush off, load: ${load}): refused, nothing merged; the commit used to delete the row with the merged changes`, async () => {
      const shelf = await detachedShelf(ctx);
      const book = shelf.books.find((b) => b.id === 10)!;
      if (load) book.title = "edited while detached";
      const session = ctx.session({ autoflush: false });
      const held = (await session.get(RlBook, 10))!;
      session.delete(held);
      await assert.rejects(session.merge(book, { load }), /merge\(RlBook\): the session's RlBook \(id=10\) is marked for deletion.*session\.add\(obj\)/);
      assert.equal(held.title, "ten", "nothing was merged");
      session.add(held); // kept after all: the merge goes onto it
      await session.merge(book, { load });
      await session.commit();
      assert.equal(await ctx.count("rl_books", `id = 10 AND title = '${load ? "edited while detached" : "ten"}'`), 1);
    });
  }
}, { createOnce: true });
