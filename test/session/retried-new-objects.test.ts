/**
 * `sessionMaker().transaction(fn)` retried, with a new object made outside `fn`, added in it and
 * changed there (a counter incremented, a JSON list pushed to, a date moved, bytes overwritten):
 * the retry must apply `fn`'s change once. The failed attempt's rollback used to keep every value
 * set on the new object, and the retry made the change again: `n += 1` from 1 committed 3.
 * A rollback now puts back the values the object had when it was added, as it does for a
 * detached object (retried-in-place-changes.test.ts): a deliberate difference from SQLAlchemy.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, binary, column, createEngine, datetime, inspect, integer, json, model, sessionMaker, sql, string } from "../../src/index.js";
import { asAnotherRequest } from "../support/another-request.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class NewObjectBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    RnCounter: RnCounter;
  }
}

@model("rn_counters", { version: "version" })
class RnCounter extends NewObjectBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @column(integer().notNull()) accessor n!: number;
  @column(json<string[]>().notNull()) accessor tags!: string[];
  @column(datetime().notNull()) accessor due!: Date;
  @column(binary(4).notNull()) accessor bits!: Uint8Array;
  @column(integer().notNull().default(1)) accessor version!: number;
}

const JAN_1 = new Date(Date.UTC(2026, 0, 1, 12));
const DAY = 86_400_000;

const made = (id: number, name: string): RnCounter =>
  Object.assign(new RnCounter(), { id, name, n: 1, tags: ["a"], due: new Date(JAN_1), bits: new Uint8Array([1, 2, 3, 4]) });

forEachDatabaseWithSchema("retried transactions: new objects made outside fn", NewObjectBase.metadata, (ctx) => {
  async function seedOther(): Promise<void> {
    await ctx.engine.execute(sql`DELETE FROM rn_counters`);
    const seed = ctx.session();
    seed.add(made(2, "other"));
    await seed.commit();
    await seed.close();
  }

  async function stored(id: number): Promise<{ name: string; n: number; tags: unknown; due: number; bits: number[] } | undefined> {
    const check = ctx.session();
    const c = await check.get(RnCounter, id);
    const row = c && { name: c.name, n: c.n, tags: c.tags, due: c.due.getTime(), bits: [...c.bits] };
    await check.close();
    return row;
  }

  /**
   * Runs `change` in a retried transaction whose first attempt fails after it: PostgreSQL and
   * MariaDB at the flush (StaleDataError: another transaction moved row 2 on after this one read
   * it); SQLite, which locks the whole file, once the flush has written, when another
   * connection's write meets the lock (SQLITE_BUSY; its engine waits 50 ms, not 5 s).
   */
  async function retried(change: (session: import("../../src/index.js").Session) => Promise<void>): Promise<number> {
    const sqlite = ctx.db.name === "sqlite";
    const other = sqlite ? createEngine(ctx.db.url, { pool: { busyTimeoutMs: 50 } }) : ctx.engine;
    let attempts = 0;
    try {
      await sessionMaker(ctx.engine).transaction(async (session) => {
        attempts++;
        await change(session);
        const row2 = (await session.get(RnCounter, 2))!;
        row2.name = `other ${attempts}`;
        if (sqlite) await session.flush();
        if (attempts === 1) await asAnotherRequest(() => other.execute(sql`UPDATE rn_counters SET version = version + 1 WHERE id = 2`));
        await session.flush();
      });
    } finally {
      if (sqlite) await other.dispose();
    }
    return attempts;
  }

  test("a new object made outside fn, added and incremented in it: the retry writes n = 2, not 3", async () => {
    await seedOther();
    const c = made(1, "c");
    const attempts = await retried(async (session) => {
      session.add(c);
      c.n += 1;
    });
    assert.equal(attempts, 2);
    assert.equal((await stored(1))?.n, 2);
  });

  test("changed in place in fn (a JSON list, a date, bytes): the retry writes each change once", async () => {
    await seedOther();
    const c = made(1, "c");
    const attempts = await retried(async (session) => {
      session.add(c);
      c.tags.push("x");
      c.due.setTime(c.due.getTime() + DAY);
      c.bits[0] = c.bits[0]! + 10;
    });
    assert.equal(attempts, 2);
    assert.deepEqual(await stored(1), { name: "c", n: 1, tags: ["a", "x"], due: JAN_1.getTime() + DAY, bits: [11, 2, 3, 4] });
  });

  test("changed after its INSERT was flushed in fn, assigned and in place: the retry writes each change once", async () => {
    await seedOther();
    const c = made(1, "c");
    const attempts = await retried(async (session) => {
      session.add(c);
      await session.flush(); // its INSERT: the changes below are UPDATEs
      c.n += 1;
      c.name = `${c.name}!`;
      c.tags.push("x");
      c.due.setTime(c.due.getTime() + DAY);
      c.bits = c.bits.map((b) => b + 1);
    });
    assert.equal(attempts, 2);
    assert.deepEqual(await stored(1), { name: "c!", n: 2, tags: ["a", "x"], due: JAN_1.getTime() + DAY, bits: [2, 3, 4, 5] });
  });

  test("changed before it was added: kept by the rollback, written once", async () => {
    await seedOther();
    const c = made(1, "c");
    c.n = 5;
    c.tags.push("b");
    const attempts = await retried(async (session) => {
      session.add(c);
      c.n += 1;
    });
    assert.equal(attempts, 2);
    assert.deepEqual([(await stored(1))?.n, (await stored(1))?.tags], [6, ["a", "b"]]);
  });

  test("session.rollback(): an object added since the last commit leaves with the values it had when added, flushed or not", async () => {
    await seedOther();
    const session = ctx.session();
    const flushed = made(1, "flushed");
    const unflushed = made(3, "unflushed");
    session.add(flushed);
    flushed.n = 10;
    await session.flush();
    flushed.n = 11;
    flushed.tags.push("x");
    session.add(unflushed);
    unflushed.name = "renamed";
    unflushed.due.setTime(0);
    await session.rollback();
    assert.deepEqual([inspect(flushed).status, flushed.n, flushed.tags, inspect(flushed).identity], ["transient", 1, ["a"], undefined]);
    assert.deepEqual([inspect(unflushed).status, unflushed.name, unflushed.due.getTime()], ["transient", "unflushed", JAN_1.getTime()]);
    assert.equal(await stored(1), undefined);
    session.add(flushed);
    await session.commit();
    assert.deepEqual(await stored(1), { name: "flushed", n: 1, tags: ["a"], due: JAN_1.getTime(), bits: [1, 2, 3, 4] });
  });

  test("session.merge() of a new object: the copy it added leaves a rollback with the merged values, not empty", async () => {
    await seedOther();
    const session = ctx.session();
    const copy = await session.merge(made(4, "merged"));
    await session.rollback();
    assert.deepEqual([inspect(copy).status, copy.name, copy.n, copy.tags], ["transient", "merged", 1, ["a"]]);
    session.add(copy);
    await session.commit();
    assert.deepEqual((await stored(4))?.name, "merged");
  });
}, { sqliteFile: true });
