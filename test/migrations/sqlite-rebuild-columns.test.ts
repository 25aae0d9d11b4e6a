/**
 * A SQLite table rebuild makes the new table from the history's definition, and checked the live
 * table for columns, indexes, keys and checks the history lacks, but not for how a column both
 * have is defined: a generated expression changed outside the history (a STORED column's values
 * were recomputed by the history's expression), a default, a NOT NULL, or a column the history
 * has generated but the live table keeps as plain values (replaced by computed ones) went without
 * a word while the migration was recorded applied. The rebuild now refuses, naming each, and
 * rolls back. Defaults written another way (`(1 + 2)` read back as `1 + 2`, TRUE as 1) still pass.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createEngine } from "../../src/index.js";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { RebuildWouldLoseError, type Operation } from "../../src/migrations/index.js";
import { applyToModel } from "../../src/migrations/operations/apply-to-model.js";
import { col, emptySchema, int, tableModel, text } from "./model-builders.js";

const items = tableModel("items", [
  col("a", int),
  { ...col("doubled", int), generated: { sql: "a * 2", stored: true } },
  col("label", text, { default: "'none'" }),
  col("qty", int),
  col("total", int),
  col("sum", int, { default: "(1 + 2)" }),
  col("flag", int, { default: "TRUE" }),
]);
const history = applyToModel(emptySchema, { op: "createTable", table: items });
/** A rebuild of items: a check added. */
const addCheck: Operation = { op: "addCheck", table: { name: "items" }, check: { name: "ck_items_qty", sql: "qty >= 0" } };

/** The live table, made by hand (as an execute step's own rebuild would) beside what the history says. */
const LIVE = `CREATE TABLE items (
  id INTEGER NOT NULL PRIMARY KEY,
  a INTEGER,
  doubled INTEGER GENERATED ALWAYS AS (a * 3) STORED,
  label TEXT DEFAULT 'unnamed',
  qty INTEGER NOT NULL,
  total INTEGER,
  sum INTEGER DEFAULT (1 + 2),
  flag INTEGER DEFAULT 1
)`;

describe("SQLite rebuild compares each column's definition with the history's", () => {
  test("a changed generated expression, a default and a NOT NULL the history lacks, a generated column kept as values: refused, rolled back", async () => {
    const engine = createEngine("sqlite::memory:");
    try {
      await engine.withConnection(async (conn) => {
        // `total` is generated in the history: the live table has plain values there.
        const withTotal = { ...history, tables: [{ ...history.tables[0]!, columns: history.tables[0]!.columns.map((c) => (c.name === "total" ? { ...c, generated: { sql: "a + qty", stored: true } } : c)) }] };
        await conn.run(LIVE);
        await conn.run("INSERT INTO items (id, a, qty, total) VALUES (1, 5, 2, 100)");
        const error = await runSteps(conn, planSteps([addCheck], { dialect: sqliteDialect(), schema: withTotal })).then(
          () => assert.fail("the rebuild ran"),
          (e: { cause?: unknown }) => e.cause,
        );
        assert.ok(error instanceof RebuildWouldLoseError, String(error));
        assert.match(error.message, /the generated expression of column doubled \(a \* 3 STORED; the history has a \* 2 STORED\)/);
        assert.match(error.message, /the default 'unnamed' of column label \(the history has 'none'\)/);
        assert.match(error.message, /NOT NULL of column qty/);
        assert.match(error.message, /the values of column total/);
        assert.doesNotMatch(error.message, /column (sum|flag|id|a)\b/);
        assert.deepEqual((await conn.run("SELECT id, a, doubled, label, qty, total FROM items")).rows, [{ id: 1, a: 5, doubled: 15, label: "unnamed", qty: 2, total: 100 }]);
        await assert.rejects(conn.run("INSERT INTO items (id, a) VALUES (2, 1)"), /NOT NULL/);
      });
    } finally {
      await engine.dispose();
    }
  });

  test("a live table as the history says (defaults written another way): the rebuild runs", async () => {
    const engine = createEngine("sqlite::memory:");
    try {
      await engine.withConnection(async (conn) => {
        await runSteps(conn, planSteps([{ op: "createTable", table: items }], { dialect: sqliteDialect(), schema: emptySchema }));
        await conn.run("INSERT INTO items (id, a, qty) VALUES (1, 5, 2)");
        await runSteps(conn, planSteps([addCheck], { dialect: sqliteDialect(), schema: history }));
        assert.deepEqual((await conn.run("SELECT id, doubled, label, sum, flag FROM items")).rows, [{ id: 1, doubled: 10, label: "none", sum: 3, flag: 1 }]);
        await assert.rejects(conn.run("INSERT INTO items (id, qty) VALUES (2, -1)"), /CHECK/);
      });
    } finally {
      await engine.dispose();
    }
  });
});
