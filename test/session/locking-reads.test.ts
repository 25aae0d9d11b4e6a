/**
 * A locking read (`select(Model).forUpdate()`) of objects the session already holds: the row it
 * locks is the latest committed one, but the objects kept the values read before (as a query
 * without `populateExisting()` does, and as SQLAlchemy's `with_for_update()` does), so a change
 * computed from them and flushed under the lock overwrote what another transaction had committed
 * in between. Such a query now overwrites the objects with the rows it locked, as
 * `populateExisting()` does (an object with changes not flushed keeps them).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, select, type Session } from "../../src/index.js";
import { Base, Tag } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const t = columnsOf(Tag);
const locked = async (session: Session): Promise<Tag> => (await session.scalars(select(Tag).where(t.id.eq(1)).forUpdate()))[0]!;

forEachDatabaseWithSchema(
  "locking reads of objects already loaded",
  Base.metadata,
  (ctx) => {
    test("two sessions that read a row, then each lock it and append to it: both appends are kept", { skip: ctx.db.name === "sqlite" && "SQLite has no row locks" }, async () => {
      const seed = ctx.session();
      seed.add(Object.assign(new Tag(), { id: 1, name: "t" }));
      await seed.commit();
      const [a, b] = [ctx.session(), ctx.session()];
      const [mineA, mineB] = [(await a.get(Tag, 1))!, (await b.get(Tag, 1))!];
      assert.equal(mineB.name, "t");
      assert.equal(await locked(a), mineA);
      const waiting = locked(b); // waits for a's lock
      mineA.name += "+a";
      await a.commit();
      const lockedB = await waiting;
      assert.equal(lockedB, mineB, "the session's own object");
      assert.equal(lockedB.name, "t+a", "with the row as locked, not as read before");
      lockedB.name += "+b";
      await b.commit();
      assert.equal(await ctx.count("tags", "name = 't+a+b'"), 1, "a's append was lost");
    });

    test("an object with a change not flushed keeps it (autoflush off)", async () => {
      const seed = ctx.session();
      seed.add(Object.assign(new Tag(), { id: 1, name: "t" }));
      await seed.commit();
      const session = ctx.session({ autoflush: false });
      const mine = (await session.get(Tag, 1))!;
      mine.name = "changed";
      assert.equal((await locked(session)).name, "changed");
      await session.commit();
      assert.equal(await ctx.count("tags", "name = 'changed'"), 1);
    });
  }, { createOnce: true },
);
