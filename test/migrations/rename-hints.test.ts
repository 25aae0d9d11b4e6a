/**
 * Rename declarations reach the differ: `.renamedFrom()` and `previousNames` on Core tables and
 * on declarative models, carried by `withRenameHints` into the model's SchemaModel.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, MetaData, column, integer, model, string, table } from "../../src/index.js";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import { diffSchemas, schemaModelOf, withRenameHints } from "../../src/migrations/index.js";

const dialect = sqliteDialect();

test("Core: .renamedFrom() on a column, previousNames on a table", () => {
  const metadata = new MetaData();
  const writers = table("writers", metadata, { id: integer().primaryKey(), name: string(50).renamedFrom(["full_name", "title"]) }, undefined, { previousNames: ["authors"] });
  assert.deepEqual(writers.previousNames, ["authors"]);
  assert.deepEqual(writers.c.name.renamedFrom, ["full_name", "title"]);
  assert.deepEqual(writers.c.id.renamedFrom, []);
  const schema = withRenameHints(schemaModelOf(metadata, dialect), metadata);
  assert.deepEqual(schema.tables[0]!.previousNames, ["authors"]);
  assert.deepEqual(schema.tables[0]!.columns.map((c) => c.renamedFrom), [undefined, ["full_name", "title"]]);

  const old = new MetaData();
  table("authors", old, { id: integer().primaryKey(), title: string(50) });
  assert.deepEqual(diffSchemas(schemaModelOf(old, dialect), schema, { dialect }), [
    { op: "renameTable", from: "authors", to: "writers" },
    { op: "renameColumn", table: { name: "writers" }, from: "title", to: "name" },
  ]);
});

test("ORM: @model previousNames and @column(builder.renamedFrom())", () => {
  class Base extends DeclarativeBase {}
  @model("writers", { previousNames: ["authors"] })
  class Writer extends Base {
    @column(integer().primaryKey()) accessor id!: number;
    @column(string(50).renamedFrom("title")) accessor name!: string | null;
  }
  void Writer;
  const metadata = Base.metadata;
  const schema = withRenameHints(schemaModelOf(metadata, dialect), metadata);
  assert.deepEqual(schema.tables[0]!.previousNames, ["authors"]);
  assert.deepEqual(schema.tables[0]!.columns[1]!.renamedFrom, ["title"]);
});
