/**
 * Adversarial probes of in-place index and constraint renames (rename-index.test.ts covers the
 * plain case): names the old schema still holds when a rename runs (an index and a unique that
 * exchange names; a chain of table renames, PostgreSQL and SQLite naming indexes once per
 * schema), a foreign key named after a renamed table, tables of one name in two schemas. Each
 * generated migration runs, leaves no difference with the models, keeps the rows, and its down
 * brings the schema back.
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
import { forEachDatabase, type DatabaseContext } from "../support/dialects.js";

const TABLES = ["rp_ref", "rp_items", "rp_a", "rp_b", "rp_c", "rp_child", "rp_kid", "rp_parent", "rp_acct", "rp_ledger"];

interface Probe {
  readonly title: string;
  readonly before: (schema: string) => MetaData;
  readonly after: (schema: string) => MetaData;
  /** Rows, as INSERT statements, put in before the migration. */
  readonly rows: readonly string[];
  /** Checks on the migrated database (rows kept, constraints still holding). */
  readonly check?: (run: (sql: string) => Promise<Record<string, unknown>[]>, ops: readonly Operation[]) => Promise<void>;
  /** A second schema (PostgreSQL and MariaDB only). */
  readonly secondSchema?: true;
}

/** Runs `probe` on every database: the generated up, no difference left, the checks, the down. */
function probeOnEveryDatabase(probe: Probe): void {
  forEachDatabase(probe.title, (ctx: DatabaseContext) => {
    const dialect = ctx.db.name;
    const skip = probe.secondSchema && dialect === "sqlite" ? "no second schema on SQLite" : false;
    const schema = `${dialect === "sqlite" ? "" : new URL(ctx.db.url).pathname.slice(1)}_rps`;
    const ours = (s: SchemaModel): SchemaModel => ({ ...s, tables: s.tables.filter((t) => t.name.startsWith("rp_")) });
    const reflect = async () => ours(await ctx.engine.inspect().reflect(probe.secondSchema ? { schemas: [schema] } : {}));
    const apply = (ops: readonly Operation[], s: SchemaModel) => ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema: s })));
    const run = async (sql: string, engine: Engine = ctx.engine) => (await engine.withConnection((conn) => conn.run(sql))).rows.map((r) => ({ ...r }));
    const dropOurs = async (engine: Engine) => {
      for (const name of TABLES) await run(`DROP TABLE IF EXISTS ${name}`, engine);
      if (probe.secondSchema && dialect === "postgresql") await run(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`, engine);
      if (probe.secondSchema && dialect === "mysql") await run(`DROP DATABASE IF EXISTS \`${schema}\``, engine);
    };

    before(async () => {
      if (skip) return;
      await dropOurs(ctx.engine);
      if (probe.secondSchema) await run(dialect === "postgresql" ? `CREATE SCHEMA "${schema}"` : `CREATE DATABASE \`${schema}\``);
      await probe.before(schema).createAll(ctx.engine);
      for (const sql of probe.rows) await run(sql);
    });
    after(async () => {
      if (skip || dialect === "sqlite") return;
      const engine = engineFor(ctx.db, { pool: { max: 1 } });
      try {
        await dropOurs(engine);
      } finally {
        await engine.dispose();
      }
    });

    test("the generated migration runs and leaves no difference; its down brings the schema back", { skip }, async () => {
      const reflected1 = await reflect();
      const metadata2 = probe.after(schema);
      const model2 = schemaModelOf(metadata2, ctx.engine.dialect);
      const up = diffSchemas(reflected1, withRenameHints(model2, metadata2), { dialect });
      await apply(up, reflected1);
      const reflected2 = await reflect();
      assert.deepEqual(canonicalSchema(reflected2, dialect), canonicalSchema(ours(model2), dialect));
      assert.deepEqual(diffSchemas(reflected2, model2, { dialect }), [], "no difference left after the up");
      await probe.check?.((sql) => run(sql), up);
      await apply(downOf(up), reflected2);
      assert.deepEqual(canonicalSchema(await reflect(), dialect), canonicalSchema(reflected1, dialect));
    });
  });
}

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => [Number(r.id), Number(r.x)]);

probeOnEveryDatabase({
  title: "an index and a unique that exchange names",
  // An index on `a` named `rp_one`, a unique on `b` named `rp_two`; then the names exchanged.
  before: () => {
    const metadata = new MetaData();
    table("rp_items", metadata, { id: integer().primaryKey(), a: integer(), b: integer() }, (c) => [index([c.a], { name: "rp_one" }), unique([c.b], { name: "rp_two" })]);
    return metadata;
  },
  after: () => {
    const metadata = new MetaData();
    table("rp_items", metadata, { id: integer().primaryKey(), a: integer(), b: integer() }, (c) => [index([c.a], { name: "rp_two" }), unique([c.b], { name: "rp_one" })]);
    return metadata;
  },
  rows: ["INSERT INTO rp_items (id, a, b) VALUES (1, 1, 1), (2, 1, 2)"],
  check: async (run) => {
    assert.equal(Number((await run("SELECT COUNT(*) AS n FROM rp_items"))[0]!.n), 2);
    await assert.rejects(run("INSERT INTO rp_items (id, a, b) VALUES (3, 1, 2)"), "the unique on b still holds");
  },
});

probeOnEveryDatabase({
  title: "a chain of table renames whose index names follow the tables",
  // rp_b to rp_c and rp_a to rp_b (in that order, which the tables sorted by name do not give):
  // each index's new name (`ix_<table>_x`) is the other's old one.
  before: () => {
    const metadata = new MetaData();
    for (const name of ["rp_a", "rp_b"]) table(name, metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])]);
    return metadata;
  },
  after: () => {
    const metadata = new MetaData();
    table("rp_b", metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])], { previousNames: ["rp_a"] });
    table("rp_c", metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])], { previousNames: ["rp_b"] });
    return metadata;
  },
  rows: ["INSERT INTO rp_a (id, x) VALUES (1, 10)", "INSERT INTO rp_b (id, x) VALUES (2, 20)"],
  check: async (run) => {
    assert.deepEqual(ids(await run("SELECT id, x FROM rp_b")), [[1, 10]]);
    assert.deepEqual(ids(await run("SELECT id, x FROM rp_c")), [[2, 20]]);
  },
});

probeOnEveryDatabase({
  title: "a table renamed with a foreign key named after it (MariaDB made an index for the key)",
  before: () => {
    const metadata = new MetaData();
    table("rp_parent", metadata, { id: integer().primaryKey() });
    table("rp_child", metadata, { id: integer().primaryKey(), parent: integer().references("rp_parent.id") });
    return metadata;
  },
  after: () => {
    const metadata = new MetaData();
    table("rp_parent", metadata, { id: integer().primaryKey() });
    table("rp_kid", metadata, { id: integer().primaryKey(), parent: integer().references("rp_parent.id") }, undefined, { previousNames: ["rp_child"] });
    return metadata;
  },
  rows: ["INSERT INTO rp_parent (id) VALUES (1)", "INSERT INTO rp_child (id, parent) VALUES (1, 1)"],
  check: (run) => assert.rejects(run("INSERT INTO rp_kid (id, parent) VALUES (2, 9)"), "the key still holds"),
});

probeOnEveryDatabase({
  title: "tables of one name in two schemas, renamed together with their indexes",
  secondSchema: true,
  before: (schema) => {
    const metadata = new MetaData();
    for (const s of [undefined, schema]) table("rp_acct", metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])], s ? { schema: s } : {});
    return metadata;
  },
  after: (schema) => {
    const metadata = new MetaData();
    for (const s of [undefined, schema]) table("rp_ledger", metadata, { id: integer().primaryKey(), x: integer() }, (c) => [index([c.x])], { ...(s ? { schema: s } : {}), previousNames: ["rp_acct"] });
    return metadata;
  },
  rows: [],
  check: async (_run, ops) => assert.equal(ops.filter((o) => o.op === "renameIndex").length, 2, "two renames in place, one per schema"),
});

probeOnEveryDatabase({
  title: "a table renamed under a primary key convention (pk_{table_name}), a foreign key pointing at it",
  before: () => {
    const metadata = new MetaData({ namingConvention: { pk: "pk_{table_name}" } });
    table("rp_a", metadata, { id: integer().primaryKey() });
    table("rp_ref", metadata, { id: integer().primaryKey(), a: integer().references("rp_a.id") });
    return metadata;
  },
  after: () => {
    const metadata = new MetaData({ namingConvention: { pk: "pk_{table_name}" } });
    table("rp_b", metadata, { id: integer().primaryKey() }, undefined, { previousNames: ["rp_a"] });
    table("rp_ref", metadata, { id: integer().primaryKey(), a: integer().references("rp_b.id") });
    return metadata;
  },
  rows: ["INSERT INTO rp_a (id) VALUES (1)", "INSERT INTO rp_ref (id, a) VALUES (1, 1)"],
  check: async (run) => {
    assert.deepEqual(ids(await run("SELECT id, a AS x FROM rp_ref")), [[1, 1]]);
    await assert.rejects(run("INSERT INTO rp_ref (id, a) VALUES (2, 9)"), "the key still holds");
  },
});
