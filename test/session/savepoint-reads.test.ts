/**
 * Objects read inside a savepoint that is rolled back: the rows they were read from may have
 * been written in it (SQL text, bulk DML) and are as they were again, so the rollback expires
 * them and the next read is the database's. It used not to: an object first read there kept the
 * values the rollback undid and was presented as loaded; one read from a row inserted there was
 * still returned by `get()`, without SQL, after the row was gone; a collection loaded there kept
 * a member whose row was gone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ObjectDeletedError, columnsOf, joinedLoad, populateExisting, select, selectinLoad, sql, update } from "../../src/index.js";
import { ShelvedBase, SvAuthor, SvBook } from "./fixtures/shelved.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const b = columnsOf(SvBook);
const a = columnsOf(SvAuthor);

forEachDatabaseWithSchema("reads inside a rolled-back savepoint", ShelvedBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    const author = Object.assign(new SvAuthor(), { id: 1, name: "Ann" });
    for (const id of [11, 12]) author.books.push(Object.assign(new SvBook(), { id, title: `book ${id}` }));
    session.add(author);
    await session.commit();
    await session.close();
  }

  const ghost = sql`INSERT INTO sv_books (id, title, author_id) VALUES (13, 'ghost', 1)`;

  test("an object first read in the savepoint, from a row a bulk UPDATE changed there: read again after the rollback", async () => {
    await seed();
    const session = ctx.session();
    const savepoint = await session.beginNested();
    await session.execute(update(SvBook).where(b.id.eq(11)).values({ title: "undone" }));
    const book = (await session.get(SvBook, 11))!;
    assert.equal(book.title, "undone");
    await savepoint.rollback();
    assert.deepEqual(await session.load(book, "title").then((x) => x.title), "book 11");
    const [again] = await session.scalars(select(SvBook).where(b.id.eq(11)));
    assert.equal(again, book);
    assert.equal(book.title, "book 11");
    await session.commit();
  });

  test("an object read from a row inserted in the savepoint: after the rollback get() finds none and reading it raises", async () => {
    await seed();
    const session = ctx.session();
    const savepoint = await session.beginNested();
    await session.execute(ghost);
    const [book] = await session.scalars(select(SvBook).where(b.id.eq(13)));
    assert.equal(book!.title, "ghost");
    await savepoint.rollback();
    assert.equal(await session.get(SvBook, 13), undefined);
    await assert.rejects(session.load(book!, "title"), ObjectDeletedError);
    await session.commit();
    assert.equal(await ctx.count("sv_books"), 2);
  });

  test("a collection loaded in the savepoint (lazily, select-in, joined) holds no member the rollback removed", async () => {
    await seed();
    for (const how of ["lazily", "select-in", "joined"] as const) {
      const session = ctx.session();
      const author = (await session.get(SvAuthor, 1))!;
      const savepoint = await session.beginNested();
      await session.execute(ghost);
      if (how === "lazily") await session.load(author, "books");
      else await session.scalars(select(SvAuthor).options(how === "joined" ? joinedLoad(SvAuthor, "books") : selectinLoad(SvAuthor, "books")));
      assert.deepEqual(author.books.map((x) => x.id), [11, 12, 13], how);
      await savepoint.rollback();
      const [again] = await session.scalars(select(SvAuthor).where(a.id.eq(1)).options(selectinLoad(SvAuthor, "books")));
      assert.equal(again, author);
      assert.deepEqual(author.books.map((x) => x.id), [11, 12], `${how}, after the rollback`);
      await session.close();
    }
  });

  test("an object read again in the savepoint (expired, refreshed, populateExisting): the rollback undoes the read", async () => {
    await seed();
    for (const how of ["expired", "refresh", "refresh title", "populateExisting"] as const) {
      const session = ctx.session();
      const book = (await session.get(SvBook, 11))!;
      const savepoint = await session.beginNested();
      await session.execute(sql`UPDATE sv_books SET title = 'undone' WHERE id = 11`);
      if (how === "expired") {
        session.expire(book);
        await session.scalars(select(SvBook));
      } else if (how === "refresh") await session.refresh(book);
      else if (how === "refresh title") await session.refresh(book, ["title"]);
      else await session.scalars(select(SvBook).options(populateExisting()));
      assert.equal(book.title, "undone", how);
      await savepoint.rollback();
      await session.scalars(select(SvBook));
      assert.equal((await session.load(book, "title")).title, "book 11", `${how}, after the rollback`);
      await session.close();
    }
  });

  test("read in an inner savepoint released into an outer one that is rolled back: expired too", async () => {
    await seed();
    const session = ctx.session();
    const outer = await session.beginNested();
    const inner = await session.beginNested();
    await session.execute(ghost);
    const book = (await session.get(SvBook, 13))!;
    await inner.commit();
    assert.equal(book.title, "ghost");
    await outer.rollback();
    assert.equal(await session.get(SvBook, 13), undefined);
  });

  test("a savepoint released, or one without reads rolled back: objects read keep their values, no SQL", async () => {
    await seed();
    const session = ctx.session({ expireOnCommit: false });
    const released = await session.beginNested();
    const book = (await session.get(SvBook, 11))!;
    await released.commit();
    const other = (await session.get(SvBook, 12))!;
    const empty = await session.beginNested();
    await empty.rollback();
    ctx.reset();
    assert.equal(book.title, "book 11");
    assert.equal(other.title, "book 12");
    assert.equal(await session.get(SvBook, 11), book);
    assert.deepEqual(ctx.statements, []);
  });

  test("an attribute expired before the savepoint, assigned in it: after the rollback it is expired again, not the value from before the expiry", async () => {
    await seed();
    const session = ctx.session();
    const book = (await session.get(SvBook, 11))!;
    await session.commit(); // expires the book
    const other = await ctx.engine.connect();
    await other.execute(sql`UPDATE sv_books SET title = 'theirs' WHERE id = 11`);
    await other.close();
    const savepoint = await session.beginNested();
    book.title = "mine";
    await savepoint.rollback();
    assert.equal((await session.load(book, "title")).title, "theirs");
  });
}, { createOnce: true });
