/**
 * MariaDB's `innodb_snapshot_isolation=ON` (the default from 11.6; a server or session setting
 * since 10.6.18/10.11.8): an UPDATE of a row another transaction changed after this one's snapshot
 * fails with 1020 ("Record has changed since last read") and InnoDB rolls the whole transaction
 * back. It is what keeps a read-modify-write without a version counter from losing an update, on
 * one server and on a Galera cluster: athanor must treat it as retryable and the transaction as
 * gone. It used to be a plain OperationalError that `sessionMaker().transaction` did not retry.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DBAPIError, TransactionRolledBackError, columnsOf, select, sessionMaker, sql, type Session } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { asAnotherRequest } from "../support/another-request.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a row changed since the snapshot (innodb_snapshot_isolation)", Base.metadata, (ctx) => {
  const skip = ctx.db.name !== "mysql" && "MariaDB's innodb_snapshot_isolation";

  async function seed(): Promise<void> {
    const session = ctx.session();
    session.add(Object.assign(new User(), { email: "s@x", name: "a" }));
    await session.commit();
  }

  /** Reads the user in `session`, then another session commits a change to it. */
  async function readThenChangedElsewhere(session: Session): Promise<User> {
    await session.execute(sql`SET SESSION innodb_snapshot_isolation = ON`);
    const user = (await session.scalars(select(User).where(columnsOf(User).email.eq("s@x"))))[0]!;
    // Another request's commit (outside a retried fn's context, or it would count as fn's own).
    await asAnotherRequest(async () => {
      const other = ctx.session();
      const theirs = (await other.scalars(select(User).where(columnsOf(User).email.eq("s@x"))))[0]!;
      theirs.name += "+theirs";
      await other.commit();
    });
    return user;
  }

  test("the UPDATE fails with a retryable error that voided the transaction; rollback() makes the session usable", { skip }, async () => {
    await seed();
    const session = ctx.session();
    const user = await readThenChangedElsewhere(session);
    user.name += "+mine";
    const error = await session.commit().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof DBAPIError, String(error));
    assert.equal(error.code, "ER_CHECKREAD", error.message);
    assert.equal(error.retryable, true);
    await assert.rejects(session.commit(), TransactionRolledBackError, "refused until rollback()");
    await session.rollback();
    const again = (await session.scalars(select(User).where(columnsOf(User).email.eq("s@x"))))[0]!;
    assert.equal(again.name, "a+theirs");
    again.name += "+mine";
    await session.commit();
    const check = ctx.session();
    assert.equal((await check.scalars(select(User)))[0]!.name, "a+theirs+mine");
  });

  test("sessionMaker().transaction retries it: neither change is lost", { skip }, async () => {
    await seed();
    let attempts = 0;
    await sessionMaker(ctx.engine).transaction(
      async (session) => {
        attempts++;
        const user = attempts === 1 ? await readThenChangedElsewhere(session) : (await session.scalars(select(User)))[0]!;
        user.name += "+mine";
      },
      { retries: 3, backoffMs: 5 },
    );
    assert.equal(attempts, 2);
    const check = ctx.session();
    assert.equal((await check.scalars(select(User)))[0]!.name, "a+theirs+mine");
  });
}, { createOnce: true });
