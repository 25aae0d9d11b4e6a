/**
 * MariaDB: a migration whose first step failed is recorded "applying, 0 steps done". `migrate
 * down`, which the failure message offers as the way back, ran the whole down, whose data steps
 * undo up steps that never ran (here: cents divided by 100 that were never multiplied), and said
 * it reverted the migration. Nothing recorded, nothing reverted: the row goes, no step runs.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { Project, projectUrl, query, recreateDatabase } from "./project.js";

const mysql = (await testDatabases()).find((d) => d.name === "mysql")!;

describe("reversing a migration none of whose steps ran [mysql]", { skip: mysql.skip }, () => {
  let url: string;
  let p: Project;
  before(async () => {
    url = projectUrl(mysql, "partialdown");
    await recreateDatabase(url);
  });
  after(async () => {
    p?.remove();
    await recreateDatabase(url, false);
  });

  test("reverts nothing, keeps the rows as they are, and forgets the migration", async () => {
    p = new Project("partial-down", url);
    p.write({ id: "20260101000001_accounts", up: [{ op: "execute", sql: "CREATE TABLE pd_accounts (id INT PRIMARY KEY, cents INT)" }], down: [{ op: "execute", sql: "DROP TABLE pd_accounts" }] });
    p.write({
      id: "20260101000002_to_cents",
      parents: ["20260101000001_accounts"],
      up: [
        { op: "execute", sql: "SELECT no_such_column FROM pd_accounts" },
        { op: "execute", sql: "UPDATE pd_accounts SET cents = cents * 100" },
      ],
      down: [{ op: "execute", sql: "UPDATE pd_accounts SET cents = cents DIV 100" }],
    });
    const first = await p.cli("migrate", "up", "20260101000001_accounts");
    assert.equal(first.code, 0, first.err);
    await query(url, "INSERT INTO pd_accounts (id, cents) VALUES (1, 1250)");
    const failed = await p.cli("migrate", "up");
    assert.equal(failed.code, 1);
    assert.match(failed.err, /applied 0 of 2 steps/);
    const down = await p.cli("migrate", "down");
    assert.equal(down.code, 0, down.err);
    assert.deepEqual(await query(url, "SELECT cents FROM pd_accounts"), [{ cents: 1250 }]);
    assert.deepEqual((await query(url, "SELECT id FROM athanor_migrations")).map((r) => r.id), ["20260101000001_accounts"]);
  });

  test("the other way: up after a down none of whose steps ran re-applies nothing", async () => {
    p.write({
      id: "20260101000002_to_cents",
      parents: ["20260101000001_accounts"],
      up: [{ op: "execute", sql: "UPDATE pd_accounts SET cents = cents * 100" }],
      down: [
        { op: "execute", sql: "SELECT no_such_column FROM pd_accounts" },
        { op: "execute", sql: "UPDATE pd_accounts SET cents = cents DIV 100" },
      ],
    });
    assert.equal((await p.cli("migrate", "up")).code, 0);
    assert.deepEqual(await query(url, "SELECT cents FROM pd_accounts"), [{ cents: 125000 }]);
    const failed = await p.cli("migrate", "down");
    assert.equal(failed.code, 1);
    assert.match(failed.err, /applied 0 of 2 steps/);
    const up = await p.cli("migrate", "up");
    assert.equal(up.code, 0, up.err);
    assert.deepEqual(await query(url, "SELECT cents FROM pd_accounts"), [{ cents: 125000 }]);
    assert.deepEqual((await query(url, "SELECT id, state FROM athanor_migrations ORDER BY id")).map((r) => `${r.id} ${r.state}`), ["20260101000001_accounts applied", "20260101000002_to_cents applied"]);
  });
});
