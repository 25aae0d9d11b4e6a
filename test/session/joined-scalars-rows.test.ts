/**
 * `session.scalars(query)` with a collection loaded by a JOIN returns what the query returns
 * without it, as `session.execute` does: the rows the JOIN repeats for each member are taken out,
 * and only those. A query whose own JOIN repeats an author (one row per book that matched) used to
 * come back with each author once under `joinedLoad`, and as often as it matched under
 * `selectinLoad` or with `execute`; with `.limit(3)` over three rows of one author, `scalars` gave
 * one object where `execute` gave three rows, and the page was short.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, joinedLoad, select, selectinLoad } from "../../src/index.js";
import { LoaderShopBase, LsAuthor, LsBook } from "./fixtures/loader-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const a = columnsOf(LsAuthor);
const b = columnsOf(LsBook);

forEachDatabaseWithSchema("scalars() with a joined collection", LoaderShopBase.metadata, (ctx) => {
  /** Authors 1 and 2 with books 11, 12, 13 and 21, 22, 23 (prices 10, 20, 30); author 3 without books. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    for (const id of [1, 2, 3]) {
      const author = Object.assign(new LsAuthor(), { id, name: `author ${id}` });
      if (id !== 3) for (const n of [1, 2, 3]) author.books.push(Object.assign(new LsBook(), { id: id * 10 + n, title: `t${id}${n}`, listPrice: n * 10 }));
      session.add(author);
    }
    await session.commit();
    await session.close();
  }

  const queries = [
    ["the query's own JOIN", () => select(LsAuthor).join(LsBook, b.authorId.eq(a.id)).where(b.listPrice.gt(10)).orderBy(a.id, b.id)],
    ["the same with a limit", () => select(LsAuthor).join(LsBook, b.authorId.eq(a.id)).orderBy(a.id, b.id).limit(3)],
    ["a single table", () => select(LsAuthor).orderBy(a.id)],
  ] as const;
  for (const [name, query] of queries) {
    test(`${name}: the same objects, as many times, with joinedLoad as with selectinLoad or execute()`, async () => {
      await seed();
      const ids = async (load: "joined" | "selectin" | "execute") => {
        const session = ctx.session();
        const option = load === "joined" ? joinedLoad(LsAuthor, "books") : selectinLoad(LsAuthor, "books");
        const authors = load === "execute" ? (await session.execute(query().options(joinedLoad(LsAuthor, "books")))).map(([author]) => author) : await session.scalars(query().options(option));
        const seen = authors.map((author) => [author.id, author.books.map((book) => book.id)]);
        await session.close();
        return seen;
      };
      const expected = await ids("selectin");
      assert.deepEqual(await ids("joined"), expected);
      assert.deepEqual(await ids("execute"), expected);
    });
  }
}, { createOnce: true, sqliteFile: true });
