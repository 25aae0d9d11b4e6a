/**
 * A child moved to another parent in memory (`book.author = other`, not flushed: `autoflush:
 * false`) is in the new parent's list and not in the old one's when those lists are loaded after
 * the move, by any loader, as SQLAlchemy's pending collection changes show it; so is a
 * many-to-many link changed from the other side (`book.tags`). The rows still hold the old links:
 * the child used to be shown in the old parent's list and missing from the new one's, though the
 * commit writes the new one.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, joinedLoad, select, selectinLoad } from "../../src/index.js";
import { ShelvedBase, SvAuthor, SvBook, SvTag } from "./fixtures/shelved.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const a = columnsOf(SvAuthor);

forEachDatabaseWithSchema("lists loaded after a child moved in memory", ShelvedBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    const tags = [1, 2].map((id) => Object.assign(new SvTag(), { id }));
    session.add(tags[1]!);
    for (const id of [1, 2]) {
      const author = Object.assign(new SvAuthor(), { id, name: `author ${id}` });
      for (const n of [1, 2]) author.books.push(Object.assign(new SvBook(), { id: id * 10 + n, title: `book ${id}${n}`, tags: [tags[0]!] }));
      session.add(author);
    }
    await session.commit();
    await session.close();
  }

  for (const how of ["lazily", "select-in", "joined"] as const) {
    test(`loaded ${how}: the moved child is in its new parent's list only, and the commit agrees`, async () => {
      await seed();
      const session = ctx.session({ autoflush: false });
      const [first, second] = [(await session.get(SvAuthor, 1))!, (await session.get(SvAuthor, 2))!];
      const book = (await session.get(SvBook, 21))!;
      await session.load(book, "author");
      book.author = first;
      if (how === "lazily") {
        await session.load(first, "books");
        await session.load(second, "books");
      } else {
        await session.scalars(select(SvAuthor).options(how === "joined" ? joinedLoad(SvAuthor, "books") : selectinLoad(SvAuthor, "books")).orderBy(a.id));
      }
      assert.deepEqual(first.books.map((x) => x.id), [11, 12, 21]);
      assert.deepEqual(second.books.map((x) => x.id), [22]);
      await session.commit();
      const check = ctx.session();
      const stored = await check.scalars(select(SvAuthor).options(selectinLoad(SvAuthor, "books")).orderBy(a.id));
      assert.deepEqual(stored.map((x) => x.books.map((y) => y.id)), [[11, 12, 21], [22]]);
    });
  }

  test("moved on and back before the load: where its reference names now", async () => {
    await seed();
    const session = ctx.session({ autoflush: false });
    const [first, second] = [(await session.get(SvAuthor, 1))!, (await session.get(SvAuthor, 2))!];
    const book = (await session.get(SvBook, 21))!;
    book.author = first;
    book.author = second;
    await session.scalars(select(SvAuthor).options(selectinLoad(SvAuthor, "books")));
    assert.deepEqual(first.books.map((x) => x.id), [11, 12]);
    assert.deepEqual(second.books.map((x) => x.id), [21, 22]);
  });

  for (const how of ["lazily", "select-in", "joined"] as const) {
    test(`a many-to-many link moved from the other side, the lists loaded ${how}: as in memory, and the commit agrees`, async () => {
      await seed();
      const session = ctx.session({ autoflush: false });
      const book = (await session.get(SvBook, 11))!;
      await session.load(book, "tags");
      const [first, second] = [(await session.get(SvTag, 1))!, (await session.get(SvTag, 2))!];
      book.tags.splice(0, 1);
      book.tags.push(second);
      if (how === "lazily") {
        await session.load(first, "books");
        await session.load(second, "books");
      } else {
        await session.scalars(select(SvTag).options(how === "joined" ? joinedLoad(SvTag, "books") : selectinLoad(SvTag, "books")));
      }
      assert.deepEqual(first.books.map((x) => x.id), [12, 21, 22]);
      assert.deepEqual(second.books.map((x) => x.id), [11]);
      await session.commit();
      const check = ctx.session();
      const stored = await check.scalars(select(SvTag).options(selectinLoad(SvTag, "books")).orderBy(columnsOf(SvTag).id));
      assert.deepEqual(stored.map((x) => x.books.map((y) => y.id)), [[12, 21, 22], [11]]);
    });
  }
}, { createOnce: true });
