/**
 * Loader options that compose: `raiseLoad("*")` overriding the mappings' defaults, and chained
 * options, `selectinLoad(A, "bs").joinedLoad("c")` (the inner load as a JOIN inside the select-in
 * query) and the other nestings, asserted by the statements they run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, RelationshipNotLoadedError, alias, columnsOf, containsEager, joinedLoad, lazy, raiseLoad, select, selectinLoad, type Session } from "../../src/index.js";
import { LoaderShopBase, LsAuthor, LsBook, LsReader, LsReview } from "./fixtures/loader-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("loader options that compose", LoaderShopBase.metadata, (ctx) => {
  /** Authors 1 and 2 with two books each; each book two reviews by reader 1 or 2. */
  async function seeded(): Promise<Session> {
    const seed = ctx.session();
    const readers = [1, 2].map((id) => Object.assign(new LsReader(), { id, name: `Reader ${id}` }));
    for (const id of [1, 2]) {
      const author = Object.assign(new LsAuthor(), { id, name: `Author ${id}` });
      for (const b of [1, 2]) {
        const book = Object.assign(new LsBook(), { id: id * 10 + b, title: `Book ${id}.${b}`, listPrice: 10 });
        for (const r of [1, 2]) book.reviews.push(Object.assign(new LsReview(), { id: (id * 10 + b) * 10 + r, stars: r, reader: readers[r - 1]! }));
        author.books.push(book);
      }
      seed.add(author);
    }
    await seed.commit();
    await seed.close();
    ctx.reset();
    return ctx.session();
  }
  const selects = () => ctx.statements.filter((s) => /^\s*SELECT/i.test(s));
  const notLoaded = (attribute: string) => (e: unknown) => e instanceof RelationshipNotLoadedError && e.message.startsWith(`${attribute} is not loaded`);

  test('raiseLoad("*"): every relationship of every object of the result raises, named by class and attribute, without SQL', async () => {
    const session = await seeded();
    const books = await session.scalars(select(LsBook).options(raiseLoad("*")));
    assert.equal(books.length, 4);
    ctx.reset();
    assert.throws(() => books[0]!.author, notLoaded("LsBook.author"));
    assert.throws(() => books[0]!.reviews, notLoaded("LsBook.reviews"));
    await assert.rejects(lazy(books[0]!).reviews, notLoaded("LsBook.reviews"));
    assert.deepEqual(ctx.statements, []);
  });

  test('raiseLoad("*") beside an eager option: the named one loads, its targets raise too (inherited), the rest raise', async () => {
    const session = await seeded();
    const books = await session.scalars(select(LsBook).options(selectinLoad(LsBook, "reviews"), raiseLoad("*")).orderBy(columnsOf(LsBook).id));
    assert.equal(selects().length, 2);
    assert.deepEqual(books[0]!.reviews.map((r) => r.stars), [1, 2]);
    assert.throws(() => books[0]!.author, notLoaded("LsBook.author"));
    assert.throws(() => books[0]!.reviews[0]!.reader, notLoaded("LsReview.reader"));
  });

  test("raiseLoad(Model, key) overrides an eager mapping default, and a lazy one", async () => {
    const session = await seeded();
    const [author] = await session.scalars(select(LsAuthor).options(raiseLoad(LsAuthor, "books")).where(columnsOf(LsAuthor).id.eq(1)));
    assert.throws(() => author!.books, notLoaded("LsAuthor.books"));
    assert.equal(selects().length, 1);
  });

  test("selectinLoad().joinedLoad(): 2 statements, the inner load a JOIN inside the select-in query", async () => {
    const session = await seeded();
    const authors = await session.scalars(select(LsAuthor).options(selectinLoad(LsAuthor, "books").joinedLoad("reviews")).orderBy(columnsOf(LsAuthor).id));
    assert.equal(selects().length, 2, ctx.statements.join("\n"));
    assert.match(selects()[1]!, /JOIN/i);
    ctx.reset();
    assert.deepEqual(authors.map((a) => a.books.map((b) => b.id)), [[11, 12], [21, 22]]);
    assert.deepEqual(authors[1]!.books[1]!.reviews.map((r) => r.id), [221, 222]);
    assert.equal(authors[1]!.books[1]!.reviews[0]!.book, authors[1]!.books[1]);
    assert.deepEqual(ctx.statements, [], "everything was loaded");
  });

  test("selectinLoad().joinedLoad() to a many-to-one, and three levels: selectin → joined → joined", async () => {
    const session = await seeded();
    const authors = await session.scalars(
      select(LsAuthor).options(selectinLoad(LsAuthor, "books").joinedLoad("reviews").joinedLoad("reader")).orderBy(columnsOf(LsAuthor).id),
    );
    assert.equal(selects().length, 2, ctx.statements.join("\n"));
    ctx.reset();
    assert.equal(authors[0]!.books[0]!.reviews[1]!.reader!.name, "Reader 2");
    assert.deepEqual(ctx.statements, []);
  });

  test("selectinLoad().selectinLoad(): one statement per level (3)", async () => {
    const session = await seeded();
    const authors = await session.scalars(select(LsAuthor).options(selectinLoad(LsAuthor, "books").selectinLoad("reviews")));
    assert.equal(selects().length, 3);
    ctx.reset();
    assert.equal(authors.flatMap((a) => a.books.flatMap((b) => b.reviews)).length, 8);
    assert.deepEqual(ctx.statements, []);
  });

  test("joinedLoad().selectinLoad(): the first level by a JOIN, the next by select-in (2 statements)", async () => {
    const session = await seeded();
    const reviews = await session.scalars(select(LsReview).options(joinedLoad(LsReview, "book").selectinLoad("author")).where(columnsOf(LsReview).stars.eq(1)));
    assert.equal(selects().length, 2, ctx.statements.join("\n"));
    assert.match(selects()[0]!, /JOIN/i);
    ctx.reset();
    assert.deepEqual(reviews.map((r) => r.book.author!.id).sort(), [1, 1, 2, 2]);
    assert.deepEqual(ctx.statements, []);
  });

  test("joinedLoad().joinedLoad(): one statement, parents not repeated", async () => {
    const session = await seeded();
    const authors = await session.scalars(select(LsAuthor).options(joinedLoad(LsAuthor, "books").joinedLoad("reviews")).orderBy(columnsOf(LsAuthor).id));
    assert.equal(selects().length, 1, ctx.statements.join("\n"));
    assert.equal(authors.length, 2);
    ctx.reset();
    assert.deepEqual(authors[0]!.books.map((b) => b.reviews.map((r) => r.id)), [[111, 112], [121, 122]]);
    assert.deepEqual(ctx.statements, []);
  });

  test("joinedLoad().joinedLoad() of a large collection: each member once (rows repeat each book per review)", async () => {
    const seed = ctx.session();
    const author = Object.assign(new LsAuthor(), { id: 3, name: "Prolific" });
    for (let b = 1; b <= 40; b++) {
      const book = Object.assign(new LsBook(), { id: 300 + b, title: `Book 3.${b}`, listPrice: 10 });
      for (const r of [1, 2, 3]) book.reviews.push(Object.assign(new LsReview(), { id: (300 + b) * 10 + r, stars: r }));
      author.books.push(book);
    }
    seed.add(author);
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    const [loaded] = await session.scalars(select(LsAuthor).options(joinedLoad(LsAuthor, "books").joinedLoad("reviews")).where(columnsOf(LsAuthor).id.eq(3)));
    assert.deepEqual(loaded!.books.map((b) => b.id).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => 301 + i));
    assert.ok(loaded!.books.every((b) => b.reviews.length === 3));
  });

  test("joinedLoad().joinedLoad() with a limit: the parents are limited, not the joined rows", async () => {
    const session = await seeded();
    const authors = await session.scalars(select(LsAuthor).options(joinedLoad(LsAuthor, "books").joinedLoad("reviews")).orderBy(columnsOf(LsAuthor).id).limit(1));
    assert.equal(selects().length, 1);
    assert.deepEqual(authors.map((a) => a.id), [1]);
    assert.equal(authors[0]!.books.flatMap((b) => b.reviews).length, 4);
  });

  const book = columnsOf(LsBook);
  const author = columnsOf(LsAuthor);
  const review = columnsOf(LsReview);

  test("containsEager(): a many-to-one filled from the query's own JOIN, one statement, filtered by the joined rows", async () => {
    const session = await seeded();
    const books = await session.scalars(
      select(LsBook).join(LsAuthor, book.authorId.eq(author.id)).where(author.name.eq("Author 2")).options(containsEager(LsBook, "author")).orderBy(book.id),
    );
    assert.equal(selects().length, 1, ctx.statements.join("\n"));
    assert.deepEqual(books.map((b) => b.id), [21, 22]);
    ctx.reset();
    assert.equal(books[0]!.author!.name, "Author 2");
    assert.equal(books[0]!.author, books[1]!.author, "one object per key");
    assert.deepEqual(ctx.statements, []);
  });

  test("containsEager() on a collection: only the joined rows the query kept, parents not repeated", async () => {
    const session = await seeded();
    const books = await session.scalars(
      select(LsBook).join(LsReview, review.bookId.eq(book.id)).where(review.stars.eq(2)).options(containsEager(LsBook, "reviews")).orderBy(book.id),
    );
    assert.equal(selects().length, 1);
    assert.deepEqual(books.map((b) => b.id), [11, 12, 21, 22]);
    assert.deepEqual(books.map((b) => b.reviews.map((r) => r.stars)), [[2], [2], [2], [2]]);
  });

  test("containsEager() with raiseLoad(\"*\"): the joined relationship is loaded, the others raise", async () => {
    const session = await seeded();
    const [first] = await session.scalars(select(LsBook).join(LsAuthor, book.authorId.eq(author.id)).options(containsEager(LsBook, "author"), raiseLoad("*")).orderBy(book.id));
    assert.equal(first!.author!.id, 1);
    assert.throws(() => first!.reviews, notLoaded("LsBook.reviews"));
  });

  test("containsEager(..., { from: alias }): the columns come from the aliased join named", async () => {
    const session = await seeded();
    const writer = alias(LoaderShopBase.metadata.tables.get("ls_authors")!, "writer");
    const books = await session.scalars(
      select(LsBook).join(writer, book.authorId.eq(writer.c.id)).where(writer.c.name.eq("Author 1")).options(containsEager(LsBook, "author", { from: writer })).orderBy(book.id),
    );
    assert.equal(selects().length, 1);
    assert.match(selects()[0]!, /writer/);
    assert.deepEqual(books.map((b) => [b.id, b.author!.name]), [[11, "Author 1"], [12, "Author 1"]]);
  });

  test("containsEager() without the JOIN, or for a model not selected first, is refused before any SQL", async () => {
    const session = await seeded();
    await assert.rejects(session.scalars(select(LsBook).options(containsEager(LsBook, "author"))), (e: unknown) => e instanceof ArgumentError && /does not join ls_authors/.test(e.message));
    await assert.rejects(session.scalars(select(LsReview).join(LsBook, review.bookId.eq(book.id)).options(containsEager(LsBook, "author"))), ArgumentError);
    assert.equal(selects().length, 0);
  });
}, { createOnce: true });
