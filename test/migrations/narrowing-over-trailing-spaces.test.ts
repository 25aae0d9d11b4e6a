/**
 * A shorter VARCHAR over a value whose extra characters are spaces. PostgreSQL's assignment to
 * VARCHAR(n) cuts trailing spaces past n without a word (the SQL standard's rule), so the
 * migration succeeded with 'abc        ' stored as 'abc  ' (and an enum over 'a ' became 'a',
 * which its check then accepted); MariaDB in strict mode and a SQLite rebuild refuse the value.
 * PostgreSQL now refuses the step too, before running it, and the value stays as it was, and
 * so does MariaDB for an enum; the `migrate sql` script carries the same check.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TypeModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { offlineRefusals } from "../../src/migrations/history/offline-refusals.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, str, tableModel } from "./model-builders.js";

const enumAb: TypeModel = { kind: "enum", values: ["a", "b"] } as TypeModel;
const cases: { name: string; to: TypeModel; value: string }[] = [
  { name: "string(20) → string(5) over 'abc' and eight spaces", to: str(5), value: "abc        " },
  { name: "string(20) → enum('a', 'b') over 'a' and a space", to: enumAb, value: "a " },
];

forEachDatabase("a narrowing over trailing spaces fails, the value kept", (ctx) => {
  for (const c of cases) {
    test(c.name, async () => {
      await ctx.engine.withConnection(async (conn) => {
        await conn.run("DROP TABLE IF EXISTS nts_items");
        const create: Operation[] = [{ op: "createTable", table: tableModel("nts_items", [col("v", str(20))]) }];
        try {
          await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
          await conn.run(`INSERT INTO nts_items (id, v) VALUES (1, '${c.value}')`);
          const alter: Operation[] = [{ op: "alterColumn", table: { name: "nts_items" }, column: "v", from: { type: str(20), nullable: true, serverDefault: null }, to: { type: c.to } }];
          await assert.rejects(runSteps(conn, planSteps(alter, { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create) })), /trailing spaces|does not allow|Data truncated/);
          assert.deepEqual((await conn.run("SELECT v FROM nts_items")).rows, [{ v: c.value }]);
          // The `migrate sql` script: its check before the step stops a run by hand (psql, mariadb) there.
          const [step] = planSteps(alter, { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create) });
          const checks = offlineRefusals(conn.dialect.name, step!);
          let stopped = false;
          for (const sql of checks.filter((s) => !s.startsWith("--"))) await conn.run(sql.replace(/;$/, "")).catch(() => (stopped = true));
          // MariaDB refuses the shorter VARCHAR itself (strict mode); SQLite's script has no such checks (docs/migrations.md).
          assert.equal(stopped, conn.dialect.name === "postgresql" || (conn.dialect.name === "mysql" && c.to.kind === "enum"));
        } finally {
          await conn.run("DROP TABLE IF EXISTS nts_items");
        }
      });
    });
  }
});
