/**
 * Two loads of the same relationship in flight at once (two queries with `selectinLoad`, or a lazy
 * load beside one), the relationship changed between the first one's end and the second's: the
 * second load's rows used to replace what the first had loaded, the change with it. A tag pushed
 * onto `book.tags` was gone from the list and the commit resolved without its link; a many-to-one
 * assigned (`book.author = other`) went back to the old author, and the commit wrote the old key.
 * A load now fills only what is still not loaded when its rows arrive, as a joined load did.
 * (SQLite answers each statement at once, so the loads never overlap there.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy, select, selectinLoad, sql } from "../../src/index.js";
import { ShelvedBase, SvAuthor, SvBook, SvTag } from "./fixtures/shelved.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("loads in flight while their relationship changes", ShelvedBase.metadata, (ctx) => {
  /** Authors 1 and 2; author 1's book 11, tagged 1; tag 2 on nothing. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const tags = [1, 2].map((id) => Object.assign(new SvTag(), { id }));
    const author = Object.assign(new SvAuthor(), { id: 1, name: "one" });
    author.books.push(Object.assign(new SvBook(), { id: 11, title: "book", tags: [tags[0]!] }));
    session.addAll([author, Object.assign(new SvAuthor(), { id: 2, name: "two" }), tags[1]!]);
    await session.commit();
    await session.close();
  }
  const column = async (statement: string) => (await ctx.engine.execute(sql.raw(statement))).rows.map((row) => Number(Object.values(row as object)[0]));

  for (const first of ["select-in", "lazy"] as const) {
    test(`a tag pushed between two loads of book.tags (the first ${first}) stays in the list, and its link is committed`, async () => {
      await seed();
      const session = ctx.session();
      const book = (await session.get(SvBook, 11))!;
      const tag = (await session.get(SvTag, 2))!;
      const query = () => session.scalars(select(SvBook).options(selectinLoad(SvBook, "tags")));
      const [loading, next] = [first === "lazy" ? lazy(book).tags : query(), query()];
      await loading;
      book.tags.push(tag);
      await next;
      assert.deepEqual(book.tags.map((t) => t.id), [1, 2]);
      await session.commit();
      assert.deepEqual(await column("SELECT tag_id FROM sv_book_tags ORDER BY tag_id"), [1, 2]);
    });
  }

  test("a many-to-one assigned between two loads of it keeps the object assigned, and the commit writes its key", async () => {
    await seed();
    const session = ctx.session();
    const [book, other] = [(await session.get(SvBook, 11))!, (await session.get(SvAuthor, 2))!];
    const query = () => session.scalars(select(SvBook).options(selectinLoad(SvBook, "author")));
    const [first, next] = [query(), query()];
    await first;
    book.author = other;
    await next;
    assert.equal(book.author, other);
    await session.commit();
    assert.deepEqual(await column("SELECT author_id FROM sv_books"), [2]);
  });

  test("a book pushed onto author.books between two loads of it stays in the list", async () => {
    await seed();
    const session = ctx.session();
    const author = (await session.get(SvAuthor, 1))!;
    const query = () => session.scalars(select(SvAuthor).options(selectinLoad(SvAuthor, "books")));
    const [first, next] = [query(), query()];
    await first;
    author.books.push(Object.assign(new SvBook(), { id: 12, title: "new" }));
    await next;
    assert.deepEqual(author.books.map((b) => b.id), [11, 12]);
    await session.commit();
    assert.deepEqual(await column("SELECT id FROM sv_books WHERE author_id = 1 ORDER BY id"), [11, 12]);
  });

  test("refresh(book) in flight, then book.author assigned: the assignment is kept, and the commit writes its key", async () => {
    await seed();
    const session = ctx.session();
    const [book, other] = [(await session.get(SvBook, 11))!, (await session.get(SvAuthor, 2))!];
    await session.load(book, "author");
    const refreshing = session.refresh(book);
    book.author = other;
    await refreshing;
    assert.equal(book.author, other);
    await session.commit();
    assert.deepEqual(await column("SELECT author_id FROM sv_books"), [2]);
  });

  test("refresh(book) in flight, then a tag pushed onto its loaded tags: the list keeps it, and the commit writes its link", async () => {
    await seed();
    const session = ctx.session();
    const [book, tag] = [(await session.get(SvBook, 11))!, (await session.get(SvTag, 2))!];
    await session.load(book, "tags");
    const refreshing = session.refresh(book);
    book.tags.push(tag);
    await refreshing;
    assert.deepEqual(book.tags.map((t) => t.id), [1, 2]);
    await session.commit();
    assert.deepEqual(await column("SELECT tag_id FROM sv_book_tags ORDER BY tag_id"), [1, 2]);
  });

  test("a change made before refresh(book) began is still dropped by it, relationships too (as SQLAlchemy's refresh)", async () => {
    await seed();
    const session = ctx.session({ autoflush: false });
    const [book, other] = [(await session.get(SvBook, 11))!, (await session.get(SvAuthor, 2))!];
    await session.load(book, "author");
    book.author = other;
    await session.refresh(book);
    assert.equal((await lazy(book).author).id, 1);
    await session.commit();
    assert.deepEqual(await column("SELECT author_id FROM sv_books"), [1]);
  });
}, { createOnce: true });
