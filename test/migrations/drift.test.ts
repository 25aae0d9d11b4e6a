/**
 * `migrate check`, `verify`, `merge` and `lint` through the CLI's `main`, on SQLite, PostgreSQL
 * and MariaDB. Each replays the history on a real scratch database (SQLite in memory, a database
 * made and dropped beside the test database on the servers) and compares reflected schemas.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createEngine } from "../../src/index.js";
import { op, types, type Operation } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { exec, Project, projectUrl, query, resetDatabase, type MigrationSpec, recreateDatabase } from "./project.js";
import { repoRoot as root } from "../support/repo-root.js";

/** The tables of examples/seed, children first, and this file's own. */
const TABLES = ["association_table", "left_table", "right_table", "dr_notes", "dr_tags"];

const BASE: MigrationSpec = {
  id: "20260201000001_notes",
  up: exec("CREATE TABLE dr_notes (id INTEGER PRIMARY KEY, body VARCHAR(100))"),
  down: exec("DROP TABLE dr_notes"),
};
/** Two branches after BASE that touch different tables: both orders agree. */
const ADD_TITLE: MigrationSpec = { id: "20260201000002_title", parents: [BASE.id], up: exec("ALTER TABLE dr_notes ADD COLUMN title VARCHAR(20)"), down: exec("ALTER TABLE dr_notes DROP COLUMN title") };
const ADD_TAGS: MigrationSpec = { id: "20260201000003_tags", parents: [BASE.id], up: exec("CREATE TABLE dr_tags (id INTEGER PRIMARY KEY)"), down: exec("DROP TABLE dr_tags") };
/** A branch that adds the same column as ADD_TITLE with another type: the second order fails. */
const ADD_TITLE_TOO: MigrationSpec = { id: "20260201000004_title_too", parents: [BASE.id], up: exec("ALTER TABLE dr_notes ADD COLUMN title INTEGER"), down: exec("ALTER TABLE dr_notes DROP COLUMN title") };

for (const db of await testDatabases()) {
  describe(`athanor migrate check, verify, merge, lint [${db.name}]`, { skip: db.skip }, () => {
    const projects: Project[] = [];
    const url = db.skip ? "" : projectUrl(db, "drift");
    const project = (name: string) => {
      const p = new Project(`${db.name}-${name}`, url);
      projects.push(p);
      return p;
    };
    before(() => (db.skip ? undefined : recreateDatabase(url)));
    after(async () => {
      projects.forEach((p) => p.remove());
      if (!db.skip) await recreateDatabase(url, false);
    });

    test("check: models, history and database agree; a hand-made change, a pending migration and an edit are drift", async () => {
      await resetDatabase(url, TABLES);
      const p = project("check");
      p.configure({ models: join(root, "examples/seed") });
      assert.equal((await p.cli("migrate", "new", "initial schema")).code, 0);
      assert.equal((await p.cli("migrate", "up")).code, 0);

      const clean = await p.cli("migrate", "check");
      assert.equal(clean.code, 0, clean.out + clean.err);
      assert.match(clean.out, /^ok    models vs history: no difference$/m);
      assert.match(clean.out, /models, history and database agree$/);

      await query(url, "ALTER TABLE left_table ADD COLUMN extra INTEGER");
      const handMade = await p.cli("migrate", "check");
      assert.equal(handMade.code, 1);
      assert.match(handMade.out, /^DRIFT .* vs its applied migrations \(\d{14}_initial_schema\): 1 difference\(s\); the database was changed outside the migrations/m);
      assert.match(handMade.out, /^ {8}drop column left_table\.extra$/m);
      assert.match(handMade.out, /^ok    models vs history: no difference$/m);
      const json = JSON.parse((await p.cli("migrate", "check", "--json")).out);
      assert.equal(json.clean, false);
      assert.deepEqual(json.liveVsHistory.operations.map((o: Operation) => o.op), ["dropColumn"]);
      await query(url, "ALTER TABLE left_table DROP COLUMN extra");

      p.write({ id: "29990101000000_pending", parents: [p.files()[0]!.replace(/\.ts$/, "")], up: exec("CREATE TABLE dr_notes (id INTEGER PRIMARY KEY)"), down: exec("DROP TABLE dr_notes") });
      const pending = await p.cli("migrate", "check");
      assert.equal(pending.code, 1);
      assert.match(pending.out, /^DRIFT not applied to the database: 29990101000000_pending; run 'athanor migrate up'$/m);
      assert.match(pending.out, /^DRIFT models vs history: 1 difference\(s\); write a migration for them/m);
      assert.match(pending.out, /^ {8}drop table dr_notes$/m);
    });

    test("verify: up, down, up per migration; a down that leaves a column behind fails, naming it", async () => {
      await resetDatabase(url, TABLES);
      const p = project("verify");
      p.write(BASE);
      p.write(ADD_TITLE);
      const good = await p.cli("migrate", "verify");
      assert.equal(good.code, 0, good.out + good.err);
      assert.match(good.out, /^\[1\/2\] 20260201000001_notes: up, down, up$/m);
      assert.match(good.out, /all 2 downs restore the schema$/);

      p.write({ ...ADD_TITLE, down: [] });
      const bad = await p.cli("migrate", "verify");
      assert.equal(bad.code, 1);
      assert.match(bad.out, /^FAIL {2}20260201000002_title$/m);
      assert.match(bad.out, /^ {8}down does not restore the schema before up; it would also need to: drop column dr_notes\.title$/m);
      assert.match(bad.out, /^ {8}up after down fails: /m);
      assert.match(bad.out, /1 of 2 migration\(s\) have a down that does not restore the schema$/);
      // Nothing was applied to the configured database: verify works on a scratch one.
      assert.deepEqual(await tablesLike(url, "dr_%"), []);
    });

    test("merge: two branches that agree in both orders get a merge migration; the history applies", async () => {
      await resetDatabase(url, TABLES);
      const p = project("merge");
      [BASE, ADD_TITLE, ADD_TAGS].forEach((m) => p.write(m));
      const blocked = await p.cli("migrate", "up");
      assert.equal(blocked.code, 1);
      assert.match(blocked.err, /athanor migrate merge/);

      const merged = await p.cli("migrate", "merge");
      assert.equal(merged.code, 0, merged.out + merged.err);
      assert.match(merged.out, /both orders give the same schema: wrote migrations\/\d{14}_merge_.*\.ts \(merges 20260201000002_title \+ 20260201000003_tags\)$/m);
      assert.equal(p.files().length, 4);
      const up = await p.cli("migrate", "up");
      assert.equal(up.code, 0, up.out + up.err);
      assert.deepEqual(await tablesLike(url, "dr_%"), ["dr_notes", "dr_tags"]);
      const verify = await p.cli("migrate", "verify");
      assert.equal(verify.code, 0, verify.out + verify.err);
    });

    test("merge: branches that conflict are reported and no file is written", async () => {
      await resetDatabase(url, TABLES);
      const p = project("conflict");
      [BASE, ADD_TITLE, ADD_TITLE_TOO].forEach((m) => p.write(m));
      const result = await p.cli("migrate", "merge");
      assert.equal(result.code, 1);
      assert.match(result.err, /^athanor: the branches 20260201000002_title and 20260201000004_title_too conflict; no merge migration written:$/m);
      assert.match(result.err, /applying 20260201000004_title_too after 20260201000002_title fails: /);
      assert.equal(p.files().length, 3);
    });

    test("merge: branches that both apply but leave different schemas are reported by object", { skip: db.name === "sqlite" && "SQLite has no ALTER COLUMN SET DEFAULT to write the branches with" }, async () => {
      await resetDatabase(url, TABLES);
      const p = project("disagree");
      const setDefault = (value: number) => exec(`ALTER TABLE dr_notes ALTER COLUMN body SET DEFAULT '${value}'`);
      p.write(BASE);
      p.write({ id: "20260201000005_default_a", parents: [BASE.id], up: setDefault(1), down: exec("ALTER TABLE dr_notes ALTER COLUMN body DROP DEFAULT") });
      p.write({ id: "20260201000006_default_b", parents: [BASE.id], up: setDefault(2), down: exec("ALTER TABLE dr_notes ALTER COLUMN body DROP DEFAULT") });
      const result = await p.cli("migrate", "merge");
      assert.equal(result.code, 1);
      assert.match(result.err, /20260201000005_default_a then 20260201000006_default_b and the reverse order disagree: alter column dr_notes\.body/);
    });

    test("lint: every migration against the history before it; errors exit 1 with the rule id and the fix", async () => {
      await resetDatabase(url, TABLES);
      const p = project("lint");
      p.write(BASE);
      const index = op.createIndex("dr_notes", { name: "ix_dr_notes_body", columns: ["body"] });
      p.write({ id: "20260201000007_index", parents: [BASE.id], up: [index], down: [op.dropIndex("dr_notes", { name: "ix_dr_notes_body", columns: ["body"] })] });
      const result = await p.cli("migrate", "lint");
      if (db.name === "postgresql") {
        assert.equal(result.code, 1);
        assert.match(result.out, /^error {3}20260201000007_index up\[0\] pg-index-not-concurrent: /m);
        assert.match(result.out, /2 migration\(s\) linted for postgresql: 1 finding\(s\), 1 error\(s\)$/);
        // The suppressed form passes, and needs a reason.
        p.write({ id: "20260201000007_index", parents: [BASE.id], up: [{ ...index, lint: { allow: ["pg-index-not-concurrent"], reason: "dr_notes is small" } }], down: [] });
        assert.equal((await p.cli("migrate", "lint")).code, 0);
      } else {
        assert.equal(result.code, 0, result.out);
        assert.match(result.out, new RegExp(`2 migration\\(s\\) linted for ${db.name}: \\d+ finding\\(s\\), 0 error\\(s\\)$`));
      }
    });

    test("lockTimeout: a migration queued behind another transaction's lock fails after the timeout instead of waiting", { skip: db.name === "sqlite" && "SQLite has no lock timeout of its own (busy timeout)" }, async () => {
      await resetDatabase(url, TABLES);
      const p = project("lock-timeout");
      p.write(BASE);
      assert.equal((await p.cli("migrate", "up")).code, 0);
      p.write(ADD_TITLE);
      const engine = createEngine(url, { pool: { max: 1 } });
      const holder = await engine.connect();
      try {
        // An open transaction that read the table holds a lock the ALTER must wait for.
        await holder.run(db.name === "postgresql" ? "BEGIN" : "START TRANSACTION");
        await holder.run("SELECT count(*) FROM dr_notes");
        const started = Date.now();
        const blocked = await p.cli("migrate", "up", "--lock-timeout", "1s");
        assert.equal(blocked.code, 1, blocked.out + blocked.err);
        assert.match(blocked.err, /lock/i);
        assert.ok(Date.now() - started < 20_000, "failed after the timeout, not after the server's default");
      } finally {
        await holder.run("ROLLBACK");
        await holder.close();
        await engine.dispose();
      }
      const bad = await p.cli("migrate", "up", "--lock-timeout", "soon");
      assert.equal(bad.code, 2);
      assert.match(bad.err, /^athanor: lockTimeout: expected a duration like "5s"/);
      const up = await p.cli("migrate", "up", "--lock-timeout", "5s");
      assert.equal(up.code, 0, up.out + up.err);
    });

    test("online-safe operations apply: NOT VALID then VALIDATE after the commit, CONCURRENTLY outside the transaction", { skip: db.name !== "postgresql" && "PostgreSQL forms" }, async () => {
      await resetDatabase(url, TABLES);
      const p = project("online");
      // Typed operations: the planner follows the tables they make (SQL text it cannot read).
      const notes = { columns: [{ name: "id", type: types.integer() }, { name: "tag_id", type: types.integer(), nullable: true }], primaryKey: ["id"] };
      const tags = { columns: [{ name: "id", type: types.integer() }], primaryKey: ["id"] };
      p.write({
        id: "20260201000008_tables",
        up: [op.createTable("dr_tags", tags), op.createTable("dr_notes", notes), ...exec("INSERT INTO dr_tags VALUES (1)", "INSERT INTO dr_notes VALUES (1, 1)")],
        down: [op.dropTable("dr_notes", notes), op.dropTable("dr_tags", tags)],
      });
      const fk = { name: "fk_dr_notes_tag_id_dr_tags", columns: ["tag_id"], referredTable: "dr_tags", referredColumns: ["id"] };
      const up = [
        op.addForeignKey("dr_notes", fk, { notValid: true }),
        op.createIndex("dr_notes", { name: "ix_dr_notes_tag_id", columns: ["tag_id"] }, { concurrently: true }),
        op.validateConstraint("dr_notes", fk.name, { afterCommit: true }),
      ];
      p.write({ id: "20260201000009_online", parents: ["20260201000008_tables"], up, down: [op.dropIndex("dr_notes", { name: "ix_dr_notes_tag_id", columns: ["tag_id"] }), op.dropForeignKey("dr_notes", fk)] });
      const lint = await p.cli("migrate", "lint", "20260201000009");
      assert.equal(lint.code, 0, lint.out);
      const applied = await p.cli("migrate", "up", "--verbose");
      assert.equal(applied.code, 0, applied.out + applied.err);
      // The VALIDATE runs after the COMMIT of the transaction that added the key NOT VALID.
      const log = applied.out.slice(applied.out.indexOf("20260201000009_online"));
      assert.ok(log.indexOf("NOT VALID") < log.indexOf("COMMIT") && log.indexOf("COMMIT") < log.indexOf("VALIDATE CONSTRAINT"), log);
      const [row] = await query(url, "SELECT convalidated FROM pg_constraint WHERE conname = 'fk_dr_notes_tag_id_dr_tags'");
      assert.equal(row?.convalidated, true);
    });
  });
}

async function tablesLike(url: string, pattern: string): Promise<string[]> {
  const sql = url.startsWith("sqlite")
    ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '${pattern}' ORDER BY name`
    : url.startsWith("postgres")
      ? `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE '${pattern}' ORDER BY tablename`
      : `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE '${pattern}' ORDER BY table_name`;
  return (await query(url, sql)).map((r) => String(r.name));
}
