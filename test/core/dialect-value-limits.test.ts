/**
 * Values a database would hold as another, refused; values written by others, read as they mean:
 * - a NaN in a SQLite REAL was stored as NULL (it is DataError now, on any statement);
 * - a timestamp before year 1 or after 9999 (PostgreSQL and MariaDB refused it; SQLite read year
 *   -1 back as 2001) is InvalidColumnValueError everywhere;
 * - a boolean column holding 2 or -1 (written by raw SQL or another program) read as false on
 *   SQLite and MariaDB, where the database itself takes any number but 0 as true; and once read
 *   as true, `eq(true)` (`flag = 1`) still missed it: a comparison with a boolean value now
 *   compares the column's truth, `(flag <> 0) = ?`;
 * - decimals: SQLite (a double) read 0.1 in NUMERIC(38, 30) back with the double's binary noise
 *   (0.100000000000000005551115123126) and stored 99999999999999.99 as ...98, and MariaDB's
 *   `numeric()`, DECIMAL(38, 10), rounded a 16th digit after the point away: the first reads
 *   right now, the others are DataError.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError, InvalidColumnValueError, MetaData, boolean, datetime, float, insert, integer, not, numeric, select, sql, table, tupleInValues, type Decimal, type Expression } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const samples = table("core_dvl_samples", metadata, {
  id: integer().primaryKey(),
  reading: float(),
  flag: boolean(),
  at: datetime(),
  wide: numeric(38, 30),
  big: numeric(20, 2),
  bare: numeric(),
});

function inYear(year: number): Date {
  const d = new Date(Date.UTC(2000, 5, 1, 12));
  d.setUTCFullYear(year);
  return d;
}

forEachDatabase("values at the limits of each database", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const rows = async () => (await ctx.engine.execute(select(samples).orderBy(samples.c.id))).rows;

  test("NaN in a float column: NaN on PostgreSQL, DataError on SQLite (which stored NULL) and MariaDB; nothing written", async () => {
    const write = ctx.engine.execute(insert(samples).values({ id: 1, reading: NaN }));
    if (ctx.db.name === "postgresql") {
      await write;
      assert.ok(Number.isNaN((await rows())[0]!.reading));
      return;
    }
    await assert.rejects(write, DataError);
    assert.deepEqual(await rows(), []);
  });

  test("timestamps in years 1 and 9999 round-trip; before and after them InvalidColumnValueError", async () => {
    await ctx.engine.execute(insert(samples).values([{ id: 1, at: inYear(9999) }, { id: 2, at: inYear(1) }]));
    assert.deepEqual((await rows()).map((r) => r.at!.toISOString()), [inYear(9999).toISOString(), inYear(1).toISOString()]);
    for (const year of [-1, 0, 10000]) {
      assert.throws(() => insert(samples).values({ id: 3, at: inYear(year) }), (e: unknown) => e instanceof InvalidColumnValueError && e.column === "at");
    }
  });

  test("a MariaDB zero date (written in a lax sql_mode) is DataError when read, where it read as an Invalid Date", { skip: ctx.db.name === "mysql" ? false : "MariaDB only: the others refuse such a value" }, async () => {
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("SET SESSION sql_mode = ''"); // another program's lax session (the pool resets this one)
      await conn.run("INSERT INTO core_dvl_samples (id, at) VALUES (1, '0000-00-00 00:00:00')");
    });
    await assert.rejects(rows(), (e: unknown) => e instanceof DataError && /DATETIME '0000-00-00 00:00:00' that is no date/.test((e as Error).message));
  });

  test("a boolean column holding another number than 0 and 1 reads as the database reads it", async () => {
    if (ctx.db.name === "postgresql") return; // a real boolean type: only true and false
    await ctx.engine.execute(sql`INSERT INTO core_dvl_samples (id, flag) VALUES (1, 2), (2, -1), (3, 0), (4, 1)`);
    const truthy = (await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM core_dvl_samples WHERE flag ORDER BY id`)).rows.map((r) => Number(r.id));
    assert.deepEqual(truthy, [1, 2, 4], "the database's own reading");
    assert.deepEqual((await rows()).map((r) => r.flag), [true, true, false, true]);
  });

  test("a filter on a boolean matches the rows that read as its value (2 and -1 with true), in every form", async () => {
    const values = ctx.db.name === "postgresql" ? "(1, TRUE), (2, TRUE), (3, FALSE), (4, TRUE), (5, NULL)" : "(1, 2), (2, -1), (3, 0), (4, 1), (5, NULL)";
    await ctx.engine.execute(sql.raw(`INSERT INTO core_dvl_samples (id, flag) VALUES ${values}`));
    const read = new Map((await rows()).map((r) => [r.id, r.flag]));
    const ids = async (where: Expression<boolean>) => (await ctx.engine.execute(select(samples.c.id).where(where).orderBy(samples.c.id))).rows.map((r) => r.id);
    const f = samples.c.flag;
    const reading = (value: boolean) => [...read].filter(([, flag]) => flag === value).map(([id]) => id);
    assert.deepEqual(reading(true), [1, 2, 4]);
    for (const value of [true, false]) {
      assert.deepEqual(await ids(f.eq(value)), reading(value), `eq(${value})`);
      assert.deepEqual(await ids(f.ne(value)), reading(!value), `ne(${value})`);
      assert.deepEqual(await ids(f.in([value])), reading(value), `in([${value}])`);
      assert.deepEqual(await ids(f.notIn([value])), reading(!value), `notIn([${value}])`);
      assert.deepEqual(await ids(f.inValues([value])), reading(value), `inValues([${value}])`);
      assert.deepEqual(await ids(tupleInValues([samples.c.id, f], [[1, value], [2, value], [3, value]])), reading(value).filter((id) => id <= 3), `tupleInValues(${value})`);
      assert.deepEqual(await ids(not(f.eq(value))), reading(!value), `not(eq(${value}))`);
    }
    assert.deepEqual(await ids(f.ge(true)), reading(true), "ge(true)");
    assert.deepEqual(await ids(f.between(true, true)), reading(true), "between(true, true)");
  });

  test("decimals a database would give back different are refused; the others read back as written", async () => {
    await ctx.engine.execute(insert(samples).values([
      { id: 1, wide: "0.1", big: "123456789012345.67", bare: "0.1234567890" },
      { id: 2, wide: "12.5", big: "-99999999999999.75", bare: "-1e-10" },
    ]));
    const read = (await rows()).map((r) => [r.wide, r.big]);
    assert.deepEqual(read, [
      [`0.1${"0".repeat(29)}`, "123456789012345.67"],
      [`12.5${"0".repeat(29)}`, "-99999999999999.75"],
    ]);
    const tooLong = { id: 3, big: "99999999999999.99" as Decimal }; // the double nearest prints ...98
    if (ctx.db.name === "sqlite") await assert.rejects(ctx.engine.execute(insert(samples).values(tooLong)), DataError);
    else await ctx.engine.execute(insert(samples).values(tooLong));
    const sixteen = { id: 4, bare: "0.1234567890123456" as Decimal };
    if (ctx.db.name === "postgresql") await ctx.engine.execute(insert(samples).values(sixteen));
    else await assert.rejects(ctx.engine.execute(insert(samples).values(sixteen)), DataError);
    const byId = new Map((await rows()).map((r) => [r.id, r]));
    if (ctx.db.name !== "sqlite") assert.equal(byId.get(3)!.big, "99999999999999.99");
    if (ctx.db.name === "postgresql") assert.equal(byId.get(4)!.bare, "0.1234567890123456");
    assert.deepEqual([...byId.keys()].filter((id) => id > 2), ctx.db.name === "sqlite" ? [] : ctx.db.name === "mysql" ? [3] : [3, 4]);
  });
});
