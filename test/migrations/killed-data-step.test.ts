/**
 * A data step that cannot run in a transaction (`execute` with `transactional: false`) commits on
 * its own, then its progress record is written. A process killed between the two (SIGKILL, for
 * real: `athanor migrate up` runs in a child process) left a row saying the step had not run, and
 * the rerun ran it again: `cents + 1000` twice. The step is now marked started before it runs; the
 * rerun refuses (PartialMigrationError), nothing run, and says how to record what the database
 * shows. MariaDB commits a data step with its record (mysql-data-step-record.test.ts): the kill
 * rolls both back, and the rerun runs it once.
 *
 * The window is held open by a trigger that makes the record slow: the child is killed while the
 * step has committed and its record is under way. PostgreSQL aborts the record when its client is
 * gone (`client_connection_check_interval`); SQLite never commits it (the process died in it).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, beforeEach, describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { otherSessions, Project, projectUrl, query, recreateDatabase } from "./project.js";
import { repoRoot as root } from "../support/repo-root.js";

const BIN = join(root, "src/tools/cli/bin.ts");
const TSX = import.meta.resolve("tsx");

const FIRST = "20260101000001_accounts";
const SECOND = "20260101000002_bonus";

/** Waits until `condition` holds (polled), failing after `ms`. */
async function until(condition: () => Promise<boolean>, what: string, ms = 20_000, log = () => ""): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what} ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A trigger that holds the bonus migration's last record (up: its UPDATE to steps_done = 1; down: the DELETE of its row) for a long time. */
function slowRecordTrigger(dialect: string, direction: "up" | "down"): string[] {
  const event = direction === "up" ? "UPDATE" : "DELETE";
  const when = direction === "up" ? `NEW.id = '${SECOND}' AND NEW.steps_done = 1` : `OLD.id = '${SECOND}'`;
  switch (dialect) {
    case "postgresql":
      return [
        `CREATE FUNCTION kd_slow() RETURNS trigger AS $$ BEGIN IF ${when} THEN PERFORM pg_sleep(60); END IF; RETURN ${direction === "up" ? "NEW" : "OLD"}; END $$ LANGUAGE plpgsql`,
        `CREATE TRIGGER kd_slow BEFORE ${event} ON athanor_migrations FOR EACH ROW EXECUTE FUNCTION kd_slow()`,
      ];
    case "mysql":
      return [`CREATE TRIGGER kd_slow BEFORE ${event} ON athanor_migrations FOR EACH ROW IF ${when} THEN SET @kd = SLEEP(5); END IF`];
    default:
      // No sleep in SQLite: a join of 2,000 rows three times over keeps the record busy for minutes.
      return [
        "CREATE TABLE IF NOT EXISTS kd_spin (n INTEGER)",
        "INSERT INTO kd_spin WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000) SELECT n FROM c",
        `CREATE TRIGGER kd_slow BEFORE ${event} ON athanor_migrations FOR EACH ROW WHEN ${when} BEGIN SELECT count(*) FROM kd_spin a, kd_spin b, kd_spin c; END`,
      ];
  }
}

/** KILLs the sessions of database `name` that sleep in a trigger (MariaDB); one that ended meanwhile is no error. */
async function endSleepingSessions(url: string, name: string): Promise<void> {
  for (const row of await query(url, `SELECT id FROM information_schema.processlist WHERE db = '${name}' AND state = 'User sleep'`)) {
    await query(url, `KILL ${Number(row["id"])}`).catch((error: Error) => assert.match(error.message, /Unknown thread id/));
  }
}

for (const db of await testDatabases()) {
  describe(`a data step outside the transaction, its process killed before the record [${db.name}]`, { skip: db.skip }, () => {
    let url = projectUrl(db, "killstep");
    const name = db.name === "sqlite" ? "" : new URL(url).pathname.slice(1);
    let p: Project | undefined;
    after(async () => {
      p?.remove();
      await recreateDatabase(url, false);
    });
    const cents = async () => Number((await query(url, "SELECT cents FROM kd_accounts"))[0]!["cents"]);

    /** Runs `athanor migrate <direction>` in a child process and SIGKILLs it while the data step has run and its record is held by the trigger. */
    async function killDuring(direction: "up" | "down", stepDone: number): Promise<void> {
      for (const statement of slowRecordTrigger(db.name, direction)) await query(url, statement);
      const env = { ...process.env, ATHANOR_URL: "", ATHANOR_MODELS: "", ATHANOR_MIGRATIONS: "" };
      const child = spawn(process.execPath, ["--import", TSX, BIN, "migrate", direction], { cwd: p!.dir, env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on("exit", (code, signal) => done(signal ?? code)));
      child.on("exit", () => (output += " [exited]"));
      try {
        // The step is done (committed, but on MariaDB, where it shares the record's transaction) and the record is under way.
        if (db.name === "postgresql") {
          await until(async () => (await query(url, `SELECT 1 FROM pg_stat_activity WHERE datname = '${name}' AND wait_event = 'PgSleep'`)).length > 0, "the record waits in the trigger", 20_000, () => output);
        } else if (db.name === "mysql") {
          await until(async () => (await query(url, `SELECT 1 FROM information_schema.processlist WHERE db = '${name}' AND state = 'User sleep'`)).length > 0, "the record waits in the trigger", 20_000, () => output);
        } else {
          await until(async () => (await cents()) === stepDone, "the step committed", 20_000, () => output);
          await new Promise((r) => setTimeout(r, 300));
        }
      } finally {
        child.kill("SIGKILL");
      }
      assert.equal(await exited, "SIGKILL", output);
      // MariaDB notices that a client is gone only once the trigger's SLEEP(5) ends: end the killed
      // run's session now, as the server would then (its transaction rolls back either way).
      if (db.name === "mysql") await endSleepingSessions(url, name);
      if (db.name !== "sqlite") await until(async () => (await otherSessions(url)) === 0, "the server ended the killed run's session");
      const drop = db.name === "postgresql" ? ["DROP TRIGGER kd_slow ON athanor_migrations", "DROP FUNCTION kd_slow()"] : ["DROP TRIGGER kd_slow"];
      for (const statement of drop) await query(url, statement);
    }

    /** The rerun refuses, nothing run; returns the SQL its message gives for "the step ran". */
    async function refused(direction: "up" | "down"): Promise<string> {
      const rerun = await p!.cli("migrate", direction);
      assert.equal(rerun.code, 1, `the rerun must refuse: ${rerun.out}`);
      assert.match(rerun.err, /step 1 of 1 \(.*\) runs outside a transaction, and it started but was never recorded finished/);
      assert.match((await p!.cli("migrate", "history")).out, /IN DOUBT 1\/1/);
      const ran = /if the step ran, record it with: (.*?); if it did not/.exec(rerun.err)?.[1];
      assert.ok(ran, rerun.err);
      return ran;
    }

    beforeEach(async () => {
      if (db.name === "sqlite") url = projectUrl(db, "killstep"); // a new file
      await recreateDatabase(url);
      // The server notices within 0.1 s that a client is gone and aborts its statement (PostgreSQL 14+).
      if (db.name === "postgresql") await query(url, `ALTER DATABASE "${name}" SET client_connection_check_interval = 100`);
      p?.remove();
      p = new Project(`kill-step-${db.name}`, url);
      p.write({ id: FIRST, up: [{ op: "execute", sql: "CREATE TABLE kd_accounts (id INTEGER PRIMARY KEY, cents INTEGER NOT NULL)" }], down: [{ op: "execute", sql: "DROP TABLE kd_accounts" }] });
      p.write({
        id: SECOND,
        parents: [FIRST],
        up: [{ op: "execute", sql: "UPDATE kd_accounts SET cents = cents + 1000", transactional: false }],
        down: [{ op: "execute", sql: "UPDATE kd_accounts SET cents = cents - 1000", transactional: false }],
      });
      const setup = await p.cli("migrate", "up", FIRST);
      assert.equal(setup.code, 0, setup.err);
      await query(url, "INSERT INTO kd_accounts (id, cents) VALUES (1, 1250)");
    });

    test("up: the rerun does not run it again", { timeout: 120_000 }, async () => {
      await killDuring("up", 2250);
      if (db.name === "mysql") {
        // The step and its record were one transaction: both rolled back, the rerun runs the step once.
        assert.equal(await cents(), 1250);
        const rerun = await p!.cli("migrate", "up");
        assert.equal(rerun.code, 0, rerun.err);
        assert.equal(await cents(), 2250);
        return;
      }
      assert.equal(await cents(), 2250, "the step committed before the kill");
      const ran = await refused("up");
      assert.equal(await cents(), 2250, "the rerun ran the step again"); // was 3250

      // The way out the message gives: the step ran, so record it, and the migration is applied.
      await query(url, ran);
      const after = await p!.cli("migrate", "up");
      assert.equal(after.code, 0, after.err);
      assert.equal(await cents(), 2250);
      const rows = await query(url, `SELECT state, steps_done FROM athanor_migrations WHERE id = '${SECOND}'`);
      assert.deepEqual(rows.map((r) => `${r["state"]} ${r["steps_done"]}`), ["applied 1"]);
      const check = await p!.cli("migrate", "check");
      assert.doesNotMatch(check.err, /edited|partial|IN DOUBT/i);
    });

    test("down: the rerun does not run it again", { timeout: 120_000 }, async () => {
      const up = await p!.cli("migrate", "up");
      assert.equal(up.code, 0, up.err);
      assert.equal(await cents(), 2250);
      await killDuring("down", 1250);
      if (db.name === "mysql") {
        assert.equal(await cents(), 2250);
        const rerun = await p!.cli("migrate", "down");
        assert.equal(rerun.code, 0, rerun.err);
        assert.equal(await cents(), 1250);
        return;
      }
      assert.equal(await cents(), 1250, "the step committed before the kill");
      const ran = await refused("down");
      assert.equal(await cents(), 1250, "the rerun ran the step again"); // was 250
      await query(url, ran);
      assert.deepEqual(await query(url, `SELECT id FROM athanor_migrations WHERE id = '${SECOND}'`), [], "reverted: its row is gone");
      const current = await p!.cli("migrate", "current");
      assert.match(current.out, new RegExp(FIRST));
      assert.doesNotMatch(current.out, new RegExp(SECOND));
    });
  });
}
