/**
 * `like`, `startsWith`, `endsWith` and `contains` compare text as `=` does. SQLite's LIKE ignored
 * ASCII case (its `=` does not): `startsWith("a")` matched "Abc", and `like("abc")` matched a row
 * `eq("abc")` does not. Each SQLite connection now sets `case_sensitive_like`. On MySQL/MariaDB
 * both follow the column's collation. `ilike` ignores case beyond ASCII on SQLite too: its `lower()`
 * folds only ASCII, so `ilike("é%")` missed 'École' there (connections define `athanor_lower`).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, integer, select, string, table, type Expression } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const words = table("core_likecase_words", metadata, {
  id: integer().primaryKey(),
  w: string(20).notNull(),
});
const c = words.c;

forEachDatabase("LIKE compares case as = does", (ctx) => {
  useSchema(ctx, metadata, { seed: [[words, [{ id: 1, w: "abc" }, { id: 2, w: "Abc" }, { id: 3, w: "ABC" }, { id: 4, w: "xabcx" }, { id: 5, w: "École" }, { id: 6, w: "école" }, { id: 7, w: "ÉCOLE" }]]] });
  const ids = async (where: Expression<boolean>) => (await ctx.engine.execute(select(c.id).where(where).orderBy(c.id))).rows.map((r) => r.id);

  test("like() without wildcards matches the rows = matches", async () => {
    assert.deepEqual(await ids(c.w.like("abc")), await ids(c.w.eq("abc")));
    assert.deepEqual(await ids(c.w.notLike("abc")), await ids(c.w.ne("abc")));
  });

  test("startsWith, endsWith, contains and like are case-sensitive where = is", async () => {
    const caseSensitive = (await ids(c.w.eq("abc"))).length === 1;
    if (!caseSensitive) return; // a MariaDB database with a _ci collation: case is ignored by both
    assert.deepEqual(await ids(c.w.startsWith("a")), [1]);
    assert.deepEqual(await ids(c.w.endsWith("bc")), [1, 2]);
    assert.deepEqual(await ids(c.w.contains("ab")), [1, 4]);
    assert.deepEqual(await ids(c.w.like("A%")), [2, 3]);
    assert.deepEqual(await ids(c.w.ilike("a%")), [1, 2, 3]);
  });

  test("ilike ignores the case of any letter, not only ASCII (SQLite's lower() left 'É' as it was)", async () => {
    assert.deepEqual(await ids(c.w.ilike("é%")), [5, 6, 7]);
    assert.deepEqual(await ids(c.w.ilike("%COLE")), [5, 6, 7]);
    assert.deepEqual(await ids(c.w.notIlike("ÉCOLE")), [1, 2, 3, 4]);
  });
});
