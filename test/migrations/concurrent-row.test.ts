/**
 * Two `migrate down` runs that both read a migration's version row as applied (SQLite takes no
 * migration lock: two processes can): the second ran the down's steps again, reverting the data
 * twice, and its DELETE of the row removed nothing without a word. A pass now starts only while
 * the row is as it read it; the second is refused and its steps rolled back. Here the two runs
 * are two passes over the same row as read, one after the other.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { executePass, type Pass } from "../../src/migrations/history/execute.js";
import { VersionTable, versionSql } from "../../src/migrations/history/version-table.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { forEachDatabase } from "../support/dialects.js";
import { emptySchema } from "./model-builders.js";

forEachDatabase("a migration's row changed by another run since it was read", (ctx) => {
  test("the second down of the same applied migration is refused; the data is reverted once", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("DROP TABLE IF EXISTS cr_accounts");
      await conn.run("DROP TABLE IF EXISTS athanor_migrations");
      try {
        await conn.run("CREATE TABLE cr_accounts (id INTEGER PRIMARY KEY, cents INTEGER)");
        await conn.run("INSERT INTO cr_accounts (id, cents) VALUES (1, 1250)");
        await new VersionTable(conn).ensure();
        await conn.run(versionSql.insert(conn.dialect.name, { id: "20260101000001_cents", checksum: "c".repeat(64), state: "applied", stepsDone: 1, stepsTotal: 1 }));
        const down: Operation[] = [{ op: "execute", sql: "UPDATE cr_accounts SET cents = cents - 1000" }];
        // What each run read: the row, applied.
        const pass: Pass = {
          id: "20260101000001_cents",
          direction: "down",
          checksum: "c".repeat(64),
          steps: planSteps(down, { dialect: conn.dialect, schema: emptySchema }),
          start: 0,
          hasRow: true,
          was: { state: "applied", stepsDone: 1 },
        };
        await executePass(conn, pass, () => undefined);
        await assert.rejects(executePass(conn, pass, () => undefined), /changed since this run read it: another 'athanor migrate' ran it at the same time/);
        assert.deepEqual((await conn.run("SELECT cents FROM cr_accounts")).rows, [{ cents: 250 }]);
        assert.deepEqual((await conn.run("SELECT id FROM athanor_migrations")).rows, []);
      } finally {
        await conn.run("DROP TABLE IF EXISTS cr_accounts");
        await conn.run("DROP TABLE IF EXISTS athanor_migrations");
      }
    });
  });
});
