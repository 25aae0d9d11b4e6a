/**
 * A boolean column on SQLite and MariaDB is an integer: a row may hold 2 (raw SQL, another
 * program), which reads as true, as `WHERE flag` takes it, while `flag = TRUE` compares with 1 and
 * leaves it out. A bulk UPDATE filtered by a boolean is therefore not evaluated in JavaScript
 * there (the object read as true would take a value its row did not): the changed rows are fetched.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, boolean, column, columnsOf, integer, model, select, sql, string, update } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class FlagBase extends DeclarativeBase {}

@model("be_flags")
class BeFlag extends FlagBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(boolean().notNull()) accessor active!: boolean;
  @column(string(20)) accessor label!: string | null;
}

const c = columnsOf(BeFlag);

forEachDatabaseWithSchema("bulk UPDATE filtered by a boolean", FlagBase.metadata, (ctx) => {
  test("the objects hold what their rows hold, a row holding 2 included", async () => {
    const [two, one] = ctx.db.name === "postgresql" ? ["TRUE", "TRUE"] : ["2", "1"];
    await ctx.engine.execute(sql`INSERT INTO be_flags (id, active, label) VALUES (1, ${sql.raw(two)}, 'raw'), (2, ${sql.raw(one)}, 'one')`);
    const session = ctx.session();
    const flags = await session.scalars(select(BeFlag).orderBy(c.id));
    assert.deepEqual(flags.map((f) => f.active), [true, true]);
    await session.execute(update(BeFlag).where(c.active.eq(true)).values({ label: "updated" }));
    const conn = await session.connection();
    const rows = (await conn.execute(select(c.label).orderBy(c.id))).rows.map((r) => r.label);
    assert.deepEqual(flags.map((f) => f.label), rows, "each object holds its row's label");
  });
}, { createOnce: true });
