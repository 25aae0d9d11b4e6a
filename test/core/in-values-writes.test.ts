/**
 * An UPDATE or DELETE filtered by a list bound as one parameter (`inValues`, and an `in()` list
 * past the parameter limit) finds its rows through the key on MariaDB too. There the list was read
 * back with a JSON_TABLE subquery that a single-table UPDATE or DELETE ran again for every row of
 * the table: 20,000 rows updated by key took 83 s (70,000 keys through `in()`: minutes), holding
 * their locks all the while. The list is now read once, as a derived table.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, createEngine, deleteFrom, insert, integer, select, string, table, update } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const items = table("core_inw_items", metadata, {
  id: integer().primaryKey(),
  name: string(10).notNull(),
});
const ROWS = 20_000;

forEachDatabase("UPDATE and DELETE by a long list of keys", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });

  /** The statement within `ms` (the engine's statementTimeoutMs fails it past that), and its row count. */
  async function within(ms: number, statement: Parameters<typeof ctx.engine.execute>[0]): Promise<number> {
    const engine = createEngine(ctx.db.url, { statementTimeoutMs: ms });
    try {
      return (await engine.execute(statement)).rowCount;
    } finally {
      await engine.dispose();
    }
  }

  test("inValues() and a long in(): every row named is changed, each once, in seconds", async () => {
    // SQLite's in-memory database is the suite engine's own: another engine would see none of it.
    const run = ctx.db.name === "sqlite" ? async (s: Parameters<typeof ctx.engine.execute>[0]) => (await ctx.engine.execute(s)).rowCount : (s: Parameters<typeof ctx.engine.execute>[0]) => within(10_000, s);
    await ctx.engine.execute(insert(items).values(Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, name: "old" }))));
    const even = Array.from({ length: ROWS / 2 }, (_, i) => 2 * (i + 1));
    assert.equal(await run(update(items).set({ name: "even" }).where(items.c.id.inValues(even))), ROWS / 2);
    // Past the parameter limit (65,535 on PostgreSQL and MariaDB): bound as one list too.
    const many = Array.from({ length: 70_000 }, (_, i) => 3 * (i + 1));
    assert.equal(await run(update(items).set({ name: "third" }).where(items.c.id.in(many))), Math.floor(ROWS / 3));
    const names = new Map((await ctx.engine.execute(select(items.c.id, items.c.name).from(items))).rows.map((r) => [r.id, r.name]));
    for (const [id, name] of names) assert.equal(name, id % 3 === 0 ? "third" : id % 2 === 0 ? "even" : "old", `row ${id}`);
    assert.equal(await run(deleteFrom(items).where(items.c.id.in(many))), Math.floor(ROWS / 3));
    assert.equal(await run(deleteFrom(items).where(items.c.id.inValues(even))), ROWS / 2 - Math.floor(ROWS / 6));
    const left = (await ctx.engine.execute(select(items.c.id).from(items))).rows.map((r) => r.id);
    assert.equal(left.length, ROWS - Math.floor(ROWS / 3) - (ROWS / 2 - Math.floor(ROWS / 6)));
    assert.ok(left.every((id) => id % 2 === 1 && id % 3 !== 0));
  });
});
