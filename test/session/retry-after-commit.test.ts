/**
 * `sessionMaker().transaction(fn)` where `fn` commits part of its work itself, then fails with an
 * error that would be retried: running `fn` again would write the committed part a second time,
 * and the retried call resolve as if each row were written once. It used to do exactly that.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CommitOutcomeUnknownError,
  DBAPIError,
  DeclarativeBase,
  InvalidRequestError,
  StaleDataError,
  column,
  createEngine,
  integer,
  model,
  sessionMaker,
  sql,
  string,
} from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { TcpProxy } from "../support/tcp-proxy.js";

class RtBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    RtLog: RtLog;
    RtCounter: RtCounter;
  }
}

@model("rt_logs")
class RtLog extends RtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(50).notNull()) accessor note!: string;
}

@model("rt_counters", { version: "version" })
class RtCounter extends RtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull()) accessor value!: number;
  @column(integer().notNull().default(1)) accessor version!: number;
}

forEachDatabaseWithSchema(
  "a retried transaction whose function committed",
  RtBase.metadata,
  (ctx) => {
    test("is not run again: the error is thrown, the committed rows are there once", async () => {
      const seed = ctx.session();
      seed.add(Object.assign(new RtCounter(), { id: 1, value: 0 }));
      await seed.commit();
      let attempts = 0;
      const run = sessionMaker(ctx.engine).transaction(
        async (session) => {
          attempts++;
          const counter = (await session.get(RtCounter, 1))!;
          session.add(Object.assign(new RtLog(), { note: "audit" }));
          await session.commit(); // the log is in, for good
          // Another transaction moves the counter on behind this one's back (first attempt only).
          if (attempts === 1) await ctx.engine.execute(sql`UPDATE rt_counters SET version = version + 1`);
          counter.value += 1;
        },
        { retries: 3, backoffMs: 1, expireOnCommit: false },
      );
      const error = await run.then(() => assert.fail("the transaction should fail"), (e: unknown) => e);
      assert.ok(error instanceof InvalidRequestError, String(error));
      assert.match(error.message, /^sessionMaker\(\)\.transaction\(fn\) is not retried: fn called session\.commit\(\) before failing \(StaleDataError: UPDATE of RtCounter/);
      assert.ok(error.cause instanceof StaleDataError);
      assert.equal(attempts, 1, "not run again after it committed");
      assert.equal(await ctx.count("rt_logs"), 1, "the log once");
      assert.equal(await ctx.count("rt_counters", "value = 0"), 1, "the counter's change was not written");
    });

    test("nor after a commit() whose outcome is unknown, caught inside fn: its rows may be in", { skip: ctx.db.name === "sqlite" && "SQLite runs in-process: there is no reply to lose" }, async () => {
      const proxy = await TcpProxy.start(ctx.db.url, ctx.db.name === "postgresql" ? 5432 : 3306);
      const engine = createEngine(proxy.url(ctx.db.url));
      try {
        let attempts = 0;
        const run = sessionMaker(engine).transaction(
          async (session) => {
            attempts++;
            session.add(Object.assign(new RtLog(), { note: "audit" }));
            if (attempts > 1) return;
            const lost = proxy.loseReplyTo("COMMIT"); // the COMMIT reaches the server, its answer does not come back
            await session.commit().catch((error: unknown) => {
              if (!(error instanceof CommitOutcomeUnknownError)) throw error; // "checked later"
            });
            await lost;
            const cut = proxy.cutBefore("INSERT"); // then the connection is lost mid-flush: retryable
            session.add(Object.assign(new RtLog(), { note: "after" }));
            await session.flush();
            await cut;
          },
          { retries: 3, backoffMs: 1 },
        );
        const error = await run.then(() => assert.fail("the transaction should fail"), (e: unknown) => e);
        assert.ok(error instanceof InvalidRequestError, String(error));
        assert.ok(error.cause instanceof DBAPIError && error.cause.connectionInvalidated, String(error.cause));
        assert.equal(attempts, 1, "not run again after a commit that may have gone through");
        assert.equal(await ctx.count("rt_logs"), 1, "the audit row once: the unknown commit went through");
      } finally {
        await engine.dispose();
        await proxy.close();
      }
    });
  },
  { createOnce: true, sqliteFile: true },
);
