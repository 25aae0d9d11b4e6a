/**
 * MariaDB/MySQL cannot rename a foreign key or a check: `renameConstraint` is a DROP then an ADD,
 * two steps, each committed and recorded on its own. Neither step had a rerun guard, so when the
 * DROP ran and its record was lost (the connection died between the two), the rerun sent the DROP
 * again, which failed ("Can't DROP ...; check that it exists") on every rerun: the migration could
 * never finish, though the docs promise that a step that ran unrecorded is recognised in the live
 * schema and skipped; likewise `migrate down` after an up that stopped between the two (the down's
 * DROP of the new name, never added). Each step now has its guard. The state after such a DROP is
 * made here by running it by hand before `migrate up` (the guards run before every step, first run or not).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Operation } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { col, int, tableModel } from "./model-builders.js";
import { Project, projectUrl, query, recreateDatabase } from "./project.js";

const mysql = (await testDatabases()).find((d) => d.name === "mysql")!;
const FIRST = "20260101000001_tables";
const SECOND = "20260101000002_rename_constraints";
const parent = tableModel("rcr_parent", []);
const child = tableModel("rcr_child", [col("pid", int), col("qty", int)], {
  foreignKeys: [{ name: "fk_rcr_old", columns: ["pid"], referredTable: "rcr_parent", referredColumns: ["id"] }],
  checks: [{ name: "ck_rcr_old", sql: "qty >= 0" }],
});
const renames: Operation[] = [
  { op: "renameConstraint", table: { name: "rcr_child" }, kind: "foreignKey", from: "fk_rcr_old", to: "fk_rcr_new" },
  { op: "renameConstraint", table: { name: "rcr_child" }, kind: "check", from: "ck_rcr_old", to: "ck_rcr_new" },
];
const back: Operation[] = [
  { op: "renameConstraint", table: { name: "rcr_child" }, kind: "check", from: "ck_rcr_new", to: "ck_rcr_old" },
  { op: "renameConstraint", table: { name: "rcr_child" }, kind: "foreignKey", from: "fk_rcr_new", to: "fk_rcr_old" },
];

describe("a MariaDB constraint rename whose DROP ran unrecorded finishes on rerun", { skip: mysql.skip }, () => {
  let url: string;
  let p: Project;
  before(async () => {
    url = projectUrl(mysql, "renamererun");
    await recreateDatabase(url);
    p = new Project("mysql-rename-rerun", url);
    p.write({ id: FIRST, up: [{ op: "createTable", table: parent }, { op: "createTable", table: child }], down: [{ op: "dropTable", table: child }, { op: "dropTable", table: parent }] });
    p.write({ id: SECOND, parents: [FIRST], up: renames, down: back });
    const setup = await p.cli("migrate", "up", FIRST);
    assert.equal(setup.code, 0, setup.err);
    await query(url, "INSERT INTO rcr_parent (id) VALUES (1)");
    await query(url, "INSERT INTO rcr_child (id, pid, qty) VALUES (1, 1, 5)");
  });
  after(async () => {
    p?.remove();
    await recreateDatabase(url, false);
  });

  test("an up stopped between the DROP and the ADD goes back with migrate down: the key is added under its old name", async () => {
    // The ADD fails: a foreign key's name is the database's, and another table holds it.
    await query(url, "CREATE TABLE rcr_other (pid INTEGER, CONSTRAINT fk_rcr_new FOREIGN KEY (pid) REFERENCES rcr_parent (id))");
    const up = await p.cli("migrate", "up");
    assert.equal(up.code, 1);
    assert.match(up.err, /applied 1 of 4 steps/);
    await query(url, "DROP TABLE rcr_other");
    const down = await p.cli("migrate", "down");
    assert.equal(down.code, 0, down.err); // was: Can't DROP FOREIGN KEY `fk_rcr_new`; check that it exists
    const names = (await query(url, "SELECT CONSTRAINT_NAME AS n FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'rcr_child' AND CONSTRAINT_TYPE IN ('FOREIGN KEY', 'CHECK') ORDER BY n")).map((r) => r["n"]);
    assert.deepEqual(names, ["ck_rcr_old", "fk_rcr_old"]);
    assert.deepEqual((await query(url, "SELECT id FROM athanor_migrations ORDER BY id")).map((r) => r["id"]), [FIRST]);
  });

  test("the DROP of each rename found done is skipped; the ADD runs; both constraints hold under their new names", async () => {
    // What an earlier run left when its connection died after the DROP, before recording it.
    await query(url, "ALTER TABLE rcr_child DROP FOREIGN KEY fk_rcr_old");
    const run = await p.cli("migrate", "up");
    assert.equal(run.code, 0, run.err); // was: Can't DROP FOREIGN KEY `fk_rcr_old`; check that it exists
    const names = async (table: string) =>
      (await query(url, `SELECT CONSTRAINT_NAME AS n FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '${table}' AND CONSTRAINT_TYPE IN ('FOREIGN KEY', 'CHECK') ORDER BY n`)).map((r) => r["n"]);
    assert.deepEqual(await names("rcr_child"), ["ck_rcr_new", "fk_rcr_new"]);
    await assert.rejects(query(url, "INSERT INTO rcr_child (id, pid, qty) VALUES (2, 99, 1)"), /foreign key/i);
    await assert.rejects(query(url, "INSERT INTO rcr_child (id, pid, qty) VALUES (3, 1, -1)"), /ck_rcr_new/);
    assert.deepEqual((await query(url, "SELECT id, pid, qty FROM rcr_child")).map((r) => [r["id"], r["pid"], r["qty"]]), [[1, 1, 5]]);
    const versions = (await query(url, "SELECT id, state FROM athanor_migrations ORDER BY id")).map((r) => `${r["id"]} ${r["state"]}`);
    assert.deepEqual(versions, [`${FIRST} applied`, `${SECOND} applied`]);
  });
});
