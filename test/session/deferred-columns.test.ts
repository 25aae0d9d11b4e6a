/**
 * Deferred columns: a column deferred by the mapping or left out by the query's options (`defer`,
 * `loadOnly`) is not in the SELECT; reading it on a loaded object raises UnloadedAttributeError
 * naming the model, the attribute and the fix, until `session.load(obj, key)`, `refresh(obj,
 * [key])`, `lazy(obj).key` or `undefer(...)` loads it. A flush never writes a column it did not
 * load (the row's value is kept), and writes one assigned.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ExpiredAttributeError,
  UnloadedAttributeError,
  columnsOf,
  containsEager,
  defer,
  inspect,
  joinedLoad,
  lazy,
  loadOnly,
  populateExisting,
  raiseLoad,
  select,
  selectinLoad,
  undefer,
  update,
} from "../../src/index.js";
import { DeferredBase, DfAuthor, DfBook } from "./fixtures/deferred.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const b = columnsOf(DfBook);

/** The error of reading `Model.key` while not loaded, naming both fixes. */
function unloaded(attribute: string) {
  const [model, key] = attribute.split(".");
  return (error: unknown) =>
    error instanceof UnloadedAttributeError &&
    error.model === model &&
    error.attribute === key &&
    error.message.startsWith(`${attribute} `) &&
    error.message.includes(`await session.load(obj, "${key}")`) &&
    error.message.includes(`undefer(${model}, "${key}")`);
}

async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const author = Object.assign(new DfAuthor(), { id: 1, name: "Ann", bio: "born" });
  for (const id of [1, 2, 3]) {
    author.books.push(Object.assign(new DfBook(), { id, title: `book ${id}`, pages: id * 100, body: `text of ${id}`, notes: `notes ${id}` }));
  }
  session.add(author);
  await session.commit();
  await session.close();
  ctx.reset();
}

/** The row as the database holds it, read with Core. */
async function row(ctx: SessionContext, id: number) {
  const [r] = (await ctx.engine.execute(select(b.title, b.pages, b.body, b.notes).where(b.id.eq(id)))).rows;
  return r;
}

forEachDatabaseWithSchema("deferred columns", DeferredBase.metadata, (ctx) => {
  test("a deferred column is not selected; reading it raises, naming the model, the attribute and the fix", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [book] = await session.scalars(select(DfBook).where(b.id.eq(1)));
    assert.equal(ctx.statements.length, 1);
    assert.doesNotMatch(ctx.statements[0]!, /body|notes/);
    assert.equal(book!.title, "book 1");
    assert.equal(book!.pages, 100);
    assert.throws(() => book!.body, unloaded("DfBook.body"));
    assert.throws(() => book!.notes, unloaded("DfBook.notes"));
    assert.match(String((() => { try { return book!.body; } catch (e) { return e; } })()), /is deferred and was not loaded/);
  });

  test("session.load(obj, key) loads it with one statement, and a second time with none", async () => {
    await seed(ctx);
    const session = ctx.session();
    const book = (await session.get(DfBook, 2))!;
    ctx.reset();
    const same = await session.load(book, "body", "notes");
    assert.equal(same, book);
    assert.equal(ctx.statements.length, 1);
    assert.equal(book.body, "text of 2");
    assert.equal(book.notes, "notes 2");
    await session.load(book, "body", "title");
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(inspect(book).modified, []);
  });

  test("undefer(), defer() and loadOnly() per query", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [withBody] = await session.scalars(select(DfBook).where(b.id.eq(1)).options(undefer(DfBook, "body")));
    assert.match(ctx.statements[0]!, /body/);
    assert.equal(withBody!.body, "text of 1");
    assert.throws(() => withBody!.notes, unloaded("DfBook.notes"));

    const [noPages] = await session.scalars(select(DfBook).where(b.id.eq(2)).options(defer(DfBook, "pages")));
    assert.throws(() => (noPages as DfBook).pages, (e: unknown) => unloaded("DfBook.pages")(e) && /left out by the query's options/.test((e as Error).message));
    assert.equal(noPages!.title, "book 2");

    ctx.reset();
    const only = await session.scalars(select(DfBook).where(b.id.ge(3)).options(loadOnly(DfBook, "title")));
    assert.doesNotMatch(ctx.statements[0]!, /pages|body|author_id/);
    assert.equal(only[0]!.title, "book 3");
    assert.equal((only[0] as DfBook).id, 3); // the primary key is always loaded (the type keeps only what is listed)
    assert.throws(() => (only[0] as DfBook).pages, unloaded("DfBook.pages"));
    assert.throws(() => (only[0] as DfBook).authorId, unloaded("DfBook.authorId"));
  });

  test("a flush writes no column it did not load: the row keeps its text", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [book] = await session.scalars(select(DfBook).where(b.id.eq(1)).options(loadOnly(DfBook, "title")));
    book!.title = "renamed";
    ctx.reset();
    await session.commit();
    const updates = ctx.statements.filter((s) => s.startsWith("UPDATE"));
    assert.equal(updates.length, 1);
    assert.doesNotMatch(updates[0]!, /body|notes|pages/);
    assert.deepEqual({ ...(await row(ctx, 1)) }, { title: "renamed", pages: 100, body: "text of 1", notes: "notes 1" });
  });

  test("assigning a column not loaded writes it, even null; a new object's deferred column is inserted", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [one, two] = await session.scalars(select(DfBook).where(b.id.le(2)).orderBy(b.id));
    one!.body = "new text";
    two!.body = null;
    assert.equal(one!.body, "new text");
    session.add(Object.assign(new DfBook(), { id: 9, title: "fresh", body: "fresh text" }));
    await session.commit();
    assert.equal((await row(ctx, 1))!.body, "new text");
    assert.equal((await row(ctx, 2))!.body, null);
    assert.equal((await row(ctx, 9))!.body, "fresh text");
  });

  test("after commit (expire all) a deferred column raises until loaded; refresh() does not load it, refresh(obj, [key]) does", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [book] = await session.scalars(select(DfBook).where(b.id.eq(1)).options(undefer(DfBook, "body")));
    assert.equal(book!.body, "text of 1");
    await session.commit();
    assert.throws(() => book!.title, ExpiredAttributeError);
    assert.throws(() => book!.body, (e: unknown) => unloaded("DfBook.body")(e) && /was expired/.test((e as Error).message));
    // A query refreshes what it selects; the deferred column stays unloaded.
    await session.scalars(select(DfBook).where(b.id.eq(1)));
    assert.equal(book!.title, "book 1");
    assert.throws(() => book!.body, unloaded("DfBook.body"));
    await session.load(book!, "body");
    assert.equal(book!.body, "text of 1");
    await session.refresh(book!);
    assert.throws(() => book!.body, unloaded("DfBook.body"));
    await session.refresh(book!, ["body"]);
    assert.equal(book!.body, "text of 1");
  });

  test("a later query with undefer fills the column of an object already loaded, keeping its changes", async () => {
    await seed(ctx);
    const session = ctx.session({ autoflush: false });
    const [book] = await session.scalars(select(DfBook).where(b.id.eq(2)));
    book!.title = "changed";
    const [again] = await session.scalars(select(DfBook).where(b.id.eq(2)).options(undefer(DfBook, "body")));
    assert.equal(again, book);
    assert.equal(book!.body, "text of 2");
    assert.equal(book!.title, "changed");
    assert.deepEqual(inspect(book!).modified, ["title"]);
  });

  test("await lazy(obj).key loads a deferred column, one statement for the tick; raiseLoad refuses it", async () => {
    await seed(ctx);
    const session = ctx.session();
    const books = await session.scalars(select(DfBook).orderBy(b.id));
    ctx.reset();
    assert.deepEqual(await Promise.all(books.map((book) => lazy(book).body)), ["text of 1", "text of 2", "text of 3"]);
    assert.equal(ctx.statements.length, 1);
    assert.equal(await lazy(books[0]!).title, "book 1");
    // The mapping says raiseLoad: loading on access is refused; an explicit load is not.
    await assert.rejects(lazy(books[0]!).notes, (e: unknown) => unloaded("DfBook.notes")(e) && /raiseLoad/.test((e as Error).message));
    await session.load(books[0]!, "notes");
    assert.equal(books[0]!.notes, "notes 1");
    // Per query: defer(..., { raiseLoad: true }) and loadOnly(..., { raiseLoad: true }).
    const [raising] = await session.scalars(select(DfAuthor).options(defer(DfAuthor, "name", { raiseLoad: true })));
    await assert.rejects(lazy(raising!).name, unloaded("DfAuthor.name"));
    const [author] = await session.scalars(select(DfAuthor).options(loadOnly(DfAuthor, ["id"], { raiseLoad: true })));
    assert.equal(author, raising);
    await assert.rejects(lazy(author!).bio, unloaded("DfAuthor.bio"));
    // raiseLoad(Model, column) is defer(Model, column, { raiseLoad: true }).
    await session.close();
    const other = ctx.session();
    const [pageless] = await other.scalars(select(DfBook).where(b.id.eq(1)).options(raiseLoad(DfBook, "pages")));
    assert.throws(() => (pageless as DfBook).pages, (e: unknown) => unloaded("DfBook.pages")(e) && /raiseLoad/.test((e as Error).message));
    await assert.rejects(lazy(pageless!).pages, unloaded("DfBook.pages"));
    assert.equal((await other.load(pageless!, "pages")).pages, 100);
  });

  test("select-in loaded objects and multi-entity rows follow the mapping and the options", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [author] = await session.scalars(select(DfAuthor).options(selectinLoad(DfAuthor, "books"), undefer(DfAuthor, "bio")));
    assert.equal(author!.bio, "born");
    assert.equal(author!.books.length, 3);
    assert.throws(() => author!.books[0]!.body, unloaded("DfBook.body"));
    const rows = await session.execute(
      select(b.title, DfBook, DfAuthor, b.pages.label("p")).join(DfAuthor).where(b.id.eq(3)).options(loadOnly(DfBook, "pages"), undefer(DfBook, "body")),
    );
    const [title, book, rowAuthor, pages] = rows[0]!;
    assert.equal(title, "book 3");
    assert.equal((book as DfBook).body, "text of 3"); // undefer after loadOnly: loaded, though the type is conservative
    assert.equal(pages, 300);
    assert.equal(rowAuthor, author);
    assert.equal(rowAuthor.name, "Ann");
  });

  test("joined loading leaves deferred columns out too; inspect() lists what is not loaded", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [author] = await session.scalars(select(DfAuthor).options(joinedLoad(DfAuthor, "books")));
    assert.doesNotMatch(ctx.statements[0]!, /body|notes|bio/);
    assert.deepEqual(author!.books.map((book) => book.title).sort(), ["book 1", "book 2", "book 3"]);
    assert.throws(() => author!.books[0]!.body, unloaded("DfBook.body"));
    assert.deepEqual(inspect(author!).unloaded, ["bio"]);
    assert.deepEqual([...inspect(author!.books[0]!).unloaded].sort(), ["body", "notes"]);
  });

  test("a savepoint's rollback puts a column assigned in it back to not loaded", async () => {
    await seed(ctx);
    const session = ctx.session();
    const book = (await session.get(DfBook, 1))!;
    const nested = await session.beginNested();
    book.body = "draft";
    await session.flush();
    await nested.rollback();
    assert.throws(() => book.body, UnloadedAttributeError);
    await session.commit();
    assert.equal((await row(ctx, 1))!.body, "text of 1");
  });

  test("a bulk UPDATE that sets a column not loaded: the objects hold the new value", async () => {
    await seed(ctx);
    const session = ctx.session();
    const books = await session.scalars(select(DfBook).orderBy(b.id));
    await session.execute(update(DfBook).where(b.pages.ge(200)).values({ body: "bulk" }), { synchronizeSession: "evaluate" });
    assert.throws(() => books[0]!.body, UnloadedAttributeError);
    assert.equal(books[1]!.body, "bulk");
    // A condition on a column not loaded cannot be evaluated in memory: what it sets is expired.
    await session.commit();
    const other = ctx.session();
    const light = await other.scalars(select(DfBook).orderBy(b.id).options(defer(DfBook, "pages")));
    await other.execute(update(DfBook).where(b.pages.ge(200)).values({ title: "long" }), { synchronizeSession: "evaluate" });
    assert.throws(() => light[0]!.title, ExpiredAttributeError);
    await other.scalars(select(DfBook));
    assert.deepEqual(light.map((book) => book.title), ["book 1", "long", "long"]);
  });

  test("populateExisting() and containsEager() follow the column plan", async () => {
    await seed(ctx);
    const session = ctx.session();
    const book = (await session.get(DfBook, 1))!;
    await session.load(book, "body");
    await (await session.connection()).execute(update(DfBook).where(b.id.eq(1)).values({ body: "changed elsewhere", title: "t" }));
    // As a refresh: the columns of the query overwritten, a deferred one not loaded any more.
    await session.scalars(select(DfBook).where(b.id.eq(1)).options(populateExisting()));
    assert.equal(book.title, "t");
    assert.throws(() => book.body, unloaded("DfBook.body"));
    await session.scalars(select(DfBook).where(b.id.eq(1)).options(populateExisting(), undefer(DfBook, "body")));
    assert.equal(book.body, "changed elsewhere");
    const [withAuthor] = await session.scalars(select(DfBook).join(DfAuthor).where(b.id.eq(2)).options(containsEager(DfBook, "author")));
    assert.equal(withAuthor!.author!.name, "Ann");
    assert.throws(() => withAuthor!.author!.bio, unloaded("DfAuthor.bio"));
  });

  test("options are checked: unknown attributes and the primary key", async () => {
    await seed(ctx);
    const session = ctx.session();
    await assert.rejects(session.scalars(select(DfBook).options(defer(DfBook, "id" as never))), /primary key/);
    await assert.rejects(session.scalars(select(DfBook).options(undefer(DfBook, "nope" as never))), /has no column attribute 'nope'/);
    await assert.rejects(session.load(new DfBook(), "nope" as never), /has no attribute 'nope'/);
  });
}, { createOnce: true });
