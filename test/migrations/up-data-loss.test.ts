/**
 * An up's drops ran over rows without a word: a drop written when the column was empty (or by
 * hand) deleted production's values at deploy. `migrate up` now counts what each drop the
 * migration does not mark `allowDataLoss: true` would destroy, as `migrate down` does, and refuses
 * the migration, nothing of it run (`UpDataLossError`), unless confirmed (`--allow-data-loss`);
 * `migrate new --allow-data-loss` marks the drops it writes, so a reviewed generated drop applies.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { generateMigration, MigrationDataLossError, UpDataLossError, type Operation } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { col, emptySchema, str, tableModel } from "./model-builders.js";
import { projectSuite, query, rejection, resetDatabase, withRunner } from "./project.js";

const TABLES = ["ud_books", "ud_notes"];
const BOOKS = tableModel("ud_books", [col("title", str(50)), col("isbn", str(20))]);
const NOTES = tableModel("ud_notes", [col("body", str(50))]);
const ISBN = col("isbn", str(20));
const M1 = "20260101000001_books";
const M2 = "20260101000002_drops";

for (const db of await testDatabases()) {
  describe(`migrate up over rows its drops would destroy [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "uploss", TABLES);
    const applied = async () => (await query(url, "SELECT id FROM athanor_migrations ORDER BY id")).map((r) => r["id"]);
    const dropIsbn: Operation = { op: "dropColumn", table: { name: "ud_books" }, column: ISBN };
    const dropNotes: Operation = { op: "dropTable", table: NOTES };
    const restore: Operation[] = [{ op: "createTable", table: NOTES }, { op: "addColumn", table: { name: "ud_books" }, column: ISBN }];

    test("unmarked drops over rows are refused, nothing run; marked or confirmed, they run; empty ones go without asking", async () => {
      await resetDatabase(url, TABLES);
      p!.write({ id: M1, up: [{ op: "createTable", table: BOOKS }, { op: "createTable", table: NOTES }], down: [dropNotes, { op: "dropTable", table: BOOKS }] });
      p!.write({ id: M2, parents: [M1], up: [{ op: "execute", sql: "UPDATE ud_books SET title = 'x' WHERE id = 0" }, dropIsbn, dropNotes], down: restore });
      await p!.cliOk("migrate", "up", M1);
      await query(url, "INSERT INTO ud_books (id, title, isbn) VALUES (1, 'Dune', '978-0441013593'), (2, 'Emma', NULL)");
      await query(url, "INSERT INTO ud_notes (id, body) VALUES (1, 'keep')");

      const refused = await p!.cli("migrate", "up");
      assert.equal(refused.code, 1, refused.out);
      assert.match(refused.err, new RegExp(`applying ${M2} would lose data; nothing of it was run`));
      assert.match(refused.err, /drop column ud_books\.isbn: 1 row with a value/);
      assert.match(refused.err, /drop table ud_notes: 1 row\b/);
      assert.match(refused.err, /allowDataLoss: true/);
      assert.deepEqual(await query(url, "SELECT isbn FROM ud_books WHERE id = 1"), [{ isbn: "978-0441013593" }]);
      assert.deepEqual(await query(url, "SELECT body FROM ud_notes"), [{ body: "keep" }]);
      assert.deepEqual(await applied(), [M1]);

      // The programmatic API: the typed error; a table emptied and a column of NULLs need no confirmation.
      await withRunner(url, p!, async (runner) => {
        const error = await rejection(runner.up(), "the up");
        assert.ok(error instanceof UpDataLossError && error instanceof MigrationDataLossError, String(error));
        assert.equal(error.id, M2);
        assert.equal(error.direction, "up");
        assert.deepEqual(error.losses, [
          { operation: "drop column ud_books.isbn", rows: 1 },
          { operation: "drop table ud_notes", rows: 1 },
        ]);
        await query(url, "DELETE FROM ud_notes");
        await query(url, "UPDATE ud_books SET isbn = NULL");
        assert.deepEqual(await runner.up(), [M2]);
        // Confirmed for the run.
        assert.deepEqual(await runner.down(M1), [M2]);
        await query(url, "UPDATE ud_books SET isbn = '1' WHERE id = 1");
        await query(url, "INSERT INTO ud_notes (id, body) VALUES (1, 'keep')");
        assert.deepEqual(await runner.up(undefined, { allowDataLoss: true }), [M2]);
        assert.deepEqual(await applied(), [M1, M2]);
      });

      // Marked in the migration: runs without asking. So does SQL that drops, marked; unmarked, it is counted too.
      await p!.cliOk("migrate", "down", M1);
      await query(url, "UPDATE ud_books SET isbn = '1' WHERE id = 1");
      await query(url, "INSERT INTO ud_notes (id, body) VALUES (1, 'keep')");
      p!.write({ id: M2, parents: [M1], up: [{ ...dropIsbn, allowDataLoss: true }, { op: "execute", sql: "DROP TABLE ud_notes" }], down: restore });
      const sqlDrop = await p!.cli("migrate", "up");
      assert.equal(sqlDrop.code, 1, sqlDrop.out);
      assert.match(sqlDrop.err, /drop table ud_notes \(SQL: DROP TABLE ud_notes\): 1 row\b/);
      assert.doesNotMatch(sqlDrop.err, /isbn/);
      p!.write({ id: M2, parents: [M1], up: [{ ...dropIsbn, allowDataLoss: true }, { op: "execute", sql: "DROP TABLE ud_notes", allowDataLoss: true }], down: restore });
      await p!.cliOk("migrate", "up");
      assert.deepEqual(await applied(), [M1, M2]);
      await assert.rejects(query(url, "SELECT isbn FROM ud_books"));
      await assert.rejects(query(url, "SELECT body FROM ud_notes"));
      assert.equal((await query(url, "SELECT title FROM ud_books ORDER BY id")).length, 2);
    });

    test("migrate new --allow-data-loss marks the drops it accepts: the generated up applies over rows", async () => {
      await resetDatabase(url, TABLES);
      const before = { tables: [BOOKS, NOTES], enums: [] };
      const after = { tables: [tableModel("ud_books", [col("title", str(50))])], enums: [] };
      assert.throws(() => generateMigration(before, after, { dialect: db.name, message: "drops", parents: [M1] }), /would lose data/);
      const { definition, source } = generateMigration(before, after, { dialect: db.name, message: "drops", parents: [M1], allowDataLoss: true });
      const drops = definition.up.filter((o) => o.op === "dropColumn" || o.op === "dropTable");
      assert.deepEqual(drops.map((o) => [o.op, "allowDataLoss" in o && o.allowDataLoss]), [["dropTable", true], ["dropColumn", true]]);
      assert.match(source, /op\.dropColumn\("ud_books", \{[^]*\}, \{ allowDataLoss: true \}\)/);
      // The down that puts them back carries no mark: its own drops are counted when it runs.
      assert.ok(definition.down.every((o) => !("allowDataLoss" in o)));
      assert.deepEqual(generateMigration(emptySchema, emptySchema, { dialect: db.name, message: "none", parents: [] }).definition.up, []);

      p!.write({ id: M1, up: [{ op: "createTable", table: BOOKS }, { op: "createTable", table: NOTES }], down: [dropNotes, { op: "dropTable", table: BOOKS }] });
      p!.write({ id: M2, parents: [M1], up: definition.up, down: definition.down });
      await p!.cliOk("migrate", "up", M1);
      await query(url, "INSERT INTO ud_books (id, title, isbn) VALUES (1, 'Dune', '978-0441013593')");
      await query(url, "INSERT INTO ud_notes (id, body) VALUES (1, 'keep')");
      await p!.cliOk("migrate", "up");
      assert.deepEqual(await applied(), [M1, M2]);
    });
  });
}
