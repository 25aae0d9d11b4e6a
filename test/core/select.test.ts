/**
 * SELECT: filters and operators, ordering and paging, aggregates, DISTINCT, aliases, subqueries
 * (in FROM, joined, EXISTS, scalar, IN), CASE, CAST, functions, concatenation, and the Result
 * accessors. Every expectation is read back from the database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CompileError,
  MetaData,
  MultipleResultsFoundError,
  NoResultFoundError,
  alias,
  and,
  caseWhen,
  cast,
  exists,
  func,
  integer,
  literal,
  not,
  or,
  scalarSubquery,
  select,
  string,
  table,
  types,
  type Executable,
  type OrderBy,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const people = table("core_sel_people", metadata, {
  id: integer().primaryKey(),
  name: string(30).notNull(),
  age: integer().notNull(),
  city: string(30),
});
const orders = table("core_sel_orders", metadata, {
  id: integer().primaryKey(),
  personId: integer().named("person_id").notNull().references("core_sel_people.id"),
  amount: integer().notNull(),
  item: string(30).notNull(),
});

const seedPeople = [
  { id: 1, name: "Ann", age: 31, city: "Oslo" },
  { id: 2, name: "bob", age: 25, city: "Rome" },
  { id: 3, name: "Cid", age: 40, city: null },
  { id: 4, name: "Dee_Dee", age: 25, city: "Oslo" },
  { id: 5, name: "Eve", age: 52, city: "Lima" },
];
const seedOrders = [
  { id: 1, personId: 1, amount: 10, item: "pen" },
  { id: 2, personId: 1, amount: 20, item: "ink" },
  { id: 3, personId: 2, amount: 30, item: "pad" },
  { id: 4, personId: 4, amount: 5, item: "pen" },
  { id: 5, personId: 4, amount: 15, item: "pen" },
  { id: 6, personId: 4, amount: 40, item: "box" },
];

forEachDatabase("select", (ctx) => {
  useSchema(ctx, metadata, { seed: [[people, seedPeople], [orders, seedOrders]] });
  const rows = async <R>(stmt: Executable<R>): Promise<R[]> => (await ctx.engine.execute(stmt)).rows;
  const names = async (...conditions: Parameters<ReturnType<typeof select>["where"]>) =>
    (await rows(select(people.c.name).where(...conditions).orderBy(people.c.id))).map((r) => r.name);

  test("comparison operators: eq, ne, lt, le, gt, ge", async () => {
    assert.deepEqual(await names(people.c.age.eq(25)), ["bob", "Dee_Dee"]);
    assert.deepEqual(await names(people.c.age.ne(25)), ["Ann", "Cid", "Eve"]);
    assert.deepEqual(await names(people.c.age.lt(31)), ["bob", "Dee_Dee"]);
    assert.deepEqual(await names(people.c.age.le(31)), ["Ann", "bob", "Dee_Dee"]);
    assert.deepEqual(await names(people.c.age.gt(40)), ["Eve"]);
    assert.deepEqual(await names(people.c.age.ge(40)), ["Cid", "Eve"]);
    // Column against column.
    assert.deepEqual(await names(people.c.id.ge(people.c.age.minus(24))), ["bob", "Dee_Dee"]);
  });

  test("and / or / not, and several where() calls combine with AND", async () => {
    assert.deepEqual(await names(and(people.c.age.eq(25), people.c.city.eq("Oslo"))), ["Dee_Dee"]);
    assert.deepEqual(await names(or(people.c.age.gt(50), people.c.name.eq("Ann"))), ["Ann", "Eve"]);
    assert.deepEqual(await names(not(people.c.age.eq(25))), ["Ann", "Cid", "Eve"]);
    assert.deepEqual(await names(not(or(people.c.age.eq(25), people.c.age.gt(35)))), ["Ann"]);
    assert.deepEqual(await names(people.c.age.lt(45), or(people.c.city.eq("Rome"), people.c.city.isNull())), ["bob", "Cid"]);
    assert.deepEqual(await names(and(people.c.age.eq(25), undefined)), ["bob", "Dee_Dee"], "undefined conditions are skipped");
    const chained = select(people.c.name).where(people.c.age.eq(25)).where(people.c.city.eq("Rome"));
    assert.deepEqual(await rows(chained), [{ name: "bob" }]);
  });

  test("in / notIn, with a list, an empty list and a subquery", async () => {
    assert.deepEqual(await names(people.c.id.in([2, 5, 99])), ["bob", "Eve"]);
    assert.deepEqual(await names(people.c.id.notIn([1, 2, 3])), ["Dee_Dee", "Eve"]);
    assert.deepEqual(await names(people.c.id.in([])), []);
    assert.deepEqual(await names(people.c.id.notIn([])), ["Ann", "bob", "Cid", "Dee_Dee", "Eve"]);
    const buyers = select(orders.c.personId).where(orders.c.item.eq("pen"));
    assert.deepEqual(await names(people.c.id.in(buyers)), ["Ann", "Dee_Dee"]);
    assert.deepEqual(await names(people.c.id.notIn(select(orders.c.personId))), ["Cid", "Eve"]);
  });

  test("like / notLike / ilike, isNull / isNotNull, between / notBetween", async () => {
    // `like` follows the database's collation; patterns in the same case match everywhere.
    assert.deepEqual(await names(people.c.name.like("%e%")), ["Dee_Dee", "Eve"]);
    assert.deepEqual(await names(people.c.name.notLike("%e%")), ["Ann", "bob", "Cid"]);
    // `ilike` is case-insensitive on every database.
    assert.deepEqual(await names(people.c.name.ilike("B%")), ["bob"]);
    assert.deepEqual(await names(people.c.name.ilike("%E")), ["Dee_Dee", "Eve"]);
    assert.deepEqual(await names(people.c.name.notIlike("%E%")), ["Ann", "bob", "Cid"]);
    assert.deepEqual(await names(people.c.city.isNull()), ["Cid"]);
    assert.deepEqual(await names(people.c.city.isNotNull()), ["Ann", "bob", "Dee_Dee", "Eve"]);
    assert.deepEqual(await names(people.c.age.between(25, 31)), ["Ann", "bob", "Dee_Dee"]);
    assert.deepEqual(await names(people.c.age.notBetween(25, 31)), ["Cid", "Eve"]);
  });

  test("orderBy asc / desc on several keys, nulls first / last, limit, offset, and offset without limit", async () => {
    assert.deepEqual(
      (await rows(select(people.c.id).orderBy(people.c.age.desc(), people.c.id.desc()))).map((r) => r.id),
      [5, 3, 1, 4, 2],
    );
    assert.deepEqual(
      (await rows(select(people.c.id).orderBy(people.c.age.asc(), people.c.id.desc()))).map((r) => r.id),
      [4, 2, 1, 3, 5],
    );
    // NULLS FIRST / LAST (emulated on MySQL, which has no such syntax).
    const byCity = (order: OrderBy) => rows(select(people.c.id).orderBy(order, people.c.id));
    assert.deepEqual((await byCity(people.c.city.asc().nullsFirst())).map((r) => r.id), [3, 5, 1, 4, 2]);
    assert.deepEqual((await byCity(people.c.city.asc().nullsLast())).map((r) => r.id), [5, 1, 4, 2, 3]);
    assert.deepEqual((await byCity(people.c.city.desc().nullsFirst())).map((r) => r.id), [3, 2, 1, 4, 5]);
    assert.deepEqual((await byCity(people.c.city.desc().nullsLast())).map((r) => r.id), [2, 1, 4, 5, 3]);

    const page = select(people.c.id).orderBy(people.c.id);
    assert.deepEqual((await rows(page.limit(2))).map((r) => r.id), [1, 2]);
    assert.deepEqual((await rows(page.limit(2).offset(2))).map((r) => r.id), [3, 4]);
    assert.deepEqual((await rows(page.offset(3))).map((r) => r.id), [4, 5]);
    assert.deepEqual((await rows(page.limit(0))).map((r) => r.id), []);
  });

  test("groupBy / having with count, sum, avg, min, max", async () => {
    const stmt = select(
      orders.c.personId,
      func.count().label("n"),
      func.sum(orders.c.amount).label("total"),
      func.avg(orders.c.amount).label("mean"),
      func.min(orders.c.amount).label("low"),
      func.max(orders.c.amount).label("high"),
    )
      .groupBy(orders.c.personId)
      .having(func.count().gt(1))
      .orderBy(orders.c.personId);
    assert.deepEqual(await rows(stmt), [
      { personId: 1, n: 2, total: 30, mean: 15, low: 10, high: 20 },
      { personId: 4, n: 3, total: 60, mean: 20, low: 5, high: 40 },
    ]);
    const distinctItems = await rows(select(func.count(orders.c.item, { distinct: true }).label("n")));
    assert.deepEqual(distinctItems, [{ n: 4 }]);
    const empty = await rows(select(func.count().label("n"), func.sum(orders.c.amount).label("total")).where(orders.c.amount.gt(1000)));
    assert.deepEqual(empty, [{ n: 0, total: null }]);
  });

  test("distinct", async () => {
    const cities = await rows(select(people.c.city).distinct().where(people.c.city.isNotNull()).orderBy(people.c.city));
    assert.deepEqual(cities, [{ city: "Lima" }, { city: "Oslo" }, { city: "Rome" }]);
    const items = await rows(select(orders.c.item).distinct().orderBy(orders.c.item));
    assert.deepEqual(items.map((r) => r.item), ["box", "ink", "pad", "pen"]);
  });

  test("alias(): the same table twice, joined on an explicit condition", async () => {
    const other = alias(people, "other");
    const pairs = await rows(
      select(people.c.name, other.c.name.label("sameAge"))
        .join(other, and(people.c.age.eq(other.c.age), people.c.id.lt(other.c.id)))
        .orderBy(people.c.id),
    );
    assert.deepEqual(pairs, [{ name: "bob", sameAge: "Dee_Dee" }]);
  });

  test("a subquery in FROM and a subquery joined to a table", async () => {
    const totals = select(orders.c.personId, func.sum(orders.c.amount).label("total")).groupBy(orders.c.personId).subquery("totals");
    const big = await rows(select(totals.c.personId, totals.c.total).where(totals.c.total.ge(30)).orderBy(totals.c.personId));
    assert.deepEqual(big, [
      { personId: 1, total: 30 },
      { personId: 2, total: 30 },
      { personId: 4, total: 60 },
    ]);
    const joined = await rows(
      select(people.c.name, totals.c.total).join(totals, people.c.id.eq(totals.c.personId)).where(totals.c.total.gt(30)).orderBy(people.c.name),
    );
    assert.deepEqual(joined, [{ name: "Dee_Dee", total: 60 }]);
    const outer = await rows(
      select(people.c.name, totals.c.total).leftJoin(totals, people.c.id.eq(totals.c.personId)).where(people.c.age.gt(35)).orderBy(people.c.id),
    );
    assert.deepEqual(outer, [
      { name: "Cid", total: null },
      { name: "Eve", total: null },
    ]);
  });

  test("exists() with a correlated subquery, and scalarSubquery()", async () => {
    const hasBigOrder = exists(select(orders.c.id).where(orders.c.personId.eq(people.c.id), orders.c.amount.ge(30)));
    assert.deepEqual(await names(hasBigOrder), ["bob", "Dee_Dee"]);
    assert.deepEqual(await names(not(exists(select(orders.c.id).where(orders.c.personId.eq(people.c.id))))), ["Cid", "Eve"]);

    const orderCount = scalarSubquery(select(func.count().label("n")).from(orders).where(orders.c.personId.eq(people.c.id)));
    const counted = await rows(select(people.c.name, orderCount.label("orders")).orderBy(people.c.id));
    assert.deepEqual(counted, [
      { name: "Ann", orders: 2 },
      { name: "bob", orders: 1 },
      { name: "Cid", orders: 0 },
      { name: "Dee_Dee", orders: 3 },
      { name: "Eve", orders: 0 },
    ]);
    const maxAmount = scalarSubquery(select(func.max(orders.c.amount).label("m")));
    assert.deepEqual(await rows(select(orders.c.id).where(orders.c.amount.eq(maxAmount))), [{ id: 6 }]);
  });

  test("a subquery on the enclosing query's only table is not correlated away; one naming only enclosing tables is refused", async () => {
    // `(SELECT max(amount))` inside a query on orders keeps its own FROM (as in SQLAlchemy).
    const above = select(orders.c.id).where(orders.c.amount.gt(scalarSubquery(select(func.avg(orders.c.amount).label("a"))))).orderBy(orders.c.id);
    assert.deepEqual(await rows(above), [{ id: 3 }, { id: 6 }]);
    // Both tables of this subquery are in the enclosing query: correlating both would leave it no FROM.
    const inner = select(orders.c.id).where(orders.c.personId.eq(people.c.id), orders.c.amount.gt(20));
    const outer = select(people.c.name, orders.c.item).join(orders);
    await assert.rejects(ctx.engine.execute(outer.where(exists(inner))), (e: Error) => e instanceof CompileError && /\.from\(/.test(e.message));
    // Naming its own table with from() says which one to keep.
    const fixed = await rows(outer.where(exists(inner.from(orders))).orderBy(orders.c.id));
    assert.deepEqual(fixed, [
      { name: "bob", item: "pad" },
      { name: "Dee_Dee", item: "pen" },
      { name: "Dee_Dee", item: "pen" },
      { name: "Dee_Dee", item: "box" },
    ]);
  });

  test("caseWhen, cast, coalesce, lower, upper, concat", async () => {
    const band = caseWhen([[people.c.age.lt(30), "young"], [people.c.age.lt(50), "middle"]], "senior");
    const flag = caseWhen([[people.c.city.eq("Oslo"), 1]], 0);
    const noElse = caseWhen([[people.c.age.gt(50), people.c.name]]);
    const result = await rows(
      select(
        people.c.id,
        band.label("band"),
        flag.label("oslo"),
        noElse.label("old"),
        cast(people.c.age, types.string(10)).label("ageText"),
        func.coalesce(people.c.city, "nowhere").label("place"),
        func.lower(people.c.name).label("low"),
        func.upper(people.c.name).label("up"),
        people.c.name.concat("@").concat(people.c.city).label("tag"),
      ).orderBy(people.c.id),
    );
    assert.deepEqual(result, [
      { id: 1, band: "middle", oslo: 1, old: null, ageText: "31", place: "Oslo", low: "ann", up: "ANN", tag: "Ann@Oslo" },
      { id: 2, band: "young", oslo: 0, old: null, ageText: "25", place: "Rome", low: "bob", up: "BOB", tag: "bob@Rome" },
      { id: 3, band: "middle", oslo: 0, old: null, ageText: "40", place: "nowhere", low: "cid", up: "CID", tag: null },
      { id: 4, band: "young", oslo: 1, old: null, ageText: "25", place: "Oslo", low: "dee_dee", up: "DEE_DEE", tag: "Dee_Dee@Oslo" },
      { id: 5, band: "senior", oslo: 0, old: "Eve", ageText: "52", place: "Lima", low: "eve", up: "EVE", tag: "Eve@Lima" },
    ]);
    const numbers = await rows(select(cast(cast(people.c.age, types.string(10)), types.integer()).label("n")).where(people.c.id.eq(1)));
    assert.deepEqual(numbers, [{ n: 31 }]);
    assert.deepEqual(await names(func.lower(people.c.name).eq("bob")), ["bob"]);
  });

  test("cast of text to a timestamp or a date reads that instant or day on every database", async () => {
    // SQLite casts by affinity: CAST('2026-01-02 03:04:05' AS DATETIME) was the number 2026 (a Date in 1970).
    const stamp = cast(literal("2026-01-02 03:04:05.250", types.text()), types.datetime());
    const day = cast(literal("2026-01-02", types.text()), types.date());
    const [row] = await rows(select(stamp.label("stamp"), day.label("day")));
    assert.equal((row!.stamp as Date).toISOString(), "2026-01-02T03:04:05.250Z");
    assert.equal(row!.day, "2026-01-02");
  });

  test("func.length counts characters, not bytes, on every database", async () => {
    const text = cast(literal("Åsa 😀"), types.text());
    assert.deepEqual(await rows(select(func.length(text).label("n"))), [{ n: 5 }]);
  });

  test("select(table) returns every column under its key", async () => {
    assert.deepEqual(await rows(select(people).where(people.c.id.eq(3))), [{ id: 3, name: "Cid", age: 40, city: null }]);
    assert.deepEqual(await rows(select(orders).where(orders.c.id.eq(2))), [{ id: 2, personId: 1, amount: 20, item: "ink" }]);
  });

  test("Result accessors: one, oneOrNull, first, scalars, all, and Connection.scalar", async () => {
    const { engine } = ctx;
    const byAge = (age: number) => select(people.c.name).where(people.c.age.eq(age)).orderBy(people.c.id);

    assert.deepEqual((await engine.execute(byAge(31))).one(), { name: "Ann" });
    await assert.rejects(engine.execute(byAge(99)).then((r) => r.one()), NoResultFoundError);
    await assert.rejects(engine.execute(byAge(25)).then((r) => r.one()), MultipleResultsFoundError);

    assert.deepEqual((await engine.execute(byAge(31))).oneOrNull(), { name: "Ann" });
    assert.equal((await engine.execute(byAge(99))).oneOrNull(), null);
    await assert.rejects(engine.execute(byAge(25)).then((r) => r.oneOrNull()), MultipleResultsFoundError);

    assert.deepEqual((await engine.execute(byAge(25))).first(), { name: "bob" });
    assert.equal((await engine.execute(byAge(99))).first(), undefined);
    assert.deepEqual((await engine.execute(byAge(25))).scalars(), ["bob", "Dee_Dee"]);
    assert.deepEqual((await engine.execute(select(people.c.id, people.c.name).orderBy(people.c.id).limit(2))).scalars(), [1, 2]);
    assert.equal((await engine.execute(byAge(25))).all().length, 2);

    await engine.withConnection(async (conn) => {
      assert.equal(await conn.scalar(select(func.count().label("n")).from(people)), 5);
      assert.equal(await conn.scalar(byAge(25)), "bob");
      assert.equal(await conn.scalar(byAge(99)), undefined);
    });
  });
});
