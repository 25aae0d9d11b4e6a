/**
 * Boolean columns holding 2 or -1 (SQLite and MariaDB store booleans as integers; another program
 * may write them) read as true, and are compared with a boolean value by their truth. Compared
 * with another boolean column, grouped, partitioned and made distinct they were still the integer:
 * `a.eq(b)` missed a row holding 2 and 1, GROUP BY and DISTINCT gave two `true` groups, and
 * `count(DISTINCT a)` counted 2 and 1 apart; ordered, -1 (true) came before 0 (false), and keyset
 * pages over the column (compared by truth, ordered as integers) skipped rows. Every database now
 * gives PostgreSQL's answers.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, boolean, func, integer, paginate, select, sql, table, type Expression } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const flags = table("core_boolean_truth", metadata, {
  id: integer().primaryKey().autoincrement(false),
  a: boolean(),
  b: boolean().notNull(),
});
const { id, a, b } = flags.c;

/** Truth per row: 1 (2, 2), 2 (1, 1), 3 (0, 0), 4 (-1, 0), 5 (NULL, 1). */
const ROWS = { integers: "(1, 2, 2), (2, 1, 1), (3, 0, 0), (4, -1, 0), (5, NULL, 1)", booleans: "(1, TRUE, TRUE), (2, TRUE, TRUE), (3, FALSE, FALSE), (4, TRUE, FALSE), (5, NULL, TRUE)" };

const key = (value: unknown) => String(value);

forEachDatabase("boolean columns grouped and compared by their truth", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });

  const seed = () => ctx.engine.execute(sql.raw(`INSERT INTO core_boolean_truth (id, a, b) VALUES ${ctx.db.name === "postgresql" ? ROWS.booleans : ROWS.integers}`));
  const ids = async (where: Expression<boolean>) => (await ctx.engine.execute(select(id).where(where).orderBy(id))).rows.map((r) => r.id);

  test("two boolean columns compared with each other compare their truth", async () => {
    await seed();
    assert.deepEqual(await ids(a.eq(b)), [1, 2, 3]);
    assert.deepEqual(await ids(a.ne(b)), [4]);
    assert.deepEqual(await ids(b.eq(a)), [1, 2, 3]);
  });

  test("GROUP BY, DISTINCT, count(DISTINCT) and PARTITION BY over a boolean column group 2 and -1 with 1", async () => {
    await seed();
    const grouped = (await ctx.engine.execute(select(a, func.count().label("n")).from(flags).groupBy(a))).rows;
    assert.deepEqual(new Map(grouped.map((r) => [key(r.a), r.n])), new Map([["true", 3], ["false", 1], ["null", 1]]));
    const distinct = (await ctx.engine.execute(select(a).distinct())).rows.map((r) => key(r.a));
    assert.deepEqual(distinct.sort(), ["false", "null", "true"]);
    const pairs = (await ctx.engine.execute(select(a, b).distinct())).rows.map((r) => `${key(r.a)}/${key(r.b)}`);
    assert.deepEqual(pairs.sort(), ["false/false", "null/true", "true/false", "true/true"]);
    assert.equal((await ctx.engine.execute(select(func.count(a, { distinct: true }).label("n")).from(flags))).one().n, 2);
    const windowed = (await ctx.engine.execute(select(id, func.count().over({ partitionBy: a }).label("n")).orderBy(id))).rows.map((r) => r.n);
    assert.deepEqual(windowed, [3, 3, 1, 3, 1]);
  });

  test("ORDER BY a boolean column orders by truth (false, then true), and keyset pages over it list every row once", async () => {
    await seed();
    const ordered = (await ctx.engine.execute(select(id, a).where(a.isNotNull()).orderBy(a, id))).rows.map((r) => r.id);
    assert.deepEqual(ordered, [3, 1, 2, 4]);
    const query = select(id, b).orderBy(b, id);
    const seen: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: { rows: { id: number }[]; nextCursor: string | null } = await paginate(ctx.engine, query, { limit: 2, after });
      seen.push(...page.rows.map((r) => r.id));
      after = page.nextCursor;
      if (after === null) break;
    }
    assert.deepEqual(seen, [3, 4, 1, 2, 5]);
  });
});
