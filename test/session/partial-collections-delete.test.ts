/**
 * Deleting a parent whose list was filled by `containsEager` from a filtered JOIN: the list holds
 * only the rows that query kept. The delete used to cascade to (or unlink) those members only:
 * the parent's DELETE then failed on the foreign key of the members left out, and where the
 * database has no such constraint (a table made outside the models) the commit resolved with
 * those rows still naming the deleted parent. The flush now reads the members the database holds,
 * as for a list not loaded, and the commit leaves what an unloaded list would have.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, columnsOf, containsEager, integer, manyToOne, model, oneToMany, select, sql, string, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class PdBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    PdAuthor: PdAuthor;
    PdBook: PdBook;
    PdNote: PdNote;
  }
}

@model("pd_authors")
class PdAuthor extends PdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("PdBook", { backPopulates: "author", cascade: "all, delete-orphan" }) accessor books!: Rel<PdBook[], "author">;
  @oneToMany("PdNote", { backPopulates: "author" }) accessor notes!: Rel<PdNote[], "author">;
}

@model("pd_books")
class PdBook extends PdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor title!: string;
  @column(integer().named("author_id").references("pd_authors.id").notNull()) accessor authorId!: number;
  @manyToOne("PdAuthor", { backPopulates: "books" }) accessor author!: Rel<PdAuthor, "books">;
}

@model("pd_notes")
class PdNote extends PdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor text!: string;
  @column(integer().named("author_id").references("pd_authors.id")) accessor authorId!: number | null;
  @manyToOne("PdAuthor", { backPopulates: "notes" }) accessor author!: Rel<PdAuthor | null, "notes">;
}

const a = columnsOf(PdAuthor);
const b = columnsOf(PdBook);
const n = columnsOf(PdNote);

/** Authors 1 and 2, each with books and notes titled t1..t3. */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  for (const id of [1, 2]) {
    const author = Object.assign(new PdAuthor(), { id });
    for (const i of [1, 2, 3]) author.books.push(Object.assign(new PdBook(), { id: id * 10 + i, title: `t${i}` }));
    for (const i of [1, 2, 3]) author.notes.push(Object.assign(new PdNote(), { id: id * 10 + i, text: `t${i}` }));
    session.add(author);
  }
  await session.commit();
  await session.close();
}

async function rows(ctx: SessionContext, query: string): Promise<number[]> {
  const result = await ctx.engine.execute(sql<{ id: number }>`${sql.raw(query)}`);
  return result.rows.map((row) => Number(row.id));
}

forEachDatabaseWithSchema("deleting a parent whose list a filtered containsEager filled", PdBase.metadata, (ctx) => {
  test("delete-orphan children: every child of the parent is deleted, those the query left out too", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [author] = await session.scalars(select(PdAuthor).join(PdBook, b.authorId.eq(a.id)).where(a.id.eq(1), b.title.eq("t1")).options(containsEager(PdAuthor, "books")));
    assert.deepEqual(author!.books.map((book) => book.id), [11], "the list holds what the query kept");
    session.delete(author!);
    await session.commit();
    assert.deepEqual(await rows(ctx, "SELECT id FROM pd_books ORDER BY id"), [21, 22, 23]);
    assert.deepEqual(await rows(ctx, "SELECT id FROM pd_authors ORDER BY id"), [2]);
  });

  test("children without a delete cascade: every one loses its key, those the query left out too", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [author] = await session.scalars(select(PdAuthor).join(PdNote, n.authorId.eq(a.id)).where(a.id.eq(1), n.text.eq("t2")).options(containsEager(PdAuthor, "notes")));
    assert.deepEqual(author!.notes.map((note) => note.id), [12]);
    session.delete(author!);
    await session.commit();
    assert.deepEqual(await rows(ctx, "SELECT id FROM pd_notes WHERE author_id IS NULL ORDER BY id"), [11, 12, 13]);
    assert.deepEqual(await rows(ctx, "SELECT id FROM pd_notes WHERE author_id IS NOT NULL ORDER BY id"), [21, 22, 23]);
  });

  test("a member added in place and one moved out before the delete: the added one goes, the moved one stays", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [first, second] = await session.scalars(
      select(PdAuthor).join(PdBook, b.authorId.eq(a.id)).where(b.title.eq("t1")).orderBy(a.id).options(containsEager(PdAuthor, "books")),
    );
    assert.deepEqual([first!.books.map((x) => x.id), second!.books.map((x) => x.id)], [[11], [21]]);
    const moved = (await session.get(PdBook, 12))!;
    moved.author = second!;
    first!.books.push(Object.assign(new PdBook(), { id: 14, title: "new" }));
    session.delete(first!);
    await session.commit();
    assert.deepEqual(await rows(ctx, "SELECT id FROM pd_books ORDER BY id"), [12, 21, 22, 23]);
    assert.deepEqual(await rows(ctx, "SELECT id FROM pd_books WHERE author_id = 2 ORDER BY id"), [12, 21, 22, 23]);
  });

  test("where the database has no foreign key constraint, no child is left naming the deleted parent", async () => {
    await seed(ctx);
    // A table made outside the models, without the constraint: the old flush's commit resolved here.
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("CREATE TABLE pd_books_copy (id INTEGER PRIMARY KEY, title VARCHAR(20) NOT NULL, author_id INTEGER NOT NULL)");
      await conn.run("INSERT INTO pd_books_copy SELECT id, title, author_id FROM pd_books");
      await conn.run("DROP TABLE pd_books");
      await conn.run("CREATE TABLE pd_books (id INTEGER PRIMARY KEY, title VARCHAR(20) NOT NULL, author_id INTEGER NOT NULL)");
      await conn.run("INSERT INTO pd_books SELECT id, title, author_id FROM pd_books_copy");
      await conn.run("DROP TABLE pd_books_copy");
    });
    const session = ctx.session();
    const [author] = await session.scalars(select(PdAuthor).join(PdBook, b.authorId.eq(a.id)).where(a.id.eq(1), b.title.eq("t3")).options(containsEager(PdAuthor, "books")));
    session.delete(author!);
    await session.commit();
    assert.deepEqual(await rows(ctx, "SELECT id FROM pd_books WHERE author_id NOT IN (SELECT id FROM pd_authors)"), []);
    assert.deepEqual(await rows(ctx, "SELECT id FROM pd_books ORDER BY id"), [21, 22, 23]);
  });
}, { createOnce: true });
