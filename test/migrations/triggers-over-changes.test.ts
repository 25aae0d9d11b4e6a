/**
 * A trigger on a column a migration drops or renames. PostgreSQL (a trigger function's body) and
 * MariaDB kept the trigger with the old name in it while the migration succeeded, and every later
 * INSERT on the table failed; such a step is refused now, naming the trigger. SQLite refuses the
 * drop itself and rewrites the trigger on a rename. Either way the trigger still fires after.
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

const table = tableModel("tgr_t", [col("a", int), col("ab", int), col("b", int)]);
const create: Operation[] = [{ op: "createTable", table }];
const schema: SchemaModel = applyAllToModel(emptySchema, create);
const column = (name: string) => table.columns.find((c) => c.name === name)!;

/** A trigger that logs NEW.a on every insert, in each database's own form. */
function triggerSql(dialect: string): string[] {
  if (dialect === "postgresql")
    return [
      "CREATE OR REPLACE FUNCTION tgr_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO tgr_log VALUES (NEW.a); RETURN NEW; END $$",
      "CREATE TRIGGER tgr_ins AFTER INSERT ON tgr_t FOR EACH ROW EXECUTE FUNCTION tgr_fn()",
    ];
  if (dialect === "mysql") return ["CREATE TRIGGER tgr_ins AFTER INSERT ON tgr_t FOR EACH ROW INSERT INTO tgr_log VALUES (NEW.`a`)"];
  return ["CREATE TRIGGER tgr_ins AFTER INSERT ON tgr_t BEGIN INSERT INTO tgr_log VALUES (new.a); END"];
}

forEachDatabase("a trigger on what a migration drops or renames", (ctx) => {
  const run = (conn: Connection, ops: Operation[]) => runSteps(conn, planSteps(ops, { dialect: conn.dialect, schema }));
  const setUp = async (conn: Connection) => {
    await conn.run("DROP TABLE IF EXISTS tgr_t");
    await conn.run("DROP TABLE IF EXISTS tgr_log");
    await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
    await conn.run("CREATE TABLE tgr_log (x INTEGER)");
    for (const sql of triggerSql(ctx.db.name)) await conn.run(sql);
  };
  const tearDown = async (conn: Connection) => {
    await conn.run("DROP TABLE IF EXISTS tgr_t");
    await conn.run("DROP TABLE IF EXISTS tgr_log");
    if (ctx.db.name === "postgresql") await conn.run("DROP FUNCTION IF EXISTS tgr_fn()");
  };
  const firesWith = async (conn: Connection, insert: string) => {
    await conn.run(insert);
    return (await conn.run("SELECT x FROM tgr_log")).rows.map((r) => Number((r as { x: unknown }).x));
  };

  test("dropping the column the trigger uses is refused, and the trigger still fires", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await setUp(conn);
      try {
        await assert.rejects(run(conn, [{ op: "dropColumn", table: { name: "tgr_t" }, column: column("a") }]), (e: Error) =>
          ctx.db.name === "sqlite" ? /tgr_ins/.test(e.message) : /which a trigger uses.*triggers: tgr_ins on tgr_t/s.test(e.message),
        );
        assert.deepEqual(await firesWith(conn, "INSERT INTO tgr_t (id, a, ab, b) VALUES (1, 10, 11, 12)"), [10]);
      } finally {
        await tearDown(conn);
      }
    });
  });

  test("renaming the column the trigger uses is refused (SQLite rewrites the trigger), and the trigger still fires", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await setUp(conn);
      try {
        const renamed = await run(conn, [{ op: "renameColumn", table: { name: "tgr_t" }, from: "a", to: "a2" }]).then(
          () => true,
          (e: Error) => (assert.match(e.message, /triggers: tgr_ins/), false),
        );
        assert.equal(renamed, ctx.db.name === "sqlite");
        assert.deepEqual(await firesWith(conn, `INSERT INTO tgr_t (id, ${renamed ? "a2" : "a"}, ab, b) VALUES (1, 10, 11, 12)`), [10]);
      } finally {
        await tearDown(conn);
      }
    });
  });

  test("a column whose name only begins like the one the trigger uses drops", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await setUp(conn);
      try {
        await run(conn, [{ op: "dropColumn", table: { name: "tgr_t" }, column: column("ab") }]);
        assert.deepEqual(await firesWith(conn, "INSERT INTO tgr_t (id, a, b) VALUES (1, 10, 12)"), [10]);
      } finally {
        await tearDown(conn);
      }
    });
  });
});
