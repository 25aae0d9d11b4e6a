/**
 * `session.merge(obj, { load: false })` (SQLAlchemy's load=False): a clean detached object, from a
 * cache, copied into the session without a statement, as if just loaded: persistent, in the
 * identity map, nothing to flush. A dirty or never-flushed object is refused with
 * MergeDirtyObjectError; the merge cascade merges related objects the same way.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MergeDirtyObjectError, UnloadedAttributeError, columnsOf, inspect, select, selectinLoad } from "../../src/index.js";
import { DeferredBase, DfAuthor, DfBook } from "./fixtures/deferred.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const author = Object.assign(new DfAuthor(), { id: 1, name: "Ann", bio: "born" });
  for (const id of [1, 2]) author.books.push(Object.assign(new DfBook(), { id, title: `book ${id}`, pages: id * 10, body: `text ${id}` }));
  session.add(author);
  await session.commit();
  await session.close();
  ctx.reset();
}

/** The author with its books, loaded in a session then closed: detached, as a cache holds it. */
async function cached(ctx: SessionContext): Promise<DfAuthor> {
  const session = ctx.session();
  const [author] = await session.scalars(select(DfAuthor).options(selectinLoad(DfAuthor, "books")));
  await session.close();
  ctx.reset();
  return author!;
}

forEachDatabaseWithSchema("merge without load", DeferredBase.metadata, (ctx) => {
  test("a clean detached object is merged without a statement: persistent, in the identity map, nothing to flush", async () => {
    await seed(ctx);
    const author = await cached(ctx);
    const session = ctx.session();
    const merged = await session.merge(author, { load: false });
    assert.notEqual(merged, author);
    assert.deepEqual(ctx.statements, []);
    assert.equal(inspect(merged).status, "persistent");
    assert.equal(merged.name, "Ann");
    assert.equal(await session.get(DfAuthor, 1), merged);
    // Along the merge cascade: the books, merged the same way, as the loaded collection.
    assert.deepEqual(merged.books.map((b) => b.title), ["book 1", "book 2"]);
    assert.equal(await session.get(DfBook, 2), merged.books[1]);
    assert.equal(merged.books[0]!.author, merged);
    assert.deepEqual(ctx.statements, []);
    await session.commit();
    const written: string[] = ctx.statements.filter((s: string) => !s.startsWith("SELECT"));
    assert.deepEqual(written, []);
  });

  test("what the original did not load stays not loaded; a change after the merge is flushed", async () => {
    await seed(ctx);
    const author = await cached(ctx);
    const session = ctx.session();
    const merged = await session.merge(author, { load: false });
    assert.throws(() => merged.bio, UnloadedAttributeError);
    assert.throws(() => merged.books[0]!.body, UnloadedAttributeError);
    merged.books[0]!.pages = 99;
    await session.commit();
    const b = columnsOf(DfBook);
    const [row] = (await ctx.engine.execute(select(b.pages, b.body).where(b.id.eq(1)))).rows;
    assert.deepEqual({ ...row }, { pages: 99, body: "text 1" });
  });

  test("onto the session's object of the same key: its values replaced, nothing to flush", async () => {
    await seed(ctx);
    const author = await cached(ctx);
    const session = ctx.session();
    const own = (await session.get(DfBook, 1))!;
    ctx.reset();
    const merged = await session.merge(author.books[0]!, { load: false });
    assert.equal(merged, own);
    assert.deepEqual(inspect(own).modified, []);
    assert.deepEqual(ctx.statements, []);
  });

  test("onto the session's object holding changes not flushed: refused, its changes kept and committed (they used to be dropped)", async () => {
    await seed(ctx);
    const author = await cached(ctx);
    const session = ctx.session();
    const own = (await session.get(DfBook, 1))!;
    own.pages = 99;
    await assert.rejects(session.merge(author.books[0]!, { load: false }), (e: unknown) => e instanceof MergeDirtyObjectError && /changes not flushed/.test((e as Error).message));
    assert.equal(own.pages, 99);
    await session.commit();
    const b = columnsOf(DfBook);
    const [row] = (await ctx.engine.execute(select(b.pages).where(b.id.eq(1)))).rows;
    assert.equal(row!.pages, 99);
  });

  test("a dirty object, a new one, and a deleted one are refused with MergeDirtyObjectError", async () => {
    await seed(ctx);
    const author = await cached(ctx);
    const session = ctx.session();
    author.name = "Changed";
    await assert.rejects(session.merge(author, { load: false }), (e: unknown) => e instanceof MergeDirtyObjectError && /changes not flushed \(name\)/.test((e as Error).message));
    await assert.rejects(session.merge(Object.assign(new DfBook(), { id: 7, title: "new" }), { load: false }), (e: unknown) => e instanceof MergeDirtyObjectError && /never flushed/.test((e as Error).message));
    const clean = await cached(ctx);
    clean.books.pop();
    await assert.rejects(session.merge(clean, { load: false }), (e: unknown) => e instanceof MergeDirtyObjectError && /books/.test((e as Error).message));
    assert.deepEqual(ctx.statements, []);
  });
}, { createOnce: true });
