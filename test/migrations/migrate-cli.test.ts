/**
 * `athanor migrate` through the CLI's `main`, on SQLite, PostgreSQL and MariaDB: up, down,
 * history, current, stamp and offline sql; an edited applied migration reported; a branch
 * detected and merged; a failing step reported as the database leaves it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createEngine } from "../../src/index.js";
import type { Operation } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { withMigrationLock } from "../../src/migrations/history/lock.js";
import { exec, Project, projectUrl, query, resetDatabase, type MigrationSpec, recreateDatabase } from "./project.js";
import { repoRoot as root } from "../support/repo-root.js";

const TABLES = ["mh_authors", "mh_books"];
/** The tables of examples/seed, children first. */
const SEED_TABLES = ["association_table", "left_table", "right_table"];

const dropIndex: Operation = { op: "execute", sql: { sqlite: "DROP INDEX ix_mh_books_isbn", postgresql: "DROP INDEX ix_mh_books_isbn", mysql: "DROP INDEX ix_mh_books_isbn ON mh_books" } };
const M1: MigrationSpec = {
  id: "20260101000001_create_books",
  up: exec("CREATE TABLE mh_books (id INTEGER PRIMARY KEY, title VARCHAR(100))"),
  // Its rows are meant to go: the down's drop would be refused over them otherwise (data-loss-guard.ts).
  down: [{ op: "execute", sql: "DROP TABLE mh_books", allowDataLoss: true }],
};
const M2: MigrationSpec = {
  id: "20260101000002_add_isbn",
  parents: [M1.id],
  up: exec("ALTER TABLE mh_books ADD COLUMN isbn VARCHAR(13)", "CREATE INDEX ix_mh_books_isbn ON mh_books (isbn)"),
  down: [dropIndex, { op: "execute", sql: "ALTER TABLE mh_books DROP COLUMN isbn", allowDataLoss: true }],
};
const M3: MigrationSpec = {
  id: "20260101000003_create_authors",
  parents: [M2.id],
  up: exec("CREATE TABLE mh_authors (id INTEGER PRIMARY KEY, name VARCHAR(50))"),
  down: exec("DROP TABLE mh_authors"),
};

for (const db of await testDatabases()) {
  describe(`athanor migrate [${db.name}]`, { skip: db.skip }, () => {
    const projects: Project[] = [];
    let url: string;
    const project = (name: string) => {
      const p = new Project(`${db.name}-${name}`, url);
      projects.push(p);
      return p;
    };
    const versions = async () =>
      (await query(url, "SELECT id, state, steps_done, steps_total FROM athanor_migrations ORDER BY id")).map((r) => `${r.id} ${r.state} ${r.steps_done}/${r.steps_total}`);
    const tableExists = async (name: string) => {
      try {
        await query(url, `SELECT count(*) AS n FROM ${name}`);
        return true;
      } catch {
        return false;
      }
    };

    before(async () => {
      url = projectUrl(db, "cli");
      await recreateDatabase(url);
    });
    after(async () => {
      projects.forEach((p) => p.remove());
      await resetDatabase(url, [...SEED_TABLES, ...TABLES]);
      await recreateDatabase(url, false);
    });

    test("up, history, current, down, stamp and sql", async () => {
      await resetDatabase(url, TABLES);
      const p = project("apply");
      [M1, M2, M3].forEach((m) => p.write(m));

      const history = await p.cli("migrate", "history");
      assert.equal(history.code, 0, history.err);
      assert.match(history.out, /\[ pending \]\s+20260101000001_create_books\s+create books\n/);
      assert.match(history.out, /20260101000003_create_authors\s+create authors\s+\(head\)/);

      const up2 = await p.cli("migrate", "up", "20260101000002");
      assert.equal(up2.code, 0, up2.err);
      assert.match(up2.out, /applying 20260101000001_create_books: create books \(1 step\)\n  \[1\/1\] execute SQL\n/);
      assert.match(up2.out, /applying 20260101000002_add_isbn: add isbn \(2 steps\)\n  \[1\/2\] execute SQL\n  \[2\/2\] execute SQL\n/);
      assert.match(up2.out, /applied 2 migration\(s\) to .*; now at 20260101000002_add_isbn/);
      assert.deepEqual(await versions(), [`${M1.id} applied 1/1`, `${M2.id} applied 2/2`]);
      await query(url, "INSERT INTO mh_books (id, title, isbn) VALUES (1, 'Dune', '9780441013593')");

      const current = await p.cli("migrate", "current");
      assert.equal(current.code, 0, current.err);
      assert.match(current.out, /^20260101000002_add_isbn  add isbn  \[ applied \]\n1 migration\(s\) not applied yet/);

      const up3 = await p.cli("migrate", "up", "--verbose");
      assert.equal(up3.code, 0, up3.err);
      assert.match(up3.out, /\[1\/1\] execute SQL\n(\s+BEGIN\n)?\s+CREATE TABLE mh_authors \(id INTEGER PRIMARY KEY, name VARCHAR\(50\)\)\n/);
      assert.match(up3.out, /INSERT INTO athanor_migrations/);
      assert.match((await p.cli("migrate", "up")).out, /is up to date: nothing to apply/);
      assert.match((await p.cli("migrate", "history")).out, /\[ applied \]\s+20260101000003_create_authors\s+create authors\s+\(head\)/);

      const down = await p.cli("migrate", "down");
      assert.equal(down.code, 0, down.err);
      assert.match(down.out, /reverting 20260101000003_create_authors: create authors \(1 step\)/);
      assert.match(down.out, /reverted 1 migration\(s\) on .*; now at 20260101000002_add_isbn/);
      assert.equal(await tableExists("mh_authors"), false);
      assert.deepEqual(await query(url, "SELECT title, isbn FROM mh_books"), [{ title: "Dune", isbn: "9780441013593" }]);

      const base = await p.cli("migrate", "down", "base");
      assert.equal(base.code, 0, base.err);
      assert.match(base.out, /reverting 20260101000002_add_isbn[^]*reverting 20260101000001_create_books[^]*now at base/);
      assert.equal(await tableExists("mh_books"), false);
      assert.deepEqual(await versions(), []);

      const stamp = await p.cli("migrate", "stamp", "head");
      assert.equal(stamp.code, 0, stamp.err);
      assert.match(stamp.out, /stamped .* at 20260101000003_create_authors \(3 migration\(s\) recorded as applied, none run\)/);
      assert.equal(await tableExists("mh_books"), false);
      assert.equal((await versions()).length, 3);
      assert.equal((await p.cli("migrate", "stamp", "base")).code, 0);
      assert.deepEqual(await versions(), []);

      const sql = await p.cli("migrate", "sql", "--from", M1.id);
      assert.equal(sql.code, 0, sql.err);
      assert.doesNotMatch(sql.out, /CREATE TABLE mh_books/);
      assert.match(sql.out, /-- 20260101000002_add_isbn: add isbn\n/);
      assert.match(sql.out, /ALTER TABLE mh_books ADD COLUMN isbn VARCHAR\(13\);\n/);
      assert.match(sql.out, /CREATE TABLE IF NOT EXISTS athanor_migrations/);
      if (db.name === "mysql") assert.match(sql.out, /UPDATE athanor_migrations SET checksum = '[^']+', state = 'applying', steps_done = 1, .*WHERE id = '20260101000002_add_isbn';/);
      else assert.match(sql.out, /BEGIN;\n-- step 1\/2[^]*INSERT INTO athanor_migrations [^\n]*'applied', 2, 2[^\n]*;\nCOMMIT;/);
      // Offline: another dialect, no database needed.
      const other = await p.cli("migrate", "sql", "--dialect", db.name === "sqlite" ? "postgresql" : "sqlite", "--url", "postgresql://nobody@127.0.0.1:1/none");
      assert.equal(other.code, 0, other.err);
      assert.match(other.out, /-- 20260101000001_create_books: create books\nBEGIN;/);
    });

    test("migrate new from the models, up, and new again finds nothing (no phantom diff); down base", async () => {
      await resetDatabase(url, [...SEED_TABLES, ...TABLES]);
      const p = project("generate");
      p.configure({ models: join(root, "examples/seed") });
      const made = await p.cli("migrate", "new", "initial schema");
      assert.equal(made.code, 0, made.err);
      assert.match(made.out, /^wrote migrations\/\d{14}_initial_schema\.ts \(3 operations; follows nothing: the first migration\)$/);
      const text = p.read(p.files()[0]!);
      assert.match(text, /op\.createTable\(/);
      const up = await p.cli("migrate", "up");
      assert.equal(up.code, 0, up.err);
      assert.match(up.out, /\[1\/3\] create table /);
      for (const table of SEED_TABLES) assert.equal(await tableExists(table), true, table);
      const again = await p.cli("migrate", "new", "nothing changed");
      assert.equal(again.code, 0, again.err);
      assert.match(again.out, /the models match the history \(\d{14}_initial_schema\): no migration written/);
      assert.equal(p.files().length, 1);
      const sql = await p.cli("migrate", "sql");
      assert.match(sql.out, /CREATE TABLE/);
      const down = await p.cli("migrate", "down", "base");
      assert.equal(down.code, 0, down.err);
      for (const table of SEED_TABLES) assert.equal(await tableExists(table), false, table);
    });

    test("one run at a time: a held migration lock stops up at once; no migrations is nothing to do", { skip: db.name === "sqlite" && "SQLite locks the file itself" }, async () => {
      await resetDatabase(url, TABLES);
      const p = project("lock");
      assert.match((await p.cli("migrate", "up")).out, /is up to date: nothing to apply/);
      p.write(M1);
      const engine = createEngine(url, { pool: { max: 1 } });
      const holder = await engine.connect();
      try {
        await holder.run(db.name === "postgresql" ? "SELECT pg_advisory_lock(1096042574)" : "SELECT GET_LOCK(CONCAT('athanor_migrations.', MD5(DATABASE())), 0)");
        const up = await p.cli("migrate", "up");
        assert.equal(up.code, 1);
        assert.match(up.err, /^athanor: another 'athanor migrate' holds the migration lock on this database; wait for it to finish/);
      } finally {
        await holder.close();
        await engine.dispose();
      }
      // A migration running on another database of the same server (MariaDB's lock names are the
      // server's) stops nothing here.
      const otherUrl = projectUrl(db, "cli_other");
      await recreateDatabase(otherUrl);
      const other = createEngine(otherUrl, { pool: { max: 1 } });
      const otherHolder = await other.connect();
      try {
        const up = await withMigrationLock(otherHolder, () => p.cli("migrate", "up"));
        assert.equal(up.code, 0, up.err);
      } finally {
        await otherHolder.close();
        await other.dispose();
        await recreateDatabase(otherUrl, false);
      }
      assert.deepEqual(await versions(), [`${M1.id} applied 1/1`]);
    });

    test("PostgreSQL: a step outside the transaction (CONCURRENTLY) is recorded after the commit; its failure is resumed", { skip: db.name !== "postgresql" && "PostgreSQL only" }, async () => {
      await resetDatabase(url, TABLES);
      const p = project("concurrently");
      const concurrently = (column: string): Operation => ({ op: "execute", sql: `CREATE INDEX CONCURRENTLY ix_mh_books_c ON mh_books (${column})`, transactional: false });
      p.write({ ...M1, up: [...M1.up, concurrently("no_such_column")] });
      const failed = await p.cli("migrate", "up");
      assert.equal(failed.code, 1);
      assert.match(failed.err, /^athanor: step 2 of 2 \(execute SQL\) of 20260101000001_create_books failed: column "no_such_column" does not exist/);
      assert.match(failed.err, /applied 1 of 2 steps of 20260101000001_create_books \(up\)/);
      assert.deepEqual(await versions(), [`${M1.id} applying 1/2`]);
      assert.equal(await tableExists("mh_books"), true);
      await query(url, "DROP INDEX IF EXISTS ix_mh_books_c"); // PostgreSQL leaves an invalid index behind
      p.write({ ...M1, up: [...M1.up, concurrently("title")] });
      const rerun = await p.cli("migrate", "up");
      assert.equal(rerun.code, 0, rerun.err);
      assert.match(rerun.out, /resuming after step 1, done by an earlier run\)\n  \[2\/2\]/);
      assert.deepEqual(await versions(), [`${M1.id} applied 2/2`]);
    });

    test("an applied migration edited afterwards is reported, and up refuses until it is restored or stamped", async () => {
      await resetDatabase(url, TABLES);
      const p = project("edited");
      p.write(M1);
      p.write(M2);
      assert.equal((await p.cli("migrate", "up", M1.id)).code, 0);
      p.write({ ...M1, up: exec("CREATE TABLE mh_books (id INTEGER PRIMARY KEY, title VARCHAR(200))") });

      const current = await p.cli("migrate", "current");
      assert.equal(current.code, 1);
      assert.match(current.out, /20260101000001_create_books  create books  \[ EDITED \]/);
      assert.match(current.err, /20260101000001_create_books was edited after being applied \(its checksum differs from the version table's\)/);
      const history = await p.cli("migrate", "history");
      assert.equal(history.code, 1);
      assert.match(history.out, /\[ EDITED \]\s+20260101000001_create_books/);

      const up = await p.cli("migrate", "up");
      assert.equal(up.code, 1);
      assert.match(up.err, /migration 20260101000001_create_books was edited after being applied .* record the new checksums with 'athanor migrate stamp 20260101000001_create_books'/);
      assert.equal(await tableExists("mh_books") && (await versions()).length, 1);

      assert.equal((await p.cli("migrate", "stamp", M1.id)).code, 0);
      const again = await p.cli("migrate", "up");
      assert.equal(again.code, 0, again.err);
      assert.deepEqual(await versions(), [`${M1.id} applied 0/0`, `${M2.id} applied 2/2`]);
    });

    test("two migrations after the same parent: named, with 'migrate merge'; a merge migration joins them", async () => {
      await resetDatabase(url, TABLES);
      const p = project("branch");
      p.write(M1);
      p.write({ ...M2, id: "20260101000002_alice" });
      p.write({ id: "20260101000002_bob", parents: [M1.id], up: exec("CREATE TABLE mh_authors (id INTEGER PRIMARY KEY)"), down: exec("DROP TABLE mh_authors") });

      const up = await p.cli("migrate", "up");
      assert.equal(up.code, 1);
      assert.match(
        up.err,
        /^athanor: the history has branched: migrations 20260101000002_alice and 20260101000002_bob both follow 20260101000001_create_books, so there are 2 heads .*Run 'athanor migrate merge'/,
      );
      const made = await p.cli("migrate", "new", "more");
      assert.equal(made.code, 1);
      assert.match(made.err, /both follow 20260101000001_create_books/);
      const history = await p.cli("migrate", "history");
      assert.equal(history.code, 1);
      assert.match(history.err, /the history has branched/);

      // An explicit target is still fine.
      assert.equal((await p.cli("migrate", "up", "20260101000002_alice")).code, 0);
      p.write({ id: "20260101000003_merge", parents: ["20260101000002_alice", "20260101000002_bob"], up: [], down: [] });
      const merged = await p.cli("migrate", "up");
      assert.equal(merged.code, 0, merged.err);
      assert.match(merged.out, /applying 20260101000002_bob[^]*applying 20260101000003_merge/);
      assert.match((await p.cli("migrate", "history")).out, /20260101000003_merge\s+merge\s+\(head, merges 20260101000002_alice \+ 20260101000002_bob\)/);
    });

    test("a failing step: rolled back on PostgreSQL/SQLite; on MariaDB 'applied N of M steps' and how to finish", async () => {
      await resetDatabase(url, TABLES);
      const p = project("failing");
      p.write(M1);
      const bad: MigrationSpec = { ...M2, up: exec("ALTER TABLE mh_books ADD COLUMN isbn VARCHAR(13)", "CREATE INDEX ix_mh_books_isbn ON mh_books (no_such_column)") };
      p.write(bad);
      const up = await p.cli("migrate", "up");
      assert.equal(up.code, 1);
      assert.match(up.err, /^athanor: step 2 of 2 \(execute SQL\) of 20260101000002_add_isbn failed: /);
      if (db.name === "mysql") {
        assert.match(up.err, /applied 1 of 2 steps of 20260101000002_add_isbn \(up\)/);
        assert.match(up.err, /To finish: fix the cause \(or the migration\) and run 'athanor migrate up' again/);
        assert.match(up.err, /To go back: run 'athanor migrate down'/);
        assert.deepEqual(await versions(), [`${M1.id} applied 1/1`, `${M2.id} applying 1/2`]);
        const current = await p.cli("migrate", "current");
        assert.match(current.err, /20260101000002_add_isbn: applied 1 of 2 steps; finish with 'athanor migrate up'/);
        // Fixed in the file: the rerun skips the recorded step and finishes.
        p.write(M2);
        const rerun = await p.cli("migrate", "up");
        assert.equal(rerun.code, 0, rerun.err);
        assert.match(rerun.out, /applying 20260101000002_add_isbn: add isbn \(2 steps; resuming after step 1, done by an earlier run\)\n  \[2\/2\]/);
        assert.deepEqual(await versions(), [`${M1.id} applied 1/1`, `${M2.id} applied 2/2`]);
      } else {
        assert.match(up.err, /nothing of 20260101000002_add_isbn was applied \(its transaction was rolled back\)/);
        assert.deepEqual(await versions(), [`${M1.id} applied 1/1`]);
        // The column of step 1 was rolled back with the transaction.
        await assert.rejects(query(url, "SELECT isbn FROM mh_books"));
      }
    });
  });
}

test("migrate new writes the next migration, importing from the configured specifier", async () => {
  const p = new Project("new", "sqlite:///unused.db");
  try {
    const first = await p.cli("migrate", "new", "Create books!", "--empty");
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^wrote migrations\/\d{14}_create_books\.ts \(0 operations; follows nothing: the first migration\)$/);
    const [file] = p.files();
    const text = p.read(file!);
    assert.match(text, /^import \{ defineMigration \} from ".*\/src\/migrations\/index\.ts";\n/);
    assert.match(text, /parents: \[\],\n  message: "Create books!",\n  up: \[\],\n  down: \[\],/);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await p.cli("migrate", "new", "add isbn", "--empty");
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, new RegExp(`follows ${file!.replace(/\.ts$/, "")}`));
    assert.equal(p.files().length, 2);
    assert.match((await p.cli("migrate", "history")).out, /_add_isbn\s+add isbn\s+\(head\)/);
    const usage = await p.cli("migrate", "new");
    assert.equal(usage.code, 2);
    assert.match(usage.err, /missing message: athanor migrate new "what changes"/);
    // The folder: --migrations, then ATHANOR_MIGRATIONS, then "migrations" of the config file.
    const elsewhere = await p.cli("migrate", "history", "--migrations", "db/migrations");
    assert.equal(elsewhere.code, 0, elsewhere.err);
    assert.equal(elsewhere.out, `no migrations in db/migrations (create one with 'athanor migrate new "message"')`);
    const help = await p.cli("migrate", "--help");
    for (const sub of ["check [--json]", 'merge ["message"]', "verify", "lint [target]"]) assert.ok(help.out.includes(`  ${sub}`), sub);
  } finally {
    p.remove();
  }
});
