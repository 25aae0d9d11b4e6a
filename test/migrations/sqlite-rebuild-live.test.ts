/**
 * A SQLite table rebuild makes the new table from the definition the migration history gives. What
 * the live table has beyond it (a column an `execute` step added, a unique index made by hand,
 * AUTOINCREMENT of a pulled database) used to be dropped without a word while the migration was
 * recorded as applied: the rebuild now refuses, naming what it would lose, and rolls back.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { createEngine } from "../../src/index.js";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { liveSchema } from "../../src/migrations/history/steps.js";
import type { Operation } from "../../src/migrations/index.js";
import { Project, projectUrl, query } from "./project.js";
import { col, str, tableModel, text } from "./model-builders.js";

const toText: Operation = {
  op: "alterColumn",
  table: { name: "books" },
  column: "title",
  from: { type: str(20), nullable: true, serverDefault: null },
  to: { type: text },
};

describe("SQLite rebuild keeps what the history does not know, or refuses", () => {
  const projects: Project[] = [];
  after(() => projects.forEach((p) => p.remove()));

  test("a column added by an execute step: the rebuild refuses (exit 1), the column and its values stay, the migration is not recorded", async () => {
    const url = projectUrl({ name: "sqlite", url: "sqlite::memory:" } as never, "rebuild-live");
    const p = new Project("rebuild-live", url);
    projects.push(p);
    p.write({ id: "20260101000001_books", up: [{ op: "createTable", table: tableModel("books", [col("title", str(20))]) }], down: [{ op: "dropTable", table: tableModel("books", [col("title", str(20))]) }] });
    p.write({ id: "20260101000002_note", parents: ["20260101000001_books"], up: [{ op: "execute", sql: "ALTER TABLE books ADD COLUMN note TEXT" }], down: [{ op: "execute", sql: "ALTER TABLE books DROP COLUMN note" }] });
    assert.equal((await p.cli("migrate", "up")).code, 0);
    await query(url, "INSERT INTO books (id, title, note) VALUES (1, 'Dune', 'keep me')");
    p.write({ id: "20260101000003_title_text", parents: ["20260101000002_note"], up: [toText], down: [{ ...toText, from: { type: text, nullable: true, serverDefault: null }, to: { type: str(20) } }] });
    const run = await p.cli("migrate", "up");
    assert.equal(run.code, 1, run.out);
    assert.match(run.err, /would lose column note and its values/);
    assert.deepEqual(await query(url, "SELECT id, title, note FROM books"), [{ id: 1, title: "Dune", note: "keep me" }]);
    assert.deepEqual((await query(url, "SELECT id FROM athanor_migrations ORDER BY id")).map((r) => r.id), ["20260101000001_books", "20260101000002_note"]);
  });

  test("a pulled table with AUTOINCREMENT and a unique index made by hand: refused, ids never reused, uniqueness kept", async () => {
    const engine = createEngine("sqlite::memory:");
    try {
      await engine.withConnection(async (conn) => {
        await conn.run("CREATE TABLE books (id INTEGER PRIMARY KEY AUTOINCREMENT, title VARCHAR(20))");
        await conn.run("INSERT INTO books (title) VALUES ('a'), ('b'), ('c')");
        await conn.run("DELETE FROM books WHERE id = 3");
        // The schema a pulled model and its first migration give: reflection has no AUTOINCREMENT.
        const schema = await liveSchema(conn);
        await conn.run("CREATE UNIQUE INDEX ux_books_title ON books (title)");
        await assert.rejects(runSteps(conn, planSteps([toText], { dialect: sqliteDialect(), schema })), (e: Error) => /AUTOINCREMENT/.test(e.message) && /index ux_books_title/.test(e.message));
        await conn.run("INSERT INTO books (title) VALUES ('d')");
        assert.deepEqual((await conn.run("SELECT id FROM books WHERE title = 'd'")).rows, [{ id: 4 }]);
        await assert.rejects(conn.run("INSERT INTO books (title) VALUES ('a')"), /UNIQUE/);
      });
    } finally {
      await engine.dispose();
    }
  });
});
