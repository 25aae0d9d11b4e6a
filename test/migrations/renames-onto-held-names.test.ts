/**
 * A declared rename onto a name the model reuses. `full_name` renamed from `name` beside a new
 * `name` column (or table `rh_writers` renamed from `rh_authors` beside a new `rh_authors`): the
 * differ ignored the declaration without a word, added `full_name` empty and kept the data in
 * `name`. It now renames first and adds the new item after, on all three databases; chains of
 * renames run in an order that works; a swap, which one rename each cannot make, is refused.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { integer, MetaData, string, table, type Engine } from "../../src/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { AmbiguousRenameError, diffSchemas, downOf, schemaModelOf, withRenameHints } from "../../src/migrations/index.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import { forEachDatabase } from "../support/dialects.js";

const TABLES = ["rh_people", "rh_writers", "rh_authors", "rh_abc"];

function withHints(metadata: MetaData, engine: Engine): SchemaModel {
  return withRenameHints(schemaModelOf(metadata, engine.dialect), metadata);
}

forEachDatabase("renames onto a name the model reuses", (ctx) => {
  const dialect = ctx.db.name;
  const run = (sql: string) => ctx.engine.withConnection((conn) => conn.run(sql));
  const rows = async (sql: string) => (await run(sql)).rows.map((r) => ({ ...r }));
  const dropAll = async () => {
    for (const name of TABLES) await run(`DROP TABLE IF EXISTS ${name}`);
  };
  const migrate = async (from: MetaData, to: MetaData) => {
    const before = schemaModelOf(from, ctx.engine.dialect);
    const ops = diffSchemas(before, withHints(to, ctx.engine), { dialect });
    await ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema: before })));
    return ops;
  };
  afterEach(dropAll);

  test("a column renamed from `name` beside a new `name`: renamed, then added; the data moves; the down moves it back", async () => {
    await dropAll();
    const v1 = new MetaData();
    table("rh_people", v1, { id: integer().primaryKey(), name: string(50) });
    const v2 = new MetaData();
    table("rh_people", v2, { id: integer().primaryKey(), full_name: string(50).renamedFrom("name"), name: string(20) });
    await v1.createAll(ctx.engine);
    await run("INSERT INTO rh_people (id, name) VALUES (1, 'Ada Lovelace')");
    const ops = await migrate(v1, v2);
    assert.deepEqual(
      ops.map((o) => o.op),
      ["renameColumn", "addColumn"],
    );
    assert.deepEqual(await rows("SELECT id, full_name, name FROM rh_people"), [{ id: 1, full_name: "Ada Lovelace", name: null }]);
    assert.deepEqual(diffSchemas(schemaModelOf(v2, ctx.engine.dialect), withHints(v2, ctx.engine), { dialect }), [], "the declaration left in the model is history once applied");
    await ctx.engine.withConnection((conn) => runSteps(conn, planSteps(downOf(ops), { dialect: ctx.engine.dialect, schema: schemaModelOf(v2, ctx.engine.dialect) }), {}));
    assert.deepEqual(await rows("SELECT id, name FROM rh_people"), [{ id: 1, name: "Ada Lovelace" }]);
  });

  test("a chain (b → c while a → b) runs c's rename first and keeps both columns' data", async () => {
    await dropAll();
    const v1 = new MetaData();
    table("rh_abc", v1, { id: integer().primaryKey(), a: string(10), b: string(10) });
    const v2 = new MetaData();
    table("rh_abc", v2, { id: integer().primaryKey(), b: string(10).renamedFrom("a"), c: string(10).renamedFrom("b") });
    await v1.createAll(ctx.engine);
    await run("INSERT INTO rh_abc (id, a, b) VALUES (1, 'was a', 'was b')");
    const ops = await migrate(v1, v2);
    assert.deepEqual(
      ops.map((o) => (o.op === "renameColumn" ? `${o.from}→${o.to}` : o.op)),
      ["b→c", "a→b"],
    );
    assert.deepEqual(await rows("SELECT id, b, c FROM rh_abc"), [{ id: 1, b: "was a", c: "was b" }]);
  });

  test("a table renamed from `rh_authors` beside a new `rh_authors`: renamed, then created", async () => {
    await dropAll();
    const v1 = new MetaData();
    table("rh_authors", v1, { id: integer().primaryKey(), name: string(50) });
    const v2 = new MetaData();
    table("rh_writers", v2, { id: integer().primaryKey(), name: string(50) }, undefined, { previousNames: ["rh_authors"] });
    table("rh_authors", v2, { id: integer().primaryKey(), pen_name: string(50) });
    await v1.createAll(ctx.engine);
    await run("INSERT INTO rh_authors (id, name) VALUES (7, 'Le Guin')");
    const ops = await migrate(v1, v2);
    assert.deepEqual(
      ops.map((o) => o.op),
      ["renameTable", "createTable"],
    );
    assert.deepEqual(await rows("SELECT id, name FROM rh_writers"), [{ id: 7, name: "Le Guin" }]);
    assert.deepEqual(await rows("SELECT id, pen_name FROM rh_authors"), []);
  });
});

test("a swap of two names (each declared renamed from the other) is refused, naming both", () => {
  const v1 = new MetaData();
  table("rh_abc", v1, { id: integer().primaryKey(), a: string(10), b: string(10) });
  const v2 = new MetaData();
  table("rh_abc", v2, { id: integer().primaryKey(), a: string(10).renamedFrom("b"), b: string(10).renamedFrom("a") });
  const dialect = sqliteDialect();
  const hinted = withRenameHints(schemaModelOf(v2, dialect), v2);
  assert.throws(
    () => diffSchemas(schemaModelOf(v1, dialect), hinted, { dialect }),
    (e: Error) => e instanceof AmbiguousRenameError && /column rh_abc\.a and column rh_abc\.b/.test(e.message) && /temporary name/.test(e.message),
  );
});
