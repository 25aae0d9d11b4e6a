/**
 * Generated columns and the migrations (SQLite, PostgreSQL, MariaDB): reflection reads each one's
 * expression and kind (a PostgreSQL one used to come back as a server default, a SQLite or
 * MariaDB one as a plain column), so a database created from its models shows no difference;
 * a changed expression is a drop and an add of the column, which is no data loss (its values are
 * derived) and keeps the rows; `op.addColumn` writes one; `athanor pull` writes `.generatedAs()`.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { integer, MetaData, numeric, sql, string, table, type Engine } from "../../src/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { diffSchemas, modelFilesOf, op, schemaModelOf, type Operation } from "../../src/migrations/index.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { types } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { importFrom, loadGenerated, scratch, typeCheck, writeFiles } from "./pull-support.js";

function lines(factor: string): MetaData {
  const metadata = new MetaData();
  table("mg_lines", metadata, {
    id: integer().primaryKey(),
    sku: string(20).notNull(),
    price: numeric(12, 2).notNull(),
    qty: integer().notNull(),
    total: numeric(14, 2).notNull().generatedAs(sql.raw(`price * qty${factor}`)),
    code: string(20).generatedAs(sql`upper(sku)`),
  });
  return metadata;
}

forEachDatabase("generated columns in migrations", (ctx) => {
  const { db } = ctx;
  const dialect = db.name;
  const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name === "mg_lines") });
  const reflect = async () => ours(await ctx.engine.inspect().reflect());
  const apply = (ops: readonly Operation[], schema: SchemaModel) =>
    ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema })));
  const rows = async () => (await ctx.engine.withConnection((conn) => conn.run("SELECT id, total, code FROM mg_lines ORDER BY id"))).rows.map((r) => ({ ...r, total: Number(r.total) }));
  const drop = (engine: Engine) => engine.withConnection((conn) => conn.run("DROP TABLE IF EXISTS mg_lines"));

  before(async () => {
    await drop(ctx.engine);
    await lines("").createAll(ctx.engine);
    await ctx.engine.withConnection((conn) => conn.run("INSERT INTO mg_lines (id, sku, price, qty) VALUES (1, 'ab', 2.50, 4), (2, 'cd', 1.00, 3)"));
  });
  after(async () => {
    await drop(ctx.engine);
    await ctx.engine.dispose(); // the harness may have disposed it first: the pool drop() opened again is closed
  });

  test("reflection reads the expression and the kind; the database shows no difference from its models", async () => {
    const reflected = await reflect();
    const total = reflected.tables[0]!.columns.find((c) => c.name === "total")!;
    assert.equal(total.generated?.stored, true);
    assert.equal(total.serverDefault, undefined, "not a server default");
    const model = schemaModelOf(lines(""), ctx.engine.dialect);
    assert.deepEqual(canonicalSchema(reflected, dialect), canonicalSchema(model, dialect));
    assert.deepEqual(diffSchemas(reflected, model, { dialect }), []);
  });

  test("a changed expression: the column is dropped and added again, no data-loss refusal, the rows kept and recomputed", async () => {
    const before = await reflect();
    const model = schemaModelOf(lines(" * 2"), ctx.engine.dialect);
    const up = diffSchemas(before, model, { dialect });
    assert.deepEqual(up.map((o) => `${o.op} ${"column" in o && typeof o.column === "object" ? o.column.name : ""}`), ["dropColumn total", "addColumn total"]);
    await apply(up, before);
    assert.deepEqual(await rows(), [{ id: 1, total: 20, code: "AB" }, { id: 2, total: 6, code: "CD" }]);
    assert.deepEqual(diffSchemas(await reflect(), model, { dialect }), [], "no difference left");
    await apply(diffSchemas(await reflect(), schemaModelOf(lines(""), ctx.engine.dialect), { dialect }), await reflect());
    assert.deepEqual(await rows(), [{ id: 1, total: 10, code: "AB" }, { id: 2, total: 3, code: "CD" }]);
  });

  test("op.addColumn adds a generated column, computed for the existing rows", async () => {
    const before = await reflect();
    const stored = dialect !== "sqlite"; // SQLite adds only virtual ones in place (a stored one rebuilds the table)
    await apply([op.addColumn("mg_lines", { name: "twice", type: types.integer(), generated: { sql: "qty * 2", stored } })], before);
    const twice = (await ctx.engine.withConnection((conn) => conn.run("SELECT twice FROM mg_lines ORDER BY id"))).rows.map((r) => Number(r.twice));
    assert.deepEqual(twice, [8, 6]);
    const column = (await reflect()).tables[0]!.columns.find((c) => c.name === "twice")!;
    assert.deepEqual(column.generated?.stored, stored);
    await apply([op.dropColumn("mg_lines", column)], await reflect());
  });

  test("athanor pull writes .generatedAs(); the models it writes have the database's schema", async () => {
    const reflected = await reflect();
    const files = modelFilesOf(reflected, { importFrom, source: "a test" });
    const source = files.map((f) => f.source).join("\n");
    assert.match(source, /\.generatedAs\(sql\.raw\("[^"]*price[^"]*qty[^"]*"\)\)/);
    const out = scratch(`generated-${dialect}`);
    writeFiles(out, files);
    if (dialect === "sqlite") typeCheck(out);
    const base = (await loadGenerated(out))["Base"] as { metadata: MetaData };
    const d = ctx.engine.dialect;
    assert.deepEqual(canonicalSchema(schemaModelOf(base.metadata, d), d), canonicalSchema(reflected, d));
  });
});
