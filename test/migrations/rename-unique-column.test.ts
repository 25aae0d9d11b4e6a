/**
 * A column of an unnamed UNIQUE constraint renamed by a migration. PostgreSQL named the constraint
 * after its columns (`ru_keys_a_key`) and MariaDB the key after its first column (`a`), and both
 * kept that name when the column was renamed: the table then compared unequal to the history's
 * model (a phantom diff: drop the unique, add it again), and a later drop of the unique looked for
 * the name the model gives it (`ru_keys_c_key`, `c`) and failed on the database. The key is now
 * renamed along with the column.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, tableModel } from "./model-builders.js";

const keys = tableModel("ru_keys", [col("a", int), col("b", int)], { uniques: [{ columns: ["a"] }, { columns: ["b", "a"] }] });

forEachDatabase("renaming a column of unnamed unique constraints", (ctx) => {
  const run = (ops: Operation[], schema: SchemaModel) => ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema })));
  // The table alone, its uniques in one order (reflection lists them by name).
  const only = (s: SchemaModel) =>
    JSON.parse(JSON.stringify({ ...s, tables: s.tables.filter((t) => t.name === "ru_keys").map((t) => ({ ...t, uniques: [...t.uniques].sort((x, y) => x.columns.join().localeCompare(y.columns.join())) })) })) as SchemaModel;
  const reflected = async () => canonicalSchema(only(await ctx.engine.inspect().reflect()), ctx.db.name);
  afterEach(() => ctx.engine.withConnection((conn) => conn.run("DROP TABLE IF EXISTS ru_keys")));

  test("the keys are renamed along: the table compares equal to the history's model, and both uniques drop by the model's names afterwards", async () => {
    await ctx.engine.withConnection((conn) => conn.run("DROP TABLE IF EXISTS ru_keys"));
    const create: Operation[] = [{ op: "createTable", table: keys }];
    await run(create, emptySchema);
    const created = applyAllToModel(emptySchema, create);
    const rename: Operation[] = [{ op: "renameColumn", table: { name: "ru_keys" }, from: "a", to: "c" }];
    await run(rename, created);
    const renamed = applyAllToModel(created, rename);
    assert.deepEqual(await reflected(), canonicalSchema(only(renamed), ctx.db.name));
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("INSERT INTO ru_keys (id, c, b) VALUES (1, 1, 1)");
      await assert.rejects(conn.run("INSERT INTO ru_keys (id, c, b) VALUES (2, 1, 2)"), "the unique on c holds");
    });
    if (ctx.db.name === "sqlite") return; // SQLite drops a unique by rebuilding the table: no name to find
    const drops: Operation[] = [
      { op: "dropUnique", table: { name: "ru_keys" }, unique: { columns: ["c"] } },
      { op: "dropUnique", table: { name: "ru_keys" }, unique: { columns: ["b", "c"] } },
    ];
    await run(drops, renamed);
    assert.deepEqual(await reflected(), canonicalSchema(only(applyAllToModel(renamed, drops)), ctx.db.name));
    await ctx.engine.withConnection((conn) => conn.run("INSERT INTO ru_keys (id, c, b) VALUES (2, 1, 1)"));
  });
});
