/**
 * `ExecuteOptions.mapRow`: each row mapped as it is read (SQLite's and PostgreSQL's drivers map
 * while reading, MariaDB's rows are mapped after), after the column conversions; what the mapper
 * throws comes out as thrown, and leaves the connection and its transaction usable.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DBAPIError, MetaData, integer, numeric, select, string, table } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const prices = table("core_map_rows_prices", metadata, {
  id: integer().primaryKey(),
  label: string(20).notNull(),
  amount: numeric(10, 2).notNull(),
});

forEachDatabase("mapping rows as they are read", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [[prices, [{ id: 1, label: "one", amount: "1.50" }, { id: 2, label: "two", amount: "2.25" }, { id: 3, label: "three", amount: "3.00" }]]],
  });
  const query = select(prices.c.id, prices.c.label, prices.c.amount).orderBy(prices.c.id);

  test("every row is mapped once, in order, after its column conversions", async () => {
    const conn = await ctx.engine.connect();
    try {
      const seen: unknown[][] = [];
      const result = await conn.executeCompiled(conn.compile(query), {
        rowShape: "arrays",
        mapRow: (row: unknown[]) => {
          seen.push([...row]);
          return `${row[1]}=${row[2]}`;
        },
      });
      assert.deepEqual(result.rows, ["one=1.50", "two=2.25", "three=3.00"]);
      // The numeric column arrives as its type reads it (a string of the exact decimal), ids as numbers.
      assert.deepEqual(seen, [[1, "one", "1.50"], [2, "two", "2.25"], [3, "three", "3.00"]]);
    } finally {
      await conn.close();
    }
  });

  test("first-column values are mapped too, after their conversion", async () => {
    const conn = await ctx.engine.connect();
    try {
      const amounts = select(prices.c.amount).orderBy(prices.c.id);
      const result = await conn.executeCompiled(conn.compile(amounts), { rowShape: "values", mapRow: (amount: string) => `$${amount}` });
      assert.deepEqual(result.rows, ["$1.50", "$2.25", "$3.00"]);
    } finally {
      await conn.close();
    }
  });

  test("an error the mapper throws comes out as thrown; the transaction goes on", async () => {
    const conn = await ctx.engine.connect();
    const tx = await conn.begin();
    try {
      const mistake = new RangeError("no row two, please");
      await assert.rejects(
        conn.executeCompiled(conn.compile(query), {
          rowShape: "arrays",
          mapRow: (row: unknown[]) => {
            if (row[0] === 2) throw mistake;
            return row[0];
          },
        }),
        (error) => error === mistake && !(error instanceof DBAPIError),
      );
      // Not a database failure: the same transaction runs the next statement and commits.
      assert.deepEqual((await conn.execute(select(prices.c.label).where(prices.c.id.eq(3)))).rows, [{ label: "three" }]);
      await tx.commit();
    } finally {
      if (tx.isActive) await tx.rollback();
      await conn.close();
    }
  });
});
