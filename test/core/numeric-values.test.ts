/**
 * Decimals are `Decimal` strings written with their scale on every database: stored values,
 * arithmetic mixing decimals and integers, comparisons, and sum/avg (of decimals a Decimal, of
 * integers a number). SQLite computes in floating point; its answers are written with the scale
 * PostgreSQL and MySQL give the same expression, so all three agree. Compared with raw SQL.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, func, integer, numeric, or, select, sql, table, type Decimal, type Expression } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const lines = table("core_numeric_lines", metadata, {
  id: integer().primaryKey().autoincrement(false),
  unitPrice: numeric(10, 2).notNull().named("unit_price"),
  quantity: integer().notNull(),
  discount: numeric(10, 2),
});
const l = lines.c;
/** Seventeen significant digits: more than a double keeps. */
const amounts = table("core_numeric_amounts", metadata, {
  id: integer().primaryKey().autoincrement(false),
  amount: numeric(20, 2).notNull(),
});

const seed: { id: number; unitPrice: Decimal; quantity: number; discount: Decimal | null }[] = [
  { id: 1, unitPrice: "0.99", quantity: 3, discount: "0.10" },
  { id: 2, unitPrice: "1.10", quantity: 2, discount: null },
  { id: 3, unitPrice: "0.10", quantity: 1, discount: "0.00" },
  { id: 4, unitPrice: "0.20", quantity: 1, discount: null },
  { id: 5, unitPrice: "12.00", quantity: 1, discount: "2.50" },
];

/** SQL that renders a decimal expression as the text the database itself prints for it. */
const AS_TEXT = {
  sqlite: (expr: string, scale: number) => `printf('%.${scale}f', ${expr})`,
  postgresql: (expr: string) => `(${expr})::text`,
  mysql: (expr: string) => `CAST(${expr} AS CHAR)`,
} as const;

forEachDatabase("numeric values", (ctx) => {
  useSchema(ctx, metadata, { seed: [[lines, seed], [amounts, [{ id: 1, amount: "123456789012345.67" }]]] });
  const dialect = ctx.db.name as keyof typeof AS_TEXT;
  const asText = (expr: string, scale: number) => AS_TEXT[dialect](expr, scale);

  const column = async <T>(expr: Expression<T>) =>
    (await ctx.engine.execute(select(expr.label("v")).from(lines).orderBy(l.id))).rows.map((r) => r.v);
  const scalar = async <T>(expr: Expression<T>) => (await ctx.engine.execute(select(expr.label("v")).from(lines))).one().v;
  const raw = async (query: string) => (await ctx.engine.execute(sql<{ v: unknown }>`${sql.raw(query)}`)).rows.map((r) => r.v);

  test("integers divided: the quotient truncated toward zero on every database (MariaDB gave 1.5000 for 3 / 2, SQLite 1.5 for a bound 2)", async () => {
    assert.deepEqual(await column(l.quantity.dividedBy(2)), [1, 1, 0, 0, 0]);
    assert.deepEqual(await column(l.quantity.times(-7).dividedBy(2)), [-10, -7, -3, -3, -3]);
    assert.deepEqual(await column(l.id.dividedBy(l.quantity)), [0, 1, 3, 4, 5]);
    assert.equal(await scalar(func.count().dividedBy(2)), 2);
  });

  test("a decimal divided, or dividing, is not truncated: SQLite stores 12.00 as the integer 12 (1 / 12.00 gave 0 there)", async () => {
    const fixed = (values: unknown[]) => values.map(Number).map((v) => v.toFixed(4));
    assert.deepEqual(fixed(await column(l.quantity.dividedBy(l.unitPrice))), ["3.0303", "1.8182", "10.0000", "5.0000", "0.0833"]);
    assert.deepEqual(fixed(await column(l.unitPrice.dividedBy(5))), ["0.1980", "0.2200", "0.0200", "0.0400", "2.4000"]);
  });

  test("stored decimals read back as strings with the column's scale, as the database prints them", async () => {
    const prices = await column(l.unitPrice);
    assert.deepEqual(prices, ["0.99", "1.10", "0.10", "0.20", "12.00"]);
    assert.deepEqual(prices, await raw(`SELECT ${asText("unit_price", 2)} AS v FROM core_numeric_lines ORDER BY id`));
    assert.deepEqual(await column(l.discount), ["0.10", null, "0.00", null, "2.50"]);
  });

  test("decimal times integer is a decimal with the decimal's scale, equal to the database's own", async () => {
    const totals = await column(l.unitPrice.times(l.quantity));
    assert.deepEqual(totals, ["2.97", "2.20", "0.10", "0.20", "12.00"]);
    assert.deepEqual(totals, await raw(`SELECT ${asText("unit_price * quantity", 2)} AS v FROM core_numeric_lines ORDER BY id`));
    assert.deepEqual(await column(l.quantity.times(l.unitPrice)), totals);
    // decimal × decimal has the sum of the scales; literals are bound as decimals.
    assert.deepEqual(await column(l.unitPrice.times(l.discount)), ["0.0990", null, "0.0000", null, "30.0000"]);
    assert.deepEqual(await column(l.unitPrice.plus("0.50").times(2)), ["2.98", "3.20", "1.20", "1.40", "25.00"]);
    assert.deepEqual(await column(l.unitPrice.minus(l.discount)), ["0.89", null, "0.10", null, "9.50"]);
    // Integer arithmetic stays a number.
    assert.deepEqual(await column(l.quantity.plus(1)), [4, 3, 2, 2, 2]);
  });

  test("comparisons of decimals with decimals, numbers and integer expressions", async () => {
    const ids = async (where: Expression<boolean>) =>
      (await ctx.engine.execute(select(l.id).where(where).orderBy(l.id))).rows.map((r) => r.id);
    const rawIds = async (where: string) => (await raw(`SELECT id AS v FROM core_numeric_lines WHERE ${where} ORDER BY id`)).map(Number);
    assert.deepEqual(await ids(l.unitPrice.gt(1)), [2, 5]);
    assert.deepEqual(await ids(l.unitPrice.eq("0.10")), [3]);
    assert.deepEqual(await ids(l.unitPrice.times(l.quantity).ge("2.20")), [1, 2, 5]);
    assert.deepEqual(await ids(l.unitPrice.times(l.quantity).ge("2.20")), await rawIds("unit_price * quantity >= 2.20"));
    assert.deepEqual(await ids(l.unitPrice.gt(l.quantity)), await rawIds("unit_price > quantity"));
    assert.deepEqual(await ids(l.unitPrice.gt(l.quantity)), [5]);
  });

  test("sum of decimals is a decimal with their scale; the float noise of SQLite's sum is not shown", async () => {
    assert.equal(await scalar(func.sum(l.unitPrice)), "14.39");
    assert.deepEqual([await scalar(func.sum(l.unitPrice))], await raw(`SELECT ${asText("sum(unit_price)", 2)} AS v FROM core_numeric_lines`));
    assert.equal(await scalar(func.sum(l.unitPrice.times(l.quantity))), "17.47");
    const tenthsAndFifths = await ctx.engine.execute(select(func.sum(l.unitPrice).label("v")).where(l.id.in([3, 4])));
    assert.equal(tenthsAndFifths.one().v, "0.30");
    const none = await ctx.engine.execute(select(func.sum(l.unitPrice).label("v")).where(l.id.gt(100)));
    assert.equal(none.one().v, null);
  });

  test("avg of decimals is a decimal (its digits are the database's); sum and avg of integers are numbers", async () => {
    const mean = await scalar(func.avg(l.unitPrice));
    assert.equal(typeof mean, "string");
    assert.equal(Number(mean), 2.878);
    const [rawMean] = await raw(`SELECT ${dialect === "sqlite" ? "avg(unit_price)" : asText("avg(unit_price)", 0)} AS v FROM core_numeric_lines`);
    // MariaDB's unsized decimals are read without the trailing zeros of its scale ("2.878000").
    assert.equal(mean, dialect === "sqlite" ? String(rawMean) : dialect === "mysql" ? String(rawMean).replace(/\.?0+$/, "") : rawMean);

    const [items, meanQuantity] = [await scalar(func.sum(l.quantity)), await scalar(func.avg(l.quantity))];
    assert.deepEqual([items, meanQuantity], [8, 1.6]);
    const [rawItems] = await raw("SELECT sum(quantity) AS v FROM core_numeric_lines");
    const [rawAvg] = await raw("SELECT avg(quantity) AS v FROM core_numeric_lines");
    assert.deepEqual([Number(rawItems), Number(rawAvg)], [items, meanQuantity]);
  });

  test("avg of integers has every digit of a double on every database (MariaDB gave 4 after the point: 1.6667)", async () => {
    const ids = [1, 2, 4].map((id) => l.id.eq(id));
    const mean = (await ctx.engine.execute(select(func.avg(l.id).label("v")).from(lines).where(or(...ids)))).one().v;
    assert.equal(mean, 7 / 3);
  });

  test("a literal's scale is the result's: price × 3, × 1.5, × 1.005 in a row, on one engine, keep their digits", async () => {
    // Before, the statement compiled for × 3 (scale 2) was reused for × 1.5, and SQLite's and
    // MySQL's floating-point answers were written with two digits: "1.48", "0.99".
    const first = async (expr: Expression<unknown>) => (await column(expr))[0];
    assert.equal(await first(l.unitPrice.times(3)), "2.97");
    assert.equal(await first(l.unitPrice.times(1.5)), "1.485");
    assert.equal(await first(l.unitPrice.times(1.005)), "0.99495");
    assert.equal(await first(l.unitPrice.plus("0.005")), "0.995");
    assert.equal(await first(l.unitPrice.times(3)), "2.97", "and back");
    assert.deepEqual(await raw(`SELECT ${asText("unit_price * 1.005", 5)} AS v FROM core_numeric_lines WHERE id = 1`), ["0.99495"]);
  });

  test("a decimal times, plus or minus a bound number is exact on PostgreSQL and MySQL, as in raw SQL", async () => {
    // mysql2 binds numbers as DOUBLE (and MySQL reads strings as DOUBLE in arithmetic): without
    // a cast to DECIMAL, MySQL gave 370370367037037.00. SQLite computes in floating point.
    const row = (
      await ctx.engine.execute(
        select(amounts.c.amount.times(3).label("times"), amounts.c.amount.plus(1).label("plus"), amounts.c.amount.minus("0.01").label("minus")),
      )
    ).one();
    const exact = { times: "370370367037037.01", plus: "123456789012346.67", minus: "123456789012345.66" };
    if (dialect === "sqlite") assert.equal(row.times, "370370367037037.00", "SQLite's double");
    else assert.deepEqual(row, exact);
    const rawTimes = await raw(`SELECT ${asText("amount * 3", 2)} AS v FROM core_numeric_amounts`);
    assert.deepEqual([row.times], rawTimes);
  });
});
