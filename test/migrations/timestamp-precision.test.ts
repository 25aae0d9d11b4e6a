/**
 * `datetime()` makes TIMESTAMP(3) / DATETIME(3) (a Date's milliseconds). Columns made before
 * (PostgreSQL's TIMESTAMP keeps microseconds, athanor made DATETIME(6) on MariaDB) hold values
 * with microseconds: the differ leaves them as they are, under `datetime()`, and another change to
 * such a column (NOT NULL dropped) restates its own precision: narrowing it would cut the digits
 * it holds. A column of fewer digits (TIMESTAMP(0), DATETIME) is widened to milliseconds, which
 * loses nothing (a Date's milliseconds written there were rounded away).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { datetime, integer, MetaData, table } from "../../src/index.js";
import { diffSchemas, schemaModelOf, type Operation } from "../../src/migrations/index.js";
import { typeChangeLoss } from "../../src/migrations/diff/type-change.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { forEachDatabase } from "../support/dialects.js";

const MICRO = "2026-01-01 10:00:00.123456";

function model(): MetaData {
  const metadata = new MetaData();
  table("tp_events", metadata, { id: integer().primaryKey(), at: datetime(), whole: datetime() });
  return metadata;
}

forEachDatabase(
  "timestamp precision in migrations",
  (ctx) => {
    const pg = ctx.db.name === "postgresql";
    const run = (text: string) => ctx.engine.withConnection((conn) => conn.run(text));
    const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name === "tp_events") });
    const reflect = async () => ours(await ctx.engine.inspect().reflect());
    const stored = async () => {
      const { rows } = await run(`SELECT CAST(at AS ${pg ? "TEXT" : "CHAR"}) AS at FROM tp_events WHERE id = 1`);
      return String((rows[0] as { at: string }).at);
    };

    test("an existing column of microseconds is left as it is under datetime(), and keeps them through another change", async () => {
      await run("DROP TABLE IF EXISTS tp_events");
      // As athanor made them before (or another tool): microseconds; and a column of whole seconds.
      await run(
        pg
          ? "CREATE TABLE tp_events (id INTEGER NOT NULL PRIMARY KEY, at TIMESTAMP WITHOUT TIME ZONE NOT NULL, whole TIMESTAMP(0) WITHOUT TIME ZONE)"
          : "CREATE TABLE tp_events (id INT NOT NULL PRIMARY KEY, at DATETIME(6) NOT NULL, whole DATETIME)",
      );
      try {
        await run(`INSERT INTO tp_events (id, at) VALUES (1, '${MICRO}')`);
        const before = await reflect();
        const target = schemaModelOf(model(), ctx.engine.dialect);
        const ops = diffSchemas(before, target, { dialect: ctx.db.name });
        const alters = ops.filter((o): o is Extract<Operation, { op: "alterColumn" }> => o.op === "alterColumn");
        const at = alters.find((o) => o.column === "at");
        assert.ok(at, `NOT NULL dropped: ${JSON.stringify(ops)}`);
        assert.equal(at.to.type, undefined, "no narrowing of the microseconds column");
        const whole = alters.find((o) => o.column === "whole");
        assert.ok(whole?.to.type, "whole seconds widened to milliseconds");
        assert.equal(typeChangeLoss(whole.from.type!, whole.to.type, ctx.db.name), undefined, "a widening: nothing lost");
        await ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema: before })));
        assert.equal(await stored(), MICRO, "the microseconds are kept");
        assert.deepEqual(diffSchemas(await reflect(), target, { dialect: ctx.db.name }), [], "no difference left");
        // A column made by datetime() now: milliseconds.
        const made = (await reflect()).tables[0]!.columns.find((c) => c.name === "whole")!;
        assert.deepEqual(made.type, { kind: "datetime", timezone: false });
      } finally {
        await run("DROP TABLE IF EXISTS tp_events");
      }
    });
  },
  ["postgresql", "mysql"],
);
