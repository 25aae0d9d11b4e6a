/**
 * Columns in CHECK constraints renamed by a migration (`.renamedFrom()`), through `migrate new`,
 * `up`, `check`, `verify` and `down`. The databases carry a rename into the check's condition, the
 * history's model did not: `migrate new` dropped and re-added the unnamed checks ("Cannot drop an
 * unnamed check constraint" on PostgreSQL and MariaDB; on SQLite the rebuild wrote the named check
 * over the old column: "no such column"). PostgreSQL names an unnamed check after its table and
 * single column (`rck_items_a_check`) and keeps that name on a rename, which reflection then read
 * as a named check: a phantom difference. MariaDB kept a renamed JSON column's `json_valid` check
 * under the old column's name, read back as LONGTEXT with a named check.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { renameColumnsInCheck } from "../../src/core/schema/check-columns.js";
import { testDatabases } from "../support/databases.js";
import { projectSuite, query, resetDatabase, type CliRun } from "./project.js";
import { repoRoot as root } from "../support/repo-root.js";

const ATHANOR = JSON.stringify(join(root, "src/index.ts"));
const TABLES = ["rck_items", "rck_old", "rck_new"];

const items = (columns: string, constraints: string) => `import { DeclarativeBase, check, column, enumType, integer, json, model } from ${ATHANOR};

export class Base extends DeclarativeBase {}

@model("rck_items", { constraints: (c) => [${constraints}] })
export class Item extends Base {
  @column(integer().primaryKey()) accessor id!: number;
${columns}}
`;
// An unnamed check on one column, an unnamed one over two (one renamed), a named one; an enum's check (SQLite, PostgreSQL).
const V1 = items(
  `  @column(integer()) accessor a!: number | null;
  @column(integer()) accessor b!: number | null;
  @column(json()) accessor j!: unknown;
  @column(enumType(["on", "off"])) accessor m!: string | null;
`,
  `check(c.a.ge(0)), check(c.a.lt(c.b)), check(c.a.ne(5), { name: "rck_a_not_five" })`,
);
// b made NOT NULL too: on SQLite the migration is then a rebuild, which writes the checks from the history's model.
const V2 = items(
  `  @column(integer().renamedFrom("a")) accessor qty!: number | null;
  @column(integer().notNull()) accessor b!: number;
  @column(json().renamedFrom("j")) accessor doc!: unknown;
  @column(enumType(["on", "off"]).renamedFrom("m")) accessor mode!: string | null;
`,
  `check(c.qty.ge(0)), check(c.qty.lt(c.b)), check(c.qty.ne(5), { name: "rck_a_not_five" })`,
);

const renamedTable = (name: string, previous: string) => `import { DeclarativeBase, check, column, integer, model } from ${ATHANOR};

export class Base extends DeclarativeBase {}

@model("${name}", { ${previous ? `previousNames: ["${previous}"], ` : ""}constraints: (c) => [check(c.a.ge(0)), check(c.a.lt(c.b))] })
export class Item extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer()) accessor a!: number | null;
  @column(integer()) accessor b!: number | null;
}
`;

for (const db of await testDatabases()) {
  describe(`migrate: renaming columns and tables of CHECK constraints [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "renck", TABLES);
    const cli = (...args: string[]): Promise<CliRun> => p!.cliOk(...args);
    const useModels = (version: string, source: string) => p!.useModels(version, source);
    const agree = async () => assert.match((await cli("migrate", "check")).out, /models, history and database agree$/);
    const newest = () => p!.read(p!.files().at(-1)!);
    // The database's own check violation (PostgreSQL, SQLite: "check constraint"; MariaDB: "CONSTRAINT `x` failed").
    const refused = (sql: string, which: string) => assert.rejects(query(url, sql), /check constraint|constraint .* failed/i, `the check ${which} holds`);

    test("a renamed column keeps its checks: no drop and re-add, check finds it clean, the checks still refuse bad rows, down and verify", async () => {
      await resetDatabase(url, TABLES);
      useModels("v1", V1);
      await cli("migrate", "new", "v1");
      await cli("migrate", "up");
      await query(url, `INSERT INTO rck_items (id, a, b, j) VALUES (1, 1, 2, '{"x":1}')`);
      useModels("v2", V2);
      await cli("migrate", "new", "v2");
      const v2 = newest();
      assert.match(v2, /renameColumn/);
      // The only check dropped and added is the enum's, which is named after its column (`ck_<table>_<column>`).
      const checkOps = v2.split("\n").filter((line) => /op\.(drop|add)Check/.test(line));
      assert.ok(checkOps.every((line) => /"ck_rck_items_(m|mode)"/.test(line)), `the checks are carried over by the rename, not dropped and added:\n${checkOps.join("\n")}`);
      await cli("migrate", "up");
      await agree();
      assert.deepEqual((await query(url, "SELECT id, qty, b FROM rck_items")).map((r) => [Number(r.id), Number(r.qty), Number(r.b)]), [[1, 1, 2]]);
      for (const [row, which] of [["2, -1, 3", "qty >= 0"], ["2, 3, 3", "qty < b"], ["2, 5, 9", "rck_a_not_five"]] as const) {
        await refused(`INSERT INTO rck_items (id, qty, b, doc) VALUES (${row}, '{}')`, which);
      }
      if (db.name !== "mysql") await refused(`INSERT INTO rck_items (id, qty, b, mode) VALUES (2, 1, 3, 'up')`, "of the enum");
      await query(url, `INSERT INTO rck_items (id, qty, b, doc) VALUES (2, 2, 3, '{}')`);
      await query(url, "DELETE FROM rck_items WHERE id = 2");
      assert.match((await cli("migrate", "verify")).out, /all 2 downs restore the schema$/);

      await cli("migrate", "down");
      assert.deepEqual((await query(url, "SELECT id, a FROM rck_items")).map((r) => [Number(r.id), Number(r.a)]), [[1, 1]]);
      await refused("INSERT INTO rck_items (id, a, b) VALUES (2, -1, 3)", "a >= 0 (after the down)");
      await cli("migrate", "up");
      await agree();
    });

    test("a renamed table keeps its unnamed checks (PostgreSQL named them after the old table): check finds it clean", async () => {
      await resetDatabase(url, TABLES);
      for (const file of p!.files()) rmSync(join(p!.migrations, file));
      useModels("t1", renamedTable("rck_old", ""));
      await cli("migrate", "new", "t1");
      await cli("migrate", "up");
      useModels("t2", renamedTable("rck_new", "rck_old"));
      await cli("migrate", "new", "t2");
      assert.match(newest(), /renameTable/);
      assert.doesNotMatch(newest(), /dropCheck|addCheck/);
      await cli("migrate", "up");
      await agree();
      await refused("INSERT INTO rck_new (id, a, b) VALUES (1, -1, 3)", "a >= 0");
      await refused("INSERT INTO rck_new (id, a, b) VALUES (1, 3, 3)", "a < b");
      await query(url, "INSERT INTO rck_new (id, a, b) VALUES (1, 2, 3)");
      assert.match((await cli("migrate", "verify")).out, /all 2 downs restore the schema$/);
    });
  });
}

test("a check's condition through column renames: all at once, quotes kept, literals and functions left alone", () => {
  const renames = new Map([["a", "b"], ["b", "a"]]);
  assert.equal(renameColumnsInCheck(`"a" < "b"`, renames), `"b" < "a"`);
  assert.equal(renameColumnsInCheck("`a` <> 'a' AND lower(a) = a", new Map([["a", "Qty"]])), "`Qty` <> 'a' AND lower(`Qty`) = `Qty`");
  assert.equal(renameColumnsInCheck(`(a)::text = ANY (ARRAY['a'::character varying]) AND a2 > 1e5`, new Map([["a", "c"]])), `(c)::text = ANY (ARRAY['a'::character varying]) AND a2 > 1e5`);
  assert.equal(renameColumnsInCheck(`"lower"(x) IS NOT NULL`, new Map([["lower", "up"]])), `"lower"(x) IS NOT NULL`);
});
