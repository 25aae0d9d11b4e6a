/**
 * `populateExisting()`: a query's rows overwrite the objects already in the identity map (as
 * SQLAlchemy's populate_existing), relationships loaded again; an object with changes not yet
 * flushed is skipped and keeps them (we differ from SQLAlchemy, which overwrites them, to lose less).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, inspect, populateExisting, select, selectinLoad, sql, type Session } from "../../src/index.js";
import { LoaderShopBase, LsAuthor, LsBook, LsReview } from "./fixtures/loader-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const book = columnsOf(LsBook);

forEachDatabaseWithSchema("populateExisting", LoaderShopBase.metadata, (ctx) => {
  /** Author 1 with books 11 and 12 (price 10), one review each; the session holds them. */
  async function seeded(options?: { autoflush?: boolean }): Promise<{ session: Session; books: LsBook[] }> {
    const seed = ctx.session();
    const author = Object.assign(new LsAuthor(), { id: 1, name: "Ann" });
    for (const id of [11, 12]) {
      const b = Object.assign(new LsBook(), { id, title: `Book ${id}`, listPrice: 10 });
      b.reviews.push(Object.assign(new LsReview(), { id: id * 10, stars: 3 }));
      author.books.push(b);
    }
    seed.add(author);
    await seed.commit();
    await seed.close();
    const session = ctx.session({ expireOnCommit: false, ...options });
    const books = await session.scalars(select(LsBook).options(selectinLoad(LsBook, "reviews")).orderBy(book.id));
    // Ends the read transaction (objects kept loaded): the next query sees rows committed since.
    await session.commit();
    return { session, books };
  }
  /** Changes rows behind the session's back (another connection), committed. */
  const changeRows = (statement: string) => ctx.engine.execute(sql.raw(statement));

  test("without it, a query returns the identity map's objects as they are; with it, they get the rows' values", async () => {
    const { session, books } = await seeded();
    await changeRows("UPDATE ls_books SET list_price = 99, title = 'New'");
    const [same] = await session.scalars(select(LsBook).where(book.id.eq(11)));
    assert.equal(same, books[0]);
    assert.equal(same!.listPrice, 10, "the identity map wins by default");
    const again = await session.scalars(select(LsBook).options(populateExisting()).orderBy(book.id));
    assert.equal(again[0], books[0], "still one object per row");
    assert.deepEqual(books.map((b) => [b.listPrice, b.title]), [[99, "New"], [99, "New"]]);
    assert.deepEqual(inspect(books[0]!).modified, [], "values as loaded, nothing to write");
  });

  test("eagerly loaded relationships are loaded again, with their members overwritten too", async () => {
    const { session, books } = await seeded();
    await changeRows("UPDATE ls_reviews SET stars = 5");
    await changeRows("INSERT INTO ls_reviews (id, book_id, stars) VALUES (111, 11, 1)");
    const review = books[0]!.reviews[0]!;
    await session.scalars(select(LsBook).options(populateExisting(), selectinLoad(LsBook, "reviews")).orderBy(book.id));
    assert.deepEqual(books[0]!.reviews.map((r) => [r.id, r.stars]), [[110, 5], [111, 1]]);
    assert.equal(books[0]!.reviews[0], review);
  });

  test("an object with unflushed changes is skipped: its changes stay, and are written at the next flush", async () => {
    const { session, books } = await seeded({ autoflush: false });
    books[0]!.title = "Mine";
    await changeRows("UPDATE ls_books SET list_price = 50");
    await session.scalars(select(LsBook).options(populateExisting()).orderBy(book.id));
    assert.equal(books[0]!.title, "Mine", "the pending change is not lost");
    assert.equal(books[0]!.listPrice, 10, "the changed object is left whole, not half refreshed");
    assert.equal(books[1]!.listPrice, 50, "a clean one is overwritten");
    await session.commit();
    assert.equal(await ctx.count("ls_books", "title = 'Mine'"), 1);
  });

  test("with autoflush (the default) the query flushes first, then overwrites with what was written", async () => {
    const { session, books } = await seeded();
    books[0]!.title = "Flushed";
    await session.scalars(select(LsBook).options(populateExisting()));
    assert.equal(books[0]!.title, "Flushed");
    assert.deepEqual(inspect(books[0]!).modified, []);
  });
}, { createOnce: true, sqliteFile: true });
