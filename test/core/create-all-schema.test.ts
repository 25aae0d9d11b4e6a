/**
 * `createAll` on tables in a schema (a PostgreSQL schema, a MySQL/MariaDB database) is idempotent: the second run finds the tables in their schema and skips them,
 * and `dropAll` finds them there too. `MetaData({ schema })` is the default schema of its tables.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MetaData, insert, integer, select, string, table } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

forEachDatabase("createAll in a schema", (ctx) => {
  const { db } = ctx;
  // A schema of our own: on MySQL a database is a schema, named after this run's test database
  // so that parallel runs on the shared server never meet.
  const schema = db.name === "mysql" ? `${new URL(db.url).pathname.slice(1)}_schema` : "athanor_schema_test";
  const metadata = new MetaData();
  const authors = table("authors", metadata, { id: integer().primaryKey(), name: string(40) }, undefined, { schema });
  table("books", metadata, { id: integer().primaryKey(), authorId: integer().named("author_id").references(`${schema}.authors.id`) }, undefined, { schema });

  before(async () => {
    if (db.name === "postgresql") await ctx.engine.withConnection((conn) => conn.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`));
    else await ctx.engine.withConnection((conn) => conn.run(`CREATE DATABASE IF NOT EXISTS \`${schema}\``));
    await metadata.dropAll(ctx.engine);
  });
  // forEachDatabase disposes the suite's engine in its own after hook, which runs first: clean up
  // through an engine of this hook's own.
  after(async () => {
    const engine = engineFor(db, { pool: { max: 1 } });
    try {
      await metadata.dropAll(engine);
      if (db.name === "postgresql") await engine.withConnection((conn) => conn.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
      else await engine.withConnection((conn) => conn.run(`DROP DATABASE IF EXISTS \`${schema}\``));
    } finally {
      await engine.dispose();
    }
  });

  test("a second createAll skips the tables that exist in the schema, and keeps their rows", async () => {
    await metadata.createAll(ctx.engine);
    await ctx.engine.execute(insert(authors).values({ id: 1, name: "Ursula" }));
    await metadata.createAll(ctx.engine);
    assert.deepEqual(await ctx.engine.inspect().tableNames(schema).then((names) => names.filter((n) => n === "authors" || n === "books").sort()), ["authors", "books"]);
    assert.deepEqual((await ctx.engine.execute(select(authors.c.name))).scalars(), ["Ursula"]);
  });

  test("MetaData({ schema }) puts every table in the schema; a foreign key names its target without it", async () => {
    const inSchema = new MetaData({ schema });
    const shelves = table("shelves", inSchema, { id: integer().primaryKey() });
    const items = table("items", inSchema, { id: integer().primaryKey(), shelfId: integer().named("shelf_id").references("shelves.id") });
    try {
      await inSchema.createAll(ctx.engine);
      await inSchema.createAll(ctx.engine);
      assert.equal(shelves.schema, schema);
      assert.deepEqual((await ctx.engine.inspect().tableNames(schema)).filter((n) => n === "shelves" || n === "items").sort(), ["items", "shelves"]);
      await ctx.engine.execute(insert(shelves).values({ id: 1 }));
      await ctx.engine.execute(insert(items).values({ id: 1, shelfId: 1 }));
      await assert.rejects(ctx.engine.execute(insert(items).values({ id: 2, shelfId: 99 })), /foreign key/i);
    } finally {
      await inSchema.dropAll(ctx.engine);
    }
  });

  test("dropAll finds the tables in the schema; a second dropAll has nothing left to drop", async () => {
    await metadata.createAll(ctx.engine);
    await metadata.dropAll(ctx.engine);
    assert.deepEqual((await ctx.engine.inspect().tableNames(schema)).filter((n) => n === "authors" || n === "books"), []);
    await metadata.dropAll(ctx.engine);
  });
}, ["postgresql", "mysql"]); // SQLite has no schemas in DDL (an attached database cannot be referenced by a foreign key)
