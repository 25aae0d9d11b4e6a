/**
 * The down data-loss guard counted only the structured drops (`dropTable`, `dropColumn`): a down
 * written as SQL (`op.execute("DROP TABLE ...")`, `ALTER TABLE ... DROP COLUMN`, `TRUNCATE`,
 * `DELETE` without `WHERE`) ran over rows without a word. Those statements are now read, in each
 * database's quoting, and counted like the operations; SQL that may delete rows in a way its text
 * does not show (a `DO` block, a multi-table `DELETE`, a `WITH ... DELETE`) is refused
 * unconfirmed; SQL that deletes nothing (an UPDATE, a DELETE with a WHERE) runs without asking.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Operation } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { col, str, tableModel } from "./model-builders.js";
import { DownDataLossError } from "../../src/migrations/index.js";
import { projectSuite, query, rejection, resetDatabase, withRunner } from "./project.js";

const TABLES = ["sq_books", "sq_notes"];
const BOOKS = tableModel("sq_books", [col("title", str(50))]);
const NOTES = tableModel("sq_notes", [col("body", str(50))]);
const ISBN = col("isbn", str(20));
const M1 = "20260101000001_books";
const M2 = "20260101000002_isbn";
const M3 = "20260101000003_notes";

for (const db of await testDatabases()) {
  describe(`a down written as SQL over rows it would drop [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "sqldrops", TABLES);
    const applied = async () => (await query(url, "SELECT id FROM athanor_migrations ORDER BY id")).map((r) => r["id"]);
    const q = (name: string) => (db.name === "mysql" ? `\`${name}\`` : `"${name}"`);
    const sql = (text: string): Operation => ({ op: "execute", sql: text });
    // MariaDB on Linux compares table names with their case; column names without, as SQLite and PostgreSQL (unquoted) do.
    const BOOKS_AS_WRITTEN = db.name === "mysql" ? "sq_books" : "SQ_BOOKS";
    const count = async (table: string) => Number((await query(url, `SELECT COUNT(*) AS n FROM ${table}`))[0]!["n"]);
    /** `migrate down` refuses (exit 1, `loss` in its message, `table` keeping its `rows` rows), then runs confirmed. */
    const refusedThenConfirmed = async (loss: RegExp, table: string, rows: number) => {
      const refused = await p!.cli("migrate", "down");
      assert.equal(refused.code, 1, refused.out);
      assert.match(refused.err, loss);
      assert.equal(await count(table), rows);
      await p!.cliOk("migrate", "down", "--allow-data-loss");
    };

    test("DROP TABLE (quoted), ALTER TABLE ... DROP COLUMN, emptying statements: refused over rows until confirmed", async () => {
      await resetDatabase(url, TABLES);
      p!.write({ id: M1, up: [{ op: "createTable", table: BOOKS }], down: [sql(`DROP TABLE ${q("sq_books")}`)] });
      p!.write({ id: M2, parents: [M1], up: [{ op: "addColumn", table: { name: "sq_books" }, column: ISBN }], down: [sql(`ALTER TABLE ${BOOKS_AS_WRITTEN} DROP COLUMN ISBN`)] });
      const empty = db.name === "sqlite" ? "DELETE FROM sq_notes" : `TRUNCATE TABLE ${q("sq_notes")}`;
      p!.write({ id: M3, parents: [M2], up: [{ op: "createTable", table: NOTES }], down: [sql("UPDATE sq_books SET title = 'x' WHERE id = 0"), sql("DELETE FROM sq_books WHERE id = 0"), sql(empty), sql("DROP TABLE sq_notes")] });
      await p!.cliOk("migrate", "up");
      await query(url, "INSERT INTO sq_books (id, title, isbn) VALUES (1, 'Dune', '978-0441013593'), (2, 'Emma', NULL)");
      await query(url, "INSERT INTO sq_notes (id, body) VALUES (1, 'keep')");

      // TRUNCATE / DELETE without WHERE empties sq_notes: counted like a drop.
      const notes = await p!.cli("migrate", "down");
      assert.equal(notes.code, 1, notes.out);
      assert.match(notes.err, new RegExp(`reverting ${M3} would lose data; nothing of it was run`));
      assert.match(notes.err, /delete all rows of sq_notes \(SQL: (TRUNCATE|DELETE)[^)]*\): 1 row\b/);
      assert.match(notes.err, /drop table sq_notes \(SQL: .*\): 1 row\b/);
      assert.doesNotMatch(notes.err, /UPDATE|WHERE/); // what deletes nothing is not listed
      assert.equal(await count("sq_notes"), 1);
      assert.deepEqual(await applied(), [M1, M2, M3]);
      await query(url, "DELETE FROM sq_notes");
      await p!.cliOk("migrate", "down"); // emptied: no confirmation needed
      assert.deepEqual(await applied(), [M1, M2]);

      // ALTER TABLE ... DROP COLUMN, names unquoted in another case: the database's folding applies.
      const column = await p!.cli("migrate", "down");
      assert.equal(column.code, 1, column.out);
      assert.match(column.err, new RegExp(`drop column ${BOOKS_AS_WRITTEN}\\.ISBN \\(SQL: ALTER TABLE ${BOOKS_AS_WRITTEN} DROP COLUMN ISBN\\): 1 row with a value`));
      assert.deepEqual(await query(url, "SELECT isbn FROM sq_books WHERE id = 1"), [{ isbn: "978-0441013593" }]);
      assert.deepEqual(await applied(), [M1, M2]);
      await p!.cliOk("migrate", "down", "--allow-data-loss");
      assert.deepEqual(await applied(), [M1]);

      // DROP TABLE with the name quoted.
      await refusedThenConfirmed(/drop table sq_books \(SQL: DROP TABLE .sq_books.\): 2 rows/, "sq_books", 2);
      assert.deepEqual(await applied(), []);
    });

    test("a table qualified by the connection's own schema (public, the database, main) is counted too", async () => {
      await resetDatabase(url, TABLES);
      rmSync(join(p!.migrations, `${M2}.ts`), { force: true });
      rmSync(join(p!.migrations, `${M3}.ts`), { force: true });
      const own = db.name === "sqlite" ? "main" : String(Object.values((await query(url, db.name === "postgresql" ? "SELECT current_schema() AS n" : "SELECT DATABASE() AS n"))[0]!)[0]);
      p!.write({ id: M1, up: [{ op: "createTable", table: BOOKS }], down: [sql(`DROP TABLE ${own}.sq_books`)] });
      await p!.cliOk("migrate", "up");
      await query(url, "INSERT INTO sq_books (id, title) VALUES (1, 'Dune')");
      // Was run unrefused, the guard reading SQL: reflection lists the own schema's tables unqualified.
      await refusedThenConfirmed(new RegExp(`drop table ${own}\\.sq_books \\(SQL: DROP TABLE ${own}\\.sq_books\\): 1 row`), "sq_books", 1);
      assert.deepEqual(await applied(), []);
    });

    test("SQL whose deletions the text does not show is refused unconfirmed; marked allowDataLoss, it runs", async () => {
      await resetDatabase(url, TABLES);
      rmSync(join(p!.migrations, `${M3}.ts`), { force: true });
      const opaque = {
        postgresql: "DO $$ BEGIN DELETE FROM sq_books; END $$",
        mysql: "DELETE sq_books FROM sq_books",
        sqlite: "WITH gone AS (SELECT id FROM sq_books) DELETE FROM sq_books WHERE id IN (SELECT id FROM gone)",
      }[db.name];
      p!.write({ id: M1, up: [{ op: "createTable", table: BOOKS }], down: [{ op: "dropTable", table: BOOKS }] });
      p!.write({ id: M2, parents: [M1], up: [sql("UPDATE sq_books SET title = title")], down: [sql(opaque)] });
      await p!.cliOk("migrate", "up");
      await query(url, "INSERT INTO sq_books (id, title) VALUES (1, 'Dune')");
      const refused = await p!.cli("migrate", "down");
      assert.equal(refused.code, 1, refused.out);
      assert.match(refused.err, /execute .*: may delete rows \(SQL the check cannot read\)/);
      assert.equal(await count("sq_books"), 1);
      assert.deepEqual(await applied(), [M1, M2]);

      // The migration says the loss is meant: no confirmation asked.
      p!.write({ id: M2, parents: [M1], up: [sql("UPDATE sq_books SET title = title")], down: [{ op: "execute", sql: opaque, allowDataLoss: true }] });
      await p!.cliOk("migrate", "stamp", M2); // the edited file's checksum (its up is unchanged)
      await p!.cliOk("migrate", "down");
      assert.equal(await count("sq_books"), 0);
      assert.deepEqual(await applied(), [M1]);
    });

    test("MariaDB in NO_BACKSLASH_ESCAPES: a string ends at \\', and the DROP after it is counted", { skip: db.name !== "mysql" && "a MariaDB sql_mode" }, async () => {
      await resetDatabase(url, TABLES);
      rmSync(join(p!.migrations, `${M3}.ts`), { force: true });
      p!.write({ id: M1, up: [{ op: "createTable", table: BOOKS }, { op: "createTable", table: NOTES }], down: [{ op: "dropTable", table: NOTES, allowDataLoss: true }, { op: "dropTable", table: BOOKS, allowDataLoss: true }] });
      p!.write({ id: M2, parents: [M1], up: [sql("UPDATE sq_books SET title = title")], down: [sql("UPDATE sq_notes SET body = 'x\\'; DROP TABLE sq_books; -- '")] });
      await p!.cliOk("migrate", "up");
      await query(url, "INSERT INTO sq_books (id, title) VALUES (1, 'Dune')");
      await withRunner(url, p!, async (runner) => {
        const error = await rejection(runner.down(), "the down");
        assert.ok(error instanceof DownDataLossError, String(error));
        assert.deepEqual(error.losses.map((l) => [l.operation.replace(/ \(SQL: .*/, ""), l.rows]), [["drop table sq_books", 1]]);
      }, ["SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES'"]);
      assert.equal(await count("sq_books"), 1);
      assert.deepEqual(await applied(), [M1, M2]);
    });
  });
}
