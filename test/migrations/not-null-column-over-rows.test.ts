/**
 * Adding a NOT NULL column without a server default to a table that has rows: PostgreSQL and
 * SQLite refuse; MariaDB gave every row the type's zero value (0, '', '0000-00-00 00:00:00')
 * and the migration succeeded. It is now refused there too, before the ALTER, nothing changed;
 * on an empty table the column is added.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TypeModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, str, tableModel } from "./model-builders.js";

const types: [string, TypeModel][] = [
  ["integer", int],
  ["string(5)", str(5)],
  ["datetime", { kind: "datetime", timezone: false } as TypeModel],
];

forEachDatabase("a NOT NULL column without default added over rows", (ctx) => {
  for (const [name, type] of types) {
    test(`${name}: refused while the table has rows, nothing changed; added once it is empty`, async () => {
      await ctx.engine.withConnection(async (conn) => {
        await conn.run("DROP TABLE IF EXISTS nn_items");
        const create: Operation[] = [{ op: "createTable", table: tableModel("nn_items", [col("v", int)]) }];
        const add: Operation[] = [{ op: "addColumn", table: { name: "nn_items" }, column: col("w", type, { notNull: true }) }];
        try {
          await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
          await conn.run("INSERT INTO nn_items (id, v) VALUES (1, 7)");
          const schema = applyAllToModel(emptySchema, create);
          await assert.rejects(runSteps(conn, planSteps(add, { dialect: conn.dialect, schema })));
          assert.deepEqual((await conn.run("SELECT * FROM nn_items")).rows, [{ id: 1, v: 7 }]);
          await conn.run("DELETE FROM nn_items");
          await runSteps(conn, planSteps(add, { dialect: conn.dialect, schema }));
          await assert.rejects(conn.run("INSERT INTO nn_items (id, v) VALUES (2, 8)"));
        } finally {
          await conn.run("DROP TABLE IF EXISTS nn_items");
        }
      });
    });
  }
});
