/**
 * MariaDB/MySQL commit each DDL statement on its own: a migration whose connection died after an
 * unnamed `addUnique` or `addCheck` ran, before its record, is rerun from a table that has it.
 * Those steps had no rerun guard (the database names such a constraint, so a name cannot tell):
 * the rerun added the unique a second time (`code_2`, every insert checked twice) and the check a
 * second time. An unnamed `dropUnique` that ran unrecorded failed every rerun ("Can't DROP").
 * Their guards now count the uniques over the same columns (checks with the same expression)
 * against the history's. The state after such a step is made here by running it by hand first.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Operation } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { col, int, str, tableModel } from "./model-builders.js";
import { Project, projectUrl, query, recreateDatabase } from "./project.js";

const mysql = (await testDatabases()).find((d) => d.name === "mysql")!;
const FIRST = "20260101000001_items";
const SECOND = "20260101000002_constraints";
const items = tableModel("ucr_items", [col("code", str(20)), col("price", int)]);
const ref = { name: "ucr_items" };
const up: Operation[] = [
  { op: "addUnique", table: ref, unique: { columns: ["code"] } },
  { op: "addCheck", table: ref, check: { sql: "price > 0" } },
];
const down: Operation[] = [
  { op: "execute", sql: "ALTER TABLE ucr_items DROP CONSTRAINT IF EXISTS CONSTRAINT_1" },
  { op: "dropUnique", table: ref, unique: { columns: ["code"] } },
];

describe("MariaDB: unnamed unique and check constraints that ran unrecorded are not added twice on rerun", { skip: mysql.skip }, () => {
  let url: string;
  let p: Project;
  const constraints = async () =>
    (await query(url, "SELECT CONSTRAINT_TYPE AS t, COUNT(*) AS n FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ucr_items' AND CONSTRAINT_TYPE IN ('UNIQUE', 'CHECK') GROUP BY CONSTRAINT_TYPE ORDER BY t")).map((r) => `${r["t"]} ${Number(r["n"])}`);
  before(async () => {
    url = projectUrl(mysql, "unnamedrerun");
    await recreateDatabase(url);
    p = new Project("mysql-unnamed-rerun", url);
    p.write({ id: FIRST, up: [{ op: "createTable", table: items }], down: [{ op: "dropTable", table: items }] });
    p.write({ id: SECOND, parents: [FIRST], up, down });
    await p.cliOk("migrate", "up", FIRST);
    await query(url, "INSERT INTO ucr_items (id, code, price) VALUES (1, 'a', 5)");
  });
  after(async () => {
    p?.remove();
    await recreateDatabase(url, false);
  });

  test("both found done are skipped: one unique, one check, the migration applied", async () => {
    // What an earlier run left when its connection died after the two ADDs, before recording them.
    await query(url, "ALTER TABLE ucr_items ADD UNIQUE (code)");
    await query(url, "ALTER TABLE ucr_items ADD CHECK (price > 0)");
    const run = await p.cliOk("migrate", "up");
    assert.match(run.out, /already applied \(found in the database\): skipped[\s\S]*already applied \(found in the database\): skipped/);
    assert.deepEqual(await constraints(), ["CHECK 1", "UNIQUE 1"]);
    assert.deepEqual((await query(url, "SELECT id, state FROM athanor_migrations ORDER BY id")).map((r) => `${r["id"]} ${r["state"]}`), [`${FIRST} applied`, `${SECOND} applied`]);
  });

  test("an unnamed unique's DROP that ran unrecorded is skipped on the down's rerun", async () => {
    await query(url, "ALTER TABLE ucr_items DROP INDEX code");
    const run = await p.cliOk("migrate", "down");
    assert.match(run.out, /already applied \(found in the database\): skipped/);
    assert.deepEqual(await constraints(), []);
    assert.deepEqual((await query(url, "SELECT id FROM athanor_migrations ORDER BY id")).map((r) => r["id"]), [FIRST]);
  });
});
