/**
 * A view on a column or table that a migration drops or renames. PostgreSQL refuses the drop and
 * carries the view through a rename. MariaDB did both and left the view broken (every query on it
 * failing) while the migration succeeded; a SQLite table rebuild that drops the column recreated
 * the view without checking it, broken too. Both are refused now, the view left working.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import type { Connection } from "../../src/engine/connection.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, tableModel } from "./model-builders.js";

// The index on `a` makes SQLite rebuild the table to drop it (DROP COLUMN refuses an indexed column).
const table = tableModel("vw_t", [col("a", int), col("b", int), col("c", int)], { indexes: [{ name: "ix_vw_t_a", columns: ["a"], unique: false }] });
const create: Operation[] = [{ op: "createTable", table }];
const schema: SchemaModel = applyAllToModel(emptySchema, create);
const column = (name: string) => table.columns.find((c) => c.name === name)!;

forEachDatabase("a view on what a migration drops or renames", (ctx) => {
  const run = (conn: Connection, ops: Operation[]) => runSteps(conn, planSteps(ops, { dialect: conn.dialect, schema }));
  const setUp = async (conn: Connection) => {
    await conn.run("DROP VIEW IF EXISTS vw_v");
    await conn.run("DROP TABLE IF EXISTS vw_t");
    await conn.run("DROP TABLE IF EXISTS vw_t2");
    await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
    await conn.run("INSERT INTO vw_t (id, a, b, c) VALUES (1, 10, 20, 30)");
    await conn.run("CREATE VIEW vw_v AS SELECT id, a, b FROM vw_t");
  };
  const tearDown = async (conn: Connection) => {
    await conn.run("DROP VIEW IF EXISTS vw_v");
    await conn.run("DROP TABLE IF EXISTS vw_t");
  };
  const viewRows = async (conn: Connection) => (await conn.run("SELECT id, a, b FROM vw_v")).rows;

  test("dropping a column the view uses fails and the view keeps working; a column it does not use drops", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await setUp(conn);
      try {
        await assert.rejects(run(conn, [{ op: "dropColumn", table: { name: "vw_t" }, column: column("a") }]));
        assert.deepEqual(await viewRows(conn), [{ id: 1, a: 10, b: 20 }]);
        await run(conn, [{ op: "dropColumn", table: { name: "vw_t" }, column: column("c") }]);
        assert.deepEqual(await viewRows(conn), [{ id: 1, a: 10, b: 20 }]);
      } finally {
        await tearDown(conn);
      }
    });
  });

  for (const [what, op] of [
    ["a column", { op: "renameColumn", table: { name: "vw_t" }, from: "b", to: "b2" }],
    ["the table", { op: "renameTable", from: "vw_t", to: "vw_t2" }],
  ] as [string, Operation][]) {
    test(`renaming ${what} the view uses leaves the view working (carried along, or refused)`, async () => {
      await ctx.engine.withConnection(async (conn) => {
        await setUp(conn);
        try {
          await run(conn, [op]).catch((error: Error) => assert.match(error.message, /which a view uses/));
          assert.equal((await conn.run("SELECT * FROM vw_v")).rows.length, 1);
        } finally {
          await conn.run("DROP VIEW IF EXISTS vw_v");
          await conn.run("DROP TABLE IF EXISTS vw_t2");
          await tearDown(conn);
        }
      });
    });
  }
});
