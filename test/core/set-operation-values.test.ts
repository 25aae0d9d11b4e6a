/**
 * Values through set operations (UNION, INTERSECT, EXCEPT, nested) and booleans compared with a
 * subquery's column. SQLite and MariaDB store booleans as integers, and a row may hold 2 or -1,
 * which reads as true. A set operation compared the integers: a row holding 2 and one holding 1
 * (both true) were two rows of a UNION, INTERSECT found nothing in common, EXCEPT kept the row.
 * A boolean compared with a subquery's column (`t.flag = sq.flag`, `IN (SELECT flag ...)`, a
 * scalar subquery), or a subquery's column grouped or made distinct, was compared as its integer
 * too. Every database now gives PostgreSQL's answers. And each converted type (boolean, date,
 * datetime, JSON, decimal, bigint, UUID, enum) reads through a set operation as it does plainly,
 * typed by the first member that types its column (a NULL first read raw).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MetaData, bigint, boolean, date, datetime, enumType, except, exceptAll, func, insert, integer, intersect, intersectAll, json, literal, numeric,
  scalarSubquery, select, sql, table, union, unionAll, uuid, type Executable,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const t = table("core_set_values", metadata, {
  id: integer().primaryKey().autoincrement(false),
  flag: boolean(),
  day: date(),
  at: datetime(),
  doc: json<{ a: number }>(),
  amount: numeric(10, 2),
  big: bigint(),
  ref: uuid(),
  kind: enumType(["x", "y"], { name: "core_set_kind" }),
});
const c = t.c;

const values = (id: number) => ({
  id,
  flag: id !== 2,
  day: `2024-01-0${id}`,
  at: new Date(`2024-01-0${id}T03:04:05.678Z`),
  doc: { a: id },
  amount: `${id}.50`,
  big: 9007199254740990n + BigInt(id),
  ref: `123e4567-e89b-12d3-a456-42661417400${id}`,
  kind: id === 2 ? ("y" as const) : ("x" as const),
});

forEachDatabase("values through set operations and subqueries", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const integers = ctx.db.name !== "postgresql";
  const rows = async <R>(statement: Executable<R>) => (await ctx.engine.execute(statement)).rows;
  /** Rows 1 (true, stored 2 where booleans are integers), 2 (false), 3 (true, stored 1). */
  const seed = async () => {
    for (const id of [1, 2, 3]) await ctx.engine.execute(sql`INSERT INTO core_set_values (id, flag) VALUES (${id}, ${id !== 2})`);
    if (integers) await ctx.engine.execute(sql`UPDATE core_set_values SET flag = 2 WHERE id = 1`);
  };
  const flagOf = (id: number) => select(c.flag).where(c.id.eq(id));
  const ids = async (statement: Executable<{ id: number }>) => (await rows(statement)).map((r) => r.id);

  test("a boolean holding 2 and one holding 1 are one row of a UNION, found by INTERSECT, taken away by EXCEPT", async () => {
    await seed();
    assert.deepEqual(await rows(union(flagOf(1), flagOf(3))), [{ flag: true }]);
    assert.deepEqual(await rows(intersect(flagOf(1), flagOf(3))), [{ flag: true }]);
    assert.deepEqual(await rows(except(flagOf(1), flagOf(3))), []);
    assert.deepEqual(await rows(union(flagOf(1), select(literal(true).label("flag")))), [{ flag: true }]);
    assert.deepEqual(await rows(union(unionAll(flagOf(1), flagOf(2)), flagOf(3)).orderBy("flag")), [{ flag: false }, { flag: true }], "a UNION ALL inside a UNION");
    assert.deepEqual(await rows(unionAll(flagOf(1), flagOf(3))), [{ flag: true }, { flag: true }], "UNION ALL keeps both");
    if (ctx.db.name !== "sqlite") {
      assert.deepEqual(await rows(intersectAll(flagOf(1), flagOf(3))), [{ flag: true }]);
      assert.deepEqual(await rows(exceptAll(flagOf(1), flagOf(3))), []);
    }
  });

  test("a boolean compared with a subquery's column, IN (SELECT ...) or a scalar subquery compares truth", async () => {
    await seed();
    const sq = select(c.id, c.flag).where(c.id.eq(3)).subquery("sq");
    assert.deepEqual(await ids(select(c.id).from(t).join(sq, c.flag.eq(sq.c.flag)).orderBy(c.id)), [1, 3]);
    assert.deepEqual(await ids(select(c.id).from(t).join(sq, sq.c.flag.eq(c.flag)).orderBy(c.id)), [1, 3]);
    assert.deepEqual(await ids(select(c.id).where(c.flag.in(select(c.flag).where(c.id.eq(3)))).orderBy(c.id)), [1, 3]);
    assert.deepEqual(await ids(select(c.id).where(c.flag.notIn(select(c.flag).where(c.id.eq(1)))).orderBy(c.id)), [2]);
    assert.deepEqual(await ids(select(c.id).where(c.flag.eq(scalarSubquery(select(c.flag).where(c.id.eq(3))))).orderBy(c.id)), [1, 3]);
    const all = select(c.id, c.flag).subquery("every");
    const grouped = await rows(select(all.c.flag, func.count().label("n")).groupBy(all.c.flag).orderBy(all.c.flag));
    assert.deepEqual(grouped.map((r) => [r.flag, Number(r.n)]), [[false, 1], [true, 2]]);
    assert.deepEqual(await rows(select(all.c.flag).distinct().orderBy(all.c.flag)), [{ flag: false }, { flag: true }]);
  });

  test("every converted type reads through UNION, INTERSECT, EXCEPT and nested set operations as it does plainly", async () => {
    await ctx.engine.execute(insert(t).values([values(1), values(2), values(3)] as never));
    const columns = [c.flag, c.day, c.at, c.doc, c.amount, c.big, c.ref, c.kind] as const;
    const of = (id: number) => select(...columns).where(c.id.eq(id));
    const plain = (await rows(select(...columns).orderBy(c.id)));
    assert.deepEqual(await rows(union(of(1), of(2), of(3)).orderBy("day")), plain);
    assert.deepEqual(await rows(unionAll(union(of(1), of(2)), of(3)).orderBy("day")), plain);
    assert.deepEqual(await rows(intersect(of(2), select(...columns)).orderBy("day")), [plain[1]]);
    assert.deepEqual(await rows(except(select(...columns), of(2)).orderBy("day")), [plain[0], plain[2]]);
    // A NULL in the first query has no type: the column is typed by the next query that has one.
    const nulls = select(literal(null).label("at"), literal(null).label("big"), literal(null).label("flag")).where(sql<boolean>`1 = 0`);
    assert.deepEqual(await rows(unionAll(nulls, select(c.at, c.big, c.flag).where(c.id.eq(1)))), [{ at: plain[0]!.at, big: plain[0]!.big, flag: true }]);
  });
});
