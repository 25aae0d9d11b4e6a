/**
 * A value given to INSERT, UPDATE or an upsert's SET is checked against its column's type while
 * the statement is built, as a flush checks its objects: a value the database would store as
 * another (1.5 in an INT is 2 on MariaDB, "1.005" in NUMERIC(6, 2) is 1.01 on PostgreSQL and
 * MariaDB and 1.00 on SQLite, a lone surrogate is U+FFFD everywhere, a too long string is kept
 * whole by SQLite) raises InvalidColumnValueError naming the statement and the column, and nothing
 * is sent. Values that fit are written as given.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, InvalidColumnValueError, MetaData, insert, integer, numeric, select, string, table, update, type Decimal } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const items = table("core_wv_items", metadata, {
  id: integer().primaryKey(),
  qty: integer(),
  price: numeric(6, 2),
  label: string(10),
});

/** A client default that gives what its column would change: 1.5 for an INT (MariaDB stored 2). */
let nextHalf = 0.5;
const defaults = table("core_wv_defaults", metadata, {
  id: integer().primaryKey(),
  rank: integer().default(() => (nextHalf += 1)),
});

type Row = { qty?: number | null; price?: Decimal | null; label?: string | null };

/** [column, a value the database would change or refuse, a value that fits, how that reads back]. */
const cases: readonly [keyof Row, unknown, unknown, unknown][] = [
  ["qty", 1.5, 2, 2],
  ["price", "1.005", "1.01", "1.01"],
  ["price", 0.1 + 0.2, "0.30", "0.30"],
  ["label", "a\ud800b", "a😀b", "a😀b"],
  ["label", "eleven char", "ten chars!", "ten chars!"],
];

const shown = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));

forEachDatabase("values written by INSERT, UPDATE and upserts", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const rows = async () => (await ctx.engine.execute(select(items).orderBy(items.c.id))).rows;

  for (const [key, bad, good, read] of cases) {
    test(`${key} = ${shown(bad)}: insert, a multi-row insert, update and an upsert's set refuse it before sending; ${shown(good)} is written`, async () => {
      const refused = (e: unknown) => e instanceof InvalidColumnValueError && e.column === key && e.value === bad && e.message.includes(key);
      assert.throws(() => insert(items).values({ id: 1, [key]: bad } as Row & { id: number }), refused);
      assert.throws(() => insert(items).values([{ id: 1 }, { id: 2, [key]: bad } as Row & { id: number }]), (e: unknown) => refused(e) && /row 1/.test((e as Error).message));
      assert.throws(() => update(items).set({ [key]: bad } as Row), refused);
      const upsert = insert(items).values({ id: 1 });
      assert.throws(() => upsert.onConflictDoUpdate({ target: [items.c.id], set: { [key]: bad } as Row }), refused);
      assert.throws(() => upsert.onDuplicateKeyUpdate({ set: { [key]: bad } as Row }), refused);
      assert.deepEqual(await rows(), []);

      await ctx.engine.execute(insert(items).values({ id: 1, [key]: good } as Row & { id: number }));
      await ctx.engine.execute(insert(items).values({ id: 2 }));
      await ctx.engine.execute(update(items).set({ [key]: good } as Row).where(items.c.id.eq(2)));
      assert.deepEqual((await rows()).map((r) => r[key]), [read, read]);
    });
  }

  test("a client default's value is checked too: InvalidColumnValueError naming the column, nothing written", async () => {
    assert.throws(() => insert(defaults).values({ id: 1 }), (e: unknown) => e instanceof InvalidColumnValueError && /the default of core_wv_defaults\.rank gave \d+\.5 \(a number\)/.test((e as Error).message));
    assert.deepEqual((await ctx.engine.execute(select(defaults))).rows, []);
    await ctx.engine.execute(insert(defaults).values({ id: 1, rank: 7 }));
    assert.deepEqual((await ctx.engine.execute(select(defaults))).rows, [{ id: 1, rank: 7 }]);
  });
});

test("a numeric server default with more digits than the column keeps is refused when the table is declared (every INSERT would round it)", () => {
  assert.throws(
    () => table("core_wv_rounded", new MetaData(), { id: integer().primaryKey(), price: numeric(6, 2).serverDefault("1.005") }),
    (e: unknown) => e instanceof ArgumentError && /core_wv_rounded\.price: serverDefault\("1\.005"\)/.test((e as Error).message),
  );
  table("core_wv_fits", new MetaData(), { id: integer().primaryKey(), price: numeric(6, 2).serverDefault("1.50"), other: numeric(6, 2).serverDefault(0) });
});
