/**
 * `datetime({ precision })`: the digits of a second's fraction a column keeps. Unset, 3: the
 * milliseconds a Date holds (TIMESTAMP(3), DATETIME(3)). Fewer: a Date with milliseconds the
 * column would round (PostgreSQL rounds 10:00:00.500 to 10:00:01) is refused before anything is
 * sent, as any value its column would change. More: the column keeps what other programs write.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, InvalidColumnValueError, MetaData, datetime, insert, integer, select, table } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const stamps = table("core_dp_stamps", metadata, {
  id: integer().primaryKey(),
  whole: datetime({ precision: 0 }),
  tenths: datetime({ precision: 1 }),
  at: datetime(),
});

test("a precision outside 0-6 is refused where the column is declared", () => {
  for (const precision of [7, -1, 1.5]) assert.throws(() => datetime({ precision }), ArgumentError);
});

forEachDatabase("datetime precision", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });

  test("a Date the column would round is refused before sending; one it keeps is written and read back as given", async () => {
    const half = new Date(Date.UTC(2026, 0, 1, 10, 0, 0, 500));
    const odd = new Date(Date.UTC(2026, 0, 1, 10, 0, 0, 123));
    assert.throws(() => insert(stamps).values({ id: 1, whole: half }), (e: unknown) => e instanceof InvalidColumnValueError && e.column === "whole" && /whole seconds/.test(e.message));
    assert.throws(() => insert(stamps).values({ id: 1, tenths: odd }), (e: unknown) => e instanceof InvalidColumnValueError && /multiples of 100 ms/.test(e.message));
    const second = new Date(Date.UTC(2026, 0, 1, 10, 0, 1));
    const tenth = new Date(Date.UTC(2026, 0, 1, 10, 0, 0, 900));
    await ctx.engine.execute(insert(stamps).values({ id: 1, whole: second, tenths: tenth, at: odd }));
    const [row] = (await ctx.engine.execute(select(stamps))).rows;
    assert.deepEqual([row!.whole, row!.tenths, row!.at].map((d) => d?.toISOString()), [second, tenth, odd].map((d) => d.toISOString()));
  });
});
