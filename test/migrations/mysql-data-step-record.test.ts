/**
 * MariaDB: a migration's data step (an `execute` that writes rows) ran, committed, and then its
 * progress record failed (a lost connection, here a trigger that refuses it): the version row
 * still said the step had not run, and the rerun ran it again (money added twice). A data step
 * and its record now commit together, so the failure rolls the step back and the rerun runs it once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { Project, projectUrl, query, recreateDatabase } from "./project.js";

const mysql = (await testDatabases()).find((d) => d.name === "mysql")!;

describe("a data step whose progress record fails [mysql]", { skip: mysql.skip }, () => {
  let url: string;
  let p: Project;
  before(async () => {
    url = projectUrl(mysql, "datarecord");
    await recreateDatabase(url);
  });
  after(async () => {
    p?.remove();
    await recreateDatabase(url, false);
  });

  test("is rolled back with it, and the rerun runs it once", async () => {
    p = new Project("data-record", url);
    p.write({ id: "20260101000001_accounts", up: [{ op: "execute", sql: "CREATE TABLE dr_accounts (id INT PRIMARY KEY, cents INT)" }], down: [{ op: "execute", sql: "DROP TABLE dr_accounts" }] });
    p.write({
      id: "20260101000002_bonus",
      parents: ["20260101000001_accounts"],
      up: [
        { op: "execute", sql: "UPDATE dr_accounts SET cents = cents + 1000" },
        { op: "execute", sql: "SELECT 1" },
      ],
      down: [],
    });
    assert.equal((await p.cli("migrate", "up", "20260101000001_accounts")).code, 0);
    await query(url, "INSERT INTO dr_accounts (id, cents) VALUES (1, 1250)");
    await query(
      url,
      "CREATE TRIGGER dr_lose_record BEFORE UPDATE ON athanor_migrations FOR EACH ROW " +
        "IF NEW.id = '20260101000002_bonus' AND NEW.steps_done = 1 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'record lost'; END IF",
    );
    const failed = await p.cli("migrate", "up");
    assert.equal(failed.code, 1);
    assert.match(failed.err, /recording step 1 of 2 of 20260101000002_bonus failed: record lost/);
    assert.deepEqual(await query(url, "SELECT cents FROM dr_accounts"), [{ cents: 1250 }]);
    await query(url, "DROP TRIGGER dr_lose_record");
    const rerun = await p.cli("migrate", "up");
    assert.equal(rerun.code, 0, rerun.err);
    assert.deepEqual(await query(url, "SELECT cents FROM dr_accounts"), [{ cents: 2250 }]); // was 3250
  });
});
