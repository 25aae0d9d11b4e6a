/**
 * A many-to-one whose key names no row (the database has no foreign key constraint: a legacy
 * table, or one made outside the models) is read as null, by every loader. The flush copied that
 * null into the key whenever the object was written: a title changed, and the row lost its
 * author_id, unasked, while the commit resolved. The key is now left as it is unless a reference is
 * assigned or the key itself is set (`book.authorId = null` clears it; as in SQLAlchemy, assigning
 * null to the reference that is null already changes nothing).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, joinedLoad, lazy, manyToOne, model, oneToMany, select, selectinLoad, string, type Rel, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class UkBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    UkAuthor: UkAuthor;
    UkBook: UkBook;
  }
}

@model("uk_authors")
class UkAuthor extends UkBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("UkBook", { backPopulates: "author" }) accessor books!: Rel<UkBook[], "author">;
}

@model("uk_books")
class UkBook extends UkBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor title!: string;
  @column(integer().named("author_id").references("uk_authors.id")) accessor authorId!: number | null;
  @manyToOne("UkAuthor", { backPopulates: "books" }) accessor author!: Rel<UkAuthor | null, "books">;
}

/** Book 1 whose author_id 99 names no row: its table made without the foreign key constraint. */
async function danglingBook(ctx: SessionContext): Promise<void> {
  await ctx.engine.withConnection(async (conn) => {
    await conn.run("DROP TABLE uk_books");
    await conn.run("CREATE TABLE uk_books (id INTEGER PRIMARY KEY, title VARCHAR(20) NOT NULL, author_id INTEGER)");
    await conn.run("INSERT INTO uk_authors (id) VALUES (1)");
    await conn.run("INSERT INTO uk_books (id, title, author_id) VALUES (1, 't', 99)");
  });
}

async function readBook(session: Session, how: string): Promise<UkBook> {
  if (how === "lazily") {
    const book = (await session.get(UkBook, 1))!;
    assert.equal(await lazy(book).author, null);
    return book;
  }
  const [book] = await session.scalars(select(UkBook).options(how === "joined" ? joinedLoad(UkBook, "author") : selectinLoad(UkBook, "author")));
  assert.equal(book!.author, null);
  return book!;
}

async function stored(ctx: SessionContext): Promise<{ title: string; author: number | null }> {
  const row = (await ctx.engine.withConnection((conn) => conn.run("SELECT title, author_id FROM uk_books"))).rows[0] as { title: string; author_id: unknown };
  return { title: row.title, author: row.author_id === null ? null : Number(row.author_id) };
}

forEachDatabaseWithSchema("a reference read as null while its key names no row", UkBase.metadata, (ctx) => {
  for (const how of ["lazily", "select-in", "joined"]) {
    test(`read ${how}, then another column changed: the key stays`, async () => {
      await danglingBook(ctx);
      const session = ctx.session();
      const book = await readBook(session, how);
      book.title = "changed";
      await session.commit();
      assert.deepEqual(await stored(ctx), { title: "changed", author: 99 });
    });
  }

  test("the key set directly is written (another one, or null); a reference assigned is copied", async () => {
    await danglingBook(ctx);
    let session = ctx.session();
    let book = await readBook(session, "select-in");
    book.authorId = 1;
    await session.commit();
    assert.deepEqual(await stored(ctx), { title: "t", author: 1 });

    await ctx.engine.withConnection((conn) => conn.run("UPDATE uk_books SET author_id = 99"));
    session = ctx.session();
    book = await readBook(session, "select-in");
    book.authorId = null;
    await session.commit();
    assert.deepEqual(await stored(ctx), { title: "t", author: null });

    await ctx.engine.withConnection((conn) => conn.run("UPDATE uk_books SET author_id = 99"));
    session = ctx.session();
    book = await readBook(session, "lazily");
    book.author = (await session.get(UkAuthor, 1))!;
    await session.commit();
    assert.deepEqual(await stored(ctx), { title: "t", author: 1 });
  });
}, { createOnce: true });
