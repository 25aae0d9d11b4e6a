/**
 * SQL text whose result repeats a column name (`SELECT a.id, b.id FROM ...`) gave object rows
 * holding only the last `id`, on every database, without a word: the first column's values were
 * lost. Such a result is now `InvalidRequestError` naming the column and the fix (an alias each,
 * or array rows, which hold every column). It is athanor's refusal, not the database's: the open
 * transaction stays usable.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, MetaData, insert, integer, select, sql, string, table } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const parents = table("core_dupcol_parents", metadata, { id: integer().primaryKey(), name: string(20).notNull() });
const children = table("core_dupcol_children", metadata, { id: integer().primaryKey(), parent_id: integer().notNull(), name: string(20).notNull() });

const JOINED = "SELECT c.id, p.id, c.name FROM core_dupcol_children c JOIN core_dupcol_parents p ON p.id = c.parent_id ORDER BY c.id";
const refused = (e: unknown) =>
  e instanceof InvalidRequestError && /more than one column named "id"/.test(e.message) && /AS a_id/.test(e.message) && /rowShape: "arrays"/.test(e.message);

forEachDatabase("result columns that repeat a name", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [
      [parents, [{ id: 10, name: "p" }]],
      [children, [{ id: 1, parent_id: 10, name: "c1" }, { id: 2, parent_id: 10, name: "c2" }]],
    ],
  });

  test("execute(sql), run(text) and stream refuse the result, naming the column and the fix", async () => {
    await assert.rejects(ctx.engine.execute(sql.raw(JOINED)), refused);
    await ctx.engine.withConnection(async (conn) => {
      await assert.rejects(conn.run(JOINED), refused);
      await assert.rejects(async () => {
        for await (const row of conn.stream(sql.raw(JOINED))) void row;
      }, refused);
    });
  });

  test("array rows hold every column; aliased columns are fine", async () => {
    await ctx.engine.withConnection(async (conn) => {
      const arrays = await conn.execute(sql.raw(JOINED), { rowShape: "arrays" });
      assert.deepEqual(arrays.rows.map((r) => (r as unknown as unknown[]).map(Number).slice(0, 2)), [[1, 10], [2, 10]]);
      const aliased = await conn.execute(sql.raw(JOINED.replace("c.id, p.id", "c.id AS child_id, p.id AS parent_id")));
      assert.deepEqual(aliased.rows.map((r) => [Number(r["child_id"]), Number(r["parent_id"])]), [[1, 10], [2, 10]]);
    });
    // Built with select(), labels are unique already.
    const built = await ctx.engine.execute(select(children.c.id, parents.c.id.label("pid")).from(children).join(parents, parents.c.id.eq(children.c.parent_id)).orderBy(children.c.id));
    assert.deepEqual(built.rows, [{ id: 1, pid: 10 }, { id: 2, pid: 10 }]);
  });

  test("inside a transaction the refusal leaves it usable: what it wrote commits", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await conn.transaction(async () => {
        await conn.execute(insert(parents).values({ id: 11, name: "q" }));
        await assert.rejects(conn.run(JOINED), refused);
        await conn.execute(insert(parents).values({ id: 12, name: "r" }));
      });
    });
    assert.deepEqual((await ctx.engine.execute(select(parents.c.id).orderBy(parents.c.id))).rows.map((r) => r.id), [10, 11, 12]);
  });
});
