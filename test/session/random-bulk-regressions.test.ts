/**
 * Programs that test/session/random-bulk-statements.test.ts found failing, shrunk, as plain tests.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, model, sql, string } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class RgBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    RgItem: RgItem;
    RgVItem: RgVItem;
  }
}

@model("rg_items")
class RgItem extends RgBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor note!: string;
}

@model("rg_vitems", { version: "version" })
class RgVItem extends RgBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor code!: string;
  @column(integer().notNull()) accessor qty!: number;
  @column(string(20).notNull()) accessor note!: string;
  @column(integer().notNull().default(1)) accessor version!: number;
}

forEachDatabaseWithSchema(
  "bulk statements and the unit of work: shrunk programs",
  RgBase.metadata,
  (ctx) => {
    const rows = async (table: string) => (await ctx.engine.execute(sql<Record<string, unknown>>`SELECT * FROM ${sql.raw(table)}`)).rows;

    test("an expired attribute assigned the value it read before another transaction changed it is written; the assignment was lost", async () => {
      const session = ctx.session();
      const item = Object.assign(new RgItem(), { id: 1, note: "x" });
      session.add(item);
      await session.commit(); // expires the object, which keeps the value it read
      await ctx.engine.execute(sql`UPDATE rg_items SET note = 'y'`);
      item.note = "x";
      await session.commit();
      assert.deepEqual(await rows("rg_items"), [{ id: 1, note: "x" }]);
    });
  },
  { createOnce: true },
);
