/**
 * A flush that fails for its data (a unique violation, a stale row) rolls the transaction back
 * and keeps its work pending, to be written by the next commit in a new transaction. The rollback
 * also ends the row locks a locking read (`forUpdate()`) took: another transaction could then
 * change a locked row, and the next commit wrote values computed under a lock it no longer held
 * over that change (a lost update, the commit resolving). A transaction holding such locks is now
 * void after such a failure, as one holding statements of the application's own is:
 * `TransactionRolledBackError` until `rollback()`, then the work is done again on fresh reads.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, TransactionRolledBackError, columnsOf, select, sessionMaker, type Session } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const u = columnsOf(User);
const locked = async (session: Session): Promise<User> => (await session.scalars(select(User).where(u.email.eq("a@x")).forUpdate()))[0]!;

forEachDatabaseWithSchema(
  "row locks and a flush that fails for its data",
  Base.metadata,
  (ctx) => {
    async function seed(): Promise<void> {
      const session = ctx.session();
      session.addAll([Object.assign(new User(), { email: "a@x", name: "x" }), Object.assign(new User(), { email: "taken@x", name: "t" })]);
      await session.commit();
      await session.close();
    }

    test("another session waiting for the lock changes the row after the failed flush: the next commit refuses rather than overwrite it", { skip: ctx.db.name === "sqlite" && "SQLite has no row locks" }, async () => {
      await seed();
      const mine = ctx.session();
      const row = await locked(mine);
      row.name += "+mine";
      const duplicate = Object.assign(new User(), { email: "taken@x" });
      mine.add(duplicate);
      const other = ctx.session();
      const waiting = locked(other).then(async (theirs) => {
        theirs.name += "+other";
        await other.commit();
      });
      await assert.rejects(mine.commit(), IntegrityError);
      // A rollback of the flush would end the lock here, and the other session commit at once.
      await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, 1000))]);
      mine.expunge(duplicate); // the data fixed
      await assert.rejects(mine.commit(), TransactionRolledBackError, "refused until rollback(): the lock ends with it");
      await mine.rollback();
      await waiting;
      assert.equal((await ctx.session().scalars(select(User).where(u.email.eq("a@x"))))[0]!.name, "x+other", "the other session's change is kept");
      (await locked(mine)).name += "+mine"; // done again, under a new lock
      await mine.commit();
      assert.equal((await ctx.session().scalars(select(User).where(u.email.eq("a@x"))))[0]!.name, "x+other+mine");
    });

    test("inside a savepoint that took the lock: the failed flush leaves the savepoint to be rolled back (PostgreSQL's rollback to it ends the lock)", { skip: ctx.db.name === "sqlite" && "SQLite has no row locks" }, async () => {
      await seed();
      const mine = ctx.session();
      const savepoint = await mine.beginNested();
      const row = await locked(mine);
      row.name += "+mine";
      const duplicate = Object.assign(new User(), { email: "taken@x" });
      mine.add(duplicate);
      const other = ctx.session();
      const waiting = locked(other).then(async (theirs) => {
        theirs.name += "+other";
        await other.commit();
      });
      await assert.rejects(mine.flush(), IntegrityError);
      await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, 1000))]);
      mine.expunge(duplicate);
      await assert.rejects(mine.commit(), TransactionRolledBackError, "refused until the savepoint is rolled back");
      await savepoint.rollback();
      await mine.commit();
      await waiting;
      assert.equal((await ctx.session().scalars(select(User).where(u.email.eq("a@x"))))[0]!.name, "x+other", "the other session's change is kept");
    });

    test("refused until rollback() on every database; sessionMaker().transaction does not retry an IntegrityError", async () => {
      await seed();
      const session = ctx.session();
      (await locked(session)).name = "changed";
      const duplicate = Object.assign(new User(), { email: "taken@x" });
      session.add(duplicate);
      await assert.rejects(session.commit(), IntegrityError);
      session.expunge(duplicate);
      await assert.rejects(session.flush(), TransactionRolledBackError);
      await assert.rejects(session.commit(), TransactionRolledBackError);
      await session.rollback();
      await session.commit();
      assert.equal(await ctx.count("users", "name = 'changed'"), 0, "nothing of the rolled-back work");
      let attempts = 0;
      const failing = sessionMaker(ctx.engine).transaction(async (s) => {
        attempts++;
        (await locked(s)).name = "again";
        s.add(Object.assign(new User(), { email: "taken@x" }));
      });
      await assert.rejects(failing, IntegrityError);
      assert.equal(attempts, 1, "an IntegrityError is not retried as a serialization failure");
    });

    test("without a locking read the failed flush is rolled back as before: the work pending again, the next commit writes it", async () => {
      await seed();
      const session = ctx.session();
      (await session.scalars(select(User).where(u.email.eq("a@x"))))[0]!.name = "changed";
      const duplicate = Object.assign(new User(), { email: "taken@x" });
      session.add(duplicate);
      await assert.rejects(session.commit(), IntegrityError);
      session.expunge(duplicate);
      await session.commit();
      assert.equal(await ctx.count("users", "name = 'changed'"), 1);
    });
  },
  { createOnce: true, sqliteFile: true },
);
