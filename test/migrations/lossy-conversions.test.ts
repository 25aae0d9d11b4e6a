/**
 * Type changes the databases carried out differently over one value: a SQLite rebuild refused a
 * float 3.7 or a numeric -2.50 made integer, an integer 2 or a float 0.5 made boolean, and text
 * '1e400' made float; PostgreSQL and MariaDB rounded 3.7 to 4 and -2.50 to -3, PostgreSQL made 2
 * true, MariaDB kept 2 under a boolean and rounded 0.5 to 0, and a SQLite rebuild made '1e400'
 * infinity where the others refuse it. Every database now refuses each before the step, the value
 * kept; whole values, 0 and 1 still convert, alike everywhere.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TypeModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, str, tableModel } from "./model-builders.js";

const float: TypeModel = { kind: "float" };
const bool: TypeModel = { kind: "boolean" };
const numeric: TypeModel = { kind: "numeric", precision: 10, scale: 2 };

/** What the refusal says: athanor's (SQLite's rebuild check, or the check before the step), or the database's own. */
const OURS = /does not allow|holds a value (with a fraction|other than 0 and 1)/;
const refused: { name: string; from: TypeModel; to: TypeModel; value: string; stored: number | string; error?: RegExp }[] = [
  { name: "float → integer with 3.7", from: float, to: int, value: "3.7", stored: 3.7 },
  { name: "numeric(10, 2) → bigint with -2.50", from: numeric, to: { kind: "bigint" }, value: "-2.50", stored: -2.5 },
  { name: "integer → boolean with 2", from: int, to: bool, value: "2", stored: 2 },
  { name: "float → boolean with 0.5", from: float, to: bool, value: "0.5", stored: 0.5 },
  { name: "string(10) → float with '1e400'", from: str(10), to: float, value: "'1e400'", stored: "1e400", error: /does not allow|out of range for type double|Truncated incorrect DOUBLE/ },
];
const converted: { name: string; from: TypeModel; to: TypeModel; value: string; read: (v: unknown) => unknown; expected: unknown }[] = [
  { name: "float → integer with 3.0", from: float, to: int, value: "3.0", read: Number, expected: 3 },
  { name: "numeric(10, 2) → bigint with -2.00", from: numeric, to: { kind: "bigint" }, value: "-2.00", read: Number, expected: -2 },
  { name: "integer → boolean with 1", from: int, to: bool, value: "1", read: (v) => Number(v === true ? 1 : v), expected: 1 },
];

forEachDatabase("a type change that would change a value where another database refuses it", (ctx) => {
  const create = (type: TypeModel): Operation[] => [{ op: "createTable", table: tableModel("lc_items", [col("v", type)]) }];
  const alter = (from: TypeModel, to: TypeModel): Operation[] => [{ op: "alterColumn", table: { name: "lc_items" }, column: "v", from: { type: from, nullable: true, serverDefault: null }, to: { type: to } }];
  const run = async (from: TypeModel, to: TypeModel, value: string, then: (outcome: Promise<void>, read: () => Promise<unknown>) => Promise<void>) => {
    await ctx.engine.withConnection(async (conn) => {
      await conn.run("DROP TABLE IF EXISTS lc_items");
      try {
        await runSteps(conn, planSteps(create(from), { dialect: conn.dialect, schema: emptySchema }));
        await conn.run(`INSERT INTO lc_items (id, v) VALUES (1, ${value})`);
        const outcome = runSteps(conn, planSteps(alter(from, to), { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create(from)) }));
        await then(outcome, async () => ((await conn.run("SELECT v FROM lc_items")).rows[0] as { v: unknown }).v);
      } finally {
        await conn.run("DROP TABLE IF EXISTS lc_items");
      }
    });
  };

  for (const c of refused) {
    test(`${c.name}: refused, the value kept`, async () => {
      await run(c.from, c.to, c.value, async (outcome, read) => {
        await assert.rejects(outcome, c.error ?? OURS);
        const v = await read();
        assert.equal(typeof c.stored === "number" ? Number(v) : v, c.stored);
      });
    });
  }
  for (const c of converted) {
    test(`${c.name}: converted`, async () => {
      await run(c.from, c.to, c.value, async (outcome, read) => {
        await outcome;
        assert.equal(c.read(await read()), c.expected);
      });
    });
  }
});
