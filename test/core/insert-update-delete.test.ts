/**
 * INSERT (single, multi-row, from a SELECT, with RETURNING), UPDATE with expressions, DELETE, and
 * rowCount. RETURNING is used where `engine.dialect.capabilities` says the database has it; where
 * it does not, the statement must fail to compile with a CompileError that says what to do.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CompileError,
  MetaData,
  deleteFrom,
  exists,
  func,
  not,
  scalarSubquery,
  insert,
  integer,
  select,
  string,
  table,
  update,
  type Executable,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const products = table("core_iud_products", metadata, {
  id: integer().primaryKey(),
  name: string(30).notNull(),
  stock: integer().notNull().default(0),
  price: integer(),
});
const archive = table("core_iud_archive", metadata, {
  id: integer().primaryKey(),
  name: string(30).notNull(),
  stock: integer().notNull(),
});

forEachDatabase("insert, update, delete", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const rows = async <R>(stmt: Executable<R>): Promise<R[]> => (await ctx.engine.execute(stmt)).rows;
  const stockByName = async () => (await rows(select(products.c.name, products.c.stock).orderBy(products.c.name))).map((r) => [r.name, r.stock]);

  test("single-row and multi-row insert; generated keys count up; rowCount is the number of rows", async () => {
    const one = await ctx.engine.execute(insert(products).values({ name: "apple", stock: 3 }));
    assert.equal(one.rowCount, 1);
    const many = await ctx.engine.execute(
      insert(products).values([
        { name: "banana", stock: 5, price: 2 },
        { name: "cherry" },
        { name: "date", price: 9 },
      ]),
    );
    assert.equal(many.rowCount, 3);
    const all = await rows(select(products).orderBy(products.c.id));
    assert.deepEqual(
      all.map(({ name, stock, price }) => ({ name, stock, price })),
      [
        { name: "apple", stock: 3, price: null },
        { name: "banana", stock: 5, price: 2 },
        { name: "cherry", stock: 0, price: null },
        { name: "date", stock: 0, price: 9 },
      ],
    );
    const ids = all.map((r) => r.id);
    assert.equal(new Set(ids).size, 4);
    assert.deepEqual([...ids].sort((a, b) => a - b), ids, "generated keys increase");
  });

  test("insert ... returning, where the database supports it (otherwise a clear CompileError)", async () => {
    const stmt = insert(products).values({ name: "fig", stock: 7 }).returning(products.c.id, products.c.name, products.c.stock);
    if (!ctx.engine.dialect.capabilities.insertReturning) {
      await assert.rejects(ctx.engine.execute(stmt), (e: Error) => e instanceof CompileError && /INSERT \.\.\. RETURNING/.test(e.message));
      return;
    }
    const result = await ctx.engine.execute(stmt);
    const row = result.one();
    assert.equal(row.name, "fig");
    assert.equal(row.stock, 7);
    assert.deepEqual(await rows(select(products.c.name).where(products.c.id.eq(row.id))), [{ name: "fig" }]);

    const many = await ctx.engine.execute(insert(products).values([{ name: "grape" }, { name: "kiwi", stock: 2 }]).returning(products.c.name, products.c.stock));
    assert.deepEqual(
      many.rows.map((r) => [r.name, r.stock]).sort(),
      [
        ["grape", 0],
        ["kiwi", 2],
      ],
    );
  });

  test("insert from a select", async () => {
    await ctx.engine.execute(insert(products).values([{ id: 1, name: "apple", stock: 0 }, { id: 2, name: "pear", stock: 4 }, { id: 3, name: "plum", stock: 0 }]));
    const result = await ctx.engine.execute(
      insert(archive).fromSelect(
        [archive.c.id, archive.c.name, archive.c.stock],
        select(products.c.id, products.c.name, products.c.stock).where(products.c.stock.eq(0)),
      ),
    );
    assert.equal(result.rowCount, 2);
    assert.deepEqual(await rows(select(archive).orderBy(archive.c.id)), [
      { id: 1, name: "apple", stock: 0 },
      { id: 3, name: "plum", stock: 0 },
    ]);
  });

  test("update with expressions (plus, minus, times, concat) and rowCount of the matched rows", async () => {
    await ctx.engine.execute(insert(products).values([{ name: "apple", stock: 3, price: 10 }, { name: "pear", stock: 4, price: 20 }, { name: "plum", stock: 9 }]));
    const restock = await ctx.engine.execute(update(products).set({ stock: products.c.stock.plus(5) }).where(products.c.stock.lt(5)));
    assert.equal(restock.rowCount, 2);
    assert.deepEqual(await stockByName(), [["apple", 8], ["pear", 9], ["plum", 9]]);

    await ctx.engine.execute(
      update(products)
        .set({ stock: products.c.stock.minus(1).times(2), name: products.c.name.concat("!"), price: null })
        .where(products.c.name.eq("pear")),
    );
    assert.deepEqual(await rows(select(products.c.name, products.c.stock, products.c.price).where(products.c.stock.eq(16))), [{ name: "pear!", stock: 16, price: null }]);

    const none = await ctx.engine.execute(update(products).set({ stock: 0 }).where(products.c.name.eq("nothing")));
    assert.equal(none.rowCount, 0);
    const everything = await ctx.engine.execute(update(products).set({ price: 1 }));
    assert.equal(everything.rowCount, 3);
  });

  test("update ... returning and delete ... returning where supported, CompileError elsewhere", async () => {
    await ctx.engine.execute(insert(products).values([{ name: "apple", stock: 3 }, { name: "pear", stock: 4 }]));
    const { updateReturning, deleteReturning } = ctx.engine.dialect.capabilities;

    const bump = update(products).set({ stock: products.c.stock.plus(1) }).where(products.c.name.eq("apple")).returning(products.c.name, products.c.stock);
    if (updateReturning) {
      assert.deepEqual((await ctx.engine.execute(bump)).rows, [{ name: "apple", stock: 4 }]);
    } else {
      await assert.rejects(ctx.engine.execute(bump), (e: Error) => e instanceof CompileError && /UPDATE \.\.\. RETURNING/.test(e.message));
      assert.deepEqual(await stockByName(), [["apple", 3], ["pear", 4]], "nothing ran");
    }

    const remove = deleteFrom(products).where(products.c.name.eq("pear")).returning(products.c.name, products.c.stock);
    if (deleteReturning) {
      assert.deepEqual((await ctx.engine.execute(remove)).rows, [{ name: "pear", stock: 4 }]);
      assert.deepEqual((await stockByName()).map(([name]) => name), ["apple"]);
    } else {
      await assert.rejects(ctx.engine.execute(remove), (e: Error) => e instanceof CompileError && /DELETE \.\.\. RETURNING/.test(e.message));
    }
  });

  test("subqueries in UPDATE and DELETE correlate to the table changed: each row is tested, not any row", async () => {
    await ctx.engine.execute(insert(products).values([{ id: 1, name: "apple", stock: 1 }, { id: 2, name: "pear", stock: 2 }, { id: 3, name: "plum", stock: 3 }]));
    await ctx.engine.execute(insert(archive).values([{ id: 1, name: "apple", stock: 10 }, { id: 3, name: "plum", stock: 30 }]));
    const archived = () => select(archive.c.id).where(archive.c.id.eq(products.c.id));
    // SET (SELECT ... WHERE archive.id = products.id): one value per row, not all of archive's.
    const restored = await ctx.engine.execute(
      update(products)
        .set({ price: scalarSubquery(select(archive.c.stock).where(archive.c.id.eq(products.c.id))) })
        .where(exists(archived())),
    );
    assert.equal(restored.rowCount, 2);
    const prices = await rows(select(products.c.name, products.c.price).orderBy(products.c.name));
    assert.deepEqual(prices.map((r) => [r.name, r.price]), [["apple", 10], ["pear", null], ["plum", 30]]);
    const removed = await ctx.engine.execute(deleteFrom(products).where(not(exists(archived()))));
    assert.equal(removed.rowCount, 1);
    assert.deepEqual((await stockByName()).map(([name]) => name), ["apple", "plum"]);
  });

  test("delete with a condition, and delete everything; rowCount counts the deleted rows", async () => {
    await ctx.engine.execute(insert(products).values([{ name: "a", stock: 1 }, { name: "b", stock: 2 }, { name: "c", stock: 3 }, { name: "d", stock: 4 }]));
    const some = await ctx.engine.execute(deleteFrom(products).where(products.c.stock.ge(3)));
    assert.equal(some.rowCount, 2);
    assert.deepEqual((await stockByName()).map(([name]) => name), ["a", "b"]);
    const none = await ctx.engine.execute(deleteFrom(products).where(products.c.stock.gt(100)));
    assert.equal(none.rowCount, 0);
    const rest = await ctx.engine.execute(deleteFrom(products));
    assert.equal(rest.rowCount, 2);
    assert.equal(await ctx.engine.withConnection((conn) => conn.scalar(select(func.count().label("n")).from(products))), 0);
  });
});
