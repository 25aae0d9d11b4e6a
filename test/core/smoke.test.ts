import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, integer, select, string, table, insert } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

forEachDatabase("smoke", (ctx) => {
  test("insert and select a row", async () => {
    const md = new MetaData();
    const t = table("smoke_t", md, { id: integer().primaryKey(), name: string(20).notNull() });
    await md.dropAll(ctx.engine);
    await md.createAll(ctx.engine);
    await ctx.engine.execute(insert(t).values({ name: "x" }));
    const rows = (await ctx.engine.execute(select(t.c.name))).rows;
    assert.deepEqual(rows, [{ name: "x" }]);
    await md.dropAll(ctx.engine);
  });
});
