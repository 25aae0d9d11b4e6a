/**
 * No phantom diffs (issue 14, item 7), on SQLite, PostgreSQL and MariaDB: over models with every
 * column type athanor has, server defaults of each kind, nullability, autoincrement, composite
 * keys, foreign keys with actions, named and unnamed uniques and checks, enum checks and indexes
 * (unique or not, one or more columns, descending, on expressions, partial), the migration generated from the empty schema is applied
 * by the runner, the database is reflected, and diffing it against the models again finds nothing;
 * neither does diffing the history's model replay against them. The down then empties the database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import type { Engine, MetaData } from "../../src/index.js";
import { buildGraph, diffSchemas, generateMigration, MigrationRunner, schemaModelOf, type MigrationDefinition } from "../../src/migrations/index.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import { forEachDatabase } from "../support/dialects.js";
import { allTypesMetadata, defaultsMetadata, indexKindsMetadata, namingMetadata, unnamedMetadata } from "./fixtures-all-types.js";

const EMPTY: SchemaModel = { tables: [], enums: [] };
const FIXTURES: readonly MetaData[] = [allTypesMetadata(), namingMetadata(), unnamedMetadata(), defaultsMetadata()];

forEachDatabase("phantom diffs", (ctx) => {
  const { db } = ctx;

  test("generate, apply, reflect, generate again: an empty migration; the down leaves nothing", async () => {
    const { engine } = ctx;
    const dialect = db.name;
    // Descending, expression and partial indexes: what the database can make (MariaDB: descending only).
    const fixtures = [...FIXTURES, indexKindsMetadata(dialect)];
    const schemas = fixtures.map((m) => schemaModelOf(m, engine.dialect));
    const models: SchemaModel = { tables: schemas.flatMap((s) => s.tables), enums: schemas.flatMap((s) => s.enums) };
    const names = models.tables.map((t) => t.name);
    // Every column type athanor has is in the models (enums become strings with a check in the schema).
    const kinds = new Set<string>(FIXTURES.flatMap((m) => m.sortedTables.flatMap((t) => t.columnList.map((c) => c.type.kind))));
    for (const kind of ["integer", "bigint", "string", "text", "boolean", "float", "numeric", "date", "datetime", "json", "uuid", "enum", "binary"]) {
      assert.ok(kinds.has(kind), `no ${kind} column`);
    }

    await dropTables(ctx.engine, names);
    const generated = generateMigration(EMPTY, models, { dialect, message: "every kind", parents: [] });
    assert.ok(generated.definition.up.length > 0);
    const definition: MigrationDefinition = generated.definition;
    const graph = buildGraph([{ id: definition.id, file: "<generated>", definition, checksum: "phantom" }]);
    try {
      await withRunner(engine, graph, (runner) => runner.up());
      const reflected = await engine.inspect().reflect();
      assert.deepEqual(reflected.tables.map((t) => t.name).sort(), [...names].sort());

      assert.deepEqual(diffSchemas(reflected, models, { dialect, allowDataLoss: true }), [], "models vs the applied migration");
      assert.deepEqual(generateMigration(reflected, models, { dialect, message: "again", parents: [definition.id] }).definition.up, []);
      assert.deepEqual(diffSchemas(models, reflected, { dialect, allowDataLoss: true }), [], "the applied migration vs the models");

      const replayed = applyAllToModel(EMPTY, definition.up);
      assert.deepEqual(generateMigration(replayed, models, { dialect, message: "again", parents: [definition.id] }).definition.up, []);
      assert.deepEqual(diffSchemas(replayed, reflected, { dialect, allowDataLoss: true }), [], "the history's replay vs the database");

      await withRunner(engine, graph, (runner) => runner.down("base"));
      assert.deepEqual((await engine.inspect().reflect()).tables.map((t) => t.name), []);
    } finally {
      await dropTables(engine, [...names, "athanor_migrations"]);
    }
  });
});

async function withRunner<T>(engine: Engine, graph: ReturnType<typeof buildGraph>, fn: (runner: MigrationRunner) => Promise<T>): Promise<T> {
  const connection = await engine.connect();
  try {
    return await fn(new MigrationRunner({ connection, graph }));
  } finally {
    await connection.close();
  }
}

/** Drops the tables (children first: each pass drops what it can) and the version table. */
async function dropTables(engine: Engine, names: readonly string[]): Promise<void> {
  let left = [...names];
  for (let pass = 0; pass < 4 && left.length; pass++) {
    const failed: string[] = [];
    for (const name of left) {
      try {
        await engine.withConnection((c) => c.run(`DROP TABLE IF EXISTS ${name}`));
      } catch {
        failed.push(name);
      }
    }
    left = failed;
  }
  assert.deepEqual(left, [], "tables left behind");
}
