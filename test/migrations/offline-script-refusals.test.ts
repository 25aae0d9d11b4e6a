/**
 * `migrate up` refuses a step that would leave a trigger or view broken, or (MariaDB) fill rows
 * with zero values or drop a column's attributes; the `migrate sql` script, run by hand, had none
 * of those checks and did it. The script now carries them: run with psql or the mariadb client it
 * stops at the step, with the reason, the column and the trigger left as they were.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, beforeEach, describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { col, int, str, tableModel } from "./model-builders.js";
import { Project, projectUrl, query, recreateDatabase } from "./project.js";

const FIRST = "20260101000001_tables";
const SECOND = "20260101000002_drop_total";
const parent = tableModel("osr_parent", [col("total", int)]);
const child = tableModel("osr_child", [col("pid", int), col("x", int)]);

function triggerSql(dialect: string): string[] {
  if (dialect === "postgresql")
    return [
      "CREATE FUNCTION osr_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE osr_parent SET total = total + NEW.x WHERE id = NEW.pid; RETURN NEW; END $$",
      "CREATE TRIGGER osr_add AFTER INSERT ON osr_child FOR EACH ROW EXECUTE FUNCTION osr_fn()",
    ];
  return ["CREATE TRIGGER osr_add AFTER INSERT ON osr_child FOR EACH ROW UPDATE osr_parent SET total = total + NEW.x WHERE id = NEW.pid"];
}

/** The database's own client running `file`, stopping at the first error. */
function runScript(dialect: string, url: string, file: string, first = ""): { status: number | null; output: string } {
  const u = new URL(url);
  const [command, args] =
    dialect === "postgresql"
      ? ["psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", file]]
      : ["mariadb", ["-h", u.hostname, "-P", u.port || "3306", "-u", decodeURIComponent(u.username), "-D", u.pathname.slice(1)]];
  // On standard input: `mariadb < up.sql` stops at the first error, with a non-zero status.
  const result = spawnSync(command, args, { encoding: "utf8", ...(dialect === "postgresql" ? {} : { input: first + readFileSync(file, "utf8") }) });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

for (const db of (await testDatabases()).filter((d) => d.name !== "sqlite")) {
  describe(`a migrate sql script run by hand over a step migrate up refuses [${db.name}]`, { skip: db.skip }, () => {
    const url = projectUrl(db, "offrefuse");
    let p: Project | undefined;
    after(async () => {
      p?.remove();
      await recreateDatabase(url, false);
    });
    beforeEach(async () => {
      await recreateDatabase(url);
      p?.remove();
      p = new Project(`offline-refusal-${db.name}`, url);
      p.write({ id: FIRST, up: [{ op: "createTable", table: parent }, { op: "createTable", table: child }], down: [] });
      p.write({ id: SECOND, parents: [FIRST], up: [{ op: "dropColumn", table: { name: "osr_parent" }, column: parent.columns.find((c) => c.name === "total")!, allowDataLoss: true }], down: [] });
      const setup = await p.cli("migrate", "up", FIRST);
      assert.equal(setup.code, 0, setup.err);
      await query(url, "INSERT INTO osr_parent (id, total) VALUES (1, 100)");
      for (const sql of triggerSql(db.name)) await query(url, sql);
    });

    test("stops at the step, naming the trigger, which still fires", async () => {
      const online = await p!.cli("migrate", "sql", "--from", FIRST);
      assert.equal(online.code, 0, online.err);
      const file = join(p!.dir, "up.sql");
      writeFileSync(file, online.out);
      const run = runScript(db.name, url, file);
      assert.notEqual(run.status, 0, `the script must stop: ${run.output}`); // was 0: the column dropped, the trigger broken
      assert.match(run.output, db.name === "postgresql" ? /athanor: this step drops osr_parent\.total, which a trigger uses/ : /Subquery returns more than 1 row/);
      if (db.name === "mysql") assert.match(online.out, /-- migrate up refuses this step when the next query finds a row[^\n]*osr_parent\.total, which a trigger uses/);
      await query(url, "INSERT INTO osr_child (id, pid, x) VALUES (1, 1, 5)");
      assert.deepEqual(await query(url, "SELECT total FROM osr_parent"), [{ total: 105 }]);
    });

    test("a narrowing run by a client without strict mode fails, the value kept", { skip: db.name !== "mysql" && "MariaDB's sql_mode" }, async () => {
      const THIRD = "20260101000003_names";
      const FOURTH = "20260101000004_narrow";
      p!.write({ id: THIRD, parents: [SECOND], up: [{ op: "createTable", table: tableModel("osr_names", [col("s", str(40))]) }], down: [] });
      p!.write({ id: FOURTH, parents: [THIRD], up: [{ op: "alterColumn", table: { name: "osr_names" }, column: "s", from: { type: str(40), nullable: true, serverDefault: null }, to: { type: str(5) } }], down: [] });
      await query(url, "DROP TRIGGER osr_add");
      const setup = await p!.cli("migrate", "up", THIRD);
      assert.equal(setup.code, 0, setup.err);
      await query(url, "INSERT INTO osr_names (id, s) VALUES (1, 'a long value')");
      const script = await p!.cli("migrate", "sql", FOURTH, "--from", THIRD);
      assert.equal(script.code, 0, script.err);
      const file = join(p!.dir, "narrow.sql");
      writeFileSync(file, script.out);
      // A lax server's session: MODIFY COLUMN would cut the value to 'a lon' with a warning only.
      const run = runScript(db.name, url, file, "SET SESSION sql_mode = '';\n");
      assert.notEqual(run.status, 0, `the script must stop: ${run.output}`); // was 0, the value cut
      // Stopped by the script's check before the MODIFY (text-fit-refusal.ts; before it, by the MODIFY in strict mode: "Data truncated").
      assert.match(run.output, /Subquery returns more than 1 row/);
      assert.match(script.out, /-- migrate up refuses this step when the next query finds a row[^\n]*osr_names\.s holds a value longer than string\(5\) allows/);
      assert.deepEqual(await query(url, "SELECT s FROM osr_names"), [{ s: "a long value" }]);
    });
  });
}

const sqlite = (await testDatabases()).find((d) => d.name === "sqlite")!;

describe("a migrate sql script run by hand over a SQLite rebuild that leaves rows without their parent [sqlite]", { skip: sqlite.skip }, () => {
  let p: Project | undefined;
  after(() => p?.remove());

  test("stops before the COMMIT (migrate up rolls back there): the foreign key is not added over the orphan row", async () => {
    const url = projectUrl(sqlite, "offfk");
    p = new Project("offline-fk", url);
    p.write({ id: FIRST, up: [{ op: "createTable", table: parent }, { op: "createTable", table: child }], down: [] });
    const fk = { name: "fk_osr_child_pid", columns: ["pid"], referredTable: "osr_parent", referredColumns: ["id"] };
    p.write({ id: SECOND, parents: [FIRST], up: [{ op: "addForeignKey", table: { name: "osr_child" }, foreignKey: fk }], down: [] });
    const setup = await p.cli("migrate", "up", FIRST);
    assert.equal(setup.code, 0, setup.err);
    await query(url, "INSERT INTO osr_child (id, pid, x) VALUES (1, 99, 5)");
    const script = await p.cli("migrate", "sql", "--from", FIRST);
    assert.equal(script.code, 0, script.err);
    const file = join(p.dir, "up.sql");
    writeFileSync(file, script.out);
    const run = spawnSync("sqlite3", ["-bail", new URL(url).pathname.replace(/^\/+/, "/"), `.read ${file}`], { encoding: "utf8" });
    assert.notEqual(run.status, 0, `the script must stop: ${run.stdout}${run.stderr}`); // was 0: committed, the key declared over a row without its parent
    assert.match(run.stderr, /athanor_rows_without_parent_so_rolled_back/);
    const [created] = await query(url, "SELECT sql FROM sqlite_master WHERE name = 'osr_child'");
    assert.doesNotMatch(String(created!["sql"]), /REFERENCES/i);
    assert.deepEqual(await query(url, `SELECT id FROM athanor_migrations WHERE id = '${SECOND}'`), []);
    const online = await p.cli("migrate", "up");
    assert.equal(online.code, 1);
    assert.match(online.err, /without their parent/);
  });
});
