/**
 * ORM bulk INSERT of plain objects: `session.execute(insert(Book), rows)` inserts rows keyed by
 * attribute in one multi-row INSERT (chunked at the parameter limit), with client defaults,
 * after the autoflush and inside the session's transaction; `.returning(Book)` gives objects of
 * the identity map.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, CompileError, insert, inspect, type Session } from "../../src/index.js";
import { LoaderShopBase, LsAuthor, LsBook } from "./fixtures/loader-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("ORM bulk INSERT", LoaderShopBase.metadata, (ctx) => {
  const inserts = () => ctx.statements.filter((s) => /^INSERT/i.test(s));
  const books = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ id: from + i, title: `Book ${from + i}`, listPrice: 10 + i }));

  test("plain rows keyed by attribute: one INSERT, the row count, client defaults applied", async () => {
    const session = ctx.session();
    ctx.reset();
    const count = await session.execute(insert(LsBook), [...books(2), { id: 3, title: "Given status", listPrice: 1, status: "used" }]);
    assert.equal(count, 3);
    assert.equal(inserts().length, 1, ctx.statements.join("\n"));
    assert.match(inserts()[0]!, /list_price/);
    assert.equal(session.objects.length, 0, "no objects without RETURNING");
    await session.commit();
    assert.equal(await ctx.count("ls_books", "status = 'new'"), 2);
    assert.equal(await ctx.count("ls_books", "status = 'used'"), 1);
  });

  test("pending work is flushed first (autoflush): a row may refer to an object just added", async () => {
    const session = ctx.session();
    session.add(Object.assign(new LsAuthor(), { id: 1, name: "Ann" }));
    ctx.reset();
    await session.execute(insert(LsBook), [{ id: 1, title: "By Ann", listPrice: 5, authorId: 1 }]);
    assert.match(ctx.statements[0]!, /ls_authors/);
    await session.commit();
    assert.equal(await ctx.count("ls_books", "author_id = 1"), 1);
  });

  test("it runs in the session's transaction: a rollback undoes it", async () => {
    const session = ctx.session();
    await session.execute(insert(LsBook), books(3));
    await session.rollback();
    assert.equal(await ctx.count("ls_books"), 0);
  });

  test("without INSERT ... RETURNING (MySQL), .returning() is refused before it runs", async (t) => {
    if (ctx.engine.dialect.capabilities.insertReturning) return t.skip(`${ctx.db.name} has INSERT ... RETURNING`);
    await assert.rejects(ctx.session().execute(insert(LsBook).returning(LsBook), books(1)), CompileError);
    assert.equal(await ctx.count("ls_books"), 0);
  });

  test("insert(Model).values(...) without rows runs as it is, in the session's transaction; rows given twice are refused", async () => {
    const session = ctx.session();
    assert.equal(await session.execute(insert(LsBook).values({ id: 7, title: "One", listPrice: 1 })), 1);
    await assert.rejects(session.execute(insert(LsBook).values({ id: 8, title: "Two", listPrice: 1 }), books(1)), ArgumentError);
    await session.rollback();
    assert.equal(await ctx.count("ls_books"), 0);
  });

  test(".returning(Book): persistent objects in the identity map, defaults as inserted; a rollback takes them out", async (t) => {
    const session = ctx.session();
    if (!ctx.engine.dialect.capabilities.insertReturning) return t.skip("no INSERT ... RETURNING");
    const rows = await session.execute(insert(LsBook).returning(LsBook), books(3));
    assert.equal(rows.length, 3);
    const [first] = rows[0]!;
    assert.ok(first instanceof LsBook);
    assert.equal(first.status, "new");
    assert.equal(first.listPrice, 10);
    assert.equal(inspect(first).status, "persistent");
    ctx.reset();
    assert.equal(await session.get(LsBook, 1), first, "from the identity map");
    assert.equal(ctx.statements.length, 0);
    await session.rollback();
    assert.equal(inspect(first).status, "transient");
    assert.equal(await ctx.count("ls_books"), 0);
  });

  test(".returning(Book) inside a savepoint: its rollback takes the objects out; the outer commit used to insert their rows again", async (t) => {
    const session = ctx.session();
    if (!ctx.engine.dialect.capabilities.insertReturning) return t.skip("no INSERT ... RETURNING");
    const savepoint = await session.beginNested();
    const [[first]] = await session.execute(insert(LsBook).returning(LsBook), books(2));
    await savepoint.rollback();
    assert.equal(inspect(first!).status, "transient");
    await session.commit();
    assert.equal(await ctx.count("ls_books"), 0);
  });

  test(".returning() of a column: its values, as tuples", async (t) => {
    const session = ctx.session();
    if (!ctx.engine.dialect.capabilities.insertReturning) return t.skip("no INSERT ... RETURNING");
    const { columnsOf } = await import("../../src/index.js");
    const rows = await session.execute(insert(LsBook).returning(columnsOf(LsBook).id.label("id")), books(2));
    assert.deepEqual(rows.map(([id]) => Number(id)).sort(), [1, 2]);
    await session.commit();
  });

  test("10,000 rows: chunked at the dialect's parameter limit, all or nothing, objects returned", async () => {
    const session: Session = ctx.session();
    ctx.reset();
    const many = books(10_000);
    if (ctx.engine.dialect.capabilities.insertReturning) {
      const rows = await session.execute(insert(LsBook).returning(LsBook), many);
      assert.equal(rows.length, 10_000);
      assert.equal(new Set(rows.map(([b]) => b)).size, 10_000);
    } else {
      assert.equal(await session.execute(insert(LsBook), many), 10_000);
    }
    assert.ok(inserts().length >= 1);
    await session.commit();
    assert.equal(await ctx.count("ls_books"), 10_000);
  });

  test("a relationship or an unknown attribute in a row is refused before any SQL", async () => {
    const session = ctx.session();
    ctx.reset();
    await assert.rejects(session.execute(insert(LsBook), [{ id: 1, title: "x", listPrice: 1, nope: 1 } as never]), ArgumentError);
    await assert.rejects(session.execute(insert(LsBook), [{ id: 1, title: "x", listPrice: 1, author: null } as never]), /not a column attribute of LsBook/);
    assert.equal(inserts().length, 0);
  });
}, { createOnce: true });
