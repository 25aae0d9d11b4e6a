/**
 * A migration that narrows a column's type under values that do not fit, or makes it NOT NULL
 * over NULLs (`--allow-data-loss` accepts writing such a change, not losing the values without a
 * word). PostgreSQL and SQLite refuse; MariaDB refuses in strict mode (an athanor engine's
 * connections get it), but on a connection whose sql_mode was set without it (`SET SESSION
 * sql_mode = ''`, a lax server's own session) it cut the values ('a long value' → 'a lon') and
 * turned the NULLs into 0 with warnings only, and the migration succeeded. athanor's DDL now runs
 * in strict mode there: the step fails and the values stay. (The `migrate sql` script's case:
 * offline-script-refusals.test.ts.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Connection } from "../../src/engine/connection.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, str, tableModel } from "./model-builders.js";

const create: Operation[] = [{ op: "createTable", table: tableModel("nv_t", [col("s", str(40)), col("k", int)]) }];
const schema = applyAllToModel(emptySchema, create);

forEachDatabase("a narrowing migration over values that do not fit", (ctx) => {
  const run = (conn: Connection, ops: Operation[]) => runSteps(conn, planSteps(ops, { dialect: conn.dialect, schema }));
  const fresh = async (conn: Connection) => {
    await conn.run("DROP TABLE IF EXISTS nv_t");
    await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
    await conn.run("INSERT INTO nv_t (id, s, k) VALUES (1, 'a long value', NULL)");
    // A session without strict mode (set by hand, or a lax server's own session).
    if (ctx.db.name === "mysql") await conn.run("SET SESSION sql_mode = ''");
  };
  const rows = async (conn: Connection) => (await conn.run("SELECT s, k FROM nv_t")).rows;
  const done = async (conn: Connection) => {
    if (ctx.db.name === "mysql") await conn.run("SET SESSION sql_mode = DEFAULT");
    await conn.run("DROP TABLE IF EXISTS nv_t");
  };

  test("a shorter VARCHAR under a longer value fails, the value kept", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await fresh(conn);
        const narrow: Operation = { op: "alterColumn", table: { name: "nv_t" }, column: "s", from: { type: str(40), nullable: true, serverDefault: null }, to: { type: str(5) } };
        await assert.rejects(run(conn, [narrow]));
        assert.deepEqual(await rows(conn), [{ s: "a long value", k: null }]); // was 'a lon' on MariaDB
      } finally {
        await done(conn);
      }
    });
  });

  test("NOT NULL over a NULL fails, the NULL kept", async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await fresh(conn);
        const notNull: Operation = { op: "alterColumn", table: { name: "nv_t" }, column: "k", from: { type: int, nullable: true, serverDefault: null }, to: { nullable: false } };
        await assert.rejects(run(conn, [notNull]));
        assert.deepEqual(await rows(conn), [{ s: "a long value", k: null }]); // was k: 0 on MariaDB
      } finally {
        await done(conn);
      }
    });
  });

  test("an execute step that leaves strict mode off does not let a later narrowing cut the value", { skip: ctx.db.name !== "mysql" && "MariaDB's sql_mode" }, async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await fresh(conn);
        await conn.run("SET SESSION sql_mode = DEFAULT"); // strict, as an athanor engine's session is
        const lax: Operation = { op: "execute", sql: "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'" }; // a legacy data fix's own mode
        const narrow: Operation = { op: "alterColumn", table: { name: "nv_t" }, column: "s", from: { type: str(40), nullable: true, serverDefault: null }, to: { type: str(5) } };
        await assert.rejects(run(conn, [lax, narrow]));
        assert.deepEqual(await rows(conn), [{ s: "a long value", k: null }]);
      } finally {
        await done(conn);
      }
    });
  });

  test("the session's own sql_mode is back after the migration", { skip: ctx.db.name !== "mysql" && "MariaDB's sql_mode" }, async () => {
    await ctx.engine.withConnection(async (conn) => {
      try {
        await fresh(conn);
        await run(conn, [{ op: "alterColumn", table: { name: "nv_t" }, column: "s", from: { type: str(40), nullable: true, serverDefault: null }, to: { type: str(60) } }]);
        assert.deepEqual((await conn.run("SELECT @@SESSION.sql_mode AS m")).rows, [{ m: "" }]);
      } finally {
        await done(conn);
      }
    });
  });
});
