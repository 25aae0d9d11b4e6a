/**
 * A migration left partly applied (MariaDB, where each DDL statement commits; PostgreSQL, a step
 * after the commit) resumes after the steps its version row counts. If the file was edited so that
 * those first steps are no longer the ones that ran, the resume skipped steps that never ran and
 * recorded the migration as applied: now it is refused, naming the migration, and nothing runs.
 * An edit after the resume point (fixing the failed step) still resumes.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Operation } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { Project, projectUrl, query, recreateDatabase, type MigrationSpec } from "./project.js";

const later = (sql: string, db: string): Operation => ({ op: "execute", sql, ...(db === "postgresql" ? { transactional: false } : {}) });

for (const db of await testDatabases()) {
  describe(`resuming an edited partly applied migration [${db.name}]`, { skip: db.skip || (db.name === "sqlite" && "SQLite runs every migration in one transaction") }, () => {
    let url: string;
    const projects: Project[] = [];
    before(async () => {
      url = projectUrl(db, "resume");
      await recreateDatabase(url);
    });
    after(async () => {
      projects.forEach((p) => p.remove());
      await recreateDatabase(url, false);
    });
    const versions = async () => (await query(url, "SELECT id, state, steps_done FROM athanor_migrations")).map((r) => `${r.id} ${r.state} ${r.steps_done}`);
    const tables = async () => (await query(url, db.name === "postgresql" ? "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1" : "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1")).map((r) => r.t);

    test("a step before the resume point edited: refused, nothing runs; restored, it resumes", async () => {
      const p = new Project(`resume-${db.name}`, url);
      projects.push(p);
      const failing: MigrationSpec = { id: "20260101000001_two", up: [{ op: "execute", sql: "CREATE TABLE re_a (id INT PRIMARY KEY)" }, later("SELECT no_such_column FROM re_a", db.name)], down: [] };
      p.write(failing);
      assert.equal((await p.cli("migrate", "up")).code, 1);
      assert.deepEqual(await versions(), ["20260101000001_two applying 1"]);
      // The first step is replaced: the step that ran (re_a) is not the one the file now has first.
      p.write({ ...failing, up: [{ op: "execute", sql: "CREATE TABLE re_b (id INT PRIMARY KEY)" }, later("SELECT 1", db.name)] });
      const rerun = await p.cli("migrate", "up");
      assert.equal(rerun.code, 1, rerun.out);
      assert.match(rerun.err, /20260101000001_two.*changed since/);
      assert.deepEqual(await versions(), ["20260101000001_two applying 1"]);
      assert.deepEqual(await tables(), ["athanor_migrations", "re_a"]);
      // Only the failed step fixed: resumes after step 1.
      p.write({ ...failing, up: [failing.up[0]!, later("SELECT id FROM re_a", db.name)] });
      const fixed = await p.cli("migrate", "up");
      assert.equal(fixed.code, 0, fixed.err);
      assert.deepEqual(await versions(), ["20260101000001_two applied 2"]);
    });
  });
}
