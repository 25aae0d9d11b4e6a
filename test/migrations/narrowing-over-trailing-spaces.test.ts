/**
 * A shorter VARCHAR over a value whose extra characters are spaces. PostgreSQL's assignment to
 * VARCHAR(n) cuts trailing spaces past n without a word (the SQL standard's rule), so the
 * migration succeeded with 'abc        ' stored as 'abc  ' (and an enum over 'a ' became 'a',
 * which its check then accepted); MariaDB stored 'a ' as 'a' in an ENUM, and from a TEXT column
 * cut trailing spaces and tabs past a VARCHAR's length with a note only, even in strict mode
 * ('ab\t\t' became 'ab\t'). A SQLite rebuild refuses the value. PostgreSQL and MariaDB now refuse
 * the step too, before running it, the value kept; the `migrate sql` script carries the check.
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
import { col, emptySchema, str, tableModel, text } from "./model-builders.js";

const enumAb: TypeModel = { kind: "enum", values: ["a", "b"] } as TypeModel;
const cases: { name: string; from: TypeModel; to: TypeModel; value: string }[] = [
  { name: "string(20) → string(5) over 'abc' and eight spaces", from: str(20), to: str(5), value: "abc        " },
  { name: "string(20) → enum('a', 'b') over 'a' and a space", from: str(20), to: enumAb, value: "a " },
  // MariaDB: from TEXT, the cut of trailing spaces or tabs is a note, not an error, even in strict mode.
  { name: "text → string(3) over 'ab' and two tabs", from: text, to: str(3), value: "ab\t\t" },
  { name: "text → string(3) over 'abc' and three spaces", from: text, to: str(3), value: "abc   " },
];

forEachDatabase("a narrowing over trailing spaces fails, the value kept", (ctx) => {
  for (const c of cases) {
    test(c.name, async () => {
      await ctx.engine.withConnection(async (conn) => {
        await conn.run("DROP TABLE IF EXISTS nts_items");
        const create: Operation[] = [{ op: "createTable", table: tableModel("nts_items", [col("v", c.from)]) }];
        try {
          await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
          await conn.run(`INSERT INTO nts_items (id, v) VALUES (1, '${c.value}')`); // a tab is itself inside the quotes
          const alter: Operation[] = [{ op: "alterColumn", table: { name: "nts_items" }, column: "v", from: { type: c.from, nullable: true, serverDefault: null }, to: { type: c.to } }];
          await assert.rejects(runSteps(conn, planSteps(alter, { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create) })), /holds a value (longer|that)|does not allow/);
          assert.deepEqual((await conn.run("SELECT v FROM nts_items")).rows, [{ v: c.value }]);
          // The `migrate sql` script: its check before the step stops a run by hand (psql, mariadb) there.
          const [step] = planSteps(alter, { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create) });
          const checks = offlineRefusals(conn.dialect.name, step!);
          let stopped = false;
          for (const sql of checks.filter((s) => !s.startsWith("--"))) await conn.run(sql.replace(/;$/, "")).catch(() => (stopped = true));
          // SQLite's script checks the values after the rebuild instead (offline-script-sqlite-values.test.ts).
          assert.equal(stopped, conn.dialect.name !== "sqlite");
        } finally {
          await conn.run("DROP TABLE IF EXISTS nts_items");
        }
      });
    });
  }
});
