/**
 * `migrate down` ran a down that dropped a table or a column holding rows without a word (a down is
 * generated, the reverse of a `createTable` or `addColumn`, and never confirmed as `migrate new`
 * confirms an up's drops). Such a down is now refused, nothing of it run, with `DownDataLossError`
 * naming the migration, the drop and its rows, unless `--allow-data-loss` / `allowDataLoss`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createEngine } from "../../src/index.js";
import { buildGraph, DownDataLossError, loadMigrations, MigrationRunner } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { col, str, tableModel } from "./model-builders.js";
import { projectSuite, query, resetDatabase } from "./project.js";

const TABLES = ["dd_books"];
const BOOKS = tableModel("dd_books", [col("title", str(50))]);
const ISBN = col("isbn", str(20));
const M1 = "20260101000001_books";
const M2 = "20260101000002_isbn";

for (const db of await testDatabases()) {
  describe(`migrate down over rows it would drop [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "downloss", TABLES);
    const applied = async () => (await query(url, "SELECT id FROM athanor_migrations ORDER BY id")).map((r) => r["id"]);

    test("a dropped column with values, then a dropped table with rows: refused until confirmed; empty ones go without asking", async () => {
      await resetDatabase(url, TABLES);
      p!.write({ id: M1, up: [{ op: "createTable", table: BOOKS }], down: [{ op: "dropTable", table: BOOKS }] });
      p!.write({ id: M2, parents: [M1], up: [{ op: "addColumn", table: { name: "dd_books" }, column: ISBN }], down: [{ op: "dropColumn", table: { name: "dd_books" }, column: ISBN }] });
      await p!.cliOk("migrate", "up");
      await query(url, "INSERT INTO dd_books (id, title, isbn) VALUES (1, 'Dune', '978-0441013593'), (2, 'Emma', NULL)");

      const refused = await p!.cli("migrate", "down");
      assert.equal(refused.code, 1, refused.out);
      assert.match(refused.err, new RegExp(`reverting ${M2} would lose data; nothing of it was run`));
      assert.match(refused.err, /drop column dd_books\.isbn: 1 row with a value/);
      assert.match(refused.err, /--allow-data-loss/);
      assert.deepEqual(await query(url, "SELECT isbn FROM dd_books WHERE id = 1"), [{ isbn: "978-0441013593" }]);
      assert.deepEqual(await applied(), [M1, M2]);

      const confirmed = await p!.cliOk("migrate", "down", "--allow-data-loss");
      assert.match(confirmed.out, new RegExp(`reverting ${M2}.*\\n  \\[1/1\\] drop column dd_books\\.isbn`));
      assert.deepEqual(await applied(), [M1]);

      // The programmatic API: the typed error, the table kept, then the loss confirmed.
      const engine = createEngine(url, { pool: { max: 1 } });
      try {
        const graph = buildGraph(await loadMigrations(p!.migrations, (file) => import(file)));
        const connection = await engine.connect();
        try {
          const runner = new MigrationRunner({ connection, graph });
          const error = await runner.down("base").then(
            () => assert.fail("the down ran"),
            (e: unknown) => e,
          );
          assert.ok(error instanceof DownDataLossError, String(error));
          assert.equal(error.id, M1);
          assert.deepEqual(error.losses, [{ operation: "drop table dd_books", rows: 2 }]);
          assert.equal(Number((await query(url, "SELECT COUNT(*) AS n FROM dd_books"))[0]!["n"]), 2);
          assert.deepEqual(await applied(), [M1]);

          // Emptied, it needs no confirmation.
          await query(url, "DELETE FROM dd_books");
          assert.deepEqual(await runner.down("base"), [M1]);
          assert.deepEqual(await applied(), []);
          // And with rows, confirmed.
          await runner.up();
          await query(url, "INSERT INTO dd_books (id, title, isbn) VALUES (1, 'Dune', NULL)");
          // A column of NULLs holds nothing: its drop goes without asking.
          assert.deepEqual(await runner.down(M1), [M2]);
          assert.deepEqual(await runner.down("base", { allowDataLoss: true }), [M1]);
          assert.deepEqual(await applied(), []);
        } finally {
          await connection.close();
        }
      } finally {
        await engine.dispose();
      }
    });

    test("a big table: its rows are counted up to 10 000 (more is said so), not all", async () => {
      await resetDatabase(url, [...TABLES, "dd_digits"]);
      p!.write({ id: M1, up: [{ op: "createTable", table: BOOKS }], down: [{ op: "dropTable", table: BOOKS }] });
      p!.write({ id: M2, parents: [M1], up: [], down: [] });
      await p!.cliOk("migrate", "up", M1);
      await query(url, "CREATE TABLE dd_digits (n INTEGER)");
      try {
        await query(url, "INSERT INTO dd_digits (n) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)");
        await query(url, "INSERT INTO dd_books (id, title) SELECT a.n * 1000 + b.n * 100 + c.n * 10 + d.n + 1, 'x' FROM dd_digits a, dd_digits b, dd_digits c, dd_digits d");
        await query(url, "INSERT INTO dd_books (id, title) VALUES (10001, 'one more')");
        const refused = await p!.cli("migrate", "down");
        assert.equal(refused.code, 1, refused.out);
        assert.match(refused.err, /drop table dd_books: more than 10000 rows/);
        await query(url, "DELETE FROM dd_books WHERE id > 10000");
        assert.match((await p!.cli("migrate", "down")).err, /drop table dd_books: 10000 rows/);
        await p!.cliOk("migrate", "down", "--allow-data-loss");
        assert.deepEqual(await applied(), []);
      } finally {
        await query(url, "DROP TABLE dd_digits");
      }
    });

    test("a table of another schema (PostgreSQL schema, MariaDB database) holding rows: refused too", { skip: db.name === "sqlite" ? "one schema on SQLite" : false }, async () => {
      await resetDatabase(url, TABLES);
      const other = { schema: "dd_downloss_other", name: "dd_notes" };
      const notes = { ...tableModel("dd_notes", [col("body", str(50))]), schema: other.schema };
      await query(url, db.name === "postgresql" ? `DROP SCHEMA IF EXISTS ${other.schema} CASCADE` : `DROP DATABASE IF EXISTS ${other.schema}`);
      await query(url, db.name === "postgresql" ? `CREATE SCHEMA ${other.schema}` : `CREATE DATABASE ${other.schema}`);
      try {
        p!.write({ id: M1, up: [{ op: "createTable", table: notes }], down: [{ op: "dropTable", table: notes }] });
        p!.write({ id: M2, parents: [M1], up: [], down: [] });
        await p!.cliOk("migrate", "up", M1);
        await query(url, `INSERT INTO ${other.schema}.dd_notes (id, body) VALUES (1, 'keep')`);
        const refused = await p!.cli("migrate", "down");
        assert.equal(refused.code, 1, refused.out);
        assert.match(refused.err, /drop table dd_downloss_other\.dd_notes: 1 row\b/);
        assert.deepEqual(await query(url, `SELECT body FROM ${other.schema}.dd_notes`), [{ body: "keep" }]);
        await p!.cliOk("migrate", "down", "--allow-data-loss");
        assert.deepEqual(await applied(), []);
      } finally {
        await query(url, db.name === "postgresql" ? `DROP SCHEMA IF EXISTS ${other.schema} CASCADE` : `DROP DATABASE IF EXISTS ${other.schema}`);
      }
    });
  });
}
