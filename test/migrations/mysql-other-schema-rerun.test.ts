/**
 * MariaDB/MySQL: the rerun guards of a migration's steps read the live schema of the default
 * database only, so a step on a table of another database (`schema: "other"`) that ran before its
 * record was lost was never found done: its rerun sent it again, and a CREATE TABLE or ADD COLUMN
 * failed ("already exists") on every rerun. The guards now read the databases the migration names.
 * The state after such a step is made here by running it by hand before `migrate up`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { col, str, tableModel } from "./model-builders.js";
import { Project, projectUrl, query, recreateDatabase } from "./project.js";

const mysql = (await testDatabases()).find((d) => d.name === "mysql")!;
const OTHER = "osr_other";
const notes = { ...tableModel("osr_notes", [col("body", str(50))]), schema: OTHER };
const ref = { schema: OTHER, name: "osr_notes" };
const TAG = col("tag", str(20));

describe("MariaDB: steps on a table of another database that ran unrecorded are skipped on rerun", { skip: mysql.skip }, () => {
  let url: string;
  let p: Project;
  before(async () => {
    url = projectUrl(mysql, "otherschemarerun");
    await recreateDatabase(url);
    await query(url, `DROP DATABASE IF EXISTS ${OTHER}`);
    await query(url, `CREATE DATABASE ${OTHER}`);
    p = new Project("mysql-other-schema-rerun", url);
    p.write({ id: "20260101000001_notes", up: [{ op: "createTable", table: notes }, { op: "addColumn", table: ref, column: TAG }], down: [{ op: "dropColumn", table: ref, column: TAG }, { op: "dropTable", table: notes }] });
  });
  after(async () => {
    p?.remove();
    await query(url, `DROP DATABASE IF EXISTS ${OTHER}`);
    await recreateDatabase(url, false);
  });

  test("the CREATE TABLE and ADD COLUMN found done are skipped; the migration is recorded applied", async () => {
    // What an earlier run left when its connection died after both steps, before recording them.
    await query(url, `CREATE TABLE ${OTHER}.osr_notes (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, body VARCHAR(50), tag VARCHAR(20))`);
    await query(url, `INSERT INTO ${OTHER}.osr_notes (id, body, tag) VALUES (1, 'keep', 'x')`);
    const run = await p.cli("migrate", "up");
    assert.equal(run.code, 0, run.err); // was: Table 'osr_notes' already exists
    assert.match(run.out, /already applied \(found in the database\): skipped[\s\S]*already applied \(found in the database\): skipped/);
    assert.deepEqual(await query(url, `SELECT id, body, tag FROM ${OTHER}.osr_notes`), [{ id: 1, body: "keep", tag: "x" }]);
    assert.deepEqual((await query(url, "SELECT state FROM athanor_migrations")).map((r) => r["state"]), ["applied"]);
  });
});
