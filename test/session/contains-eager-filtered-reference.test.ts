/**
 * `containsEager` of a many-to-one through an outer join whose condition leaves the target out
 * (`leftJoin(Author, and(b.authorId.eq(a.id), a.name.eq("Bo")))`): the book's key names an
 * author, but the row has none. The reference was loaded as null, and the next flush of the book
 * (a title changed) copied that null into its key: the book was unlinked from its author, unasked,
 * and the commit resolved. Such a reference is left not loaded now: it is read when asked for, and
 * the flush leaves the key alone. A book whose key is NULL has its reference loaded, as null.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, and, column, columnsOf, containsEager, integer, lazy, manyToOne, model, oneToMany, select, string, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class FrBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    FrAuthor: FrAuthor;
    FrBook: FrBook;
  }
}

@model("fr_authors")
class FrAuthor extends FrBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @oneToMany("FrBook", { backPopulates: "author" }) accessor books!: Rel<FrBook[], "author">;
}

@model("fr_books")
class FrBook extends FrBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor title!: string;
  @column(integer().named("author_id").references("fr_authors.id")) accessor authorId!: number | null;
  @manyToOne("FrAuthor", { backPopulates: "books" }) accessor author!: Rel<FrAuthor | null, "books">;
}

const a = columnsOf(FrAuthor);
const b = columnsOf(FrBook);

/** Ann (1) with book 10, Bo (2) with book 20, and book 30 without an author. */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  for (const [id, name] of [[1, "Ann"], [2, "Bo"]] as const) {
    const author = Object.assign(new FrAuthor(), { id, name });
    author.books.push(Object.assign(new FrBook(), { id: id * 10, title: `t${id}` }));
    session.add(author);
  }
  session.add(Object.assign(new FrBook(), { id: 30, title: "t3", authorId: null }));
  await session.commit();
  await session.close();
}

const bosBooks = () =>
  select(FrBook).leftJoin(FrAuthor, and(b.authorId.eq(a.id), a.name.eq("Bo"))).orderBy(b.id).options(containsEager(FrBook, "author"));

forEachDatabaseWithSchema("containsEager of a reference an outer join's condition left out", FrBase.metadata, (ctx) => {
  test("a book changed after it keeps its author: the flush does not clear its key", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [ann, bo, none] = await session.scalars(bosBooks());
    assert.equal(bo!.author!.name, "Bo", "the joined author is loaded");
    assert.equal(none!.author, null, "a NULL key: loaded, as null");
    ann!.title = "changed";
    await session.commit();
    const rows = (await ctx.engine.withConnection((conn) => conn.run("SELECT id, title, author_id FROM fr_books ORDER BY id"))).rows;
    assert.deepEqual(
      rows.map((r: any) => ({ id: Number(r.id), title: r.title, author: r.author_id === null ? null : Number(r.author_id) })),
      [
        { id: 10, title: "changed", author: 1 },
        { id: 20, title: "t2", author: 2 },
        { id: 30, title: "t3", author: null },
      ],
    );
  });

  test("the reference left out is read when asked for: the author its key names", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [ann] = await session.scalars(bosBooks());
    assert.equal((await lazy(ann!).author)!.name, "Ann");
  });
}, { createOnce: true });
