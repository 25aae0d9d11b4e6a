/**
 * Every column type round-trips a value through INSERT and SELECT and comes back as the JavaScript
 * type its column promises: bigint as bigint, numeric as string, date as 'YYYY-MM-DD', datetime as
 * a Date (stored as UTC), json deep-equal, binary byte-equal. Values also work as bound filters.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MetaData,
  bigint,
  binary,
  boolean,
  cast,
  date,
  datetime,
  enumType,
  float,
  insert,
  integer,
  json,
  numeric,
  select,
  string,
  table,
  text,
  types,
  uuid,
  type Decimal,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

interface Settings {
  theme: string;
  sizes: number[];
  nested: { on: boolean; label: string | null };
}

const metadata = new MetaData();
const values = table("core_types_values", metadata, {
  id: integer().primaryKey(),
  int: integer(),
  big: bigint(),
  str: string(50),
  txt: text(),
  flag: boolean(),
  real: float(),
  money: numeric(12, 2),
  day: date(),
  stamp: datetime(),
  stampTz: datetime({ timezone: true }).named("stamp_tz"),
  settings: json<Settings>(),
  ref: uuid(),
  size: enumType(["small", "medium", "large"]),
  bytes: binary(),
});

const when = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123)); // a leap day, late in the UTC day
const sample = {
  int: -2147483648,
  big: 9223372036854775807n,
  str: "héllo wörld",
  txt: "x".repeat(5000),
  flag: true,
  real: 1234.5625,
  money: "98765.43" as Decimal,
  day: "2024-02-29",
  stamp: when,
  stampTz: when,
  settings: { theme: "dark", sizes: [1, 2, 3], nested: { on: false, label: null } },
  ref: "123e4567-e89b-12d3-a456-426614174000",
  size: "medium" as const,
  bytes: new Uint8Array([0, 1, 2, 127, 128, 254, 255]),
};

forEachDatabase("column types", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });

  test("every type round-trips with the right JavaScript type", async () => {
    await ctx.engine.execute(insert(values).values({ id: 1, ...sample }));
    const row = (await ctx.engine.execute(select(values).where(values.c.id.eq(1)))).one();

    assert.equal(row.int, sample.int);
    assert.equal(typeof row.big, "bigint");
    assert.equal(row.big, sample.big);
    assert.equal(row.str, sample.str);
    assert.equal(row.txt, sample.txt);
    assert.equal(row.flag, true);
    assert.equal(row.real, sample.real);
    assert.equal(typeof row.money, "string");
    assert.equal(row.money, "98765.43");
    assert.equal(row.day, "2024-02-29");
    assert.ok(row.stamp instanceof Date);
    assert.equal(row.stamp.getTime(), when.getTime());
    assert.ok(row.stampTz instanceof Date);
    assert.equal(row.stampTz.getTime(), when.getTime());
    assert.deepEqual(row.settings, sample.settings);
    assert.equal(row.ref, sample.ref);
    assert.equal(row.size, "medium");
    assert.ok(row.bytes instanceof Uint8Array);
    assert.deepEqual([...row.bytes!], [...sample.bytes]);
  });

  test("null round-trips in every nullable column, and false and small bigints keep their types", async () => {
    await ctx.engine.execute(insert(values).values({ id: 2 }));
    await ctx.engine.execute(insert(values).values({ id: 3, flag: false, big: -5n, int: 0, real: 0, money: "0.00", txt: "" }));
    const [empty, falsy] = (await ctx.engine.execute(select(values).orderBy(values.c.id))).rows;
    for (const [key, value] of Object.entries(empty!)) if (key !== "id") assert.equal(value, null, key);
    assert.equal(falsy!.flag, false);
    assert.equal(falsy!.big, -5n);
    assert.equal(falsy!.int, 0);
    assert.equal(falsy!.real, 0);
    // SQLite stores NUMERIC as a number; it is read back written with the column's scale, as elsewhere.
    assert.equal(falsy!.money, "0.00");
    assert.equal(falsy!.txt, "");
  });

  test("a datetime without time zone stores the UTC wall-clock time", async () => {
    await ctx.engine.execute(insert(values).values({ id: 4, stamp: when }));
    const text = await ctx.engine.withConnection((conn) => conn.scalar(select(cast(values.c.stamp, types.text()).label("t")).where(values.c.id.eq(4))));
    assert.match(String(text), /^2024-02-29[ T]23:59:58\.123/);
  });

  test("rows come back converted in each shape: objects, arrays, and first-column values", async () => {
    await ctx.engine.execute(insert(values).values([{ id: 7, stamp: when, big: sample.big }, { id: 8, stamp: new Date(0), big: 1n }]));
    const query = select(values.c.stamp, values.c.big, values.c.id).where(values.c.id.in([7, 8])).orderBy(values.c.id);
    const read = (rowShape: "objects" | "arrays" | "values") =>
      ctx.engine.withConnection(async (conn) => (await conn.executeCompiled<unknown>(conn.compile(query), { rowShape })).rows);
    const objects = (await read("objects")) as { stamp: Date; big: bigint }[];
    const arrays = (await read("arrays")) as [Date, bigint, number][];
    const firstValues = (await read("values")) as Date[];
    assert.deepEqual(objects.map((r) => [r.stamp.getTime(), r.big]), [[when.getTime(), sample.big], [0, 1n]]);
    assert.deepEqual(arrays.map(([stamp, big, id]) => [stamp.getTime(), big, id]), [[when.getTime(), sample.big, 7], [0, 1n, 8]]);
    assert.ok(firstValues.every((v) => v instanceof Date));
    assert.deepEqual(firstValues.map((v) => v.getTime()), [when.getTime(), 0]);
    // The statement is cached with its mode: the next call in another shape gets that shape.
    assert.ok(Array.isArray((await read("arrays"))[0]));
  });

  test("typed values work as bound filters: bigint, boolean, date, datetime, uuid, enum, numeric", async () => {
    await ctx.engine.execute(insert(values).values([{ id: 5, ...sample }, { id: 6, flag: false, big: 1n, day: "2024-03-01", stamp: new Date(0), size: "large", money: "1.00" }]));
    const ids = async (condition: Parameters<ReturnType<typeof select>["where"]>[0]) =>
      (await ctx.engine.execute(select(values.c.id).where(condition).orderBy(values.c.id))).rows.map((r) => r.id);
    assert.deepEqual(await ids(values.c.big.eq(9223372036854775807n)), [5]);
    assert.deepEqual(await ids(values.c.big.lt(2n)), [6]);
    assert.deepEqual(await ids(values.c.flag.eq(false)), [6]);
    assert.deepEqual(await ids(values.c.flag.eq(true)), [5]);
    assert.deepEqual(await ids(values.c.day.gt("2024-02-29")), [6]);
    assert.deepEqual(await ids(values.c.stamp.eq(when)), [5]);
    assert.deepEqual(await ids(values.c.stamp.lt(new Date(1000))), [6]);
    assert.deepEqual(await ids(values.c.ref.eq(sample.ref)), [5]);
    assert.deepEqual(await ids(values.c.size.in(["large", "small"])), [6]);
    assert.deepEqual(await ids(values.c.money.gt("100")), [5]);
  });
});
