/**
 * A many-to-one loaded by a JOIN (`joinedLoad`, `containsEager`) for an object whose foreign key
 * was set and not flushed (`autoflush: false`) is the object that key names, as a lazy or
 * select-in load gives it, and as the commit writes. The JOIN follows the stored key: the
 * relationship used to be filled with the object the row named before, while the key named
 * another and the commit wrote the other.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, containsEager, joinedLoad, select } from "../../src/index.js";
import { ShelvedBase, SvAuthor, SvBook } from "./fixtures/shelved.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const b = columnsOf(SvBook);
const a = columnsOf(SvAuthor);

forEachDatabaseWithSchema("a joined many-to-one whose key changed in memory", ShelvedBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    for (const id of [1, 2]) {
      const author = Object.assign(new SvAuthor(), { id, name: `author ${id}` });
      author.books.push(Object.assign(new SvBook(), { id: id * 10 + 1, title: `book ${id}` }));
      session.add(author);
    }
    await session.commit();
    await session.close();
  }

  for (const how of ["joinedLoad", "containsEager"] as const) {
    test(`${how}: the relationship is the object the unflushed key names`, async () => {
      await seed();
      const session = ctx.session({ autoflush: false });
      const book = (await session.get(SvBook, 11))!;
      book.authorId = 2;
      const query =
        how === "joinedLoad"
          ? select(SvBook).options(joinedLoad(SvBook, "author"))
          : select(SvBook).join(SvAuthor, b.authorId.eq(a.id)).options(containsEager(SvBook, "author"));
      const books = await session.scalars(query.orderBy(b.id));
      assert.deepEqual(books.map((x) => x.id), [11, 21]);
      assert.equal(book.author.id, 2, "readable at once: author 2 is in the session");
      assert.equal((await session.load(book, "author")).author.id, 2);
      assert.equal(books[1]!.author.id, 2, "the other book's, joined");
      // A key set to an author the session does not hold: left to load, by that key.
      const other = Object.assign(new SvAuthor(), { id: 3, name: "author 3" });
      session.add(other);
      await session.flush();
      session.expunge(other);
      session.expire(books[1]!, ["author"]);
      books[1]!.authorId = 3;
      await session.scalars(query.where(b.id.eq(21)));
      assert.equal((await session.load(books[1]!, "author")).author.name, "author 3");
      await session.commit();
      const check = ctx.session();
      assert.equal((await check.get(SvBook, 11))!.authorId, 2);
    });
  }
}, { createOnce: true });
