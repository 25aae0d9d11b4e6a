/**
 * An index whose name alone changes (the default naming, `ix_<table>_<columns>`, over a renamed
 * table or column) is renamed in place by the generated migration, not dropped and created
 * again: a create rebuilds the index, for as long as a big table takes, and locks the table
 * meanwhile on MariaDB and PostgreSQL. On PostgreSQL the index keeps its identity (its oid);
 * SQLite, which has no statement to rename an index, drops and creates it. The down renames it
 * back. An index whose definition changed as well is still dropped and created.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { check, index, integer, MetaData, sql, string, table, type Engine } from "../../src/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { diffSchemas, downOf, schemaModelOf, withRenameHints, type Operation } from "../../src/migrations/index.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

function v1(): MetaData {
  const metadata = new MetaData();
  table("ri_teams", metadata, { id: integer().primaryKey() });
  table("ri_people", metadata, { id: integer().primaryKey(), email: string(80).notNull(), team: integer().references("ri_teams.id"), born: integer() }, (c) => [
    check(sql`born > 1800`, { name: "ck_ri_people_born" }),
    index([c.email]),
    index([c.team, c.born]),
    index([c.born]),
    index([c.email, c.id], { unique: true }),
  ]);
  return metadata;
}

/** The table renamed, `email` renamed: every index name changes with them; the third index changes its columns too. */
function v2(): MetaData {
  const metadata = new MetaData();
  table("ri_teams", metadata, { id: integer().primaryKey() });
  table(
    "ri_persons",
    metadata,
    { id: integer().primaryKey(), mail: string(80).notNull().renamedFrom("email"), team: integer().references("ri_teams.id"), born: integer() },
    (c) => [check(sql`born > 1800`, { name: "ck_ri_persons_born" }), index([c.mail]), index([c.team, c.born]), index([c.born, c.team]), index([c.mail, c.id], { unique: true })],
    { previousNames: ["ri_people"] },
  );
  return metadata;
}

forEachDatabase("an index renamed with its table or column", (ctx) => {
  const dialect = ctx.db.name;
  const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name.startsWith("ri_")) });
  const reflect = async () => ours(await ctx.engine.inspect().reflect());
  const apply = (ops: readonly Operation[], schema: SchemaModel) => ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema })));
  const same = (a: SchemaModel, b: SchemaModel) => assert.deepEqual(canonicalSchema(ours(a), dialect), canonicalSchema(ours(b), dialect));
  const dropOurs = async (engine: Engine) => {
    for (const name of ["ri_people", "ri_persons", "ri_teams"]) await engine.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${name}`));
  };
  /** PostgreSQL's identity of each index of ours, by name: a renamed index keeps its oid, a re-created one does not. */
  const oids = async () => {
    const { rows } = await ctx.engine.withConnection((conn) => conn.run("SELECT c.relname AS name, c.oid::text AS oid FROM pg_class c WHERE c.relkind = 'i' AND c.relname LIKE 'ix_ri_%'"));
    return new Map(rows.map((row) => [String(row.name), String(row.oid)]));
  };

  before(async () => {
    await dropOurs(ctx.engine);
    await v1().createAll(ctx.engine);
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("INSERT INTO ri_teams (id) VALUES (1), (2)");
      await conn.run("INSERT INTO ri_people (id, email, team, born) VALUES (1, 'a@x', 1, 1990), (2, 'b@x', 1, 1991)");
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

  test("renamed in place (the same index on PostgreSQL), the changed one dropped and created; the down renames back", async () => {
    const model1 = schemaModelOf(v1(), ctx.engine.dialect);
    const metadata2 = v2();
    const plain2 = schemaModelOf(metadata2, ctx.engine.dialect);
    const reflected1 = await reflect();
    same(reflected1, model1);

    const up = diffSchemas(reflected1, withRenameHints(plain2, metadata2), { dialect });
    // MariaDB reflects a unique index as a unique constraint (its own kind of index): renameConstraint there.
    const indexOps = up.flatMap((o) => {
      if (o.op === "renameIndex" || (o.op === "renameConstraint" && o.kind === "unique")) return [`rename ${o.from} -> ${o.to}`];
      if (o.op === "createIndex" || o.op === "dropIndex") return [`${o.op} ${o.index.name}`];
      if (o.op === "addUnique" || o.op === "dropUnique") return [`${o.op} ${o.unique.name}`];
      return [];
    });
    assert.deepEqual(
      indexOps.sort(),
      ["createIndex ix_ri_persons_born_team", "dropIndex ix_ri_people_born", "rename ix_ri_people_email -> ix_ri_persons_mail", "rename ix_ri_people_email_id -> ix_ri_persons_mail_id", "rename ix_ri_people_team_born -> ix_ri_persons_team_born"],
    );

    // The foreign key (named after its table by default) and the check renamed in place where the
    // database can (PostgreSQL); MariaDB drops and adds them, SQLite rebuilds the table.
    const constraintOps = up.flatMap((o) => (o.op === "renameConstraint" ? (o.kind === "unique" ? [] : [`rename ${o.kind}`]) : ["addForeignKey", "dropForeignKey", "addCheck", "dropCheck"].includes(o.op) ? [o.op] : []));
    assert.deepEqual(constraintOps.sort(), dialect === "postgresql" ? ["rename check", "rename foreignKey"] : ["addCheck", "addForeignKey", "dropCheck", "dropForeignKey"]);

    const before = dialect === "postgresql" ? await oids() : undefined;
    await apply(up, reflected1);
    const reflected2 = await reflect();
    same(reflected2, plain2);
    assert.deepEqual(diffSchemas(reflected2, plain2, { dialect }), [], "no difference left after applying");
    if (before) {
      const now = await oids();
      assert.equal(now.get("ix_ri_persons_mail"), before.get("ix_ri_people_email"), "the email index is the same index, renamed");
      assert.equal(now.get("ix_ri_persons_team_born"), before.get("ix_ri_people_team_born"));
    }
    // The renamed indexes still do their work: the unique one refuses a duplicate.
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("INSERT INTO ri_persons (id, mail, team, born) VALUES (3, 'c@x', 2, 1990)");
      await assert.rejects(conn.run("INSERT INTO ri_persons (id, mail, team, born) VALUES (3, 'c@x', 2, 1990)"), "the unique index (mail, id), renamed, still holds");
      await conn.run("DELETE FROM ri_persons WHERE id = 3");
      await assert.rejects(conn.run("INSERT INTO ri_persons (id, mail, team, born) VALUES (4, 'd@x', 9, 1990)"), "the foreign key still holds");
      await assert.rejects(conn.run("INSERT INTO ri_persons (id, mail, team, born) VALUES (4, 'd@x', 1, 1700)"), "the check still holds");
    });

    const down = downOf(up);
    assert.ok(down.some((o) => o.op === "renameIndex" && o.from === "ix_ri_persons_mail" && o.to === "ix_ri_people_email"), "the down renames back");
    assert.ok(down.some((o) => (o.op === "renameIndex" || o.op === "renameConstraint") && o.from === "ix_ri_persons_mail_id" && o.to === "ix_ri_people_email_id"));
    await apply(down, reflected2);
    const reflected3 = await reflect();
    same(reflected3, reflected1);
    if (before) assert.equal((await oids()).get("ix_ri_people_email"), before.get("ix_ri_people_email"));
    assert.deepEqual((await ctx.engine.withConnection((conn) => conn.run("SELECT id, email FROM ri_people ORDER BY id"))).rows.map((r) => ({ ...r })), [
      { id: 1, email: "a@x" },
      { id: 2, email: "b@x" },
    ]);
  });
});
