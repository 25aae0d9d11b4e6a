/**
 * Declared descending, expression and partial indexes (`index([c.at.desc()])`,
 * `index([func.lower(c.email)], { where })`) against the databases' reflection, on SQLite,
 * PostgreSQL and MariaDB (descending only: it has neither expression parts nor partial indexes).
 * Right after `createAll` the models and the database compare equal (PostgreSQL reports
 * `lower((email)::text)` and `(deleted_at IS NULL)` for the model's `lower("email")` and
 * `"deleted_at" IS NULL`: compared in generated-column canonical form); a changed WHERE, expression
 * or order is a drop and a create of that index, which applied leaves nothing to do. An index that
 * mixes columns and expressions, made by hand, is re-created from its reflection whole (it lost
 * its columns before: only the expressions were kept).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import type { Engine } from "../../src/index.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { diffSchemas, generateMigration, op, schemaModelOf } from "../../src/migrations/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { indexKindsMetadata, type IndexKindsVariant } from "./fixtures-all-types.js";

/** The table's part of a schema. */
const only = (schema: SchemaModel): SchemaModel => ({ tables: schema.tables.filter((t) => t.name === "ix_accounts"), enums: [] });

forEachDatabase("declared descending, expression and partial indexes against the database", (ctx) => {
  const { db } = ctx;
  const reflect = async (engine: Engine) => only(await engine.inspect().reflect());

  test("no phantom diff after createAll; a changed WHERE, expression or order is that index dropped and created, and applied leaves nothing", async () => {
    const { engine } = ctx;
    const declared = indexKindsMetadata(db.name, "declared");
    await declared.dropAll(engine);
    await declared.createAll(engine);
    try {
      const models = schemaModelOf(declared, engine.dialect);
      const live = await reflect(engine);
      assert.deepEqual(diffSchemas(live, models, { dialect: db.name }), []);
      assert.deepEqual(generateMigration(live, models, { dialect: db.name, message: "nothing", parents: [] }).definition.up, []);

      const order: [IndexKindsVariant, string] = ["order", "ix_ix_accounts_created_at"];
      const changes = db.name === "mysql" ? [order] : [order, ["where", "ix_ix_accounts_email"] as const, ["expression", "uq_ix_accounts_email_live"] as const];
      for (const [variant, changed] of changes) {
        const before = await reflect(engine);
        const after = schemaModelOf(indexKindsMetadata(db.name, variant), engine.dialect);
        const ops = diffSchemas(before, after, { dialect: db.name });
        assert.deepEqual(ops.map((o) => `${o.op} ${"index" in o ? o.index.name : ""}`), [`dropIndex ${changed}`, `createIndex ${changed}`], variant);
        await engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: engine.dialect, schema: before })));
        assert.deepEqual(diffSchemas(await reflect(engine), after, { dialect: db.name }), [], `${variant} applied`);
        // And back to the declared models, by the same kind of migration.
        const changedSchema = await reflect(engine);
        const back = diffSchemas(changedSchema, models, { dialect: db.name });
        await engine.withConnection((conn) => runSteps(conn, planSteps(back, { dialect: engine.dialect, schema: changedSchema })));
        assert.deepEqual(diffSchemas(await reflect(engine), models, { dialect: db.name }), [], `${variant} undone`);
      }
    } finally {
      await declared.dropAll(engine);
    }
  });

  test("an index of columns and expressions made by hand is re-created from its reflection with every part, in order", { skip: db.name === "mysql" && "MariaDB has no expression parts" }, async () => {
    const { engine } = ctx;
    const run = (sql: string) => engine.withConnection((conn) => conn.run(sql));
    await run("DROP TABLE IF EXISTS mx_events");
    await run("CREATE TABLE mx_events (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, kind VARCHAR(10))");
    try {
      await run("CREATE UNIQUE INDEX ix_mx_events_lower ON mx_events (lower(name), kind DESC)");
      const events = (await engine.inspect().reflect()).tables.find((t) => t.name === "mx_events")!;
      const index = events.indexes.find((i) => i.name === "ix_mx_events_lower")!;
      const drop = op.dropIndex("mx_events", index);
      const create = op.createIndex("mx_events", index);
      await engine.withConnection((conn) => runSteps(conn, planSteps([drop, create], { dialect: engine.dialect, schema: { tables: [events], enums: [] } })));
      const again = (await engine.inspect().reflect()).tables.find((t) => t.name === "mx_events")!;
      assert.deepEqual(again.indexes, events.indexes);
      await run("INSERT INTO mx_events (id, name, kind) VALUES (1, 'A', 'x'), (2, 'a', 'y')");
      await assert.rejects(run("INSERT INTO mx_events (id, name, kind) VALUES (3, 'a', 'x')"), /unique/i, "(lower(name), kind) is unique; lower(name) alone is not");
    } finally {
      await run("DROP TABLE IF EXISTS mx_events");
    }
  });
});
