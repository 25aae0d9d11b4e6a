/**
 * The harness's `forEachDatabaseWithSchema(..., { createOnce: true })` (test/support/sessions.ts):
 * tables created once per database and emptied before each test must isolate tests as dropping
 * and creating them did. No row of a test is seen by the next, whatever foreign keys join the rows
 * (a cycle between two tables, a RESTRICT key to the same table), and a test that alters a table
 * leaves the next one the table as declared.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, insert, integer, sql, string, table, update } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const metadata = new MetaData();
const nodes = table("co_nodes", metadata, {
  id: integer().primaryKey(),
  parentId: integer().named("parent_id").references("co_nodes.id", { onDelete: "restrict" }),
});
// a cycle: each table refers to the other
const left = table("co_left", metadata, { id: integer().primaryKey(), rightId: integer().named("right_id").references("co_right.id") });
const right = table("co_right", metadata, { id: integer().primaryKey(), leftId: integer().named("left_id").references("co_left.id"), label: string(20) });

async function counts(ctx: SessionContext): Promise<number[]> {
  return [await ctx.count("co_nodes"), await ctx.count("co_left"), await ctx.count("co_right")];
}

async function writeRows(ctx: SessionContext): Promise<void> {
  const { engine } = ctx;
  await engine.execute(insert(nodes).values([{ id: 1, parentId: null }]));
  await engine.execute(insert(nodes).values([{ id: 2, parentId: 1 }, { id: 3, parentId: 2 }]));
  await engine.execute(insert(left).values({ id: 1, rightId: null }));
  await engine.execute(insert(right).values({ id: 1, leftId: 1, label: "r" }));
  await engine.execute(update(left).set({ rightId: 1 }).where(left.c.id.eq(1)));
}

forEachDatabaseWithSchema(
  "createOnce: tables emptied between tests",
  metadata,
  (ctx) => {
    test("a test writes rows that refer to each other in a cycle and to rows of their own table", async () => {
      await writeRows(ctx);
      assert.deepEqual(await counts(ctx), [3, 1, 1]);
    });

    test("the next test finds every table empty, and the same keys free", async () => {
      assert.deepEqual(await counts(ctx), [0, 0, 0]);
      await writeRows(ctx);
      assert.deepEqual(await counts(ctx), [3, 1, 1]);
    });

    test("a test that adds a column to a table", async () => {
      await ctx.engine.execute(sql`ALTER TABLE co_right ADD extra INTEGER`);
      const columns = (await ctx.engine.inspect().describeTable("co_right"))!.columns.map((c) => c.name);
      assert.deepEqual(columns, ["id", "left_id", "label", "extra"]);
    });

    test("leaves the next test the table as declared, and empty", async () => {
      const columns = (await ctx.engine.inspect().describeTable("co_right"))!.columns.map((c) => c.name);
      assert.deepEqual(columns, ["id", "left_id", "label"]);
      assert.deepEqual(await counts(ctx), [0, 0, 0]);
    });
  },
  { createOnce: true },
);
