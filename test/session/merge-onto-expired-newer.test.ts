/**
 * `session.merge(obj)` of an object read at one version onto the session's object of its row,
 * read at a newer version and then expired (a commit, a rollback). The version check left out
 * an expired target: the copy's change was assigned, the flush named the row by the session's
 * newer version, and the commit wrote it over the change it had never read. Refused now with
 * StaleDataError, as a merge onto an unexpired object is. Found by test/session/random-detached-merge.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StaleDataError, sql } from "../../src/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("merge onto an expired object of a newer version", CounterBase.metadata, (ctx) => {
  for (const expiry of ["commit", "rollback"] as const) {
    test(`expired by a ${expiry}: refused, the newer change kept`, async () => {
      const seed = ctx.session();
      seed.add(Object.assign(new SxCounter(), { id: 1, name: "hits", value: 1 }));
      await seed.commit();
      await seed.close();
      const reader = ctx.session();
      const cached = (await reader.get(SxCounter, 1))!; // version 1
      await reader.close();
      const other = ctx.session();
      (await other.get(SxCounter, 1))!.value = 5; // version 2
      await other.commit();
      await other.close();
      const session = ctx.session();
      await session.get(SxCounter, 1); // version 2
      await (expiry === "commit" ? session.commit() : session.rollback());
      cached.value = 7;
      await assert.rejects(session.merge(cached), StaleDataError);
      await session.commit();
      const row = (await ctx.engine.execute(sql<{ value: number; version: number }>`SELECT value, version FROM sx_counters`)).rows[0]!;
      assert.deepEqual([Number(row.value), Number(row.version)], [5, 2], "the merge wrote over the change it had not read");
    });
  }
});
