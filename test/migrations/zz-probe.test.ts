import { test } from "node:test";
import type { TypeModel } from "../../src/core/schema/schema-model.js";
import type { Connection } from "../../src/engine/connection.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, str, tableModel, text } from "./model-builders.js";

type Case = { name: string; cols: ReturnType<typeof col>[]; insert: string[]; ops: (t: string) => Operation[]; extraCreate?: Operation[] };
const cases: Case[] = [
  { name: "NOT NULL + default over NULL", cols: [col("v", int)], insert: ["INSERT INTO pr_t (id, v) VALUES (1, NULL)"], ops: (t) => [{ op: "alterColumn", table: { name: t }, column: "v", from: { type: int, nullable: true, serverDefault: null }, to: { nullable: false, serverDefault: "0" } }] },
  { name: "text->numeric(5,2) '1.005'", cols: [col("v", text)], insert: ["INSERT INTO pr_t (id, v) VALUES (1, '1.005')"], ops: (t) => [{ op: "alterColumn", table: { name: t }, column: "v", from: { type: text, nullable: true, serverDefault: null }, to: { type: { kind: "numeric", precision: 5, scale: 2 } as TypeModel } }] },
  { name: "text->str(3) multibyte 'été'", cols: [col("v", text)], insert: ["INSERT INTO pr_t (id, v) VALUES (1, 'été')"], ops: (t) => [{ op: "alterColumn", table: { name: t }, column: "v", from: { type: text, nullable: true, serverDefault: null }, to: { type: str(3) } }] },
  { name: "text->str(3) trailing tab", cols: [col("v", text)], insert: ["INSERT INTO pr_t (id, v) VALUES (1, 'ab		')"], ops: (t) => [{ op: "alterColumn", table: { name: t }, column: "v", from: { type: text, nullable: true, serverDefault: null }, to: { type: str(3) } }] },
  { name: "int->bigint->? boolean->int", cols: [col("v", { kind: "boolean" } as TypeModel)], insert: ["INSERT INTO pr_t (id, v) VALUES (1, true)"], ops: (t) => [{ op: "alterColumn", table: { name: t }, column: "v", from: { type: { kind: "boolean" } as TypeModel, nullable: true, serverDefault: null }, to: { type: int } }] },
  { name: "json->text", cols: [col("v", { kind: "json" } as TypeModel)], insert: ["INSERT INTO pr_t (id, v) VALUES (1, '{\"b\": 1,  \"a\": [1, 2]}')"], ops: (t) => [{ op: "alterColumn", table: { name: t }, column: "v", from: { type: { kind: "json" } as TypeModel, nullable: true, serverDefault: null }, to: { type: text } }] },
  { name: "add unique over NULL dups", cols: [col("v", int)], insert: ["INSERT INTO pr_t (id, v) VALUES (1, NULL), (2, NULL)"], ops: (t) => [{ op: "addUnique", table: { name: t }, unique: { name: "uq_pr_v", columns: ["v"] } }] },
  { name: "datetime->datetime tz", cols: [col("v", { kind: "datetime" } as TypeModel)], insert: ["INSERT INTO pr_t (id, v) VALUES (1, '2024-06-01 12:00:00')"], ops: (t) => [{ op: "alterColumn", table: { name: t }, column: "v", from: { type: { kind: "datetime" } as TypeModel, nullable: true, serverDefault: null }, to: { type: { kind: "datetime", timezone: true } as TypeModel } }] },
];

forEachDatabase("probe", (ctx) => {
  for (const c of cases) {
    test(c.name, async () => {
      await ctx.engine.withConnection(async (conn: Connection) => {
        await conn.run("DROP TABLE IF EXISTS pr_t");
        await conn.run("DROP TABLE IF EXISTS pr_parent");
        if (ctx.db.name === "postgresql") await conn.run("DROP TYPE IF EXISTS pr_e");
        const create: Operation[] = [...(c.extraCreate ?? []), { op: "createTable", table: tableModel("pr_t", c.cols) }];
        await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
        for (const s of c.insert) await conn.run(s);
        let outcome = "ok";
        try {
          await runSteps(conn, planSteps(c.ops("pr_t"), { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create) }));
        } catch (e) {
          outcome = "REJECTED " + String((e as Error).message).slice(0, 160).replace(/\n/g, " ");
        }
        const rows = (await conn.run("SELECT * FROM pr_t")).rows;
        console.log(`PROBE [${ctx.db.name}] ${c.name}: ${outcome} rows=${JSON.stringify(rows)}`);
        await conn.run("DROP TABLE IF EXISTS pr_t");
        await conn.run("DROP TABLE IF EXISTS pr_parent");
      });
    });
  }
});
