/**
 * SQLite table rebuilds that keep data (issue 14, item 5): a parent table whose column type and
 * nullability change while child tables point at it with ON DELETE CASCADE and SET NULL. The
 * rebuild runs with foreign keys off (switched off outside the transaction), so the children keep
 * their rows and their foreign-key values; the parent's index, view and trigger survive. The naive
 * rebuild (the pragma inside the transaction, where SQLite ignores it) is shown to wipe them.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { createEngine, type Engine } from "../../src/index.js";
import type { Connection } from "../../src/engine/connection.js";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import { ForeignKeyCheckError } from "../../src/migrations/index.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { col, emptySchema, int, str, tableModel, text } from "./model-builders.js";

const dir = "/tmp/mrender/sqlite-rebuild";
const dialect = sqliteDialect();

const parent = tableModel("parents", [col("name", str(20)), col("rank", int)], {
  indexes: [{ name: "ix_parents_name", columns: ["name"], unique: false }],
});
const cascading = tableModel("cascade_children", [col("parent_id", int, { notNull: true })], {
  foreignKeys: [{ name: "fk_cascade_parent", columns: ["parent_id"], referredTable: "parents", referredColumns: ["id"], onDelete: "cascade" }],
});
const nulling = tableModel("setnull_children", [col("parent_id", int)], {
  foreignKeys: [{ name: "fk_setnull_parent", columns: ["parent_id"], referredTable: "parents", referredColumns: ["id"], onDelete: "set null" }],
});
const create: Operation[] = [parent, cascading, nulling].map((table) => ({ op: "createTable", table }));

/** The parent's `name` becomes TEXT NOT NULL, and `rank` gets a default: three ALTERs SQLite cannot do, one rebuild. */
const alter: Operation[] = [
  { op: "alterColumn", table: { name: "parents" }, column: "name", from: { type: str(20), nullable: true, serverDefault: null }, to: { type: text, nullable: false } },
  { op: "alterColumn", table: { name: "parents" }, column: "rank", from: { type: int, nullable: true, serverDefault: null }, to: { serverDefault: "0" } },
  { op: "addCheck", table: { name: "parents" }, check: { name: "ck_parents_rank", sql: '"rank" >= 0' } },
];

let engine: Engine;
let n = 0;

async function freshDatabase(): Promise<Connection> {
  engine = createEngine(`sqlite:///${dir}/db${++n}.sqlite`);
  const conn = await engine.connect();
  await runSteps(conn, planSteps(create, { dialect, schema: emptySchema }));
  await conn.run(`INSERT INTO parents (id, name, "rank") VALUES (1, 'ann', 1), (2, 'bob', 2)`);
  await conn.run(`INSERT INTO cascade_children (id, parent_id) VALUES (10, 1), (11, 2)`);
  await conn.run(`INSERT INTO setnull_children (id, parent_id) VALUES (20, 1), (21, 2)`);
  await conn.run(`CREATE TABLE audit (note TEXT)`);
  await conn.run(`CREATE VIEW parent_names AS SELECT name FROM parents`);
  await conn.run(`CREATE TRIGGER parents_audit AFTER INSERT ON parents BEGIN INSERT INTO audit (note) VALUES (NEW.name); END`);
  return conn;
}

const rows = async (conn: Connection, sql: string) => (await conn.run(sql)).rows;

describe("SQLite table rebuild keeps data", () => {
  before(() => mkdirSync(dir, { recursive: true }));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("the plan: one rebuild step, foreign keys off, in the transaction", () => {
    const steps = planSteps(alter, { dialect, schema: applyAllToModel(emptySchema, create) });
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.foreignKeysOff, true);
    assert.equal(steps[0]!.transactional, true);
    assert.deepEqual(steps[0]!.statements, [
      [
        'CREATE TABLE "_athanor_new_parents" (',
        '  "id" INTEGER NOT NULL PRIMARY KEY,',
        '  "name" TEXT NOT NULL,',
        '  "rank" INTEGER DEFAULT 0,',
        '  CONSTRAINT "ck_parents_rank" CHECK ("rank" >= 0)',
        ")",
      ].join("\n"),
      'INSERT INTO "_athanor_new_parents" ("id", "name", "rank") SELECT "id", "name", "rank" FROM "parents"',
      'DROP TABLE "parents"',
      'ALTER TABLE "_athanor_new_parents" RENAME TO "parents"',
      'CREATE INDEX "ix_parents_name" ON "parents" ("name")',
    ]);
  });

  test("child rows of ON DELETE CASCADE and SET NULL keys survive, with their values; index, view and trigger remain", async () => {
    const conn = await freshDatabase();
    try {
      await runSteps(conn, planSteps(alter, { dialect, schema: applyAllToModel(emptySchema, create) }));
      assert.deepEqual(await rows(conn, "SELECT id, parent_id FROM cascade_children ORDER BY id"), [{ id: 10, parent_id: 1 }, { id: 11, parent_id: 2 }]);
      assert.deepEqual(await rows(conn, "SELECT id, parent_id FROM setnull_children ORDER BY id"), [{ id: 20, parent_id: 1 }, { id: 21, parent_id: 2 }]);
      assert.deepEqual(await rows(conn, "SELECT id, name, \"rank\" FROM parents ORDER BY id"), [{ id: 1, name: "ann", rank: 1 }, { id: 2, name: "bob", rank: 2 }]);
      const objects = await rows(conn, "SELECT type, name FROM sqlite_master WHERE name IN ('ix_parents_name', 'parent_names', 'parents_audit') ORDER BY name");
      assert.deepEqual(objects, [{ type: "index", name: "ix_parents_name" }, { type: "view", name: "parent_names" }, { type: "trigger", name: "parents_audit" }]);
      assert.deepEqual(await rows(conn, "PRAGMA foreign_keys"), [{ foreign_keys: 1 }], "foreign keys are back on");
      // The new definition holds, the trigger fires, the view reads the new table, and foreign keys are enforced again.
      await assert.rejects(conn.run("INSERT INTO parents (name) VALUES (NULL)"), /NOT NULL/);
      await conn.run("INSERT INTO parents (name) VALUES ('cy')");
      assert.deepEqual(await rows(conn, "SELECT note FROM audit"), [{ note: "cy" }]);
      assert.deepEqual(await rows(conn, "SELECT name FROM parent_names ORDER BY name"), [{ name: "ann" }, { name: "bob" }, { name: "cy" }]);
      assert.deepEqual(await rows(conn, 'SELECT "rank" FROM parents WHERE name = \'cy\''), [{ rank: 0 }]);
      await conn.run("DELETE FROM parents WHERE id = 1");
      assert.deepEqual(await rows(conn, "SELECT id FROM cascade_children ORDER BY id"), [{ id: 11 }]);
      assert.deepEqual(await rows(conn, "SELECT parent_id FROM setnull_children WHERE id = 20"), [{ parent_id: null }]);
    } finally {
      await conn.close();
      await engine.dispose();
    }
  });

  test("the naive rebuild (PRAGMA foreign_keys = OFF inside the transaction) wipes the children", async () => {
    const conn = await freshDatabase();
    try {
      const [step] = planSteps(alter, { dialect, schema: applyAllToModel(emptySchema, create) });
      await conn.run("DROP VIEW parent_names"); // the naive rebuild does not carry views over either
      await conn.transaction(async () => {
        await conn.run("PRAGMA foreign_keys = OFF"); // a no-op inside a transaction
        for (const sql of step!.statements) await conn.run(sql);
      });
      assert.deepEqual(await rows(conn, "SELECT id FROM cascade_children"), [], "ON DELETE CASCADE deleted every child");
      assert.deepEqual(await rows(conn, "SELECT parent_id FROM setnull_children ORDER BY id"), [{ parent_id: null }, { parent_id: null }]);
    } finally {
      await conn.close();
      await engine.dispose();
    }
  });

  test("a rebuild is refused inside an open transaction, where SQLite would ignore the pragma", async () => {
    const conn = await freshDatabase();
    try {
      const steps = planSteps(alter, { dialect, schema: applyAllToModel(emptySchema, create) });
      await conn.transaction(async () => {
        await assert.rejects(runSteps(conn, steps), /outside any transaction/);
      });
      assert.deepEqual(await rows(conn, "SELECT count(*) AS n FROM cascade_children"), [{ n: 2 }]);
    } finally {
      await conn.close();
      await engine.dispose();
    }
  });

  test("rows left without a parent fail PRAGMA foreign_key_check: rolled back, foreign keys on again", async () => {
    const conn = await freshDatabase();
    try {
      // Rebuilding the child with a key on a parent column whose values do not match.
      const ops: Operation[] = [
        { op: "dropForeignKey", table: { name: "setnull_children" }, foreignKey: nulling.foreignKeys[0]! },
        {
          op: "addForeignKey",
          table: { name: "setnull_children" },
          foreignKey: { name: "fk_setnull_rank", columns: ["parent_id"], referredTable: "parents", referredColumns: ["rank"] },
        },
      ];
      await conn.run("CREATE UNIQUE INDEX ux_rank ON parents (\"rank\")");
      await conn.run("UPDATE parents SET \"rank\" = \"rank\" + 100");
      const schema = applyAllToModel(emptySchema, create);
      await assert.rejects(runSteps(conn, planSteps(ops, { dialect, schema })), ForeignKeyCheckError);
      assert.match(String((await rows(conn, "SELECT sql FROM sqlite_master WHERE name = 'setnull_children'"))[0]!.sql), /fk_setnull_parent/);
      assert.deepEqual(await rows(conn, "PRAGMA foreign_keys"), [{ foreign_keys: 1 }]);
    } finally {
      await conn.close();
      await engine.dispose();
    }
  });
});
