/**
 * The differ on real databases (SQLite, PostgreSQL, MariaDB): a database created from models v1
 * shows no difference from them; the migration to v2 (a table and columns renamed by declaration,
 * a type widened, a column made NOT NULL, columns, a unique, a check, an index and a table
 * added) applied and reflected equals v2 with no difference left, the seeded rows surviving; its
 * generated down brings back exactly the v1 schema, rows included.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { check, date, index, integer, MetaData, sql, string, table, text, unique, type Engine } from "../../src/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { diffSchemas, downOf, schemaModelOf, withRenameHints, type Operation } from "../../src/migrations/index.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

function v1(): MetaData {
  const metadata = new MetaData();
  table("dd_authors", metadata, { id: integer().primaryKey(), name: string(50).notNull() });
  table("dd_books", metadata, {
    id: integer().primaryKey(),
    title: string(100).notNull(),
    author_id: integer().notNull().references("dd_authors.id", { onDelete: "cascade" }),
    notes: text(),
  });
  return metadata;
}

function v2(): MetaData {
  const metadata = new MetaData();
  table("dd_writers", metadata, { id: integer().primaryKey(), name: string(120).notNull(), born: date() }, undefined, { previousNames: ["dd_authors"] });
  table(
    "dd_books",
    metadata,
    {
      id: integer().primaryKey(),
      name: string(100).notNull().renamedFrom("title"),
      author_id: integer().notNull().references("dd_writers.id", { onDelete: "cascade" }),
      notes: text().notNull().serverDefault(""),
      isbn: string(13),
      pages: integer(),
    },
    (c) => [unique([c.isbn], { name: "uq_dd_books_isbn" }), check(sql`pages > 0`, { name: "ck_dd_books_pages" }), index([c.name], { name: "ix_dd_books_name" })],
  );
  table("dd_reviews", metadata, { id: integer().primaryKey(), book_id: integer().references("dd_books.id"), body: text() });
  return metadata;
}

let pkNameAfterRename: string | undefined;

forEachDatabase("differ on a real database", (ctx) => {
  const { db } = ctx;
  const dialect = db.name;
  const reflect = () => ctx.engine.inspect().reflect();
  const apply = (ops: readonly Operation[], schema: SchemaModel) =>
    ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema })));
  const rows = async (query: string) => (await ctx.engine.withConnection((conn) => conn.run(query))).rows.map((r) => ({ ...r }));
  const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name.startsWith("dd_")) });
  const same = (a: SchemaModel, b: SchemaModel) => assert.deepEqual(canonicalSchema(ours(a), dialect), canonicalSchema(ours(b), dialect));

  const dropOurs = async (engine: Engine) => {
    for (const name of ["dd_reviews", "dd_books", "dd_writers", "dd_authors"]) {
      await engine.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${name}`));
    }
  };
  // Other suites reflect the same database: leave nothing behind (the suite's engine is closed by then).
  after(async () => {
    if (db.name === "sqlite") return;
    const engine = engineFor(db, { pool: { max: 1 } });
    try {
      await dropOurs(engine);
    } finally {
      await engine.dispose();
    }
  });

  before(async () => {
    await dropOurs(ctx.engine);
    await v1().createAll(ctx.engine);
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("INSERT INTO dd_authors (id, name) VALUES (1, 'Ann'), (2, 'Bob')");
      await conn.run("INSERT INTO dd_books (id, title, author_id, notes) VALUES (10, 'Dune', 1, 'sand'), (11, 'Emma', 2, NULL)");
    });
  });

  test("v1 → v2 → v1: no phantom difference, renames keep the rows, the generated down restores v1", async () => {
    const model1 = schemaModelOf(v1(), ctx.engine.dialect);
    const metadata2 = v2();
    const plain2 = schemaModelOf(metadata2, ctx.engine.dialect);
    const model2 = withRenameHints(plain2, metadata2);

    const reflected1 = ours(await reflect());
    same(reflected1, model1);
    assert.deepEqual(diffSchemas(reflected1, model1, { dialect }), [], "a database shows no difference from its own models");

    const up = diffSchemas(reflected1, model2, { dialect });
    const kinds = up.map((o) => o.op);
    for (const kind of ["renameTable", "renameColumn", "addColumn", "alterColumn", "addUnique", "addCheck", "createIndex", "createTable"]) {
      assert.ok(kinds.includes(kind as Operation["op"]), `${kind} in ${kinds.join(", ")}`);
    }
    assert.ok(!kinds.includes("dropTable") && !kinds.includes("dropColumn"), "renames, not drops");
    await ctx.engine.withConnection((conn) => conn.run("UPDATE dd_books SET notes = '' WHERE notes IS NULL"));
    await apply(up, reflected1);

    const reflected2 = ours(await reflect());
    // PostgreSQL would keep the name it gave the primary key (dd_authors_pkey) through a table
    // rename: the renderer renames it along, so the database's name for it is the new table's.
    pkNameAfterRename = reflected2.tables.find((t) => t.name === "dd_writers")?.primaryKey?.name;
    same(reflected2, plain2);
    assert.deepEqual(diffSchemas(reflected2, model2, { dialect }), [], "no difference left after applying");
    assert.deepEqual(await rows("SELECT id, name FROM dd_writers ORDER BY id"), [{ id: 1, name: "Ann" }, { id: 2, name: "Bob" }]);
    assert.deepEqual(await rows("SELECT id, name, author_id, notes FROM dd_books ORDER BY id"), [
      { id: 10, name: "Dune", author_id: 1, notes: "sand" },
      { id: 11, name: "Emma", author_id: 2, notes: "" },
    ]);

    await apply(downOf(up), reflected2);
    const reflected3 = ours(await reflect());
    same(reflected3, reflected1);
    assert.deepEqual(diffSchemas(reflected3, model1, { dialect }), []);
    assert.deepEqual(await rows("SELECT id, title, author_id FROM dd_books ORDER BY id"), [
      { id: 10, title: "Dune", author_id: 1 },
      { id: 11, title: "Emma", author_id: 2 },
    ]);
  });

  test("a renamed table's primary key carries the database's name for the new table", () => {
    assert.equal(pkNameAfterRename, undefined);
  });
});
