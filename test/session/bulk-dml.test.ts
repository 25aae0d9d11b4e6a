/**
 * ORM-enabled bulk UPDATE and DELETE: `session.execute(update(Book).where(...).values({...}))`
 * changes the rows in one statement, keyed by attribute, and returns the rows matched; the
 * objects of the identity map follow as `synchronizeSession` says (SQLAlchemy's
 * synchronize_session): evaluated in JavaScript, fetched by key, or expired.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, InvalidColumnValueError, columnsOf, deleteFrom, inspect, select, update, type Session } from "../../src/index.js";
import { BkBook, BulkBase } from "./fixtures/bulk-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const c = columnsOf(BkBook);

forEachDatabaseWithSchema("ORM bulk UPDATE and DELETE", BulkBase.metadata, (ctx) => {
  /** Books 1..4 priced 3, 4, 10, 12; the session holds all four. */
  async function seeded(): Promise<{ session: Session; books: BkBook[] }> {
    const session = ctx.session();
    const books = [3, 4, 10, 12].map((listPrice, i) => Object.assign(new BkBook(), { id: i + 1, title: `Book ${i + 1}`, listPrice, stock: i === 0 ? null : 7 }));
    session.addAll(books);
    await session.flush();
    ctx.reset();
    return { session, books };
  }

  const prices = async (session: Session) => {
    const conn = await session.connection(); // in the session's transaction: sees its uncommitted rows
    const rows = (await conn.execute(select(c.listPrice.label("p")).orderBy(c.id))).rows;
    return rows.map((r) => Number(r.p));
  };
  const updates = () => ctx.statements.filter((s) => /^UPDATE/i.test(s));

  test("auto: one UPDATE keyed by attribute (its keys back by RETURNING, or a locking SELECT first on MariaDB), the row count, matching objects get the new value as loaded", async () => {
    const { session, books } = await seeded();
    const count = await session.execute(update(BkBook).where(c.listPrice.lt(5)).values({ listPrice: 5 }));
    assert.equal(count, 2);
    assert.deepEqual(ctx.statements.length, ctx.db.name === "mysql" ? 2 : 1, ctx.statements.join("\n"));
    assert.equal(updates().length, 1);
    assert.match(updates()[0]!, /list_price/);
    assert.deepEqual(books.map((b) => b.listPrice), [5, 5, 10, 12]);
    assert.deepEqual(inspect(books[0]!).modified, [], "the new value is what the row holds, not a change to write");
    await session.commit();
    assert.equal(await ctx.count("bk_books", "list_price = 5"), 2);
    assert.equal(await ctx.count("bk_books", "list_price = 10"), 1);
  });

  test("evaluate follows SQL's NULL logic, AND/OR/IN: an object whose column is NULL does not match a comparison", async () => {
    const { session, books } = await seeded();
    const count = await session.execute(update(BkBook).where(c.stock.lt(10), c.id.in([1, 2, 3])).values({ title: "Cheap" }), { synchronizeSession: "evaluate" });
    assert.equal(count, 2);
    assert.deepEqual(books.map((b) => b.title), ["Book 1", "Cheap", "Cheap", "Book 4"]);
    await session.commit();
    assert.equal(await ctx.count("bk_books", "title = 'Cheap'"), 2);
  });

  test("evaluate takes inValues as IN over its values (NULLs left out)", async () => {
    const { session, books } = await seeded();
    const count = await session.execute(update(BkBook).where(c.stock.lt(10), c.id.inValues([1, 2, 3, null])).values({ title: "Cheap" }), { synchronizeSession: "evaluate" });
    assert.equal(count, 2);
    assert.deepEqual(books.map((b) => b.title), ["Book 1", "Cheap", "Cheap", "Book 4"]);
    await session.commit();
    assert.equal(await ctx.count("bk_books", "title = 'Cheap'"), 2);
  });

  test("auto on a string comparison: evaluated on PostgreSQL and SQLite; fetched on MariaDB, whose collations may ignore case", async () => {
    const { session, books } = await seeded();
    const count = await session.execute(update(BkBook).where(c.title.eq("book 1")).values({ stock: 0 }));
    assert.equal(ctx.statements.filter((s) => /^SELECT/i.test(s)).length, ctx.db.name === "mysql" ? 1 : 0);
    // Whatever the collation decided, the object holds what its row now holds.
    assert.equal(books[0]!.stock, count === 1 ? 0 : null);
    const conn = await session.connection();
    assert.equal((await conn.scalar(select(c.stock).where(c.id.eq(1)))) ?? null, books[0]!.stock);
  });

  test("auto on a string order (<, BETWEEN): fetched, as the database's collation orders text, not JavaScript's UTF-16 units", async () => {
    const { session, books } = await seeded();
    // U+1F600 sorts after U+FFFD by code point (SQLite, PostgreSQL's C.UTF-8; ICU and glibc locales
    // have orders of their own); JavaScript's UTF-16 units put it first ("\uD83D" < "\uFFFD").
    books[0]!.title = "\u{1F600}";
    books[1]!.title = "\uFFFD";
    await session.flush();
    ctx.reset();
    const count = await session.execute(update(BkBook).where(c.title.lt("\uFFFD")).values({ stock: 0 }));
    await session.execute(update(BkBook).where(c.title.between("\u{1F600}", "\u{1F601}")).values({ listPrice: 1 }));
    const conn = await session.connection();
    const rows = (await conn.execute(select(c.stock, c.listPrice).orderBy(c.id))).rows;
    assert.deepEqual(books.map((b) => [b.stock, b.listPrice]), rows.map((r) => [r.stock, r.listPrice]), "each object holds what its row holds");
    assert.equal(count, rows.filter((r) => r.stock === 0).length);
  });

  test("evaluate on an object whose tested attribute is expired: it cannot be tested, so what was set is expired", async () => {
    const { session, books } = await seeded();
    session.expire(books[0]!, ["listPrice"]);
    assert.equal(await session.execute(update(BkBook).where(c.listPrice.lt(5)).values({ stock: 1 }), { synchronizeSession: "evaluate" }), 2);
    assert.ok(inspect(books[0]!).expired.includes("stock"));
    assert.equal(books[1]!.stock, 1);
    await session.refresh(books[0]!);
    assert.equal(books[0]!.stock, 1);
  });

  test("fetch: the keys of the rows changed come back (RETURNING, or a SELECT first on MariaDB); matching objects updated", async () => {
    const { session, books } = await seeded();
    const count = await session.execute(update(BkBook).where(c.listPrice.gt(5)).values({ listPrice: 9 }), { synchronizeSession: "fetch" });
    assert.equal(count, 2);
    assert.equal(updates().length, 1);
    const selects = ctx.statements.filter((s) => /^SELECT/i.test(s)).length;
    assert.equal(selects, ctx.db.name === "mysql" ? 1 : 0, ctx.statements.join("\n"));
    assert.deepEqual(books.map((b) => b.listPrice), [3, 4, 9, 9]);
    assert.deepEqual(await prices(session), [3, 4, 9, 9]);
  });

  test("auto falls back to fetch when the WHERE cannot be evaluated in JavaScript", async () => {
    const { session, books } = await seeded();
    const count = await session.execute(update(BkBook).where(c.listPrice.plus(1).gt(5)).values({ stock: 0 }));
    assert.equal(count, 2);
    assert.equal(updates().length, 1);
    assert.deepEqual(books.map((b) => b.stock), [null, 7, 0, 0]);
  });

  test("false: nothing synchronised; the objects of the class are expired and read the new rows on refresh", async () => {
    const { session, books } = await seeded();
    const count = await session.execute(update(BkBook).where(c.listPrice.lt(5)).values({ listPrice: 5 }), { synchronizeSession: false });
    assert.equal(count, 2);
    assert.equal(ctx.statements.length, 1);
    for (const book of books) assert.ok(inspect(book).expired.includes("listPrice"));
    await session.refresh(books[0]!);
    assert.equal(books[0]!.listPrice, 5);
  });

  test("a value given as an SQL expression is computed by the database: matching objects have the attribute expired", async () => {
    const { session, books } = await seeded();
    const count = await session.execute(update(BkBook).where(c.id.eq(1)).values({ listPrice: c.listPrice.plus(100) }));
    assert.equal(count, 1);
    assert.ok(inspect(books[0]!).expired.includes("listPrice"));
    assert.ok(!inspect(books[1]!).expired.includes("listPrice"));
    await session.refresh(books[0]!);
    assert.equal(books[0]!.listPrice, 103);
  });

  test("the session autoflushes first: a pending object is written, then updated with the rest", async () => {
    const { session } = await seeded();
    const fresh = Object.assign(new BkBook(), { id: 5, title: "New", listPrice: 1, stock: 1 });
    session.add(fresh);
    const count = await session.execute(update(BkBook).where(c.listPrice.lt(5)).values({ listPrice: 5 }));
    assert.equal(count, 3);
    assert.equal(fresh.listPrice, 5);
    assert.deepEqual(await prices(session), [5, 5, 10, 12, 5]);
  });

  for (const synchronizeSession of ["auto", "fetch"] as const) {
    test(`DELETE (${synchronizeSession}): one statement, the row count; matching objects are deleted and leave the session at commit`, async () => {
      const { session, books } = await seeded();
      const count = await session.execute(deleteFrom(BkBook).where(c.listPrice.ge(10)), { synchronizeSession });
      assert.equal(count, 2);
      assert.equal(ctx.statements.filter((s) => /^DELETE/i.test(s)).length, 1);
      assert.deepEqual(books.map((b) => inspect(b).status), ["persistent", "persistent", "deleted", "deleted"]);
      assert.equal(await session.get(BkBook, 3), undefined);
      await session.commit();
      assert.equal(inspect(books[2]!).status, "detached");
      assert.equal(await ctx.count("bk_books"), 2);
    });
  }

  test("DELETE with false: the objects of the class are expired; a deleted one's refresh says it is gone", async () => {
    const { session, books } = await seeded();
    assert.equal(await session.execute(deleteFrom(BkBook).where(c.id.eq(4)), { synchronizeSession: false }), 1);
    assert.deepEqual(inspect(books[3]!).expired.length > 0, true);
    await assert.rejects(session.refresh(books[3]!), /no longer exists/);
  });

  test("evaluate refuses a WHERE it cannot evaluate, before any SQL, naming the fix", async () => {
    const { session } = await seeded();
    await assert.rejects(session.execute(update(BkBook).where(c.listPrice.plus(1).gt(5)).values({ stock: 0 }), { synchronizeSession: "evaluate" }), (e: unknown) => e instanceof ArgumentError && /"fetch"/.test(e.message));
    assert.equal(ctx.statements.length, 0);
  });

  test("values are typed by attribute: a wrong type or a column name instead of the attribute does not compile", () => {
    // Checked by tsc (npm test): the statement is only built, never run.
    // @ts-expect-error listPrice is a number (and at run time: InvalidColumnValueError, naming the attribute)
    assert.throws(() => update(BkBook).values({ listPrice: "cheap" }), (e: unknown) => e instanceof InvalidColumnValueError && e.column === "listPrice");
    update(BkBook).values({ listPrice: c.listPrice.plus(1), stock: null }); // an expression of the type, and null where nullable, do
    // @ts-expect-error the attribute is listPrice; list_price is its column
    assert.throws(() => update(BkBook).values({ list_price: 5 }), ArgumentError);
  });
}, { createOnce: true });
