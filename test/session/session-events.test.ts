/**
 * Session events (docs/events.md) on SQLite, PostgreSQL and MariaDB: beforeFlush's changes are
 * written by that flush; afterCommit runs once, only after a COMMIT that succeeded (never for a
 * failed attempt of `sessionMaker().transaction`); a listener that throws after the COMMIT does
 * not make the commit look failed (`AfterTransactionListenerError`, never retried); afterRollback
 * runs after real rollbacks only.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { AfterTransactionListenerError, IntegrityError, StaleDataError, select, sessionMaker, sql, type Session, type SessionEvents } from "../../src/index.js";
import { EvAudit, EvAuthor, EventsBase, faults, log } from "./fixtures/events.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const author = (name: string, email = `${name}@example.com`) => Object.assign(new EvAuthor(), { name, email });

forEachDatabaseWithSchema("session events", EventsBase.metadata, (ctx) => {
  afterEach(() => {
    log.length = 0;
    faults.clear();
  });

  /** Listeners that record what ran in `seen`. */
  function recording(seen: string[], extra: SessionEvents = {}): SessionEvents {
    return {
      beforeFlush: async (session) => {
        seen.push("beforeFlush");
        await extra.beforeFlush?.(session);
      },
      afterFlush: (session) => (seen.push("afterFlush"), extra.afterFlush?.(session)),
      afterCommit: (session) => (seen.push("afterCommit"), extra.afterCommit?.(session)),
      afterRollback: (session) => (seen.push("afterRollback"), extra.afterRollback?.(session)),
    };
  }

  /** An audit row per new author, added by beforeFlush. */
  const auditNew = (session: Session) => {
    for (const obj of session.objects) {
      if (obj instanceof EvAuthor && obj.id === null) session.add(Object.assign(new EvAudit(), { message: `new author ${obj.name}` }));
    }
  };

  test("beforeFlush may add objects: they are written by that same flush; then afterFlush, afterCommit", async () => {
    const seen: string[] = [];
    const session = ctx.session({ events: recording(seen, { beforeFlush: auditNew }) });
    session.add(author("ann"));
    ctx.reset();
    await session.flush();
    assert.deepEqual(seen, ["beforeFlush", "afterFlush"]);
    assert.ok(ctx.statements.some((s) => /^INSERT INTO .ev_audits./.test(s)));
    await session.commit();
    assert.deepEqual(seen, ["beforeFlush", "afterFlush", "afterCommit"]);
    assert.equal(await ctx.count("ev_audits"), 1);
    // A commit with nothing to flush and no transaction open runs no listener.
    await session.commit();
    assert.deepEqual(seen, ["beforeFlush", "afterFlush", "afterCommit"]);
  });

  test("a flush that fails: afterRollback, not afterCommit; objects beforeFlush added leave, so the retry adds them once", async () => {
    const seen: string[] = [];
    const session = ctx.session({ events: recording(seen, { beforeFlush: auditNew }) });
    session.add(author("ann"));
    await session.commit();
    seen.length = 0;
    const bob = author("bob", "ann@example.com"); // a unique violation
    session.add(bob);
    await assert.rejects(session.commit(), IntegrityError);
    assert.deepEqual(seen, ["beforeFlush", "afterRollback"]);
    bob.email = "bob@example.com";
    await session.commit();
    assert.deepEqual(seen, ["beforeFlush", "afterRollback", "beforeFlush", "afterFlush", "afterCommit"]);
    assert.deepEqual((await ctx.engine.execute(sql<{ message: string }>`SELECT message FROM ev_audits ORDER BY id`)).rows.map((r) => r.message), ["new author ann", "new author bob"]);
  });

  test("a beforeFlush listener that throws fails the flush; nothing written, the session usable", async () => {
    let refuse = true;
    const session = ctx.session({
      events: {
        beforeFlush: () => {
          if (refuse) throw new Error("not now");
        },
      },
    });
    session.add(author("ann"));
    await assert.rejects(session.commit(), /not now/);
    assert.equal(await ctx.count("ev_authors"), 0);
    refuse = false;
    await session.commit();
    assert.equal(await ctx.count("ev_authors"), 1);
  });

  test("an afterCommit listener that throws: AfterTransactionListenerError saying the rows ARE committed, once", async () => {
    const session = ctx.session({
      events: {
        afterCommit: () => {
          throw new Error("mail server down");
        },
      },
    });
    session.add(author("ann"));
    const error = await session.commit().then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AfterTransactionListenerError);
    assert.equal(error.committed, true);
    assert.match(error.message, /IS committed/);
    assert.match(String((error.cause as Error).message), /mail server down/);
    assert.equal(await ctx.count("ev_authors"), 1);
  });

  test("sessionMaker().transaction: afterCommit once after the retried attempt; never retried when it throws", async () => {
    const seen: string[] = [];
    const Sessions = sessionMaker(ctx.engine, { events: recording(seen) });
    const setup = Sessions();
    setup.add(author("ann"));
    await setup.commit();
    await setup.close();
    seen.length = 0;
    let attempts = 0;
    await Sessions.transaction(async (session) => {
      attempts++;
      const [ann] = await session.scalars(select(EvAuthor));
      // The first attempt's row changes under it (revision is not a version column: make the
      // UPDATE miss by changing the key it names): a StaleDataError, which transaction() retries.
      if (attempts === 1) await session.execute(sql`UPDATE ev_authors SET id = id + 100`);
      ann!.name = `Ann (attempt ${attempts})`;
    });
    assert.equal(attempts, 2);
    assert.deepEqual(seen.filter((e) => e === "afterCommit" || e === "afterRollback"), ["afterRollback", "afterCommit"]);
    assert.deepEqual((await ctx.engine.execute(sql<{ name: string }>`SELECT name FROM ev_authors`)).rows.map((r) => r.name), ["Ann (attempt 2)"]);

    let runs = 0;
    const failing = sessionMaker(ctx.engine, {
      events: {
        afterCommit: () => {
          throw new StaleDataError("a listener's own error, of a kind transaction() retries");
        },
      },
    });
    await assert.rejects(
      failing.transaction(async (session) => {
        runs++;
        session.add(author(`bob${runs}`));
      }),
      AfterTransactionListenerError,
    );
    assert.equal(runs, 1);
    assert.equal(await ctx.count("ev_authors", "name LIKE 'bob%'"), 1);
  });

  test("afterRollback runs after rollback() of a transaction, not when none was open; its error says the rollback happened", async () => {
    const seen: string[] = [];
    const session = ctx.session({ events: recording(seen) });
    await session.rollback();
    assert.deepEqual(seen, []);
    session.add(author("ann"));
    await session.flush();
    await session.rollback();
    assert.deepEqual(seen, ["beforeFlush", "afterFlush", "afterRollback"]);
    assert.equal(await ctx.count("ev_authors"), 0);

    const failing = ctx.session({
      events: {
        afterRollback: () => {
          throw new Error("listener broke");
        },
      },
    });
    const ann = author("ann");
    failing.add(ann);
    await failing.flush();
    const error = await failing.rollback().then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AfterTransactionListenerError && error.committed === false);
    // Rolled back all the same: the object left the session, nothing in the database.
    assert.equal(await ctx.count("ev_authors"), 0);
    assert.equal(failing.objects.length, 0);
  });

  test("sessionMaker's listeners and a transaction()'s own both run, the factory's first", async () => {
    const seen: string[] = [];
    const Sessions = sessionMaker(ctx.engine, { events: { afterCommit: () => void seen.push("factory") } });
    await Sessions.transaction(
      async (session) => {
        session.add(author("ann"));
      },
      { events: { afterCommit: () => void seen.push("call") } },
    );
    assert.deepEqual(seen, ["factory", "call"]);
  });
}, { createOnce: true });
