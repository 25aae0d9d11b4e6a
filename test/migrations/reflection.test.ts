/**
 * Reflection round trip (issue 14, item 1): `createAll(metadata)` then `inspect().reflect()`
 * gives exactly `schemaModelOf(metadata, dialect)` over a MetaData with every column type,
 * default, key and constraint kind, on SQLite, PostgreSQL and MariaDB. PostgreSQL rewrites CHECK
 * conditions, so there the checks are equal in canonical form (and by name). Also: what models
 * do not declare (partial and expression indexes, PostgreSQL enum types), reflected as text.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MetaData, integer, table } from "../../src/index.js";
import { schemaModelOf } from "../../src/migrations/index.js";
import { canonicalSchema, sameSchema } from "../../src/migrations/schema/canonical.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { allTypesMetadata, defaultsMetadata, namingMetadata, unnamedMetadata } from "./fixtures-all-types.js";

/** The schema without check conditions: what must be equal field by field on every dialect. */
function withoutCheckSql(schema: SchemaModel): unknown {
  return { ...schema, tables: schema.tables.map((t) => ({ ...t, checks: t.checks.map((c) => c.name) })) };
}

forEachDatabase("reflection", (ctx) => {
  const { db } = ctx;
  const database = db.name === "sqlite" ? "" : new URL(db.url).pathname.slice(1);
  // SQLite keeps foreign keys within one database file: no second schema there.
  const schema = db.name === "sqlite" ? undefined : `${database}_billing`;
  const metadata = allTypesMetadata({ schema });
  const run = (sql: string) => ctx.engine.withConnection((conn) => conn.run(sql));

  before(async () => {
    if (db.name === "postgresql") await run(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    if (db.name === "mysql") await run(`CREATE DATABASE IF NOT EXISTS \`${schema}\``);
    await metadata.dropAll(ctx.engine);
    await metadata.createAll(ctx.engine);
  });
  after(async () => {
    const engine = engineFor(db, { pool: { max: 1 } });
    try {
      await metadata.dropAll(engine);
      if (db.name === "postgresql") await engine.withConnection((conn) => conn.run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
      if (db.name === "mysql") await engine.withConnection((conn) => conn.run(`DROP DATABASE IF EXISTS \`${schema}\``));
    } finally {
      await engine.dispose();
    }
  });

  const reflect = () => ctx.engine.inspect().reflect({ schemas: schema ? [schema] : [] });

  test("createAll then reflect() equals schemaModelOf(metadata): every type, default, key, constraint and index", async () => {
    const reflected = await reflect();
    const model = schemaModelOf(metadata, ctx.engine.dialect);
    assert.deepEqual(
      reflected.tables.map((t) => t.name),
      schema ? ["authors", "book_tags", "books", "ledger"] : ["authors", "book_tags", "books"],
    );
    if (db.name === "postgresql") assert.deepEqual(withoutCheckSql(reflected), withoutCheckSql(model));
    else assert.deepEqual(reflected, model);
    assert.deepEqual(canonicalSchema(reflected, db.name), canonicalSchema(model, db.name));
    assert.ok(sameSchema(reflected, model, db.name));
  });

  test("reflected types are athanor's kinds, with length, precision and scale", async () => {
    const authors = (await reflect()).tables.find((t) => t.name === "authors")!;
    const type = (name: string) => authors.columns.find((c) => c.name === name)!.type;
    assert.deepEqual(type("name"), { kind: "string", length: 100 });
    assert.deepEqual(type("balance"), { kind: "numeric", precision: 12, scale: 2 });
    assert.deepEqual(type("settings"), { kind: "json" });
    assert.deepEqual(type("token"), { kind: "uuid" });
    assert.deepEqual(type("seen_at"), { kind: "datetime", timezone: db.name === "postgresql" });
    assert.deepEqual(type("mood"), db.name === "mysql" ? { kind: "enum", values: ["happy", "sad", "it's complicated"] } : { kind: "string", length: 16 });
    const id = authors.columns.find((c) => c.name === "id")!;
    assert.equal(id.autoincrement, true);
  });

  test("a change the model does not have shows as a difference", async () => {
    const model = schemaModelOf(metadata, ctx.engine.dialect);
    await run(db.name === "mysql" ? "ALTER TABLE book_tags ADD COLUMN note VARCHAR(10) NULL" : `ALTER TABLE book_tags ADD COLUMN note VARCHAR(10)`);
    try {
      const reflected = await reflect();
      assert.equal(sameSchema(reflected, model, db.name), false);
      const note = reflected.tables.find((t) => t.name === "book_tags")!.columns.at(-1)!;
      assert.deepEqual(note, { name: "note", type: { kind: "string", length: 10 }, nullable: true, autoincrement: false });
    } finally {
      if (db.name !== "sqlite") await run("ALTER TABLE book_tags DROP COLUMN note");
      else await run("ALTER TABLE book_tags DROP COLUMN note");
    }
  });

  test("the migrations version table is left out unless asked for", async () => {
    const versions = new MetaData();
    table("athanor_migrations", versions, { id: integer().primaryKey() });
    await versions.createAll(ctx.engine);
    try {
      assert.ok(!(await reflect()).tables.some((t) => t.name === "athanor_migrations"));
      const all = await ctx.engine.inspect().reflect({ exclude: [] });
      assert.ok(all.tables.some((t) => t.name === "athanor_migrations"));
    } finally {
      await versions.dropAll(ctx.engine);
    }
  });
});

forEachDatabase("reflection of names and defaults", (ctx) => {
  const { db } = ctx;
  const metadatas = { "a naming convention, long names, a foreign-key cycle": namingMetadata(), "unnamed checks and uniques": unnamedMetadata(),
    "server defaults of every type": defaultsMetadata(),
  };
  after(async () => {
    const engine = engineFor(db, { pool: { max: 1 } });
    try {
      for (const metadata of Object.values(metadatas)) await metadata.dropAll(engine);
    } finally {
      await engine.dispose();
    }
  });
  for (const [what, metadata] of Object.entries(metadatas)) {
    test(`${what}: reflect() equals schemaModelOf()`, async () => {
      await metadata.dropAll(ctx.engine);
      await metadata.createAll(ctx.engine);
      const names = [...metadata.tables.keys()];
      const all = await ctx.engine.inspect().reflect();
      const reflected = { ...all, tables: all.tables.filter((t) => names.includes(t.name)) };
      const model = schemaModelOf(metadata, ctx.engine.dialect);
      if (db.name === "postgresql") assert.deepEqual(withoutCheckSql(reflected), withoutCheckSql(model));
      else assert.deepEqual(reflected, model);
      assert.ok(sameSchema(reflected, model, db.name));
    });
  }
});

forEachDatabase(
  "reflection of what models do not declare",
  (ctx) => {
    const { db } = ctx;
    const run = (sql: string) => ctx.engine.withConnection((conn) => conn.run(sql));
    before(async () => {
      await run("DROP TABLE IF EXISTS mr_events");
      if (db.name === "postgresql") await run("DROP TYPE IF EXISTS mr_mood");
      if (db.name === "postgresql") await run("CREATE TYPE mr_mood AS ENUM ('sad', 'ok', 'happy')");
      await run(
        `CREATE TABLE mr_events (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, kind VARCHAR(10), deleted_at DATE${
          db.name === "postgresql" ? ", mood mr_mood" : ""
        })`,
      );
      await run("CREATE INDEX ix_mr_events_live ON mr_events (name) WHERE deleted_at IS NULL");
      await run("CREATE UNIQUE INDEX ix_mr_events_lower ON mr_events (lower(name), kind)");
    });
    after(async () => {
      const engine = engineFor(db, { pool: { max: 1 } });
      try {
        await engine.withConnection(async (conn) => {
          await conn.run("DROP TABLE IF EXISTS mr_events");
          if (db.name === "postgresql") await conn.run("DROP TYPE IF EXISTS mr_mood");
        });
      } finally {
        await engine.dispose();
      }
    });

    test("partial and expression indexes", async () => {
      const events = (await ctx.engine.inspect().reflect()).tables.find((t) => t.name === "mr_events")!;
      const live = events.indexes.find((i) => i.name === "ix_mr_events_live")!;
      const lower = events.indexes.find((i) => i.name === "ix_mr_events_lower")!;
      assert.deepEqual(live, { name: "ix_mr_events_live", columns: ["name"], unique: false, where: db.name === "postgresql" ? "(deleted_at IS NULL)" : "deleted_at IS NULL" });
      // A mix of expressions and columns lists every part in order (it was the expressions only, and a re-created index lost `kind`).
      assert.deepEqual(lower, { name: "ix_mr_events_lower", columns: ["kind"], unique: true, expressions: db.name === "postgresql" ? ["lower(name::text)", "kind"] : ["lower(name)", '"kind"'] });
    });

    if (db.name === "sqlite") {
      test("an attached database is a schema", async () => {
        // One connection (an in-memory database): the attachment stays for the statements after.
        await run("ATTACH DATABASE ':memory:' AS aux");
        try {
          const metadata = new MetaData();
          table("aux_things", metadata, { id: integer().primaryKey(), n: integer().index() }, undefined, { schema: "aux" });
          await metadata.createAll(ctx.engine);
          const reflected = await ctx.engine.inspect().reflect({ schemas: ["aux"] });
          assert.deepEqual(reflected.tables.find((t) => t.schema === "aux"), schemaModelOf(metadata, ctx.engine.dialect).tables[0]);
        } finally {
          await run("DETACH DATABASE aux");
        }
      });
    }

    if (db.name === "postgresql") {
      test("PostgreSQL enum types, and a column of one as raw type text", async () => {
        const reflected = await ctx.engine.inspect().reflect();
        assert.deepEqual(
          reflected.enums.find((e) => e.name === "mr_mood"),
          { name: "mr_mood", values: ["sad", "ok", "happy"] },
        );
        const mood = reflected.tables.find((t) => t.name === "mr_events")!.columns.find((c) => c.name === "mood")!;
        assert.deepEqual(mood.type, { kind: "raw", sql: "mr_mood" });
      });
    }
  },
  ["sqlite", "postgresql"],
);
