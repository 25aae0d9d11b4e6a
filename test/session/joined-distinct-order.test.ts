/**
 * A DISTINCT query with a joined collection is nested, so that the JOIN cannot change which rows
 * are distinct; the subquery also selects the query's ORDER BY expressions, for the outer query to
 * order by. One ordering by a value it does not select (`select(Author).join(Book).distinct()
 * .orderBy(book.title)`, which SQLite and MariaDB run) then made the subquery's rows distinct by
 * that value too: an author came back once per book title, and `.limit(2)` returned the first
 * author twice and not the second (PostgreSQL refuses the query without the joined load, and ran
 * it with one). Such a query is now refused with `ArgumentError` before it is sent; the same query
 * ordered by what it selects loads as before.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, columnsOf, joinedLoad, select } from "../../src/index.js";
import { LoaderShopBase, LsAuthor, LsBook } from "./fixtures/loader-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const a = columnsOf(LsAuthor);
const b = columnsOf(LsBook);

forEachDatabaseWithSchema("DISTINCT with a joined collection, ordered", LoaderShopBase.metadata, (ctx) => {
  /** Authors 1 (Cy), 2 (Ann), 3 (Bo), each with books titled t<author><n>: author 1's come first by title. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    for (const [id, name] of [[1, "Cy"], [2, "Ann"], [3, "Bo"]] as const) {
      const author = Object.assign(new LsAuthor(), { id, name });
      for (const n of [1, 2]) author.books.push(Object.assign(new LsBook(), { id: id * 10 + n, title: `t${id}${n}`, listPrice: n }));
      session.add(author);
    }
    await session.commit();
    await session.close();
  }

  test("ordered by a value it does not select: refused before it is sent, rather than repeat an author and drop another", async () => {
    await seed();
    const session = ctx.session();
    ctx.reset();
    const query = select(LsAuthor).join(LsBook, b.authorId.eq(a.id)).distinct().orderBy(b.title).limit(2).options(joinedLoad(LsAuthor, "books"));
    await assert.rejects(
      session.execute(query),
      (error: unknown) => error instanceof ArgumentError && /DISTINCT/.test(error.message) && /ls_books\.title/.test(error.message) && /selectinLoad/.test(error.message),
    );
    assert.deepEqual(ctx.statements, [], "nothing sent");
  });

  test("ordered by what it selects: each author once, in order, with every book", async () => {
    await seed();
    const session = ctx.session();
    const rows = await session.execute(select(LsAuthor).join(LsBook, b.authorId.eq(a.id)).distinct().orderBy(a.name).limit(2).options(joinedLoad(LsAuthor, "books")));
    assert.deepEqual(rows.map(([author]) => [author.name, author.books.map((book) => book.id)]), [["Ann", [21, 22]], ["Bo", [31, 32]]]);
  });
}, { createOnce: true });
