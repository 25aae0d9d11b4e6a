/**
 * A column type change over values the new type cannot hold fails and keeps them, on every
 * database. PostgreSQL's `USING "c"::VARCHAR(2)` cut 12345 to '12' without a word (an explicit
 * cast truncates; the cast is now to TEXT, and the assignment to VARCHAR(2) refuses), and a
 * SQLite rebuild kept 'abc' under INTEGER and 12345 under VARCHAR(2) while the migration
 * succeeded (the rebuild now checks the copied values: `ValueDoesNotFitError`).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TypeModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, str, tableModel, text } from "./model-builders.js";

const cases: { name: string; from: TypeModel; to: TypeModel; value: string; stored: unknown }[] = [
  { name: "integer → string(2) with 12345", from: int, to: str(2), value: "12345", stored: 12345 },
  { name: "text → integer with 'abc'", from: text, to: int, value: "'abc'", stored: "abc" },
  { name: "string(10) → string(3) with 'abcdef'", from: str(10), to: str(3), value: "'abcdef'", stored: "abcdef" },
  { name: "bigint → integer with 9000000000", from: { kind: "bigint" }, to: int, value: "9000000000", stored: 9000000000 },
  { name: "string(40) → uuid with 'not-a-uuid'", from: str(40), to: { kind: "uuid" }, value: "'not-a-uuid'", stored: "not-a-uuid" },
  { name: "numeric(12, 2) → numeric(4, 2) with 123.45", from: { kind: "numeric", precision: 12, scale: 2 }, to: { kind: "numeric", precision: 4, scale: 2 }, value: "123.45", stored: 123.45 },
];

forEachDatabase("a type change over values it cannot hold fails, values kept", (ctx) => {
  for (const c of cases) {
    test(c.name, async () => {
      await ctx.engine.withConnection(async (conn) => {
        await conn.run("DROP TABLE IF EXISTS tcv_items");
        const create: Operation[] = [{ op: "createTable", table: tableModel("tcv_items", [col("v", c.from)]) }];
        try {
          await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
          await conn.run(`INSERT INTO tcv_items (id, v) VALUES (1, ${c.value})`);
          const alter: Operation[] = [{ op: "alterColumn", table: { name: "tcv_items" }, column: "v", from: { type: c.from, nullable: true, serverDefault: null }, to: { type: c.to } }];
          await assert.rejects(runSteps(conn, planSteps(alter, { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create) })));
          const [row] = (await conn.run("SELECT v FROM tcv_items")).rows as { v: unknown }[];
          assert.equal(typeof row!.v === "string" && typeof c.stored === "number" ? Number(row!.v) : row!.v, c.stored);
        } finally {
          await conn.run("DROP TABLE IF EXISTS tcv_items");
        }
      });
    });
  }
});
