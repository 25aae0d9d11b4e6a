/**
 * A type change over text the new type cannot read: PostgreSQL and MariaDB refuse it ('not json'
 * under JSON, 'not a date' under DATE), but a SQLite rebuild kept the text under the new type and
 * the migration succeeded, leaving rows that fail when athanor reads them. The rebuild now checks
 * the copied values (`ValueDoesNotFitError`) and rolls back, the text kept.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TypeModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, tableModel, text } from "./model-builders.js";

const cases: { name: string; to: TypeModel; value: string }[] = [
  { name: "text → json over 'not json'", to: { kind: "json" } as TypeModel, value: "not json" },
  { name: "text → date over 'not a date'", to: { kind: "date" } as TypeModel, value: "not a date" },
  { name: "text → datetime over '2024-13-45 99:00:00'", to: { kind: "datetime" } as TypeModel, value: "2024-13-45 99:00:00" },
];

forEachDatabase("a type change over text the new type cannot read fails, the text kept", (ctx) => {
  for (const c of cases) {
    test(c.name, async () => {
      await ctx.engine.withConnection(async (conn) => {
        await conn.run("DROP TABLE IF EXISTS tcu_items");
        const create: Operation[] = [{ op: "createTable", table: tableModel("tcu_items", [col("v", text)]) }];
        try {
          await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
          await conn.run(`INSERT INTO tcu_items (id, v) VALUES (1, '${c.value}'), (2, NULL)`);
          const alter: Operation[] = [{ op: "alterColumn", table: { name: "tcu_items" }, column: "v", from: { type: text, nullable: true, serverDefault: null }, to: { type: c.to } }];
          await assert.rejects(runSteps(conn, planSteps(alter, { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create) })));
          assert.deepEqual((await conn.run("SELECT v FROM tcu_items ORDER BY id")).rows, [{ v: c.value }, { v: null }]);
        } finally {
          await conn.run("DROP TABLE IF EXISTS tcu_items");
        }
      });
    });
  }
});
