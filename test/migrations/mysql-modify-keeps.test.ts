/**
 * MariaDB/MySQL change a column's type or nullability with MODIFY COLUMN, which restates the whole
 * column from the migration history: a COLLATE, a comment or a default the live column had (set by
 * hand or by an `execute` step) was dropped and the migration succeeded. The step is now refused,
 * naming what would be lost, and the column stays as it was; a change that says what it wants (a
 * new default, a type with no collation) runs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { TypeModel } from "../../src/core/schema/schema-model.js";
import type { ColumnChange, Operation } from "../../src/migrations/operations/operation.js";
import type { Connection } from "../../src/engine/connection.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, str, tableModel } from "./model-builders.js";

const create: Operation[] = [{ op: "createTable", table: tableModel("mm_t", [col("name", str(10)), col("code", str(5)), col("n", int)]) }];
const schema = applyAllToModel(emptySchema, create);
const alter = (column: string, was: TypeModel, to: ColumnChange): Operation[] => [{ op: "alterColumn", table: { name: "mm_t" }, column, from: { type: was, nullable: true, serverDefault: null }, to }];
const run = (conn: Connection, ops: Operation[]) => runSteps(conn, planSteps(ops, { dialect: conn.dialect, schema }));
const column = async (conn: Connection, name: string) =>
  (await conn.run(`SELECT COLUMN_TYPE AS type, COLLATION_NAME AS coll, COLUMN_DEFAULT AS def, COLUMN_COMMENT AS comment FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mm_t' AND COLUMN_NAME = '${name}'`)).rows[0] as Record<string, unknown>;

forEachDatabase(
  "MODIFY COLUMN over what the history does not know",
  (ctx) => {
    const fresh = async (conn: Connection) => {
      await conn.run("DROP TABLE IF EXISTS mm_t");
      await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
      const table = String((await conn.run("SELECT TABLE_COLLATION AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mm_t'")).rows[0]!["c"]);
      return table === "utf8mb4_bin" ? "utf8mb4_unicode_ci" : "utf8mb4_bin";
    };

    test("a COLLATE set by hand: a longer VARCHAR is refused, the collation kept; to an integer, it runs", async () => {
      await ctx.engine.withConnection(async (conn) => {
        const other = await fresh(conn);
        try {
          await conn.run(`ALTER TABLE mm_t MODIFY name VARCHAR(10) COLLATE ${other} NULL`);
          await assert.rejects(run(conn, alter("name", str(10), { type: str(20) })), new RegExp(`mm_t.name has on the server what MODIFY COLUMN would drop .*COLLATE ${other}`));
          assert.deepEqual(await column(conn, "name"), { type: "varchar(10)", coll: other, def: "NULL", comment: "" });
          await run(conn, alter("name", str(10), { type: int }));
          assert.equal((await column(conn, "name"))["type"], "int(11)");
        } finally {
          await conn.run("DROP TABLE IF EXISTS mm_t");
        }
      });
    });

    test("a DEFAULT set by hand: NOT NULL is refused, the default kept; a change that sets a default runs", async () => {
      await ctx.engine.withConnection(async (conn) => {
        await fresh(conn);
        try {
          await conn.run("ALTER TABLE mm_t ALTER COLUMN code SET DEFAULT 'x'");
          await assert.rejects(run(conn, alter("code", str(5), { nullable: false })), /mm_t.code has on the server what MODIFY COLUMN would drop .*DEFAULT 'x'/);
          assert.equal((await column(conn, "code"))["def"], "'x'");
          await run(conn, alter("code", str(5), { nullable: false, serverDefault: "'y'" }));
          assert.equal((await column(conn, "code"))["def"], "'y'");
        } finally {
          await conn.run("DROP TABLE IF EXISTS mm_t");
        }
      });
    });

    test("a COMMENT set by hand: a type change is refused, the comment kept; nothing by hand: it runs", async () => {
      await ctx.engine.withConnection(async (conn) => {
        await fresh(conn);
        try {
          await conn.run("ALTER TABLE mm_t MODIFY n INT NULL COMMENT 'how many'");
          await assert.rejects(run(conn, alter("n", int, { type: { kind: "bigint" } })), /mm_t.n has on the server .*COMMENT 'how many'/);
          assert.equal((await column(conn, "n"))["comment"], "how many");
          await conn.run("ALTER TABLE mm_t MODIFY n INT NULL");
          await run(conn, alter("n", int, { type: { kind: "bigint" } }));
          assert.equal((await column(conn, "n"))["type"], "bigint(20)");
        } finally {
          await conn.run("DROP TABLE IF EXISTS mm_t");
        }
      });
    });

    test("AUTO_INCREMENT set by hand (the history's key has none): a type change is refused, AUTO_INCREMENT kept", async () => {
      await ctx.engine.withConnection(async (conn) => {
        const plain = tableModel("mm_k", [], { columns: [col("id", int, { notNull: true }), col("v", int)] });
        const kSchema = applyAllToModel(emptySchema, [{ op: "createTable", table: plain }]);
        const extra = async () => (await conn.run("SELECT EXTRA AS extra FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mm_k' AND COLUMN_NAME = 'id'")).rows[0]!["extra"];
        try {
          await conn.run("DROP TABLE IF EXISTS mm_k");
          await runSteps(conn, planSteps([{ op: "createTable", table: plain }], { dialect: conn.dialect, schema: emptySchema }));
          await conn.run("ALTER TABLE mm_k MODIFY id INT NOT NULL AUTO_INCREMENT");
          const widen: Operation[] = [{ op: "alterColumn", table: { name: "mm_k" }, column: "id", from: { type: int, nullable: false, serverDefault: null }, to: { type: { kind: "bigint" } } }];
          // Was: MODIFY COLUMN `id` BIGINT NOT NULL ran, AUTO_INCREMENT gone, and the next insert without an id failed.
          await assert.rejects(runSteps(conn, planSteps(widen, { dialect: conn.dialect, schema: kSchema })), /mm_k.id has on the server .*AUTO_INCREMENT/);
          assert.equal(await extra(), "auto_increment");
          await conn.run("INSERT INTO mm_k (v) VALUES (1)");
        } finally {
          await conn.run("DROP TABLE IF EXISTS mm_k");
        }
      });
    });
  },
  ["mysql"],
);
