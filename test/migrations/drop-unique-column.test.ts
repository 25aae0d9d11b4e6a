/**
 * Columns with unnamed UNIQUE constraints (on the column alone, `.unique()`, and a multi-column
 * `unique([c.a, c.b])`) dropped by a migration. `migrate new` drops the uniques first, and
 * PostgreSQL and MariaDB refused to run it: "Cannot drop an unnamed unique constraint" (a
 * CompileError, nothing done). A hand-written `op.dropColumn` of a column in an unnamed
 * multi-column unique failed the same way on MariaDB. Such a unique is now dropped by the name the
 * database gave it (PostgreSQL `<table>_<columns>_key`, MariaDB its first column), and refused
 * where MariaDB's name cannot be known (another key may hold it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { CompileError } from "../../src/core/errors.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { testDatabases } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, tableModel } from "./model-builders.js";
import { projectSuite, query, resetDatabase, type CliRun } from "./project.js";
import { repoRoot as root } from "../support/repo-root.js";

const ATHANOR = JSON.stringify(join(root, "src/index.ts"));
const TABLES = ["du_items"];

const model = (columns: string, constraints: string) => `import { DeclarativeBase, column, integer, model, string, unique } from ${ATHANOR};

export class Base extends DeclarativeBase {}

@model("du_items", { constraints: (c) => [${constraints}] })
export class Item extends Base {
  @column(integer().primaryKey()) accessor id!: number;
${columns}}
`;
const V1 = model(
  `  @column(string(20).unique()) accessor code!: string | null;
  @column(integer()) accessor a!: number | null;
  @column(integer()) accessor b!: number | null;
`,
  "unique([c.a, c.b])",
);
const V2 = model(`  @column(integer()) accessor a!: number | null;\n`, "");

for (const db of await testDatabases()) {
  describe(`migrate new: dropping columns with unnamed unique constraints [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "dropuq", TABLES);
    const cli = (...args: string[]): Promise<CliRun> => p!.cliOk(...args);
    const useModels = (version: string, source: string) => p!.useModels(version, source);
    const rows = async (columns: string) => (await query(url, `SELECT ${columns} FROM du_items ORDER BY id`)).map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : Number(v) || v]))));

    test("the generated migration goes up (uniques, then columns), check finds it clean, verify passes, down brings both uniques back", async () => {
      await resetDatabase(url, TABLES);
      useModels("v1", V1);
      await cli("migrate", "new", "v1");
      await cli("migrate", "up");
      await query(url, "INSERT INTO du_items (id, code, a, b) VALUES (1, 'x', 1, 1), (2, 'y', 1, 2)");
      useModels("v2", V2);
      await cli("migrate", "new", "v2", "--allow-data-loss");
      await cli("migrate", "up");
      assert.match((await cli("migrate", "check")).out, /models, history and database agree$/);
      assert.deepEqual(await rows("id, a"), ['{"id":1,"a":1}', '{"id":2,"a":1}']);
      await query(url, "INSERT INTO du_items (id, a) VALUES (3, 1)");
      await query(url, "DELETE FROM du_items WHERE id = 3");
      assert.match((await cli("migrate", "verify")).out, /all 2 downs restore the schema$/);

      await cli("migrate", "down");
      assert.deepEqual(await rows("id, code, a, b"), ['{"id":1,"code":null,"a":1,"b":null}', '{"id":2,"code":null,"a":1,"b":null}']);
      await query(url, "UPDATE du_items SET code = 'x', b = 1 WHERE id = 1");
      // Both uniques are back.
      await assert.rejects(query(url, "INSERT INTO du_items (id, code) VALUES (3, 'x')"));
      await assert.rejects(query(url, "INSERT INTO du_items (id, a, b) VALUES (3, 1, 1)"));
      await cli("migrate", "up");
      assert.match((await cli("migrate", "check")).out, /models, history and database agree$/);
    });
  });
}

const items = tableModel("du_keys", [col("code", int), col("a", int), col("b", int)], {
  uniques: [{ columns: ["code"] }, { columns: ["a", "b"] }],
});
const create: Operation[] = [{ op: "createTable", table: items }];

forEachDatabase("op.dropColumn of a column in an unnamed multi-column unique", (ctx) => {
  const run = (ops: Operation[], schema: SchemaModel) => ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema })));
  const only = (s: SchemaModel) => JSON.parse(JSON.stringify({ ...s, tables: s.tables.filter((t) => t.name === "du_keys") })) as SchemaModel;
  afterEach(() => ctx.engine.withConnection((conn) => conn.run("DROP TABLE IF EXISTS du_keys")));

  test("the unique goes with the column, the rows stay, the database is what the history's model says", async () => {
    await ctx.engine.withConnection((conn) => conn.run("DROP TABLE IF EXISTS du_keys"));
    await run(create, emptySchema);
    await ctx.engine.withConnection((conn) => conn.run("INSERT INTO du_keys (id, code, a, b) VALUES (1, 1, 1, 1), (2, 2, 1, 2)"));
    const before = applyAllToModel(emptySchema, create);
    const drops: Operation[] = [{ op: "dropColumn", table: { name: "du_keys" }, column: col("b", int) }];
    await run(drops, before);
    const expected = applyAllToModel(before, drops);
    assert.deepEqual(canonicalSchema(only(await ctx.engine.inspect().reflect()), ctx.db.name), canonicalSchema(only(expected), ctx.db.name));
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("INSERT INTO du_keys (id, code, a) VALUES (3, 3, 1)");
      await assert.rejects(conn.run("INSERT INTO du_keys (id, code, a) VALUES (4, 3, 1)"), "the unique on code stays");
      assert.deepEqual((await conn.run("SELECT id, a FROM du_keys ORDER BY id")).rows, [{ id: 1, a: 1 }, { id: 2, a: 1 }, { id: 3, a: 1 }]);
    });
  });

  test("an unnamed unique whose name another key may hold (MariaDB: a_2 after a) is refused there before any statement; PostgreSQL names it by its columns", async () => {
    const table = tableModel("du_keys", [col("a", int), col("b", int)], { uniques: [{ columns: ["a"] }, { columns: ["a", "b"] }] });
    const before = applyAllToModel(emptySchema, [{ op: "createTable", table }]);
    const plan = () => planSteps([{ op: "dropUnique", table: { name: "du_keys" }, unique: { columns: ["a", "b"] } }], { dialect: ctx.engine.dialect, schema: before });
    if (ctx.db.name !== "mysql") return void plan();
    assert.throws(plan, (e: Error) => e instanceof CompileError && /unnamed unique constraint of table 'du_keys'/.test(e.message));
  });
});
