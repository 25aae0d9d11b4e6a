/**
 * A flush that fails after an earlier flush of the same transaction: the transaction (or the
 * savepoint) is rolled back, so the database again holds the values from before the earlier
 * flush, and the restored unit of work must write whatever differs from them. A value flushed,
 * then changed and changed back to what the flush wrote, used to compare equal to that flushed
 * value (which the rollback had undone), and the next commit resolved without it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, columnsOf, select } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("restoring the work of a failed flush", Base.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    session.add(Object.assign(new User(), { email: "ann@x", name: "A" }));
    await session.commit();
  }

  for (const inSavepoint of [false, true]) {
    test(`${inSavepoint ? "inside a savepoint: " : ""}a value flushed, changed and changed back, then a failed flush: the next commit writes it`, async () => {
      await seed();
      const session = ctx.session();
      if (inSavepoint) await session.beginNested();
      const ann = (await session.scalars(select(User).where(columnsOf(User).email.eq("ann@x"))))[0]!;
      ann.name = "B";
      await session.flush(); // written, in the transaction
      ann.name = "C";
      ann.name = "B"; // back to what the flush wrote
      const duplicate = Object.assign(new User(), { email: "ann@x" });
      session.add(duplicate);
      await assert.rejects(session.flush(), IntegrityError); // rolled back: the database holds "A" again
      duplicate.email = "bob@x";
      await session.commit();
      assert.equal(await ctx.count("users", "email = 'ann@x' AND name = 'B'"), 1, "ann's name was written");
      assert.equal(await ctx.count("users"), 2);
    });
  }
}, { createOnce: true });
