/**
 * The report pieces on the servers: window functions, aggregate FILTER, DISTINCT ON, LIKE ...
 * ESCAPE with user text, set operations and LATERAL, each checked on real rows. Where a database
 * lacks a feature, executing raises UnsupportedFeatureError before anything is sent.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MetaData,
  UnsupportedFeatureError,
  caseWhen,
  datetime,
  escapeLike,
  except,
  exceptAll,
  func,
  integer,
  intersect,
  intersectAll,
  select,
  string,
  table,
  union,
  unionAll,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const staff = table("core_rep_staff", metadata, {
  id: integer().primaryKey(),
  name: string(30).notNull(),
  dept: string(10).notNull(),
  salary: integer().notNull(),
});
const sales = table("core_rep_sales", metadata, {
  id: integer().primaryKey(),
  staffId: integer().named("staff_id").notNull().references("core_rep_staff.id"),
  amount: integer().notNull(),
  at: datetime().notNull(),
});
const notes = table("core_rep_notes", metadata, { id: integer().primaryKey(), body: string(40).notNull() });

const day = (d: number) => new Date(Date.UTC(2026, 0, d));
const seed = {
  staff: [
    { id: 1, name: "Ann", dept: "a", salary: 50 },
    { id: 2, name: "Bob", dept: "a", salary: 70 },
    { id: 3, name: "Cid", dept: "a", salary: 70 },
    { id: 4, name: "Dee", dept: "b", salary: 40 },
    { id: 5, name: "Eve", dept: "b", salary: 90 },
  ],
  sales: [
    { id: 1, staffId: 1, amount: 10, at: day(1) },
    { id: 2, staffId: 1, amount: 30, at: day(3) },
    { id: 3, staffId: 1, amount: 20, at: day(2) },
    { id: 4, staffId: 2, amount: 5, at: day(1) },
    { id: 5, staffId: 4, amount: 7, at: day(5) },
    { id: 6, staffId: 4, amount: 9, at: day(4) },
  ],
  notes: [
    { id: 1, body: "50% off" },
    { id: 2, body: "500 off" },
    { id: 3, body: "a_b" },
    { id: 4, body: "axb" },
    { id: 5, body: "back\\slash" },
    { id: 6, body: "backXslash" },
  ],
};

forEachDatabase("report queries", (ctx) => {
  useSchema(ctx, metadata, { seed: [[staff, seed.staff], [sales, seed.sales], [notes, seed.notes]] });
  const rows = async <R>(q: { node: any; __row?: R }) => (await ctx.engine.execute(q as never)).rows as R[];
  const refuses = async (q: { node: any }, feature: string) =>
    assert.rejects(ctx.engine.execute(q as never), (e: unknown) => e instanceof UnsupportedFeatureError && e.feature === feature);
  const name = ctx.db.name;

  test("row_number, rank and dense_rank over a partition; the values are numbers", async () => {
    const order = { partitionBy: staff.c.dept, orderBy: [staff.c.salary.desc(), staff.c.id] };
    const q = select(
      staff.c.name,
      func.rowNumber().over(order).label("rn"),
      func.rank().over({ partitionBy: staff.c.dept, orderBy: staff.c.salary.desc() }).label("rk"),
      func.denseRank().over({ partitionBy: staff.c.dept, orderBy: staff.c.salary.desc() }).label("drk"),
    ).orderBy(staff.c.id);
    const got = await rows(q);
    assert.deepEqual(got, [
      { name: "Ann", rn: 3, rk: 3, drk: 2 },
      { name: "Bob", rn: 1, rk: 1, drk: 1 },
      { name: "Cid", rn: 2, rk: 1, drk: 1 },
      { name: "Dee", rn: 2, rk: 2, drk: 2 },
      { name: "Eve", rn: 1, rk: 1, drk: 1 },
    ]);
  });

  test("an aggregate over a window keeps its type: running totals per person, and lag", async () => {
    const q = select(
      sales.c.id,
      func.sum(sales.c.amount).over({ partitionBy: sales.c.staffId, orderBy: [sales.c.at, sales.c.id] }).label("running"),
      func.lag(sales.c.amount).over({ partitionBy: sales.c.staffId, orderBy: sales.c.at }).label("previous"),
      func.count().over({ partitionBy: sales.c.staffId }).label("n"),
    ).orderBy(sales.c.id);
    const got = await rows(q);
    assert.deepEqual(got.map((r) => [r.id, Number(r.running), r.previous, r.n]), [
      [1, 10, null, 3],
      [2, 60, 20, 3],
      [3, 30, 10, 3],
      [4, 5, null, 1],
      [5, 16, 9, 2],
      [6, 9, null, 2],
    ]);
  });

  test("percentRank, cumeDist, ntile, lead and firstValue", async () => {
    const order = { partitionBy: staff.c.dept, orderBy: [staff.c.salary, staff.c.id] };
    const q = select(
      staff.c.id,
      func.percentRank().over(order).label("pr"),
      func.cumeDist().over(order).label("cd"),
      func.ntile(2).over(order).label("half"),
      func.lead(staff.c.name, 1).over(order).label("next"),
      func.firstValue(staff.c.name).over(order).label("lowest"),
    ).orderBy(staff.c.id);
    assert.deepEqual((await rows(q)).map((r) => [r.id, r.pr, Number(r.cd.toFixed(3)), r.half, r.next, r.lowest]), [
      [1, 0, 0.333, 1, "Bob", "Ann"],
      [2, 0.5, 0.667, 1, "Cid", "Ann"],
      [3, 1, 1, 2, null, "Ann"],
      [4, 0, 0.5, 1, "Eve", "Dee"],
      [5, 1, 1, 2, null, "Dee"],
    ]);
  });

  test("the top row per group through rowNumber() in a subquery (what DISTINCT ON does on PostgreSQL)", async () => {
    const ranked = select(sales.c.staffId, sales.c.amount, func.rowNumber().over({ partitionBy: sales.c.staffId, orderBy: sales.c.at.desc() }).label("rn")).subquery("ranked");
    const latest = await rows(select(ranked.c.staffId, ranked.c.amount).where(ranked.c.rn.eq(1)).orderBy(ranked.c.staffId));
    assert.deepEqual(latest, [{ staffId: 1, amount: 30 }, { staffId: 2, amount: 5 }, { staffId: 4, amount: 7 }]);
  });

  test("FILTER (WHERE ...) on PostgreSQL and SQLite; MariaDB refuses it at compile time", async () => {
    const q = select(staff.c.dept, func.count().filter(staff.c.salary.ge(70)).label("high"), func.sum(staff.c.salary).filter(staff.c.salary.lt(70)).label("lowSum"))
      .groupBy(staff.c.dept)
      .orderBy(staff.c.dept);
    if (name === "mysql") {
      await refuses(q, "FILTER (WHERE ...)");
      // The portable spelling the error suggests.
      const portable = select(staff.c.dept, func.count(caseWhen([[staff.c.salary.ge(70), 1]])).label("high")).groupBy(staff.c.dept).orderBy(staff.c.dept);
      assert.deepEqual(await rows(portable), [{ dept: "a", high: 2 }, { dept: "b", high: 1 }]);
      return;
    }
    assert.deepEqual((await rows(q)).map((r) => [r.dept, r.high, r.lowSum === null ? null : Number(r.lowSum)]), [["a", 2, 50], ["b", 1, 40]]);
  });

  test("DISTINCT ON: the latest sale per person on PostgreSQL; refused elsewhere", async () => {
    const q = select(sales.c.staffId, sales.c.amount).distinctOn(sales.c.staffId).orderBy(sales.c.staffId, sales.c.at.desc());
    if (name !== "postgresql") return refuses(q, "DISTINCT ON");
    assert.deepEqual(await rows(q), [{ staffId: 1, amount: 30 }, { staffId: 2, amount: 5 }, { staffId: 4, amount: 7 }]);
  });

  test("LIKE ... ESCAPE: user text with %, _ and backslash matches itself only", async () => {
    const bodies = async (cond: ReturnType<typeof notes.c.body.like>) => (await rows(select(notes.c.body).where(cond).orderBy(notes.c.id))).map((r) => r.body);
    assert.deepEqual(await bodies(notes.c.body.like(`${escapeLike("50%")}%`, { escape: "\\" })), ["50% off"]);
    assert.deepEqual(await bodies(notes.c.body.like("50%")), ["50% off", "500 off"], "unescaped, % is a wildcard");
    assert.deepEqual(await bodies(notes.c.body.contains("_")), ["a_b"]);
    assert.deepEqual(await bodies(notes.c.body.contains("\\")), ["back\\slash"]);
    assert.deepEqual(await bodies(notes.c.body.startsWith("a_")), ["a_b"]);
    assert.deepEqual(await bodies(notes.c.body.endsWith("% off")), ["50% off"]);
    assert.deepEqual(await bodies(notes.c.body.ilike(`%${escapeLike("A_B", "!")}`, { escape: "!" })), ["a_b"]);
    assert.deepEqual(await bodies(notes.c.body.notLike(`%${escapeLike("_", "#")}%`, { escape: "#" })), ["50% off", "500 off", "axb", "back\\slash", "backXslash"]);
  });

  test("UNION, UNION ALL, INTERSECT, EXCEPT with ORDER BY and LIMIT of the whole", async () => {
    const sellers = select(sales.c.staffId.label("id"));
    const deptA = select(staff.c.id).where(staff.c.dept.eq("a"));
    const ids = async (q: { node: any; __row?: { id: number } }) => (await rows(q)).map((r) => r.id);
    assert.deepEqual(await ids(union(deptA, sellers).orderBy("id")), [1, 2, 3, 4]);
    assert.deepEqual(await ids(unionAll(deptA, sellers).orderBy("id")), [1, 1, 1, 1, 2, 2, 3, 4, 4]);
    assert.deepEqual(await ids(intersect(deptA, sellers).orderBy(staff.c.id.desc())), [2, 1]);
    assert.deepEqual(await ids(except(deptA, sellers).orderBy("id")), [3]);
    assert.deepEqual(await ids(union(deptA, sellers).orderBy("id").limit(2).offset(1)), [2, 3]);
    // NULLS FIRST on the whole result (emulated on MySQL/MariaDB).
    const withNull = unionAll(select(staff.c.id, staff.c.name), select(sales.c.id, caseWhen([[sales.c.id.lt(0), "x"]]).label("name")).where(sales.c.id.eq(1)));
    assert.deepEqual((await rows(withNull.orderBy(staff.c.name.desc().nullsFirst(), "id").limit(3))).map((r) => r.name), [null, "Eve", "Dee"]);
    // A member with its own ORDER BY and LIMIT.
    assert.deepEqual(await ids(union(select(staff.c.id).orderBy(staff.c.salary.desc(), staff.c.id).limit(1), select(staff.c.id).where(staff.c.id.eq(1))).orderBy("id")), [1, 5]);
  });

  test("INTERSECT ALL and EXCEPT ALL count duplicates on PostgreSQL and MariaDB; SQLite refuses them", async () => {
    const sellers = select(sales.c.staffId.label("id"));
    const twice = unionAll(select(staff.c.id).where(staff.c.id.le(2)), select(staff.c.id).where(staff.c.id.eq(1)));
    const i = intersectAll(sellers, twice).orderBy("id");
    const e = exceptAll(sellers, twice).orderBy("id");
    if (name === "sqlite") {
      await refuses(i, "INTERSECT ALL");
      return refuses(e, "EXCEPT ALL");
    }
    assert.deepEqual((await rows(i)).map((r) => r.id), [1, 1, 2]);
    assert.deepEqual((await rows(e)).map((r) => r.id), [1, 4, 4]);
  });

  test("LATERAL: the two largest sales per person on PostgreSQL; SQLite and MariaDB refuse it", async () => {
    const top = select(sales.c.amount).where(sales.c.staffId.eq(staff.c.id)).orderBy(sales.c.amount.desc()).limit(2).lateral("top");
    const q = select(staff.c.name, top.c.amount).join(top).orderBy(staff.c.id, top.c.amount.desc());
    if (name !== "postgresql") return refuses(q, "LATERAL");
    assert.deepEqual((await rows(q)).map((r) => [r.name, r.amount]), [["Ann", 30], ["Ann", 20], ["Bob", 5], ["Dee", 9], ["Dee", 7]]);
    const outer = select(staff.c.name, top.c.amount).leftJoin(top).where(staff.c.dept.eq("b")).orderBy(staff.c.id, top.c.amount.desc());
    assert.deepEqual((await rows(outer)).map((r) => [r.name, r.amount]), [["Dee", 9], ["Dee", 7], ["Eve", null]]);
  });
});
