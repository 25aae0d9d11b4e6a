/**
 * Objects on *other* tables that use a column a migration drops or renames. A trigger on a child
 * table whose body writes the parent's column (`UPDATE dep_parent SET total = total + NEW.x`):
 * PostgreSQL and MariaDB dropped or renamed the column without a word, and every later INSERT on
 * the child failed. A view that selects the column through a table alias (`FROM dep_parent p`,
 * any join): MariaDB dropped or renamed it and left the view broken; PostgreSQL refused with a
 * message that did not name the view. Each is refused now, naming the trigger or view, nothing
 * of the migration applied (but MariaDB's steps before, which commit on their own); SQLite refuses
 * the drop itself and rewrites both on a rename. The same for the parent *table* dropped (SQLite
 * too dropped it and left the trigger and the view broken) or renamed (PostgreSQL and MariaDB left
 * the trigger naming the old table). Either way the trigger and the view still work.
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

const parent = tableModel("dep_parent", [col("total", int), col("other", int)]);
const child = tableModel("dep_child", [col("pid", int), col("x", int)]);
const create: Operation[] = [
  { op: "createTable", table: parent },
  { op: "createTable", table: child },
];
const schema: SchemaModel = applyAllToModel(emptySchema, create);
const column = (name: string) => parent.columns.find((c) => c.name === name)!;
const drop = (name: string): Operation => ({ op: "dropColumn", table: { name: "dep_parent" }, column: column(name) });
const rename: Operation = { op: "renameColumn", table: { name: "dep_parent" }, from: "total", to: "total2" };
const addFirst: Operation = { op: "addColumn", table: { name: "dep_parent" }, column: col("added", int) };

/** A trigger on dep_child that adds each new row's x to its parent's total, in each database's own form. */
function triggerSql(dialect: string): string[] {
  if (dialect === "postgresql")
    return [
      "CREATE OR REPLACE FUNCTION dep_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE dep_parent SET total = total + NEW.x WHERE id = NEW.pid; RETURN NEW; END $$",
      "CREATE TRIGGER dep_add AFTER INSERT ON dep_child FOR EACH ROW EXECUTE FUNCTION dep_fn()",
    ];
  if (dialect === "mysql") return ["CREATE TRIGGER dep_add AFTER INSERT ON dep_child FOR EACH ROW UPDATE dep_parent SET total = total + NEW.x WHERE id = NEW.pid"];
  return ["CREATE TRIGGER dep_add AFTER INSERT ON dep_child BEGIN UPDATE dep_parent SET total = total + new.x WHERE id = new.pid; END"];
}

forEachDatabase("a trigger or view on another table using what a migration drops or renames", (ctx) => {
  const run = (conn: Connection, ops: Operation[]) => runSteps(conn, planSteps(ops, { dialect: conn.dialect, schema }));
  const tearDown = async (conn: Connection) => {
    await conn.run("DROP VIEW IF EXISTS dep_view");
    await conn.run("DROP TABLE IF EXISTS dep_child");
    await conn.run("DROP TABLE IF EXISTS dep_parent");
    await conn.run("DROP TABLE IF EXISTS dep_parent2");
    if (ctx.db.name === "postgresql") await conn.run("DROP FUNCTION IF EXISTS dep_fn()");
  };
  const setUp = async (conn: Connection, dependent: "trigger" | "view") => {
    await tearDown(conn);
    await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
    await conn.run("INSERT INTO dep_parent (id, total, other) VALUES (1, 100, 7)");
    if (dependent === "trigger") for (const sql of triggerSql(ctx.db.name)) await conn.run(sql);
    else await conn.run("CREATE VIEW dep_view AS SELECT c.id, p.total FROM dep_child c JOIN dep_parent p ON p.id = c.pid");
  };
  const columns = async (conn: Connection) => (await conn.dialect.reflect({ execute: (sql, params) => conn.run(sql, params), release: () => undefined }, {})).tables.find((t) => t.name === "dep_parent")!.columns.map((c) => c.name);
  /** The migration failed, naming `name`; nothing of it applied (MariaDB: the step before it, committed on its own, stays). */
  const refused = async (conn: Connection, ops: Operation[], name: string) => {
    await assert.rejects(run(conn, ops), (e: Error) => (assert.match(e.message, new RegExp(name)), true));
    assert.deepEqual(await columns(conn), ctx.db.name === "mysql" && ops[0] === addFirst ? ["id", "total", "other", "added"] : ["id", "total", "other"]);
  };
  const fires = async (conn: Connection, total = "total") => {
    await conn.run("INSERT INTO dep_child (id, pid, x) VALUES (1, 1, 5)");
    return Number(Object.values((await conn.run(`SELECT ${total} FROM dep_parent`)).rows[0]!)[0]);
  };

  test("dropping the parent's column a child's trigger writes is refused, naming the trigger; the trigger still fires", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await setUp(conn, "trigger");
        await refused(conn, [addFirst, drop("total")], "dep_add");
        assert.equal(await fires(conn), 105);
      } finally {
        await tearDown(conn);
      }
    });
  });

  test("renaming it is refused (SQLite rewrites the trigger); the trigger still fires", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await setUp(conn, "trigger");
        if (ctx.db.name === "sqlite") {
          await run(conn, [rename]);
          assert.equal(await fires(conn, "total2"), 105);
          return;
        }
        await refused(conn, [rename], "triggers: dep_add on dep_child");
        assert.equal(await fires(conn), 105);
      } finally {
        await tearDown(conn);
      }
    });
  });

  test("a column the trigger does not name drops", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await setUp(conn, "trigger");
        await run(conn, [drop("other")]);
        assert.equal(await fires(conn), 105);
      } finally {
        await tearDown(conn);
      }
    });
  });

  test("dropping a column a view selects through a table alias is refused, naming the view; the view still reads", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await setUp(conn, "view");
        await refused(conn, [addFirst, drop("total")], "dep_view");
        await conn.run("INSERT INTO dep_child (id, pid, x) VALUES (1, 1, 5)");
        assert.deepEqual((await conn.run("SELECT id, total FROM dep_view")).rows, [{ id: 1, total: 100 }]);
        await run(conn, [drop("other")]);
        assert.deepEqual((await conn.run("SELECT id, total FROM dep_view")).rows, [{ id: 1, total: 100 }]);
      } finally {
        await tearDown(conn);
      }
    });
  });

  test("renaming it leaves the view reading (carried along, or refused naming the view)", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await setUp(conn, "view");
        const renamed = await run(conn, [rename]).then(
          () => true,
          (e: Error) => (assert.match(e.message, /which a view uses.*views: .*dep_view/s), false),
        );
        assert.equal(renamed, ctx.db.name !== "mysql");
        assert.equal((await conn.run("SELECT * FROM dep_view")).rows.length, 0);
      } finally {
        await tearDown(conn);
      }
    });
  });

  const dropParent: Operation = { op: "dropTable", table: parent };
  const renameParent: Operation = { op: "renameTable", from: "dep_parent", to: "dep_parent2" };

  test("dropping the parent table a child's trigger writes is refused, naming the trigger; the trigger still fires", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await setUp(conn, "trigger");
        await refused(conn, [addFirst, dropParent], ctx.db.name === "sqlite" ? "trigger dep_add on dep_child no longer works once dep_parent is dropped" : "triggers: dep_add on dep_child");
        assert.equal(await fires(conn), 105);
      } finally {
        await tearDown(conn);
      }
    });
  });

  test("renaming it is refused (SQLite rewrites the trigger); the trigger still fires", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await setUp(conn, "trigger");
        if (ctx.db.name === "sqlite") {
          await run(conn, [renameParent]);
          await conn.run("INSERT INTO dep_child (id, pid, x) VALUES (1, 1, 5)");
          assert.deepEqual((await conn.run("SELECT total FROM dep_parent2")).rows, [{ total: 105 }]);
          await conn.run("DROP TABLE dep_parent2");
          return;
        }
        await refused(conn, [renameParent], "table dep_parent, which a trigger's body names.*triggers: dep_add on dep_child");
        assert.equal(await fires(conn), 105);
      } finally {
        await tearDown(conn);
      }
    });
  });

  test("dropping the parent table a view selects is refused, naming the view; the view still reads", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await setUp(conn, "view");
        await refused(conn, [addFirst, dropParent], "dep_view");
        assert.deepEqual((await conn.run("SELECT id, total FROM dep_view")).rows, []);
      } finally {
        await tearDown(conn);
      }
    });
  });
});
