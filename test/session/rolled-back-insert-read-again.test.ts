/**
 * A row inserted by the transaction, its object expunged, then read again by the session as
 * another object (`merge` of the expunged copy, `get`): the rollback undoes the insert. It used
 * to take the row's key out of the identity map whatever object held it there, so the object read
 * again was left out of the session, persistent but not expired, and a change made to it then was
 * never flushed: the commit resolved without it. That object is the session's now: expired by the
 * rollback, its row gone, its change refused by the flush.
 * Found by test/session/random-detached-merge.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ObjectDeletedError, StaleDataError, inspect, type Session } from "../../src/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** Counter 2 inserted by a flush of `session` and expunged. */
async function insertedThenExpunged(session: Session): Promise<SxCounter> {
  const counter = Object.assign(new SxCounter(), { id: 2, name: "a", value: 1 });
  session.add(counter);
  await session.flush();
  session.expunge(counter);
  return counter;
}

const refused = (e: unknown) => e instanceof StaleDataError || e instanceof ObjectDeletedError;

forEachDatabaseWithSchema("an object read again of a row its transaction inserted, rolled back", CounterBase.metadata, (ctx) => {
  for (const how of ["merge", "get"] as const) {
    test(`read by ${how}: expired by the rollback, its change refused, not dropped by the commit`, async () => {
      const session = ctx.session();
      const copy = await insertedThenExpunged(session);
      const counter = how === "merge" ? await session.merge(copy) : (await session.get(SxCounter, 2))!;
      await session.rollback();
      assert.notEqual(inspect(counter).expired.length, 0, "the rollback left the object read again unexpired");
      counter.value = 7;
      await assert.rejects(session.commit(), refused);
      await session.rollback();
      assert.equal(await ctx.count("sx_counters"), 0);
      // The session goes on.
      session.add(Object.assign(new SxCounter(), { id: 3, name: "b", value: 1 }));
      await session.commit();
      assert.equal(await ctx.count("sx_counters", "id = 3"), 1);
    });
  }
});
