/**
 * `session.merge()` of a versioned object read before another transaction changed its row: the
 * old counter was copied over the session's object as a change, the UPDATE named the row by the
 * newer counter and overwrote the other transaction's commit. As in SQLAlchemy, the merge now
 * refuses it with StaleDataError; an object whose version is unset merges onto the latest row.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StaleDataError, type Session } from "../../src/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

/** A counter read by one session (then closed: detached), and its row changed by another session after. */
async function readThenChangedElsewhere(ctx: SessionContext): Promise<SxCounter> {
  const seed = ctx.session();
  seed.add(Object.assign(new SxCounter(), { id: 1, name: "hits", value: 1 }));
  await seed.commit();
  await seed.close();
  const reader = ctx.session();
  const stale = (await reader.get(SxCounter, 1))!;
  await reader.close();
  const other = ctx.session();
  (await other.get(SxCounter, 1))!.value = 2;
  await other.commit();
  await other.close();
  return stale;
}

async function row(ctx: SessionContext): Promise<{ value: number; version: number }> {
  const reader = ctx.session();
  const counter = (await reader.get(SxCounter, 1))!;
  const { value, version } = counter;
  await reader.close();
  return { value, version };
}

async function refusedAndUsable(session: Session, stale: SxCounter, ctx: SessionContext): Promise<void> {
  await assert.rejects(session.merge(stale), (e: unknown) => e instanceof StaleDataError && /merge\(SxCounter\): the object's version 1 does not match 2/.test((e as Error).message));
  await session.commit();
  assert.deepEqual(await row(ctx), { value: 2, version: 2 });
}

forEachDatabaseWithSchema(
  "merge of a versioned object",
  CounterBase.metadata,
  (ctx) => {
    test("an object read at an older version is refused by merge, which used to overwrite the newer row", async () => {
      const stale = await readThenChangedElsewhere(ctx);
      stale.value = 100;
      await refusedAndUsable(ctx.session(), stale, ctx);
    });

    test("also onto the session's object already loaded", async () => {
      const stale = await readThenChangedElsewhere(ctx);
      stale.value = 100;
      const session = ctx.session();
      await session.get(SxCounter, 1);
      await refusedAndUsable(session, stale, ctx);
    });

    test("and without load: a clean object of an older version is not copied over the newer one", async () => {
      const stale = await readThenChangedElsewhere(ctx);
      const session = ctx.session();
      const own = (await session.get(SxCounter, 1))!;
      await assert.rejects(session.merge(stale, { load: false }), StaleDataError);
      assert.deepEqual({ value: own.value, version: own.version }, { value: 2, version: 2 });
    });

    test("the version left unset merges onto the latest row", async () => {
      await readThenChangedElsewhere(ctx);
      const session = ctx.session();
      const merged = await session.merge(Object.assign(new SxCounter(), { id: 1, value: 100 }));
      assert.equal(merged.version, 2);
      await session.commit();
      assert.deepEqual(await row(ctx), { value: 100, version: 3 });
    });
  },
  { createOnce: true, sqliteFile: true },
);
