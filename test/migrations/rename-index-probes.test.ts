/**
 * Adversarial probes of in-place index and unique renames (rename-index.test.ts covers the plain
 * case): names that the old schema still holds when the rename runs.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { index, integer, MetaData, table, unique, type Engine } from "../../src/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { diffSchemas, downOf, schemaModelOf, withRenameHints, type Operation } from "../../src/migrations/index.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

/** An index on `a` named `rp_one`, a unique on `b` named `rp_two`. */
function v1(): MetaData {
  const metadata = new MetaData();
  table("rp_items", metadata, { id: integer().primaryKey(), a: integer(), b: integer() }, (c) => [index([c.a], { name: "rp_one" }), unique([c.b], { name: "rp_two" })]);
  return metadata;
}

/** The same index and unique, their names exchanged. */
function v2(): MetaData {
  const metadata = new MetaData();
  table("rp_items", metadata, { id: integer().primaryKey(), a: integer(), b: integer() }, (c) => [index([c.a], { name: "rp_two" }), unique([c.b], { name: "rp_one" })]);
  return metadata;
}

/** Two tables, each with an index named after it (`ix_<table>_x`). */
function chain1(): MetaData {
  const metadata = new MetaData();
  for (const name of ["rp_a", "rp_b"]) table(name, metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])]);
  return metadata;
}

/** A chain of table renames, rp_b to rp_c and rp_a to rp_b (in that order, which the tables sorted by name do not give): each index's new name is the other's old one. */
function chain2(): MetaData {
  const metadata = new MetaData();
  table("rp_b", metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])], { previousNames: ["rp_a"] });
  table("rp_c", metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])], { previousNames: ["rp_b"] });
  return metadata;
}

forEachDatabase("an index and a unique that exchange names", (ctx) => {
  const dialect = ctx.db.name;
  const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name.startsWith("rp_")) });
  const reflect = async () => ours(await ctx.engine.inspect().reflect());
  const apply = (ops: readonly Operation[], schema: SchemaModel) => ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema })));
  const dropOurs = async (engine: Engine) => {
    for (const name of ["rp_items", "rp_a", "rp_b", "rp_c"]) await engine.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${name}`));
  };

  before(async () => {
    await dropOurs(ctx.engine);
    await v1().createAll(ctx.engine);
    await ctx.engine.withConnection((conn) => conn.run("INSERT INTO rp_items (id, a, b) VALUES (1, 1, 1), (2, 1, 2)"));
  });
  after(async () => {
    if (dialect === "sqlite") return;
    const engine = engineFor(ctx.db, { pool: { max: 1 } });
    try {
      await dropOurs(engine);
    } finally {
      await engine.dispose();
    }
  });

  test("the generated migration runs, the names are exchanged, the rows and the unique kept", async () => {
    const reflected1 = await reflect();
    const model2 = schemaModelOf(v2(), ctx.engine.dialect);
    const up = diffSchemas(reflected1, model2, { dialect });
    await apply(up, reflected1);
    const reflected2 = await reflect();
    assert.deepEqual(canonicalSchema(reflected2, dialect), canonicalSchema(ours(model2), dialect));
    assert.deepEqual(diffSchemas(reflected2, model2, { dialect }), [], "no difference left after applying");
    await ctx.engine.withConnection(async (conn) => {
      assert.equal((await conn.run("SELECT COUNT(*) AS n FROM rp_items")).rows.map((r) => Number(r.n))[0], 2);
      await assert.rejects(conn.run("INSERT INTO rp_items (id, a, b) VALUES (3, 1, 2)"), "the unique on b still holds");
    });
  });
});

forEachDatabase("a chain of table renames whose index names follow the tables", (ctx) => {
  const dialect = ctx.db.name;
  const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name.startsWith("rp_")) });
  const reflect = async () => ours(await ctx.engine.inspect().reflect());
  const apply = (ops: readonly Operation[], schema: SchemaModel) => ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema })));
  const dropOurs = async (engine: Engine) => {
    for (const name of ["rp_items", "rp_a", "rp_b", "rp_c"]) await engine.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${name}`));
  };

  before(async () => {
    await dropOurs(ctx.engine);
    await chain1().createAll(ctx.engine);
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("INSERT INTO rp_a (id, x) VALUES (1, 10)");
      await conn.run("INSERT INTO rp_b (id, x) VALUES (2, 20)");
    });
  });
  after(async () => {
    if (dialect === "sqlite") return;
    const engine = engineFor(ctx.db, { pool: { max: 1 } });
    try {
      await dropOurs(engine);
    } finally {
      await engine.dispose();
    }
  });

  test("the generated migration runs (index names are one namespace per schema on PostgreSQL and SQLite) and keeps the rows", async () => {
    const reflected1 = await reflect();
    const metadata2 = chain2();
    const model2 = schemaModelOf(metadata2, ctx.engine.dialect);
    const up = diffSchemas(reflected1, withRenameHints(model2, metadata2), { dialect });
    await apply(up, reflected1);
    const reflected2 = await reflect();
    assert.deepEqual(canonicalSchema(reflected2, dialect), canonicalSchema(ours(model2), dialect));
    assert.deepEqual(diffSchemas(reflected2, model2, { dialect }), [], "no difference left after applying");
    await ctx.engine.withConnection(async (conn) => {
      assert.deepEqual((await conn.run("SELECT id, x FROM rp_b")).rows.map((r) => [Number(r.id), Number(r.x)]), [[1, 10]]);
      assert.deepEqual((await conn.run("SELECT id, x FROM rp_c")).rows.map((r) => [Number(r.id), Number(r.x)]), [[2, 20]]);
    });
    // The down, the up reversed, renames in the order that frees each name first too.
    await apply(downOf(up), reflected2);
    assert.deepEqual(canonicalSchema(await reflect(), dialect), canonicalSchema(reflected1, dialect));
  });
});

/** A child table whose foreign key (named after the table) has no index of its own: MariaDB makes one, named after the key. */
function fk1(): MetaData {
  const metadata = new MetaData();
  table("rp_parent", metadata, { id: integer().primaryKey() });
  table("rp_child", metadata, { id: integer().primaryKey(), parent: integer().references("rp_parent.id") });
  return metadata;
}

function fk2(): MetaData {
  const metadata = new MetaData();
  table("rp_parent", metadata, { id: integer().primaryKey() });
  table("rp_kid", metadata, { id: integer().primaryKey(), parent: integer().references("rp_parent.id") }, undefined, { previousNames: ["rp_child"] });
  return metadata;
}

forEachDatabase("a table renamed with a foreign key named after it", (ctx) => {
  const dialect = ctx.db.name;
  const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name.startsWith("rp_")) });
  const reflect = async () => ours(await ctx.engine.inspect().reflect());
  const apply = (ops: readonly Operation[], schema: SchemaModel) => ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema })));
  const dropOurs = async (engine: Engine) => {
    for (const name of ["rp_child", "rp_kid", "rp_parent"]) await engine.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${name}`));
  };

  before(async () => {
    await dropOurs(ctx.engine);
    await fk1().createAll(ctx.engine);
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("INSERT INTO rp_parent (id) VALUES (1)");
      await conn.run("INSERT INTO rp_child (id, parent) VALUES (1, 1)");
    });
  });
  after(async () => {
    if (dialect === "sqlite") return;
    const engine = engineFor(ctx.db, { pool: { max: 1 } });
    try {
      await dropOurs(engine);
    } finally {
      await engine.dispose();
    }
  });

  test("up and down leave no difference with the models, and the key holds", async () => {
    const reflected1 = await reflect();
    const metadata2 = fk2();
    const model2 = schemaModelOf(metadata2, ctx.engine.dialect);
    const up = diffSchemas(reflected1, withRenameHints(model2, metadata2), { dialect });
    await apply(up, reflected1);
    const reflected2 = await reflect();
    assert.deepEqual(diffSchemas(reflected2, model2, { dialect }), [], "no difference left after the up");
    await ctx.engine.withConnection((conn) => assert.rejects(conn.run("INSERT INTO rp_kid (id, parent) VALUES (2, 9)")));
    await apply(downOf(up), reflected2);
    const reflected3 = await reflect();
    assert.deepEqual(diffSchemas(reflected3, schemaModelOf(fk1(), ctx.engine.dialect), { dialect }), [], "no difference left after the down");
    assert.deepEqual(canonicalSchema(reflected3, dialect), canonicalSchema(reflected1, dialect));
  });
});

forEachDatabase("tables of one name in two schemas, renamed together with their indexes", (ctx) => {
  const dialect = ctx.db.name;
  const database = dialect === "sqlite" ? "" : new URL(ctx.db.url).pathname.slice(1);
  // SQLite's schemas are attached files: nothing to compare there.
  const schema = `${database}_rps`;
  const build = (renamed: boolean) => {
    const metadata = new MetaData();
    for (const s of [undefined, schema]) {
      const options = { ...(s ? { schema: s } : {}), ...(renamed ? { previousNames: ["rp_acct"] } : {}) };
      table(renamed ? "rp_ledger" : "rp_acct", metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])], options);
    }
    return metadata;
  };
  const ours = (s: SchemaModel): SchemaModel => ({ ...s, tables: s.tables.filter((t) => t.name.startsWith("rp_")) });
  const reflect = async () => ours(await ctx.engine.inspect().reflect({ schemas: [schema] }));
  const apply = (ops: readonly Operation[], s: SchemaModel) => ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema: s })));
  const run = (engine: Engine, sql: string) => engine.withConnection((conn) => conn.run(sql));
  const dropOurs = async (engine: Engine) => {
    for (const name of ["rp_acct", "rp_ledger"]) await run(engine, `DROP TABLE IF EXISTS ${name}`);
    if (dialect === "postgresql") await run(engine, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    if (dialect === "mysql") await run(engine, `DROP DATABASE IF EXISTS \`${schema}\``);
  };

  before(async () => {
    if (dialect === "sqlite") return;
    await dropOurs(ctx.engine);
    await run(ctx.engine, dialect === "postgresql" ? `CREATE SCHEMA "${schema}"` : `CREATE DATABASE \`${schema}\``);
    await build(false).createAll(ctx.engine);
  });
  after(async () => {
    if (dialect === "sqlite") return;
    const engine = engineFor(ctx.db, { pool: { max: 1 } });
    try {
      await dropOurs(engine);
    } finally {
      await engine.dispose();
    }
  });

  test("each index renamed in its own schema; the down renames both back", { skip: dialect === "sqlite" && "no second schema on SQLite" }, async () => {
    const reflected1 = await reflect();
    const metadata2 = build(true);
    const model2 = schemaModelOf(metadata2, ctx.engine.dialect);
    const up = diffSchemas(reflected1, withRenameHints(model2, metadata2), { dialect });
    assert.equal(up.filter((o) => o.op === "renameIndex").length, 2, "two renames in place, one per schema");
    await apply(up, reflected1);
    const reflected2 = await reflect();
    assert.deepEqual(diffSchemas(reflected2, model2, { dialect }), [], "no difference left after the up");
    await apply(downOf(up), reflected2);
    assert.deepEqual(canonicalSchema(await reflect(), dialect), canonicalSchema(reflected1, dialect));
  });
});
