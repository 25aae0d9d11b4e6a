/**
 * PostgreSQL: a datetime column gaining or losing its time zone keeps every instant. athanor keeps
 * UTC in TIMESTAMP WITHOUT TIME ZONE; PostgreSQL's own cast reads such a value in the session's
 * TimeZone, so on a server whose zone is not UTC every value moved by the offset (12:00 UTC came
 * back 11:00 UTC in Paris) while the differ called the change a widening. The conversion is now
 * `USING "c" AT TIME ZONE 'UTC'`, both ways.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TypeModel } from "../../src/core/schema/schema-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import type { Operation } from "../../src/migrations/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, tableModel } from "./model-builders.js";

const naive: TypeModel = { kind: "datetime", timezone: false };
const zoned: TypeModel = { kind: "datetime", timezone: true };
const noon = new Date("2024-01-01T12:00:00Z");

forEachDatabase(
  "datetime ↔ datetime(tz) keeps the instants",
  (ctx) => {
    for (const [from, to] of [[naive, zoned], [zoned, naive]] as const) {
      test(`${from.kind}${from.timezone ? "(tz)" : ""} → ${to.timezone ? "datetime(tz)" : "datetime"} in a session whose TimeZone is Europe/Paris`, async () => {
        await ctx.engine.withConnection(async (conn) => {
          await conn.run("DROP TABLE IF EXISTS tz_events");
          const create: Operation[] = [{ op: "createTable", table: tableModel("tz_events", [col("at", from)]) }];
          try {
            await runSteps(conn, planSteps(create, { dialect: conn.dialect, schema: emptySchema }));
            await conn.run("INSERT INTO tz_events (id, at) VALUES (1, $1)", [noon.toISOString()]);
            await conn.run("SET TimeZone = 'Europe/Paris'");
            const alter: Operation[] = [{ op: "alterColumn", table: { name: "tz_events" }, column: "at", from: { type: from, nullable: true, serverDefault: null }, to: { type: to } }];
            await runSteps(conn, planSteps(alter, { dialect: conn.dialect, schema: applyAllToModel(emptySchema, create) }));
            await conn.run("SET TimeZone = 'UTC'");
            const [row] = (await conn.run("SELECT at FROM tz_events")).rows as { at: Date }[];
            assert.equal(row!.at.toISOString(), noon.toISOString());
          } finally {
            await conn.run("SET TimeZone = 'UTC'");
            await conn.run("DROP TABLE IF EXISTS tz_events");
          }
        });
      });
    }
  },
  ["postgresql"],
);
