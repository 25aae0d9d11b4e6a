/**
 * MariaDB/MySQL with sql_mode NO_BACKSLASH_ESCAPES: athanor's DDL literals double backslashes (the
 * default mode's escape), so a default 'a\b' was stored as 'a\\b' and an enum value x\y allowed
 * only x\\y, without an error. athanor's statements now run with the mode off, and the
 * migration's own `execute` SQL, written for the server's mode, with it on. `migrate sql` printed
 * the same statements with nothing about the mode: its script now switches it as `up` does.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { buildGraph } from "../../src/migrations/history/graph.js";
import { offlineSql } from "../../src/migrations/history/offline-sql.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, str, tableModel } from "./model-builders.js";

forEachDatabase(
  "migrations in a session with NO_BACKSLASH_ESCAPES",
  (ctx) => {
    test("a default and an enum value with a backslash are what the migration says; its own SQL runs in the session's mode", async () => {
      await ctx.engine.withConnection(async (conn) => {
        const ops = backslashOps();
        await conn.run("DROP TABLE IF EXISTS bs_t");
        const mode = String((await conn.run("SELECT @@SESSION.sql_mode AS m")).rows[0]!["m"]);
        await conn.run(`SET SESSION sql_mode = '${mode},NO_BACKSLASH_ESCAPES'`);
        try {
          await runSteps(conn, planSteps(ops, { dialect: conn.dialect, schema: emptySchema }));
          assert.match(String((await conn.run("SELECT @@SESSION.sql_mode AS m")).rows[0]!["m"]), /NO_BACKSLASH_ESCAPES/);
          await conn.run("INSERT INTO bs_t (id, kind) VALUES (?, ?)", [2, "x\\y"]);
          assert.deepEqual((await conn.run("SELECT id, name, kind FROM bs_t ORDER BY id")).rows, [
            { id: 1, name: "a\\b", kind: "x\\y" },
            { id: 2, name: "a\\b", kind: "x\\y" },
          ]);
        } finally {
          await conn.run(`SET SESSION sql_mode = '${mode}'`);
          await conn.run("DROP TABLE IF EXISTS bs_t");
        }
      });
    });

    test("migrate sql's script, run in a session with the mode, writes what the migration says", async () => {
      const definition = { id: "20260101000001_bs", parents: [], message: "backslashes", up: backslashOps(), down: [] };
      const script = offlineSql({ graph: buildGraph([{ id: definition.id, file: "<test>", definition, checksum: "bs" }]), dialect: ctx.engine.dialect });
      await ctx.engine.withConnection(async (conn) => {
        await conn.run("DROP TABLE IF EXISTS bs_t");
        await conn.run("DROP TABLE IF EXISTS athanor_migrations");
        const mode = String((await conn.run("SELECT @@SESSION.sql_mode AS m")).rows[0]!["m"]);
        await conn.run(`SET SESSION sql_mode = '${mode},NO_BACKSLASH_ESCAPES'`);
        try {
          let statement = "";
          for (const line of script.split("\n")) {
            if (line.startsWith("--") || line === "") continue;
            statement += (statement ? "\n" : "") + line;
            if (!line.endsWith(";")) continue;
            await conn.run(statement.slice(0, -1));
            statement = "";
          }
          assert.match(String((await conn.run("SELECT @@SESSION.sql_mode AS m")).rows[0]!["m"]), /NO_BACKSLASH_ESCAPES/);
          await conn.run("INSERT INTO bs_t (id, kind) VALUES (?, ?)", [2, "x\\y"]);
          assert.deepEqual((await conn.run("SELECT id, name, kind FROM bs_t ORDER BY id")).rows, [
            { id: 1, name: "a\\b", kind: "x\\y" },
            { id: 2, name: "a\\b", kind: "x\\y" },
          ]);
        } finally {
          await conn.run(`SET SESSION sql_mode = '${mode}'`);
          await conn.run("DROP TABLE IF EXISTS bs_t");
          await conn.run("DROP TABLE IF EXISTS athanor_migrations");
        }
      });
    });
  },
  ["mysql"],
);

/** A table whose default and enum hold a backslash, and a row the migration's own SQL inserts (written for a NO_BACKSLASH_ESCAPES server). */
function backslashOps(): Operation[] {
  return [
    {
      op: "createTable",
      table: tableModel("bs_t", [
        col("name", str(10), { default: "'a\\\\b'" }), // as the model writes it for MySQL: the backslash doubled
        col("kind", { kind: "enum", values: ["x\\y", "z"] }),
      ]),
    },
    { op: "execute", sql: "INSERT INTO bs_t (id, kind) VALUES (1, 'x\\y')" },
  ];
}
