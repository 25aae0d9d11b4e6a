/**
 * A SQLite table rebuild drops the table's triggers (and those of other tables that mention it) and
 * recreates them from their SQL. SQLite creates a trigger without resolving the names it uses, so a
 * trigger on a column the rebuild dropped came back broken: the migration succeeded, and every
 * later INSERT (UPDATE, DELETE) that fired it failed. Such a rebuild is refused now and rolled
 * back; a trigger that does not use what the rebuild drops is recreated and still fires.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import type { Connection } from "../../src/engine/connection.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { triggerEvent } from "../../src/migrations/apply/sqlite-trigger-probe.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, tableModel } from "./model-builders.js";

// The index on `a` makes SQLite rebuild the table to drop it (DROP COLUMN refuses an indexed column).
const table = tableModel("tg_t", [col("a", int), col("b", int)], { indexes: [{ name: "ix_tg_t_a", columns: ["a"], unique: false }] });
const create: Operation[] = [{ op: "createTable", table }];
const schema: SchemaModel = applyAllToModel(emptySchema, create);
const dropA: Operation = { op: "dropColumn", table: { name: "tg_t" }, column: table.columns.find((c) => c.name === "a")! };

forEachDatabase(
  "a SQLite rebuild and the triggers it recreates",
  (ctx) => {
    const setUp = async (conn: Connection, trigger: string) => {
      for (const sql of ["DROP TABLE IF EXISTS tg_t", "DROP TABLE IF EXISTS tg_log", "DROP TABLE IF EXISTS tg_other"]) await conn.run(sql);
      await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
      await conn.run("CREATE TABLE tg_log (x INTEGER)");
      await conn.run("CREATE TABLE tg_other (id INTEGER PRIMARY KEY)");
      await conn.run("INSERT INTO tg_t (id, a, b) VALUES (1, 10, 20)");
      await conn.run(trigger);
    };
    const logged = async (conn: Connection) => (await conn.run("SELECT x FROM tg_log ORDER BY x")).rows.map((r) => (r as { x: number }).x);
    const dropIt = (conn: Connection) => runSteps(conn, planSteps([dropA], { dialect: conn.dialect, schema }));

    for (const [what, trigger, fire] of [
      ["an INSERT trigger on the table", "CREATE TRIGGER tg_ins AFTER INSERT ON tg_t BEGIN INSERT INTO tg_log VALUES (new.a); END", "INSERT INTO tg_t (id, a, b) VALUES (2, 11, 21)"],
      ["a DELETE trigger's WHEN clause", "CREATE TRIGGER tg_del BEFORE DELETE ON tg_t WHEN old.a > 0 BEGIN INSERT INTO tg_log VALUES (old.b); END", "DELETE FROM tg_t WHERE id = 1"],
      ["an UPDATE OF trigger's column list", 'CREATE TRIGGER "tg upd" AFTER UPDATE OF b, "a" ON tg_t BEGIN INSERT INTO tg_log VALUES (new.b); END', "UPDATE tg_t SET b = 22 WHERE id = 1"],
      ["another table's trigger that writes it", "CREATE TRIGGER tg_o AFTER INSERT ON tg_other BEGIN INSERT INTO tg_t (id, a, b) VALUES (new.id + 100, 1, 2); END", "INSERT INTO tg_other (id) VALUES (5)"],
    ] as const) {
      test(`dropping a column used by ${what} is refused, rolled back, and the trigger still fires`, async () => {
        await ctx.engine.withConnection(async (conn) => {
          await setUp(conn, trigger);
          await assert.rejects(dropIt(conn), (e: Error) => /no longer works once tg_t is rebuilt/.test(e.message) && /Drop the trigger in the migration/.test(e.message));
          assert.deepEqual((await conn.run("SELECT id, a, b FROM tg_t WHERE id = 1")).rows.length, 1);
          await conn.run(fire);
          assert.equal((await logged(conn)).length + (await conn.run("SELECT id FROM tg_t WHERE id = 105")).rows.length, 1);
        });
      });
    }

    test("a trigger that does not use the dropped column is recreated and fires", async () => {
      await ctx.engine.withConnection(async (conn) => {
        await setUp(conn, "CREATE TRIGGER tg_ins AFTER INSERT ON tg_t BEGIN INSERT INTO tg_log VALUES (new.b); END");
        await dropIt(conn);
        assert.deepEqual((await conn.run("SELECT name FROM pragma_table_info('tg_t') ORDER BY cid")).rows, [{ name: "id" }, { name: "b" }]);
        await conn.run("INSERT INTO tg_t (id, b) VALUES (2, 21)");
        assert.deepEqual(await logged(conn), [21]);
      });
    });

    test("a trigger broken before the migration is not held against it", async () => {
      await ctx.engine.withConnection(async (conn) => {
        await setUp(conn, "CREATE TRIGGER tg_ins AFTER INSERT ON tg_t BEGIN INSERT INTO tg_log VALUES (new.never_there); END");
        await dropIt(conn);
        assert.deepEqual((await conn.run("SELECT name FROM pragma_table_info('tg_t') ORDER BY cid")).rows, [{ name: "id" }, { name: "b" }]);
      });
    });
  },
  ["sqlite"],
);

test("a trigger's event is read past comments, strings and quoted names", () => {
  assert.deepEqual(triggerEvent(`CREATE TRIGGER "update me" /* INSERT */ BEFORE UPDATE OF "a b", [c], d ON t BEGIN SELECT 'DELETE'; END`), { kind: "UPDATE", of: ["a b", "c", "d"] });
  assert.deepEqual(triggerEvent("create temp trigger if not exists x -- update\n after delete on t begin select 1; end"), { kind: "DELETE", of: [] });
  assert.deepEqual(triggerEvent("CREATE TRIGGER x INSTEAD OF INSERT ON v BEGIN SELECT 1; END"), { kind: "INSERT", of: [] });
});
