/**
 * `session.execute(update(Book)...returning(...))` and `deleteFrom(Book)...returning(...)`: the
 * rows come back as tuples (entities as objects of the identity map), not as a row count, and the
 * session's objects follow exactly the rows the statement changed. MariaDB has DELETE ... RETURNING
 * but no UPDATE ... RETURNING: that is refused before anything runs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CompileError, columnsOf, deleteFrom, inspect, integer, MetaData, string, table, update, type Session } from "../../src/index.js";
import { BkBook, BulkBase } from "./fixtures/bulk-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const c = columnsOf(BkBook);
/** The same table, as Core sees it: a statement on it has no mapped class. */
const books = table("bk_books", new MetaData(), { id: integer().primaryKey(), title: string(100).notNull(), list_price: integer().notNull(), stock: integer().nullable() });

forEachDatabaseWithSchema("ORM bulk UPDATE and DELETE with RETURNING", BulkBase.metadata, (ctx) => {
  /** Books 1..4 priced 3, 4, 10, 12; the session holds books 1 and 3 only. */
  async function seeded(): Promise<{ session: Session; held: BkBook[] }> {
    const setup = ctx.session();
    setup.addAll([3, 4, 10, 12].map((listPrice, i) => Object.assign(new BkBook(), { id: i + 1, title: `Book ${i + 1}`, listPrice, stock: 7 })));
    await setup.commit();
    await setup.close();
    const session = ctx.session();
    const held = [(await session.get(BkBook, 1))!, (await session.get(BkBook, 3))!];
    ctx.reset();
    return { session, held };
  }
  const updateReturning = () => ctx.db.name !== "mysql";

  test("UPDATE ... RETURNING columns: the changed rows as tuples, and the objects held get the new values", async (t) => {
    if (!updateReturning()) return t.skip("MariaDB has no UPDATE ... RETURNING (refused: next test)");
    const { session, held } = await seeded();
    const rows = await session.execute(update(BkBook).where(c.listPrice.lt(11)).values({ stock: 0 }).returning(c.id, c.title));
    assert.deepEqual(rows.sort((a, b) => a[0] - b[0]), [[1, "Book 1"], [2, "Book 2"], [3, "Book 3"]]);
    assert.equal(ctx.statements.length, 1, ctx.statements.join("\n"));
    assert.deepEqual(held.map((b) => b.stock), [0, 0]);
    assert.deepEqual(held.map((b) => inspect(b).modified), [[], []], "what the row holds, not a change to write");
    await session.commit();
    assert.equal(await ctx.count("bk_books", "stock = 0"), 3);
  });

  test("UPDATE ... RETURNING on MariaDB: refused with CompileError before any SQL, nothing changed", async (t) => {
    if (updateReturning()) return t.skip("PostgreSQL and SQLite have UPDATE ... RETURNING");
    const { session } = await seeded();
    await assert.rejects(session.execute(update(BkBook).values({ stock: 0 }).returning(c.id)), CompileError);
    assert.equal(ctx.statements.length, 0, ctx.statements.join("\n"));
    await session.commit();
    assert.equal(await ctx.count("bk_books", "stock = 0"), 0);
  });

  test("UPDATE ... RETURNING(Book): the session's own objects, a value computed by the database read from the row; rows not held become persistent objects", async (t) => {
    if (!updateReturning()) return t.skip("MariaDB has no UPDATE ... RETURNING");
    const { session, held } = await seeded();
    const rows = await session.execute(update(BkBook).where(c.id.in([1, 2])).values({ listPrice: c.listPrice.plus(100) }).returning(BkBook));
    const byId = new Map(rows.map(([book]) => [book.id, book]));
    assert.equal(byId.get(1), held[0], "the object the session holds, not a copy");
    assert.equal(held[0]!.listPrice, 103, "the computed value, from the RETURNING row (not expired)");
    assert.equal(byId.get(2)!.listPrice, 104);
    assert.equal(inspect(byId.get(2)!).status, "persistent");
    assert.equal(await session.get(BkBook, 2), byId.get(2), "in the identity map");
    assert.equal(ctx.statements.length, 1, ctx.statements.join("\n"));
    await session.commit();
    assert.equal(await ctx.count("bk_books", "list_price > 100"), 2);
  });

  test("with RETURNING the keys come back: \"evaluate\" takes a WHERE JavaScript cannot evaluate, and the objects follow the rows", async (t) => {
    if (!updateReturning()) return t.skip("MariaDB has no UPDATE ... RETURNING");
    const { session, held } = await seeded();
    const rows = await session.execute(update(BkBook).where(c.listPrice.plus(1).gt(5)).values({ stock: 1 }).returning(c.id), { synchronizeSession: "evaluate" });
    assert.deepEqual(rows.map(([id]) => id).sort(), [3, 4]);
    assert.deepEqual(held.map((b) => b.stock), [7, 1]);
  });

  test("a rollback undoes the UPDATE; the objects read the old rows again", async (t) => {
    if (!updateReturning()) return t.skip("MariaDB has no UPDATE ... RETURNING");
    const { session, held } = await seeded();
    const rows = await session.execute(update(BkBook).values({ listPrice: 1 }).returning(BkBook));
    assert.equal(rows.length, 4);
    await session.rollback();
    await session.refresh(held[1]!);
    assert.equal(held[1]!.listPrice, 10);
    await session.close();
    assert.equal(await ctx.count("bk_books", "list_price = 1"), 0);
  });

  test("DELETE ... RETURNING(Book): every object returned is deleted, held or not, and leaves the session at commit", async () => {
    const { session, held } = await seeded();
    const rows = await session.execute(deleteFrom(BkBook).where(c.listPrice.gt(3)).returning(BkBook, c.title.label("name")));
    assert.deepEqual(rows.map(([, title]) => title).sort(), ["Book 2", "Book 3", "Book 4"]);
    assert.equal(ctx.statements.length, 1, ctx.statements.join("\n"));
    const returned = rows.map(([book]) => book);
    assert.ok(returned.includes(held[1]!), "book 3 is the object the session holds");
    assert.deepEqual(returned.map((b) => inspect(b).status), ["deleted", "deleted", "deleted"]);
    assert.equal(inspect(held[0]!).status, "persistent");
    assert.equal(await session.get(BkBook, 2), undefined, "gone from the identity map, and from the table");
    await session.commit();
    assert.deepEqual(returned.map((b) => inspect(b).status), ["detached", "detached", "detached"]);
    assert.equal(await ctx.count("bk_books"), 1);
  });

  test("DELETE ... RETURNING with synchronizeSession false: the returned objects are still deleted (their rows are gone)", async () => {
    const { session, held } = await seeded();
    const rows = await session.execute(deleteFrom(BkBook).where(c.id.eq(2)).returning(BkBook), { synchronizeSession: false });
    assert.equal(inspect(rows[0]![0]).status, "deleted");
    assert.ok(inspect(held[0]!).expired.length > 0, "what may have matched is expired, as without RETURNING");
    await session.commit();
    assert.equal(await ctx.count("bk_books"), 3);
  });

  test("a rollback undoes the DELETE: the object held is persistent again, its row back", async () => {
    const { session, held } = await seeded();
    await session.execute(deleteFrom(BkBook).where(c.id.eq(3)).returning(c.id));
    assert.equal(inspect(held[1]!).status, "deleted");
    await session.rollback();
    assert.equal(inspect(held[1]!).status, "persistent");
    assert.equal(await ctx.count("bk_books"), 4);
  });

  test("a Core table's UPDATE/DELETE ... RETURNING: tuples of values, in the session's transaction", async () => {
    const { session } = await seeded();
    const deleted = await session.execute(deleteFrom(books).where(books.c.id.eq(4)).returning(books.c.title));
    assert.deepEqual(deleted, [["Book 4"]]);
    if (updateReturning()) assert.deepEqual(await session.execute(update(books).set({ stock: 1 }).where(books.c.id.eq(1)).returning(books.c.stock)), [[1]]);
    await session.rollback();
    assert.equal(await ctx.count("bk_books"), 4);
  });

  test("the result's type: tuples with RETURNING, the row count without", () => {
    // Checked by tsc (npm test): the statements are only built, never run.
    const typed = async (session: Session) => {
      const rows: [number, string][] = await session.execute(update(BkBook).values({ stock: 0 }).returning(c.id, c.title));
      const objects: [BkBook][] = await session.execute(deleteFrom(BkBook).returning(BkBook));
      const count: number = await session.execute(update(BkBook).values({ stock: 0 }));
      // @ts-expect-error with RETURNING the result is its rows, not a count
      const notCount: number = await session.execute(deleteFrom(BkBook).returning(c.id));
      return [rows, objects, count, notCount];
    };
    assert.equal(typeof typed, "function");
  });
}, { createOnce: true });
