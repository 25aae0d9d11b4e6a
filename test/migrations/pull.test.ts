/**
 * `athanor pull` (issue 14, item 11) on SQLite, PostgreSQL and MariaDB: the seed's schema
 * (examples/seed, created with createAll) pulled into a scratch folder by the CLI gives model files
 * that (a) type-check, (b) pass `athanor check` (also against the database), (c) load into a
 * MetaData whose schema equals the reflected one, and (d) map the same relationships as the seed:
 * same kinds, same targets, same association table. The reflection fixture with every column
 * type, default and constraint kind comes back as the same schema too.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createEngine, type Engine, type MetaData, type Registry } from "../../src/index.js";
import { canonicalSchema, schemaModelOf } from "../../src/migrations/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { Base as SeedBase } from "../../examples/seed/index.js";
import { buildDist } from "../support/dist.js";
import { forEachDatabase } from "../support/dialects.js";
import { allTypesMetadata, namingMetadata, unnamedMetadata } from "./fixtures-all-types.js";
import { athanor, importFrom, loadGenerated, relationshipShapes, scratch, scratchRoot, typeCheck, writeProject } from "./pull-support.js";

// bin/athanor.mjs runs the compiled CLI.
before(buildDist);

/** The schema with its primary keys unnamed. */
function withoutKeyNames(schema: SchemaModel): SchemaModel {
  return { ...schema, tables: schema.tables.map((t) => (t.primaryKey ? { ...t, primaryKey: { columns: t.primaryKey.columns } } : t)) };
}

forEachDatabase("athanor pull", (ctx) => {
  const { db } = ctx;
  // SQLite: a file, so that the CLI (another process) reads the same database.
  const sqliteFile = join(scratchRoot, `pull-${process.pid}.db`);
  const url = db.name === "sqlite" ? `sqlite:///${sqliteFile}` : db.url;
  let engine: Engine;
  const fixtures: MetaData[] = [allTypesMetadata(), namingMetadata(), unnamedMetadata()];

  const reset = async () => {
    for (const metadata of [SeedBase.metadata, ...fixtures]) await metadata.dropAll(engine);
  };
  before(async () => {
    mkdirSync(scratchRoot, { recursive: true });
    writeFileSync(sqliteFile, "");
    engine = createEngine(url, { pool: { max: 1 } });
    await reset();
  });
  after(async () => {
    await reset();
    await engine.dispose();
  });

  test("the seed's schema: files that type-check, pass check, reflect the same schema and map the same relationships", async () => {
    await SeedBase.metadata.createAll(engine);
    const out = scratch(`seed-${db.name}`);
    writeProject(out);
    const run = athanor(["pull", "--url", url, "--out", out, "--import-from", importFrom, "--force"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /wrote 5 files/);
    assert.match(run.stdout, /models\s+3\s/);
    assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".ts")).sort(), ["association-table.ts", "base.ts", "index.ts", "left-table.ts", "right-table.ts"]);

    // One model per file, naming the others with `import type` only.
    for (const file of ["association-table.ts", "left-table.ts", "right-table.ts"]) {
      const source = readFileSync(join(out, file), "utf8");
      assert.match(source, /^import \{ Base \} from "\.\/base\.js";$/m);
      for (const line of source.split("\n").filter((l) => /from "\.\/(?!base)/.test(l))) assert.match(line, /^import type /, line);
    }

    // (a) the files type-check (the decorators' checks included), with both compilers on one database.
    typeCheck(out);
    if (db.name === "sqlite") typeCheck(out, "TypeScript 5.9");

    // (b) athanor check: the configuration is sound, no import cycle, and the database has every table and column.
    const check = athanor(["check", out, "--url", url]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /OK, no problems/);
    assert.match(check.stdout, /manyToMany\s+2\s+\(2 through an association object\)/);
    assert.match(check.stdout, /database\s+3\s+tables compared/);

    // (c) the generated models' schema is the reflected one.
    const generated = await loadGenerated(out);
    const base = generated["Base"] as { metadata: MetaData; registry: Registry };
    const reflected = await engine.inspect().reflect();
    const d = engine.dialect;
    assert.deepEqual(canonicalSchema(schemaModelOf(base.metadata, d), d), canonicalSchema(reflected, d));
    assert.deepEqual(canonicalSchema(schemaModelOf(SeedBase.metadata, d), d), canonicalSchema(reflected, d));

    // (d) the relationships: same kinds between the same tables (through the same association table) as the seed's.
    assert.deepEqual(relationshipShapes(base.registry), relationshipShapes(SeedBase.registry));
    assert.deepEqual(relationshipShapes(base.registry), [
      "association_table.manyToOne -> left_table",
      "association_table.manyToOne -> right_table",
      "left_table.manyToMany -> right_table via association_table",
      "left_table.oneToMany -> association_table",
      "right_table.manyToMany -> left_table via association_table",
      "right_table.oneToMany -> association_table",
    ]);

    // Existing files are never replaced without --force, and nothing is written then.
    const again = athanor(["pull", "--url", url, "--out", out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^athanor: .* already has base\.ts, association-table\.ts, left-table\.ts and 2 more: pass --force to overwrite them \(nothing was written\)\n$/);
    await SeedBase.metadata.dropAll(engine);
  });

  test("every column type, default, key, constraint and index kind comes back as the same schema", async () => {
    for (const metadata of fixtures) await metadata.createAll(engine);
    const out = scratch(`all-types-${db.name}`);
    writeProject(out);
    const run = athanor(["pull", "--url", url, "--out", out, "--import-from", importFrom, "--force"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    typeCheck(out);
    const check = athanor(["check", out]);
    assert.equal(check.code, 0, check.stdout + check.stderr);

    const generated = await loadGenerated(out);
    const base = generated["Base"] as { metadata: MetaData };
    const reflected = await engine.inspect().reflect();
    const d = engine.dialect;
    // A primary key's name comes from a MetaData naming convention, never from a model: the two
    // tables made under a `pk` convention keep their names in the database, and say so in a comment.
    assert.deepEqual(withoutKeyNames(canonicalSchema(schemaModelOf(base.metadata, d), d)), withoutKeyNames(canonicalSchema(reflected, d)));
    for (const metadata of fixtures) await metadata.dropAll(engine);
    // Enums come back as enums (a CHECK on PostgreSQL and SQLite, a native ENUM on MariaDB).
    assert.match(readFileSync(join(out, "author.ts"), "utf8"), /enumType\(\["happy", "sad", "it's complicated"\]\)\.notNull\(\)\.serverDefault\("happy"\)\) accessor mood!: "happy" \| "sad" \| "it's complicated";/);
    if (db.name !== "mysql") {
      // (every MySQL primary key is called PRIMARY)
      assert.deepEqual(reflected.tables.filter((t) => t.primaryKey?.name !== undefined).map((t) => t.name), ["nc_children", "nc_parents"]);
      assert.match(readFileSync(join(out, "nc-parent.ts"), "utf8"), /- primary key name pk_nc_parents: a model's primary key takes its name from the MetaData's naming convention/);
    }
  });
});
