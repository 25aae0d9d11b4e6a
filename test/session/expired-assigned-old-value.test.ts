/**
 * An attribute assigned while expired, the value it held before the expiry (kept in memory until
 * read again): the row's value is unknown, so the flush writes it. It used to be recorded as
 * unchanged (the old value taken for the row's), and the commit resolved without writing it: over
 * what another transaction had committed since, or (a merge after a rollback) the change lost.
 * Found by test/session/random-detached-merge.test.ts (a detached copy merged, rolled back, merged again).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "../../src/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

/** Counter 1 ("hits", value 1, version 1). */
async function seeded(ctx: SessionContext): Promise<void> {
  const seed = ctx.session();
  seed.add(Object.assign(new SxCounter(), { id: 1, name: "hits", value: 1 }));
  await seed.commit();
  await seed.close();
}

const valueNow = async (ctx: SessionContext) => Number((await ctx.engine.execute(sql<{ value: number }>`SELECT value FROM sx_counters WHERE id = 1`)).rows[0]!.value);

forEachDatabaseWithSchema("an expired attribute assigned the value it held", CounterBase.metadata, (ctx) => {
  test("after a commit, over another transaction's change: written", async () => {
    await seeded(ctx);
    const session = ctx.session();
    const counter = (await session.get(SxCounter, 1))!;
    await session.commit(); // counter expires, value 1 kept in memory
    await ctx.engine.execute(sql`UPDATE sx_counters SET value = 5 WHERE id = 1`);
    counter.value = 1;
    await session.commit();
    assert.equal(await valueNow(ctx), 1, "the commit resolved without writing the value assigned");
  });

  test("a detached copy merged, rolled back, merged again: its change written", async () => {
    await seeded(ctx);
    const reader = ctx.session();
    const cached = (await reader.get(SxCounter, 1))!;
    await reader.close();
    cached.value = 7;
    const session = ctx.session();
    await session.merge(cached);
    await session.rollback();
    await session.merge(cached);
    await session.commit();
    assert.equal(await valueNow(ctx), 7, "the second merge's change was not written");
  });
});
