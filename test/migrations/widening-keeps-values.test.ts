/**
 * A type change the differ calls a widening (no `allowDataLoss` needed) keeps every value as the
 * new type reads and compares it, on every database: the value reads back as the new type says,
 * and a query for it by equality finds its row. So does a narrowing to the day of a timestamp.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { boolean, date, datetime, float, integer, numeric, MetaData, select, string, table, uuid, type ColumnBuilder } from "../../src/index.js";
import { diffSchemas, schemaModelOf } from "../../src/migrations/index.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { forEachDatabase } from "../support/dialects.js";

interface Case {
  readonly name: string;
  readonly from: ColumnBuilder<any, any, any, any>;
  readonly to: ColumnBuilder<any, any, any, any>;
  /** The stored value, as SQL. */
  readonly sql: string;
  /** The value the new type reads. */
  readonly value: unknown;
  /** A narrowing, accepted: what the database keeps of the value. */
  readonly allowDataLoss?: true;
}

const cases: Case[] = [
  { name: "date → datetime", from: date(), to: datetime(), sql: "'2024-01-01'", value: new Date("2024-01-01T00:00:00Z") },
  { name: "boolean → integer", from: boolean(), to: integer(), sql: "1 = 1", value: 1 },
  { name: "integer → string(11)", from: integer(), to: string(11), sql: "-42", value: "-42" },
  { name: "numeric(10, 4) → numeric(10, 2) (allowDataLoss): rounded", from: numeric(10, 4), to: numeric(10, 2), sql: "1.2345", value: "1.23", allowDataLoss: true },
  { name: "float → numeric(10, 2) (allowDataLoss): rounded", from: float(), to: numeric(10, 2), sql: "2.345678", value: "2.35", allowDataLoss: true },
  { name: "string(10) → numeric(10, 2) (allowDataLoss): rounded", from: string(10), to: numeric(10, 2), sql: "'3.14159'", value: "3.14", allowDataLoss: true },
  { name: "datetime → date (allowDataLoss): the day is kept", from: datetime(), to: date(), sql: "'2024-01-01 10:30:00'", value: "2024-01-01", allowDataLoss: true },
];

forEachDatabase("a widening type change keeps values that read and compare as the new type", (ctx) => {
  const upperUuid: Case = { name: "string(36) → uuid (allowDataLoss)", from: string(36), to: uuid(), sql: "'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", value: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", allowDataLoss: true };
  for (const c of [...cases, upperUuid]) {
    // PostgreSQL writes a uuid in lower case, and so does a SQLite rebuild; MariaDB would keep the text as it is: refused there.
    const refused = c === upperUuid && ctx.db.name === "mysql";
    test(`${c.name}${c === upperUuid ? (refused ? ": refused over a uuid in upper case, kept" : ": written in lower case") : ""}`, async () => {
      const name = "wkv_items";
      await ctx.engine.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${name}`));
      try {
        const before = new MetaData();
        table(name, before, { id: integer().primaryKey(), v: c.from });
        await before.createAll(ctx.engine);
        await ctx.engine.withConnection((conn) => conn.run(`INSERT INTO ${name} (id, v) VALUES (1, ${c.sql})`));
        const after = new MetaData();
        const items = table(name, after, { id: integer().primaryKey(), v: c.to });
        const live = await ctx.engine.inspect().reflect();
        const ops = diffSchemas({ ...live, tables: live.tables.filter((t) => t.name === name) }, schemaModelOf(after, ctx.engine.dialect), { dialect: ctx.engine.dialect, ...(c.allowDataLoss ? { allowDataLoss: true } : {}) });
        assert.deepEqual(ops.map((o) => o.op), ["alterColumn"], "no allowDataLoss needed for a widening");
        const migrate = ctx.engine.withConnection((conn) => runSteps(conn, planSteps(ops, { dialect: ctx.engine.dialect, schema: live })));
        if (refused) {
          await assert.rejects(migrate, /not a uuid in lower case.*A0EEBC99/s);
          const kept = (await ctx.engine.withConnection((conn) => conn.run(`SELECT v FROM ${name}`))).rows.map((r) => r.v);
          assert.deepEqual(kept, ["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"]);
          return;
        }
        await migrate;
        const rows = (await ctx.engine.execute(select(items.c.id, items.c.v))).rows;
        assert.deepEqual(rows.map((r) => r.v), [c.value], "the value reads as the new type");
        const found = (await ctx.engine.execute(select(items.c.id).where(items.c.v.eq(c.value as never)))).rows;
        assert.deepEqual(found.map((r) => Number(r.id)), [1], "a query for the value finds its row");
      } finally {
        await ctx.engine.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${name}`));
      }
    });
  }
});
