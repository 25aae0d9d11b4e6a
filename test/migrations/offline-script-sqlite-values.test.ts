/**
 * A `migrate sql` script run by hand (`sqlite3 -bail app.db < up.sql`) over a SQLite rebuild that
 * changes a column's type under a value the new type does not allow. `migrate up` refuses it
 * (`ValueDoesNotFitError`, rolled back), but the script had no such check: it committed, and
 * 'abcdef' stayed under VARCHAR(3) with the migration recorded applied. The script now checks the
 * rebuilt table's values before the COMMIT (a CHECK on their count stops `-bail` there).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { col, str, tableModel } from "./model-builders.js";
import { Project, projectUrl, query } from "./project.js";

const FIRST = "20260101000001_items";
const SECOND = "20260101000002_narrow";
const sqlite = (await testDatabases()).find((d) => d.name === "sqlite")!;

describe("a migrate sql script run by hand over a SQLite rebuild under a value the new type refuses [sqlite]", { skip: sqlite.skip }, () => {
  let p: Project | undefined;
  after(() => p?.remove());

  test("stops before the COMMIT: the type and the value stay, the migration is not recorded", async () => {
    const url = projectUrl(sqlite, "offval");
    p = new Project("offline-values", url);
    p.write({ id: FIRST, up: [{ op: "createTable", table: tableModel("osv_items", [col("code", str(10))]) }], down: [] });
    const narrow = { op: "alterColumn", table: { name: "osv_items" }, column: "code", from: { type: str(10), nullable: true, serverDefault: null }, to: { type: str(3) } } as const;
    p.write({ id: SECOND, parents: [FIRST], up: [narrow], down: [] });
    const setup = await p.cli("migrate", "up", FIRST);
    assert.equal(setup.code, 0, setup.err);
    await query(url, "INSERT INTO osv_items (id, code) VALUES (1, 'abcdef'), (2, 'ab')");
    const script = await p.cli("migrate", "sql", "--from", FIRST);
    assert.equal(script.code, 0, script.err);
    const file = join(p.dir, "up.sql");
    writeFileSync(file, script.out);
    const run = spawnSync("sqlite3", ["-bail", new URL(url).pathname.replace(/^\/+/, "/"), `.read ${file}`], { encoding: "utf8" });
    assert.notEqual(run.status, 0, `the script must stop: ${run.stdout}${run.stderr}`); // was 0: committed, 'abcdef' under VARCHAR(3)
    assert.match(run.stderr, /athanor_values_that_do_not_fit_so_rolled_back/);
    const [created] = await query(url, "SELECT sql FROM sqlite_master WHERE name = 'osv_items'");
    assert.match(String(created!["sql"]), /VARCHAR\(10\)/i);
    assert.deepEqual(await query(url, "SELECT id, code FROM osv_items ORDER BY id"), [{ id: 1, code: "abcdef" }, { id: 2, code: "ab" }]);
    assert.deepEqual(await query(url, `SELECT id FROM athanor_migrations WHERE id = '${SECOND}'`), []);
  });
});
