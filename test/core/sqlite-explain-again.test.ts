/**
 * better-sqlite3 12 crashes the whole process (SIGSEGV) when a prepared EXPLAIN runs again after a
 * schema change made SQLite recompile it. The SQLite driver caches prepared statements by their
 * text, so the same EXPLAIN sent twice around a migration killed the process; EXPLAIN is not cached.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine } from "../../src/index.js";

test("SQLite: the same EXPLAIN before and after the table is rebuilt answers both times", async () => {
  const engine = createEngine("sqlite::memory:");
  try {
    await engine.withConnection(async (conn) => {
      await conn.run("CREATE TABLE ex_t (id INTEGER PRIMARY KEY, a INT, b INT)");
      await conn.run("CREATE TABLE ex_log (x INT)");
      await conn.run("CREATE TRIGGER ex_tr AFTER INSERT ON ex_t BEGIN INSERT INTO ex_log VALUES (new.b); END");
      const explain = "EXPLAIN INSERT INTO ex_t DEFAULT VALUES";
      assert.ok((await conn.run(explain)).rows.length > 0);
      for (const sql of [
        "DROP TRIGGER ex_tr",
        "CREATE TABLE ex_new (id INTEGER PRIMARY KEY, b INT)",
        "INSERT INTO ex_new SELECT id, b FROM ex_t",
        "DROP TABLE ex_t",
        "ALTER TABLE ex_new RENAME TO ex_t",
        "CREATE TRIGGER ex_tr AFTER INSERT ON ex_t BEGIN INSERT INTO ex_log VALUES (new.b); END",
      ])
        await conn.run(sql);
      assert.ok((await conn.run(explain)).rows.length > 0);
    });
  } finally {
    await engine.dispose();
  }
});
