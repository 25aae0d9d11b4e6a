/**
 * A column type change on a column with a collation of its own (set by hand, or a pulled schema:
 * the migration history knows none) is refused, nothing changed, on every database. MariaDB's
 * MODIFY COLUMN and a SQLite rebuild were refused already; PostgreSQL's ALTER COLUMN ... TYPE gave
 * the column its type's default collation without a word (a case-insensitive unique column then
 * took 'A@x' beside 'a@x').
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Connection } from "../../src/engine/connection.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, str, tableModel } from "./model-builders.js";

const COLLATION = { sqlite: "NOCASE", postgresql: '"C"', mysql: "utf8mb4_general_ci" } as const;

forEachDatabase("a type change on a column with its own collation", (ctx) => {
  const dialect = ctx.db.name;
  const collation = async (conn: Connection): Promise<string> => {
    const query = {
      sqlite: "SELECT sql AS c FROM sqlite_master WHERE name = 'cq_t'",
      postgresql: "SELECT collation_name AS c FROM information_schema.columns WHERE table_name = 'cq_t' AND column_name = 's'",
      mysql: "SELECT COLLATION_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cq_t' AND COLUMN_NAME = 's'",
    }[dialect];
    return String((await conn.run(query)).rows[0]?.c);
  };

  test("is refused, the collation and the values kept", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("DROP TABLE IF EXISTS cq_t");
      try {
        await conn.run(`CREATE TABLE cq_t (id INTEGER PRIMARY KEY, s VARCHAR(20) COLLATE ${COLLATION[dialect]})`);
        await conn.run("INSERT INTO cq_t (id, s) VALUES (1, 'a@x')");
        // The history's table: no collation (reflection reads none).
        const schema = applyAllToModel(emptySchema, [{ op: "createTable", table: tableModel("cq_t", [col("s", str(20))]) }]);
        const widen: Operation = { op: "alterColumn", table: { name: "cq_t" }, column: "s", from: { type: str(20), nullable: true, serverDefault: null }, to: { type: str(40) } };
        await assert.rejects(runSteps(conn, planSteps([widen], { dialect: conn.dialect, schema })), /COLLATE/);
        assert.deepEqual((await conn.run("SELECT s FROM cq_t")).rows, [{ s: "a@x" }]);
        assert.match(await collation(conn), { sqlite: /COLLATE NOCASE/, postgresql: /^C$/, mysql: /^utf8mb4_general_ci$/ }[dialect]);
      } finally {
        await conn.run("DROP TABLE IF EXISTS cq_t");
      }
    });
  });
});
