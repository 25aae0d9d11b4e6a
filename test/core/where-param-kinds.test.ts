/**
 * A value compared with a column of another kind (a number with a text column, a string with a
 * number or a boolean column: past TypeScript's types, from untyped input) must not match rows it
 * does not name. MySQL/MariaDB compared both sides as numbers: `code = 0` matched 'abc', `n = '5x'`
 * matched 5, `flag = 'yes'` matched false. Now a number is compared with text as text, and a
 * string that is no number or boolean is refused there (DataError); PostgreSQL and SQLite compare
 * or refuse by themselves.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, boolean, integer, select, string, table, type Expression } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const items = table("core_wpk_items", metadata, {
  id: integer().primaryKey(),
  code: string(10).notNull(),
  n: integer().notNull(),
  flag: boolean().notNull(),
});

forEachDatabase("a WHERE parameter of another kind than its column", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [[items, [{ id: 1, code: "abc", n: 5, flag: true }, { id: 2, code: "0", n: 0, flag: false }, { id: 3, code: "5x", n: 1, flag: true }]]],
  });
  /** The rows matched, or undefined when the database (or athanor) refused the comparison. */
  const ids = async (where: Expression<boolean>) =>
    ctx.engine.execute(select(items.c.id).where(where).orderBy(items.c.id)).then(
      (r) => r.rows.map((row) => row.id),
      () => undefined,
    );

  test("a number against a text column matches the text that reads as it, if any: never 'abc' for 0", async () => {
    for (const where of [items.c.code.eq(0 as never), items.c.code.in([0 as never])]) {
      const found = await ids(where);
      assert.ok(found === undefined || found.every((id) => id === 2), `matched ${String(found)}`);
    }
    assert.deepEqual((await ids(items.c.code.eq(5 as never))) ?? [], []);
  });

  test("a string that is no number or boolean matches no row of a number or boolean column", async () => {
    for (const where of [items.c.n.eq("5x" as never), items.c.n.eq("" as never)]) assert.deepEqual((await ids(where)) ?? [], []);
    const yes = await ids(items.c.flag.eq("yes" as never));
    assert.ok(yes === undefined || !yes.includes(2), `'yes' matched the false row: ${String(yes)}`);
  });
});
