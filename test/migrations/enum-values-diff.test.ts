/**
 * An enum whose allowed values change in the model. On SQLite and PostgreSQL an enum is a VARCHAR
 * with a named CHECK, and checks were compared by name only: the differ found nothing to do, so
 * `migrate new` wrote nothing and `migrate check` was clean while the database still allowed the
 * removed value and refused the new one. A list of allowed values is now compared: the migration
 * drops and adds the check, and fails (values kept) while rows hold the removed value.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { enumType, integer, MetaData, table } from "../../src/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { diffSchemas, schemaModelOf } from "../../src/migrations/index.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { forEachDatabase } from "../support/dialects.js";

const model = (values: string[]) => {
  const metadata = new MetaData();
  table("ev_tickets", metadata, { id: integer().primaryKey(), state: enumType(values) });
  return metadata;
};
const ours = (s: SchemaModel): SchemaModel => ({ ...s, tables: s.tables.filter((t) => t.name === "ev_tickets") });

forEachDatabase("an enum's allowed values changed in the model", (ctx) => {
  test("the differ sees it; rows with a removed value stop the migration; once gone, the new value is accepted", async () => {
    const v1 = model(["open", "done"]);
    const v2 = model(["open", "closed"]);
    await v1.dropAll(ctx.engine);
    await v1.createAll(ctx.engine);
    try {
      await ctx.engine.withConnection((c) => c.run("INSERT INTO ev_tickets (id, state) VALUES (1, 'open'), (2, 'done')"));
      const dialect = ctx.engine.dialect;
      const live = ours(await ctx.engine.inspect().reflect());
      const ops = diffSchemas(live, schemaModelOf(v2, dialect), { dialect: dialect.name, allowDataLoss: true });
      assert.ok(ops.length > 0, "the change of allowed values is a difference");
      await ctx.engine.withConnection(async (conn) => {
        await assert.rejects(runSteps(conn, planSteps(ops, { dialect, schema: live })));
        assert.deepEqual((await conn.run("SELECT state FROM ev_tickets ORDER BY id")).rows.map((r: any) => r.state), ["open", "done"]);
        await conn.run("UPDATE ev_tickets SET state = 'open' WHERE id = 2");
        await runSteps(conn, planSteps(ops, { dialect, schema: live }));
        await conn.run("INSERT INTO ev_tickets (id, state) VALUES (3, 'closed')");
        await assert.rejects(conn.run("INSERT INTO ev_tickets (id, state) VALUES (4, 'done')"));
      });
      const after = ours(await ctx.engine.inspect().reflect());
      assert.deepEqual(diffSchemas(after, schemaModelOf(v2, dialect), { dialect: dialect.name }), []);
    } finally {
      await v1.dropAll(ctx.engine);
    }
  });
});
