/**
 * The statement cache keys compiled SQL by the statement's shape. Names are user text and may
 * contain whatever the key uses as separators: two statements over differently named tables or
 * columns must never share a key, or the second would run the first one's SQL.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, alias, caseWhen, exists, func, insert, integer, literal, scalarSubquery, select, sql, table, text, types, type Select } from "../../src/index.js";
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
/** Rows for statements that differ deep inside: 1 a 10, 2 b 20, 3 a 30, 4 b 40. */
const nested = table("core_ck_n", metadata, { id: integer().primaryKey(), grp: text().notNull(), v: integer().notNull() });
const n = nested.c;
const m = alias(nested, "m");

/**
 * Pairs of statements alike but for one node deep inside (in a subquery, a CTE, a window, a CASE,
 * raw SQL), each with the ids it selects: sharing a key, the second would run the first's SQL.
 */
const nestedPairs: readonly (readonly [string, Select<{ id: number }>, number[], Select<{ id: number }>, number[]])[] = [
  ["an operator in an IN subquery", select(n.id).where(n.id.in(select(m.c.id).where(m.c.v.gt(20)))).orderBy(n.id), [3, 4], select(n.id).where(n.id.in(select(m.c.id).where(m.c.v.ge(20)))).orderBy(n.id), [2, 3, 4]],
  ["an operator in a correlated EXISTS", select(n.id).where(exists(select(m.c.id).where(m.c.id.eq(n.id), m.c.grp.eq("a")))).orderBy(n.id), [1, 3], select(n.id).where(exists(select(m.c.id).where(m.c.id.eq(n.id), m.c.grp.ne("a")))).orderBy(n.id), [2, 4]],
  ["the function of a scalar subquery", select(n.id).where(n.v.eq(scalarSubquery(select(func.max(m.c.v).label("x"))))), [4], select(n.id).where(n.v.eq(scalarSubquery(select(func.min(m.c.v).label("x"))))), [1]],
  ["IS NULL in a CTE", cteRead(false), [], cteRead(true), [1, 2, 3, 4]],
  ["the direction of a window's ORDER BY", firstPerGroup(false), [1, 2], firstPerGroup(true), [3, 4]],
  ["a comparison in a CASE", select(n.id).where(caseWhen([[n.v.gt(15), n.v]], 0).eq(n.v)).orderBy(n.id), [2, 3, 4], select(n.id).where(caseWhen([[n.v.lt(15), n.v]], 0).eq(n.v)).orderBy(n.id), [1]],
  ["the text of raw SQL", select(n.id).where(n.v.eq(sql`${n.id} * 10`)).orderBy(n.id), [1, 2, 3, 4], select(n.id).where(n.v.eq(sql`${n.id} * 20`)).orderBy(n.id), []],
];

function cteRead(notNull: boolean): Select<{ id: number }> {
  const w = select(m.c.id).where(notNull ? m.c.grp.isNotNull() : m.c.grp.isNull()).cte("w");
  return select(n.id).join(w, w.c.id.eq(n.id)).orderBy(n.id);
}

function firstPerGroup(descending: boolean): Select<{ id: number }> {
  const ranked = select(n.id, func.rowNumber().over({ partitionBy: n.grp, orderBy: descending ? n.v.desc() : n.v.asc() }).label("r")).subquery("ranked");
  return select(ranked.c.id).where(ranked.c.r.eq(1)).orderBy(ranked.c.id) as Select<{ id: number }>;
}

forEachDatabase("statement cache keys", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [
      [plain, [{ id: 1, v: 10 }]],
      [dotted, [{ id: 1, v: 20 }]],
      [punctuated, [{ id: 1, v: 30 }]],
      [punctuated2, [{ id: 1, v: 40 }]],
      [nested, [{ id: 1, grp: "a", v: 10 }, { id: 2, grp: "b", v: 20 }, { id: 3, grp: "a", v: 30 }, { id: 4, grp: "b", v: 40 }]],
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

  for (const [what, first, firstIds, second, secondIds] of nestedPairs) {
    test(`statements that differ only in ${what} get their own SQL`, async () => {
      const { engine } = ctx;
      assert.deepEqual((await engine.execute(first)).rows.map((r) => r.id), firstIds);
      assert.deepEqual((await engine.execute(second)).rows.map((r) => r.id), secondIds, "the second statement's rows, not the first's SQL run again");
      assert.notEqual(engine.cache.compile(first.node).sql, engine.cache.compile(second.node).sql);
    });
  }

  test("a statement using one value twice (one expression reused) does not lend its binding to one with two values", async () => {
    const { engine } = ctx;
    // The same parameter node at two places (a hybrid attribute, a reused expression), compiled first...
    const plus5 = n.v.plus(5);
    const shared = select(n.id).where(plus5.gt(20), plus5.lt(40)).orderBy(n.id);
    assert.deepEqual((await engine.execute(shared)).rows.map((r) => r.id), [2, 3]);
    // ... then a statement of the same shape with a value of its own at each place: 100 was bound as 5.
    const distinct = select(n.id).where(n.v.plus(5).gt(20), n.v.plus(100).lt(40)).orderBy(n.id);
    assert.deepEqual((await engine.execute(distinct)).rows.map((r) => r.id), [], "v + 100 < 40 holds for no row");
    assert.deepEqual((await engine.execute(shared)).rows.map((r) => r.id), [2, 3]);
  });

  test("an INSERT whose rows share one expression's value does not lend its binding to rows of their own values", async () => {
    const { engine } = ctx;
    await engine.execute(sql`DELETE FROM core_ck_n WHERE id > 100`);
    const ten = literal(10, types.integer());
    // The same parameter in two rows, compiled first; then plain values: 999 must not be bound as 10.
    await engine.execute(insert(nested).values([{ id: 101, grp: "s", v: ten }, { id: 102, grp: "s", v: ten }]));
    await engine.execute(insert(nested).values([{ id: 103, grp: "s", v: 10 }, { id: 104, grp: "s", v: 999 }]));
    await engine.execute(insert(nested).values([{ id: 105, grp: "s", v: ten }, { id: 106, grp: "s", v: ten }]));
    const rows = (await engine.execute(select(n.id, n.v).where(n.id.gt(100)).orderBy(n.id))).rows.map((r) => [r.id, r.v]);
    assert.deepEqual(rows, [[101, 10], [102, 10], [103, 10], [104, 999], [105, 10], [106, 10]]);
    await engine.execute(sql`DELETE FROM core_ck_n WHERE id > 100`);
  });
});
