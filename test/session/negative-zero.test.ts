/**
 * -0 in a `float()` column. PostgreSQL's float8 holds it, but node-postgres sends a number as its
 * `toString()` ("0"), so -0 was written as 0; and assigning -0 to an attribute holding 0 (or the
 * reverse) was no change (`0 === -0`), so no flush wrote it. SQLite (which stores an integral REAL
 * as an integer) and MariaDB (whose server makes -0 into 0) cannot hold it: it comes back 0 there,
 * as the README's "Dialect differences to know" says.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, float, insert, integer, model, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class NegZeroBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    NzReading: NzReading;
  }
}

@model("nz_readings")
class NzReading extends NegZeroBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(float()) accessor value!: number | null;
}

forEachDatabaseWithSchema("-0 in float columns", NegZeroBase.metadata, (ctx) => {
  /** What the database holds: -0 where it can (PostgreSQL), else 0. */
  const expected = () => (ctx.db.name === "postgresql" ? -0 : 0);
  const stored = async (id: number): Promise<unknown> => {
    const { rows } = await ctx.engine.execute(sql<{ value: number }>`SELECT value FROM nz_readings WHERE id = ${id}`);
    return rows[0]!.value;
  };

  test("a Core INSERT of -0 keeps it where the database can", async () => {
    await ctx.engine.execute(sql`DELETE FROM nz_readings`);
    await ctx.engine.execute(insert(NegZeroBase.metadata.table("nz_readings")!).values({ id: 1, value: -0 }));
    assert.ok(Object.is(await stored(1), expected()), `read ${String(await stored(1))}, 1/x = ${1 / Number(await stored(1))}`);
  });

  test("the ORM: -0 inserted, then 0 and -0 assigned over each other, each written", async () => {
    await ctx.engine.execute(sql`DELETE FROM nz_readings`);
    const session = ctx.session();
    session.add(Object.assign(new NzReading(), { id: 1, value: -0 }));
    await session.commit();
    assert.ok(Object.is(await stored(1), expected()), "inserted");
    const reading = (await session.get(NzReading, 1))!;
    assert.ok(Object.is(reading.value, expected()), "loaded");
    reading.value = 0;
    await session.commit();
    assert.ok(Object.is(await stored(1), 0), "0 over -0");
    const again = (await session.get(NzReading, 1))!;
    again.value = -0;
    await session.commit();
    assert.ok(Object.is(await stored(1), expected()), "-0 over 0");
    await session.close();
  });
});
