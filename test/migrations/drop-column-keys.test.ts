/**
 * Dropping a column that is part of a multi-column index, unique or primary key, as a hand-written
 * migration does (`op.dropColumn` alone): PostgreSQL drops the key with the column, and so does
 * the migration history's model. MariaDB refused a unique or primary key (error 1072, "Key column
 * doesn't exist") and shrank a plain index to its other columns, keeping an index the history says
 * is gone; athanor drops those keys first there. Every database ends as the model says.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { after, before, test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, tableModel } from "./model-builders.js";

const keyed = tableModel("dk_keyed", [col("a", int), col("b", int), col("c", int), col("d", int)], {
  uniques: [{ name: "uq_dk_keyed_b_c", columns: ["b", "c"] }],
  indexes: [
    { name: "ix_dk_keyed_a_b", columns: ["a", "b"], unique: false },
    { name: "ix_dk_keyed_d", columns: ["d"], unique: false },
  ],
});
const pair = { ...tableModel("dk_pair", [col("k1", int, { notNull: true }), col("k2", int, { notNull: true }), col("v", int)]), primaryKey: { columns: ["k1", "k2"] } };
const pairNoId = { ...pair, columns: pair.columns.filter((c) => c.name !== "id") };
const create: Operation[] = [
  { op: "createTable", table: keyed },
  { op: "createTable", table: pairNoId },
];
const drops: Operation[] = [
  { op: "dropColumn", table: { name: "dk_keyed" }, column: col("a", int) },
  { op: "dropColumn", table: { name: "dk_keyed" }, column: col("c", int) },
  { op: "dropColumn", table: { name: "dk_pair" }, column: col("k1", int, { notNull: true }) },
];
const dir = "/tmp/mrender/drop-column-keys";

forEachDatabase("dropping a column of a multi-column key", (ctx) => {
  // SQLite: a file, so that reflection (its own connection) sees what the migration did.
  let sqliteEngine: ReturnType<typeof engineFor>;
  const engine = () => (ctx.db.name === "sqlite" ? sqliteEngine : ctx.engine);
  const drop = () =>
    engine().withConnection(async (conn) => {
      for (const t of ["dk_keyed", "dk_pair"]) await conn.run(`DROP TABLE IF EXISTS ${t}`);
    });
  before(async () => {
    mkdirSync(dir, { recursive: true });
    sqliteEngine = engineFor({ ...ctx.db, url: `sqlite:///${dir}/keys.sqlite` });
  });
  after(async () => {
    await sqliteEngine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the keys go with the column, rows stay, and the database is what the history's model says", async () => {
    await drop();
    try {
      const run = (ops: Operation[], schema: SchemaModel) => engine().withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: engine().dialect, schema })));
      await run(create, emptySchema);
      await engine().withConnection(async (conn) => {
        await conn.run("INSERT INTO dk_keyed (id, a, b, c, d) VALUES (1, 1, 1, 1, 1), (2, 2, 1, 2, 2)");
        await conn.run("INSERT INTO dk_pair (k1, k2, v) VALUES (1, 1, 10), (2, 1, 20)");
      });
      const before = applyAllToModel(emptySchema, create);
      if (ctx.db.name === "mysql") {
        // One statement per drop: the step keeps its rerun guard and its refusals (a view using the column).
        const steps = planSteps(drops, { dialect: engine().dialect, schema: before });
        assert.equal(steps.length, drops.length);
        assert.ok(steps.every((step) => step.statements.length === 1 && step.isApplied !== undefined && step.refusals?.length));
      }
      await run(drops, before);

      const expected = applyAllToModel(before, drops);
      // JSON: the model writes a dropped primary key as `primaryKey: undefined`, reflection leaves it out.
      const only = (s: SchemaModel) => JSON.parse(JSON.stringify({ ...s, tables: s.tables.filter((t) => t.name.startsWith("dk_")) })) as SchemaModel;
      assert.deepEqual(canonicalSchema(only(await engine().inspect().reflect()), ctx.db.name), canonicalSchema(only(expected), ctx.db.name));
      const table = expected.tables.find((t) => t.name === "dk_keyed")!;
      assert.deepEqual(table.indexes.map((i) => i.name), ["ix_dk_keyed_d"], "the model drops the keys with the column");
      assert.deepEqual(table.uniques, []);

      // No key is left behind: the rows that shared b (or k2) can be written again, and all rows are there.
      await engine().withConnection(async (conn) => {
        await conn.run("INSERT INTO dk_keyed (id, b, d) VALUES (3, 1, 3)");
        await conn.run("INSERT INTO dk_pair (k2, v) VALUES (1, 30)");
        assert.deepEqual((await conn.run("SELECT id, b, d FROM dk_keyed ORDER BY id")).rows, [{ id: 1, b: 1, d: 1 }, { id: 2, b: 1, d: 2 }, { id: 3, b: 1, d: 3 }]);
        assert.deepEqual((await conn.run("SELECT k2, v FROM dk_pair ORDER BY v")).rows, [{ k2: 1, v: 10 }, { k2: 1, v: 20 }, { k2: 1, v: 30 }]);
      });
    } finally {
      await drop();
    }
  });
});
