/**
 * The statement cache keys compiled SQL by the statement's shape. Names are user text and may
 * contain whatever the key uses as separators: two statements over differently named tables or
 * columns must never share a key, or the second would run the first one's SQL.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, alias, func, integer, select, table } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

// Table `core_ck_t` with column `x.y`, and table `core_ck_t.x` with column `y`: read naively as
// "table.column", both spell `core_ck_t.x.y`.
const metadata = new MetaData();
const plain = table("core_ck_t", metadata, { id: integer().primaryKey(), v: integer().named("x.y").notNull() });
const dotted = table("core_ck_t.x", metadata, { id: integer().primaryKey(), v: integer().named("y").notNull() });
// Names with the other characters a key might use as delimiters.
const punctuated = table("core_ck_p(q)", metadata, { id: integer().primaryKey(), v: integer().named("a,b:c|d").notNull() });
const punctuated2 = table("core_ck_p", metadata, { id: integer().primaryKey(), v: integer().named("q)(a,b:c|d").notNull() });

forEachDatabase("statement cache keys", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [
      [plain, [{ id: 1, v: 10 }]],
      [dotted, [{ id: 1, v: 20 }]],
      [punctuated, [{ id: 1, v: 30 }]],
      [punctuated2, [{ id: 1, v: 40 }]],
    ],
  });

  test("a table and a column whose names contain '.' do not share a cache entry with another table's column", async () => {
    const { engine } = ctx;
    assert.deepEqual((await engine.execute(select(plain.c.v))).rows, [{ v: 10 }]);
    assert.deepEqual((await engine.execute(select(dotted.c.v))).rows, [{ v: 20 }], "core_ck_t.x's own column, not core_ck_t's");
    assert.deepEqual((await engine.execute(select(plain.c.v).where(plain.c.v.eq(10)))).rows, [{ v: 10 }]);
    assert.deepEqual((await engine.execute(select(dotted.c.v).where(dotted.c.v.eq(20)))).rows, [{ v: 20 }]);
  });

  test("aliases and subqueries of the same name over different tables, and labels with separators, get their own SQL", async () => {
    const { engine } = ctx;
    // alias "a" of core_ck_t, column "x.y"; alias "a.x" of core_ck_t.x, column "y".
    const a = alias(plain, "a");
    const ax = alias(dotted, "a.x");
    assert.deepEqual((await engine.execute(select(a.c.v))).rows, [{ v: 10 }]);
    assert.deepEqual((await engine.execute(select(ax.c.v))).rows, [{ v: 20 }]);
    assert.deepEqual((await engine.execute(select(punctuated.c.v))).rows, [{ v: 30 }]);
    assert.deepEqual((await engine.execute(select(punctuated2.c.v))).rows, [{ v: 40 }]);
    // Labels: the label's name and the selected expression must not run into each other.
    const one = (await engine.execute(select(func.max(plain.c.v).label("m:integer(")))).rows;
    assert.deepEqual(one, [{ "m:integer(": 10 }]);
    const two = (await engine.execute(select(func.max(plain.c.v).label("m")))).rows;
    assert.deepEqual(two, [{ m: 10 }]);
    // Same alias name over different tables, or over different subqueries: with FROM inferred
    // from the columns, the alias's name alone does not say what it stands for.
    assert.deepEqual((await engine.execute(select(alias(plain, "s").c.v))).rows, [{ v: 10 }]);
    assert.deepEqual((await engine.execute(select(alias(dotted, "s").c.v))).rows, [{ v: 20 }]);
    assert.deepEqual((await engine.execute(select(select(plain.c.v).subquery("s").c.v))).rows, [{ v: 10 }]);
    assert.deepEqual((await engine.execute(select(select(dotted.c.v).subquery("s").c.v))).rows, [{ v: 20 }]);
    // ... and such a subquery's parameters are bound.
    const filtered = select(plain.c.v).where(plain.c.v.gt(5)).subquery("s");
    assert.deepEqual((await engine.execute(select(filtered.c.v))).rows, [{ v: 10 }]);
    // Every pair above compiled to different SQL.
    const sqls = [plain.c.v, dotted.c.v, a.c.v, ax.c.v, punctuated.c.v, punctuated2.c.v].map((c) => engine.cache.compile(select(c).node).sql);
    assert.equal(new Set(sqls).size, sqls.length, sqls.join("\n"));
  });
});
