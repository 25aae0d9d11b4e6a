/**
 * A number or decimal compared with a DECIMAL column matches the rows that hold it, exactly. On
 * MariaDB a JavaScript number (sent as a DOUBLE) was compared with the column as two doubles, and
 * so were decimal strings in BETWEEN: `d = 0.1` matched 0.10000000000000001, `d > 0.1` missed it.
 * And a list read back with JSON_TABLE (`inValues`, long `in()` lists) converted each value to
 * the column's type, rounding it: `d2 IN ('1.005')` matched 1.01 in a DECIMAL(6, 2), `n IN (3.4)`
 * matched 3 and 2^53 matched INT's largest value 2147483647.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { MetaData, insert, integer, numeric, select, table, type Decimal, type Expression } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const items = table("core_dcmp_items", metadata, {
  id: integer().primaryKey(),
  d: numeric(20, 17),
  d2: numeric(6, 2),
  n: integer(),
});
const c = items.c;
/** More values than any database binds one by one: the list is bound as one array (JSON on SQLite and MariaDB). */
const LONG = 66_000;

forEachDatabase("comparisons with a decimal column", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [[items, [{ id: 1, d: "0.1", d2: "1.01", n: 3 }, { id: 3, d: "0.3", d2: "2.00", n: 2_147_483_647 }]]],
  });
  before(async () => {
    // SQLite keeps a decimal as a double, which cannot hold this one apart from 0.1 (it is refused there).
    if (ctx.db.name !== "sqlite") await ctx.engine.execute(insert(items).values({ id: 2, d: "0.10000000000000001", d2: "1.00", n: 1 }));
  });
  /** The rows matched, or [] when the database refused the comparison (PostgreSQL: 3.4 is no integer). */
  const ids = async (where: Expression<boolean>) =>
    ctx.engine.execute(select(c.id).where(where).orderBy(c.id)).then(
      (r) => r.rows.map((row) => row.id),
      () => [],
    );
  const near = () => (ctx.db.name === "sqlite" ? [] : [2]);

  test("a number compared with a decimal column is compared exactly", async () => {
    assert.deepEqual(await ids(c.d.eq(0.1)), [1]);
    assert.deepEqual(await ids(c.d.in([0.1, 0.7])), [1]);
    assert.deepEqual(await ids(c.d.gt(0.1)), [...near(), 3]);
    assert.deepEqual(await ids(c.d.ne(0.1)), [...near(), 3]);
    assert.deepEqual(await ids(c.d.between(0.1, 0.1)), [1]);
  });

  test("decimal strings in BETWEEN are compared exactly", async () => {
    assert.deepEqual(await ids(c.d.between("0.1" as Decimal, "0.1" as Decimal)), [1]);
    assert.deepEqual(await ids(c.d.notBetween("0.1" as Decimal, "0.1" as Decimal)), [...near(), 3]);
  });

  test("a value in a list bound whole is not rounded to the column's type", async () => {
    assert.deepEqual(await ids(c.d2.inValues(["1.005" as Decimal])), []);
    assert.deepEqual(await ids(c.n.inValues([3.4])), []);
    assert.deepEqual(await ids(c.n.inValues([2 ** 53])), []);
    assert.deepEqual(await ids(c.n.inValues([3])), [1]);
  });

  test("a long in() list, bound as one array, is not rounded to the column's type", async () => {
    const filler = Array.from({ length: LONG }, (_, i) => 10_000 + i);
    assert.deepEqual(await ids(c.d2.in([...filler.map((i) => `${i}.00` as Decimal), "1.005" as Decimal])), []);
    assert.deepEqual(await ids(c.n.in([...filler, 3.4, 2 ** 53])), []);
    assert.deepEqual(await ids(c.n.in([...filler, 3])), [1]);
  });
});
