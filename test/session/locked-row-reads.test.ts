/**
 * Reads of a row the transaction has locked (`select(Model).forUpdate()`) show the row as locked.
 * On MariaDB/MySQL, whose plain reads in a REPEATABLE READ transaction (the default) see the
 * snapshot taken at its first read, a deferred column loaded after the lock (`session.load`,
 * `refresh(obj, [key])`, `lazy(obj).key`), a refresh of the object, or `get` of it expired, read
 * the row as it was before another transaction's commit: `refresh(obj)` took the object back to
 * values older than the ones the lock had shown, and a change computed from them and committed
 * under the lock wrote over the other transaction's commit. Those reads now lock the row too
 * (FOR UPDATE, a current read); PostgreSQL and SQLite read the same rows either way.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, lazy, select, type Session } from "../../src/index.js";
import { DeferredBase, DfBook } from "./fixtures/deferred.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const b = columnsOf(DfBook);

/** How the locked object's `body` (deferred) or its whole row is read again after the lock. */
const reads: Record<string, (session: Session, book: DfBook) => Promise<unknown>> = {
  "session.load(obj, key)": (session, book) => session.load(book, "body"),
  "session.refresh(obj, [key])": (session, book) => session.refresh(book, ["body"]),
  "lazy(obj).key": async (_session, book) => lazy(book).body,
  "session.refresh(obj) then load(obj, key)": async (session, book) => {
    await session.refresh(book);
    await session.load(book, "body");
  },
  "session.expire(obj) then get(Model, key), then load(obj, key)": async (session, book) => {
    session.expire(book);
    assert.equal(await session.get(DfBook, 1), book);
    await session.load(book, "body");
  },
};

forEachDatabaseWithSchema(
  "reads of a locked row",
  DeferredBase.metadata,
  (ctx) => {
    for (const [how, read] of Object.entries(reads)) {
      test(`${how} after a locking read shows the row as locked, and a change made from it keeps the other transaction's commit`, { skip: ctx.db.name === "sqlite" && "SQLite has no row locks" }, async () => {
        const seed = ctx.session();
        seed.add(Object.assign(new DfBook(), { id: 1, title: "t", body: "b" }));
        await seed.commit();
        const mine = ctx.session();
        await mine.scalars(select(DfBook).where(b.id.eq(2))); // its transaction (and MariaDB's snapshot) begins
        const other = ctx.session();
        const theirs = (await other.get(DfBook, 1))!;
        await other.load(theirs, "body");
        theirs.title = "t2";
        theirs.body = "b2";
        await other.commit();
        const book = (await mine.scalars(select(DfBook).where(b.id.eq(1)).forUpdate()))[0]!;
        assert.equal(book.title, "t2", "the locking read shows the committed row");
        await read(mine, book);
        assert.deepEqual([book.title, book.body], ["t2", "b2"], "read again under the lock: the row as locked, not as it was before");
        book.title += "+mine";
        book.body += "+mine";
        await mine.commit();
        const check = ctx.session();
        const row = (await check.get(DfBook, 1))!;
        await check.load(row, "body");
        assert.deepEqual([row.title, row.body], ["t2+mine", "b2+mine"], "the other transaction's commit is kept");
      });
    }

    test("the lock is the transaction's: after its commit, a read of the row locks nothing", { skip: ctx.db.name === "sqlite" && "SQLite has no row locks" }, async () => {
      const seed = ctx.session();
      seed.add(Object.assign(new DfBook(), { id: 1, title: "t", body: "b" }));
      await seed.commit();
      const mine = ctx.session();
      const book = (await mine.scalars(select(DfBook).where(b.id.eq(1)).forUpdate()))[0]!;
      await mine.commit();
      ctx.reset();
      await mine.load(book, "body");
      assert.ok(ctx.statements.every((s) => !/FOR UPDATE/i.test(s)), ctx.statements.join("\n"));
      // Another session can lock it at once: the read above took no lock.
      const other = ctx.session();
      await other.scalars(select(DfBook).where(b.id.eq(1)).forUpdate());
      await other.commit();
      await mine.commit();
    });
  }, { createOnce: true },
);
