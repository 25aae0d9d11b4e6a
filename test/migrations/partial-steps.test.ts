/**
 * A migration left half done (MariaDB, where each DDL statement commits; PostgreSQL, a step after
 * the commit) and then taken the other way, or resumed, must not run a data step twice nor undo
 * what never ran. The down of a partly applied up ran all its data steps, undoing up steps that
 * never ran; an up after a partly reverted down ran every up data step again; an up after a down
 * that reverted nothing dropped the up's remaining data steps and recorded the migration applied.
 * Now the down's data steps run for the up steps that ran (the down read as the mirror of the up),
 * anything that cannot be told is refused (PartialMigrationError), nothing run.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Operation } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { col, int, tableModel } from "./model-builders.js";
import { Project, projectUrl, query, recreateDatabase } from "./project.js";

for (const db of await testDatabases()) {
  describe(`a partly applied migration taken either way [${db.name}]`, { skip: db.skip || (db.name === "sqlite" && "SQLite runs every migration in one transaction") }, () => {
    // PostgreSQL: a step marked non-transactional runs after the commit, so a failure there keeps the steps before it.
    const later = (sql: string): Operation => ({ op: "execute", sql, ...(db.name === "postgresql" ? { transactional: false } : {}) });
    const exec = (sql: string): Operation => ({ op: "execute", sql });
    const add = (n: number) => `UPDATE ps_accounts SET cents = cents + ${n}`;
    const fail = "SELECT no_such_column FROM ps_accounts";
    const first = "20260101000001_accounts";
    const second = "20260101000002_change";
    let url: string;
    let p: Project;
    before(async () => {
      url = projectUrl(db, "partialsteps");
    });
    beforeEach(async () => {
      await recreateDatabase(url);
      p = new Project(`partial-steps-${db.name}`, url);
      p.write({ id: first, up: [{ op: "createTable", table: tableModel("ps_accounts", [col("cents", int)]) }], down: [{ op: "execute", sql: "DROP TABLE ps_accounts" }] });
      const setup = await p.cli("migrate", "up");
      assert.equal(setup.code, 0, setup.err);
      await query(url, "INSERT INTO ps_accounts (id, cents) VALUES (1, 1250)");
    });
    after(async () => {
      p?.remove();
      await recreateDatabase(url, false);
    });
    const cents = async () => (await query(url, "SELECT cents FROM ps_accounts"))[0]!["cents"];
    const versions = async () => (await query(url, "SELECT id, state, steps_done FROM athanor_migrations ORDER BY id")).map((r) => `${r.id} ${r.state} ${r.steps_done}`);

    test("down after an up that stopped midway undoes only the steps that ran", async () => {
      p.write({ id: second, parents: [first], up: [exec(add(1)), later(fail), later(add(1000))], down: [later(add(-1000)), later("SELECT 1"), exec(add(-1))] });
      assert.equal((await p.cli("migrate", "up")).code, 1);
      assert.equal(await cents(), 1251);
      const down = await p.cli("migrate", "down");
      assert.equal(down.code, 0, down.err);
      assert.equal(await cents(), 1250); // was 250: the -1000 of a +1000 that never ran
      assert.deepEqual(await versions(), [`${first} applied 1`]);
    });

    test("down that is not the mirror of the up is refused when a data step's up step may not have run", async () => {
      p.write({ id: second, parents: [first], up: [exec(add(1)), later(fail), later(add(1000))], down: [exec(add(-1000)), exec(add(-1))] });
      assert.equal((await p.cli("migrate", "up")).code, 1);
      const down = await p.cli("migrate", "down");
      assert.equal(down.code, 1);
      assert.match(down.err, new RegExp(`${second} was left partly applied .*down step 1 .*not the mirror`));
      assert.equal(await cents(), 1251);
      assert.deepEqual(await versions(), [`${first} applied 1`, `${second} applying 1`]);
    });

    test("up after a down that reverted some steps is refused; the down finished, the up runs once", async () => {
      const spec = { id: second, parents: [first], up: [exec(add(1)), exec("SELECT 1"), later(add(1000))], down: [later(add(-1000)), later(fail), later(add(-1))] };
      p.write(spec);
      assert.equal((await p.cli("migrate", "up")).code, 0);
      assert.equal(await cents(), 2251);
      assert.equal((await p.cli("migrate", "down")).code, 1);
      assert.equal(await cents(), 1251);
      const up = await p.cli("migrate", "up");
      assert.equal(up.code, 1);
      assert.match(up.err, new RegExp(`${second} was left partly reverted`));
      assert.equal(await cents(), 1251); // was 2252: +1 ran a second time
      p.write({ ...spec, down: [later(add(-1000)), later("SELECT 1"), later(add(-1))] });
      assert.equal((await p.cli("migrate", "down")).code, 0);
      assert.equal(await cents(), 1250);
      assert.equal((await p.cli("migrate", "up")).code, 0);
      assert.equal(await cents(), 2251);
    });

    test("up after a down that reverted nothing of a partly applied up runs the up's remaining steps", async () => {
      const spec = { id: second, parents: [first], up: [exec(add(1)), later(fail), later(add(1000))], down: [later(add(-1000)), later("SELECT 1"), later(`UPDATE ps_accounts SET cents = cents - 1 WHERE no_such_column = 0`)] };
      p.write(spec);
      assert.equal((await p.cli("migrate", "up")).code, 1);
      assert.equal((await p.cli("migrate", "down")).code, 1);
      assert.equal(await cents(), 1251);
      p.write({ ...spec, up: [exec(add(1)), later("SELECT 1"), later(add(1000))] });
      const up = await p.cli("migrate", "up");
      assert.equal(up.code, 0, up.err);
      assert.equal(await cents(), 2251); // was 1251 and recorded applied: the +1000 never ran
      assert.deepEqual(await versions(), [`${first} applied 1`, `${second} applied 3`]);
    });
  });
}
