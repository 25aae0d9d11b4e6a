/**
 * `sessionMaker().transaction(fn)` where `fn` commits work through athanor other than its own
 * session (an inner `transaction()`, `engine.transaction`, another `Session`, a write outside a
 * transaction), then fails with an error that would be retried. Running `fn` again wrote that work
 * a second time, and the retried call resolved: the guard only knew of `session.commit()` on fn's
 * own session. The retryable error now surfaces as `NotRetriedAfterCommitError`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DBAPIError, NotRetriedAfterCommitError, Session, StaleDataError, sessionMaker, sql } from "../../src/index.js";
import { asAnotherRequest } from "../support/another-request.js";
import { retrySteps, retryTables } from "../support/retry-tables.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const tables = retryTables("ro");

forEachDatabaseWithSchema(
  "a retried transaction whose function committed through athanor elsewhere",
  tables.Base.metadata,
  (ctx) => {
    const { seed, loadedBefore, audit, insertAudit, staleAfter, assertNotRetried, deadlockAfter, serializationFailureAfter } = retrySteps(ctx, tables);
    const Sessions = () => sessionMaker(ctx.engine);

    // The ways fn can commit work of its own besides its session.
    const commitsElsewhere: [string, RegExp, () => Promise<unknown>][] = [
      ["an inner sessionMaker().transaction", /COMMIT of a transaction that ran "INSERT INTO .?ro_audits/, () => Sessions().transaction(async (s) => void s.add(audit("inner")))],
      ["engine.transaction", /COMMIT of a transaction that ran "INSERT INTO .?ro_audits/, () => ctx.engine.transaction((conn) => conn.execute(insertAudit("core")))],
      [
        "a second Session committed",
        /COMMIT of a transaction that ran "INSERT INTO .?ro_audits/,
        async () => {
          const other = new Session(ctx.engine);
          other.add(audit("second"));
          await other.commit();
          await other.close();
        },
      ],
      ["engine.execute in autocommit", /"INSERT INTO ro_audits \(note\) VALUES .*", run outside a transaction/, () => ctx.engine.execute(insertAudit("autocommit"))],
    ];

    for (const [how, named, commitElsewhere] of commitsElsewhere) {
      test(`${how}, then a StaleDataError: not run again, the error names what was committed, the audit row once`, async () => {
        const error = await assertNotRetried(await staleAfter(commitElsewhere), named);
        assert.match(error.message, /is not retried: fn committed work through athanor: .*before failing \(StaleDataError/);
      });
    }

    // The commit transaction() makes after fn ran its session's listeners outside fn's context: not watched, the write was made twice.
    test("a beforeFlush listener of fn's session writing through the engine, then a StaleDataError at transaction()'s commit: not run again", async () => {
      await seed();
      const counter = await loadedBefore();
      let attempts = 0;
      const error = await Sessions()
        .transaction(
          async (session) => {
            attempts++;
            session.add(counter);
            if (attempts === 1) await asAnotherRequest(() => ctx.engine.execute(sql`UPDATE ro_counters SET version = version + 1 WHERE id = 1`));
            counter.value += 1;
          },
          { retries: 3, backoffMs: 1, events: { beforeFlush: () => ctx.engine.execute(insertAudit("flushed")) } },
        )
        .then(() => assert.fail("the transaction should fail"), (e: unknown) => e);
      assert.ok(error instanceof NotRetriedAfterCommitError, String(error));
      assert.ok(error.cause instanceof StaleDataError, String(error.cause));
      assert.equal(attempts, 1);
      assert.equal(await ctx.count("ro_audits"), 1, "the listener's row once");
    });

    test("reads, a read-only commit and another request's commits inside fn: retried as before", async () => {
      await seed();
      const stale = await loadedBefore();
      const bump = () => asAnotherRequest(() => ctx.engine.execute(sql`UPDATE ro_counters SET version = version + 1 WHERE id = 1`));
      let attempts = 0;
      await Sessions().transaction(
        async (session) => {
          attempts++;
          const counter = attempts === 1 ? stale : (await session.get(tables.Counter, 1))!;
          session.add(counter);
          await ctx.engine.execute(sql`SELECT count(*) AS n FROM ro_audits`); // a read in autocommit
          await Sessions().transaction(async (s) => void (await s.get(tables.Counter, 2))); // a transaction that wrote nothing
          const reader = new Session(ctx.engine);
          await reader.get(tables.Counter, 2);
          await reader.commit();
          await reader.close();
          if (attempts === 1) await bump(); // committed, but by another request: not fn's work
          counter.value += 1;
        },
        { retries: 3, backoffMs: 1 },
      );
      assert.equal(attempts, 2, "run again after the StaleDataError");
      assert.equal(await ctx.count("ro_counters", "id = 1 AND value = 1"), 1);
    });

    test("an inner transaction() retried on its own, inside an outer one: the outer commits once, each row once", async () => {
      await seed();
      const bump = () => asAnotherRequest(() => ctx.engine.execute(sql`UPDATE ro_counters SET version = version + 1 WHERE id = 2`));
      let inner = 0;
      await Sessions().transaction(async (outer) => {
        outer.add(audit("outer"));
        await Sessions().transaction(
          async (session) => {
            inner++;
            const counter = (await session.get(tables.Counter, 2))!;
            if (inner === 1) await bump(); // the inner one's own failure: nothing committed in it yet
            counter.value += 1;
          },
          { retries: 3, backoffMs: 1 },
        );
      });
      assert.equal(inner, 2, "the inner one was retried: its first attempt had committed nothing");
      assert.equal(await ctx.count("ro_audits"), 1);
      assert.equal(await ctx.count("ro_counters", "id = 2 AND value = 1"), 1);
    });

    // A real retryable error from the database, after an inner engine.transaction committed an audit row.
    test("PostgreSQL: a serialization failure after engine.transaction committed in fn: not run again", { skip: ctx.db.name !== "postgresql" && "PostgreSQL's snapshot isolation" }, async () => {
      await seed();
      const { error, attempts } = await serializationFailureAfter(() => ctx.engine.transaction((conn) => conn.execute(insertAudit("core"))));
      assert.ok(error instanceof NotRetriedAfterCommitError, String(error));
      assert.ok(error.cause instanceof DBAPIError && error.cause.retryable, String(error.cause));
      assert.equal(attempts, 1);
      assert.equal(await ctx.count("ro_audits"), 1, "the audit row once");
      assert.equal(await ctx.count("ro_counters", "id = 2 AND value = 10"), 1, "only the other request's change");
    });

    test("MariaDB: a deadlock after engine.transaction committed in fn: not run again", { skip: ctx.db.name !== "mysql" && "InnoDB picks the lighter transaction as the victim" }, async () => {
      await seed();
      const { error, attempts } = await deadlockAfter(() => ctx.engine.transaction((conn) => conn.execute(insertAudit("core"))));
      assert.ok(error instanceof NotRetriedAfterCommitError, String(error));
      assert.ok(error.cause instanceof DBAPIError && error.cause.retryable, String(error.cause));
      assert.equal(attempts, 1);
      assert.equal(await ctx.count("ro_audits"), 1, "the audit row once");
      assert.equal(await ctx.count("ro_counters", "value = 10"), 2, "only the other transaction's changes");
    });
  },
  { createOnce: true, sqliteFile: true },
);
