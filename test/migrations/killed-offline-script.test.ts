/**
 * `migrate sql` prints the script a DBA runs by hand (psql, mariadb, sqlite3). It lacked the
 * records `migrate up` writes around a data step that commits on its own: on PostgreSQL and SQLite
 * it recorded the migration applied in its transaction, before the non-transactional steps after
 * it ran, and on MariaDB it ran a data step and its record as two commits. A script killed after
 * the data step (its client SIGKILLed, for real, while the record is held by a slow trigger) left
 * a row a rerun trusted (MariaDB's connection is killed on the server too, as it would finish the
 * record of a client that is gone): on MariaDB `migrate up` ran the step again (money added twice),
 * on PostgreSQL and SQLite it found the migration applied, the step's outcome unchecked. The
 * script now writes the runner's records: the step marked started (PostgreSQL, SQLite), so that
 * `migrate up` refuses (IN DOUBT) as after its own kill; on MariaDB the step commits with its
 * record, so the kill rolls both back and the rerun runs it once.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, beforeEach, describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { otherSessions, Project, projectUrl, query, recreateDatabase } from "./project.js";

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

/** A trigger that holds the bonus migration's record once the step ran (steps_done = 1) for a long time. */
function slowRecordTrigger(dialect: string): string[] {
  const when = `NEW.id = '${SECOND}' AND NEW.steps_done = 1`;
  switch (dialect) {
    case "postgresql":
      return [
        `CREATE FUNCTION ks_slow() RETURNS trigger AS $$ BEGIN IF ${when} THEN PERFORM pg_sleep(60); END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
        `CREATE TRIGGER ks_slow BEFORE UPDATE ON athanor_migrations FOR EACH ROW EXECUTE FUNCTION ks_slow()`,
      ];
    case "mysql":
      return [`CREATE TRIGGER ks_slow BEFORE UPDATE ON athanor_migrations FOR EACH ROW IF ${when} THEN SET @ks = SLEEP(5); END IF`];
    default:
      return [
        "CREATE TABLE IF NOT EXISTS ks_spin (n INTEGER)",
        "INSERT INTO ks_spin WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 2000) SELECT n FROM c",
        `CREATE TRIGGER ks_slow BEFORE UPDATE ON athanor_migrations FOR EACH ROW WHEN ${when} BEGIN SELECT count(*) FROM ks_spin a, ks_spin b, ks_spin c; END`,
      ];
  }
}

/** The database's own client running `file`, stopping at the first error. */
function client(dialect: string, url: string, file: string): [string, string[]] {
  if (dialect === "postgresql") return ["psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", file]];
  if (dialect === "mysql") {
    const u = new URL(url);
    return ["mariadb", ["-h", u.hostname, "-P", u.port || "3306", "-u", decodeURIComponent(u.username), "-D", u.pathname.slice(1), "-e", `source ${file}`]];
  }
  // A busy timeout, as an application's connection has: the test's own reads (polling for the
  // step) share the file, and sqlite3 without one failed the script at once on their lock (CI, once).
  return ["sqlite3", ["-bail", "-cmd", ".timeout 10000", new URL(url).pathname.replace(/^\/+/, "/"), `.read ${file}`]];
}

for (const db of await testDatabases()) {
  describe(`a migrate sql script killed after a data step outside the transaction [${db.name}]`, { skip: db.skip }, () => {
    let url = projectUrl(db, "killscript");
    const name = db.name === "sqlite" ? "" : new URL(url).pathname.slice(1);
    let p: Project | undefined;
    after(async () => {
      p?.remove();
      await recreateDatabase(url, false);
    });
    const cents = async () => Number((await query(url, "SELECT cents FROM ks_accounts"))[0]!["cents"]);

    beforeEach(async () => {
      if (db.name === "sqlite") url = projectUrl(db, "killscript");
      await recreateDatabase(url);
      if (db.name === "postgresql") await query(url, `ALTER DATABASE "${name}" SET client_connection_check_interval = 100`);
      p?.remove();
      p = new Project(`kill-script-${db.name}`, url);
      p.write({ id: FIRST, up: [{ op: "execute", sql: "CREATE TABLE ks_accounts (id INTEGER PRIMARY KEY, cents INTEGER NOT NULL)" }], down: [{ op: "execute", sql: "DROP TABLE ks_accounts" }] });
      p.write({
        id: SECOND,
        parents: [FIRST],
        up: [{ op: "execute", sql: "UPDATE ks_accounts SET cents = cents + 1000", transactional: false }],
        down: [{ op: "execute", sql: "UPDATE ks_accounts SET cents = cents - 1000", transactional: false }],
      });
      const setup = await p.cli("migrate", "up", FIRST);
      assert.equal(setup.code, 0, setup.err);
      await query(url, "INSERT INTO ks_accounts (id, cents) VALUES (1, 1250)");
    });

    test("the rerun of migrate up does not run the step again", { timeout: 120_000 }, async () => {
      const script = await p!.cli("migrate", "sql", "--from", FIRST);
      assert.equal(script.code, 0, script.err);
      const file = join(p!.dir, "up.sql");
      writeFileSync(file, script.out);
      for (const statement of slowRecordTrigger(db.name)) await query(url, statement);

      const [command, args] = client(db.name, url, file);
      const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      let exited = false;
      const exit = new Promise<NodeJS.Signals | number | null>((done) => child.on("exit", (code, signal) => ((exited = true), done(signal ?? code))));
      try {
        // The step ran (committed, but on MariaDB, where it shares its record's transaction) and its record is held by the trigger.
        const held = async () =>
          db.name === "postgresql"
            ? (await query(url, `SELECT 1 FROM pg_stat_activity WHERE datname = '${name}' AND wait_event = 'PgSleep'`)).length > 0
            : db.name === "mysql"
              ? (await query(url, `SELECT 1 FROM information_schema.processlist WHERE db = '${name}' AND state = 'User sleep'`)).length > 0
              : (await cents()) === 2250 && (await new Promise((r) => setTimeout(r, 300)), true);
        await until(async () => exited || (await held()), "the script's record waits in the trigger", 20_000, () => output);
        // MariaDB would finish the record of a client that is gone: its connection is killed on the server.
        if (db.name === "mysql" && !exited) {
          const [thread] = await query(url, `SELECT id FROM information_schema.processlist WHERE db = '${name}' AND state = 'User sleep'`);
          if (thread) await query(url, `KILL CONNECTION ${Number(thread["id"])}`);
        }
      } finally {
        child.kill("SIGKILL");
      }
      await exit;
      if (db.name !== "sqlite") await until(async () => (await otherSessions(url)) === 0, "the server ended the killed script's session");
      for (const statement of db.name === "postgresql" ? ["DROP TRIGGER ks_slow ON athanor_migrations", "DROP FUNCTION ks_slow()"] : ["DROP TRIGGER ks_slow"]) await query(url, statement);

      const rerun = await p!.cli("migrate", "up");
      if (db.name === "mysql") {
        // The step and its record were one transaction: the kill rolled both back, the rerun runs the step once.
        assert.equal(rerun.code, 0, rerun.err);
        assert.equal(await cents(), 2250); // was 3250
        return;
      }
      // As after a kill of migrate up itself: refused, nothing run.
      assert.equal(rerun.code, 1, `the rerun must refuse: ${rerun.out} ${output}`); // was: 0, the row said applied before the step ran
      assert.match(rerun.err, /step 1 of 1 \(.*\) runs outside a transaction, and it started but was never recorded finished/);
      assert.equal(await cents(), 2250);
      assert.match((await p!.cli("migrate", "history")).out, /IN DOUBT 1\/1/);
    });
  });
}
