/**
 * `sessionMaker().transaction(fn)` where `fn` starts a write through another connection without
 * awaiting it (`void engine.transaction(...)`, `engine.execute(insert)` kept as a promise, another
 * session committed in the background), then fails with an error that would be retried. The
 * decision to retry used to be taken while that work was still out: it committed afterwards, the
 * retry wrote it a second time, and the call resolved. The decision now waits for the connections
 * `fn` checked out to be given back (and for a write `fn` sent in autocommit on a connection
 * checked out before it to be answered), then sees the commit (`NotRetriedAfterCommitError`); past
 * `settleTimeoutMs` it does not retry either (`NotRetriedWorkInFlightError`).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AbandonedAttemptError,
  DBAPIError,
  NotRetriedAfterCommitError,
  NotRetriedWorkInFlightError,
  Session,
  StaleDataError,
  createEngine,
  sql,
  type Connection,
  type Engine,
} from "../../src/index.js";
import { asAnotherRequest } from "../support/another-request.js";
import { retrySteps, retryTables } from "../support/retry-tables.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const tables = retryTables("wf");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const drain = async (rows: AsyncIterable<unknown>) => {
  for await (const row of rows) void row;
};

forEachDatabaseWithSchema(
  "a retried transaction whose function left a write in flight",
  tables.Base.metadata,
  (ctx) => {
    const { seed, audit, insertAudit, staleAfter, assertNotRetried, staleThenRetried, deadlockAfter, serializationFailureAfter } = retrySteps(ctx, tables);
    const sqlite = ctx.db.name === "sqlite";
    const insertReturning = (note: string) => sql`INSERT INTO wf_audits (note) VALUES (${note}) RETURNING id`;

    /** An engine of one connection, held by another request for `ms`: a write sent through it meanwhile waits for the pool. */
    async function busyEngine(ms: number): Promise<Engine> {
      const engine = createEngine(ctx.db.url, { pool: { max: 1 } });
      const held = await asAnotherRequest(() => engine.connect());
      void asAnotherRequest(async () => (await sleep(ms), await held.close()));
      return engine;
    }

    // Ways fn starts a write it does not await; each commits about 150 ms later, after fn failed.
    const inFlight: [string, RegExp, (started: Promise<unknown>[]) => Promise<void>][] = [
      [
        "void engine.transaction(...)",
        /COMMIT of a transaction that ran "INSERT INTO .?wf_audits/,
        async (started) => void started.push(ctx.engine.transaction(async (conn) => (await sleep(150), await conn.execute(insertAudit("core"))))),
      ],
      [
        "engine.execute(insert) kept as a promise, waiting for a connection of the pool",
        /"INSERT INTO wf_audits \(note\) VALUES .*", run outside a transaction/,
        async (started) => {
          const engine = await busyEngine(150);
          started.push(engine.execute(insertAudit("autocommit")).finally(() => engine.dispose()));
        },
      ],
    ];

    for (const [how, named, start] of inFlight) {
      test(`${how}, then a StaleDataError: fn is not run again once the write committed, the audit row once`, async () => {
        const started: Promise<unknown>[] = [];
        const result = await staleAfter(() => start(started));
        await Promise.allSettled(started);
        const error = await assertNotRetried(result, named);
        assert.ok(!(error instanceof NotRetriedWorkInFlightError), "it settled in time");
      });
    }

    // A stream's statement went past the watch (the driver's cursor, not a statement's answer): a streamed write's commit was not noted.
    const streamed: [string, RegExp, () => Promise<unknown>][] = [
      ["engine.stream in autocommit", /"INSERT INTO wf_audits \(note\) VALUES .* RETURNING id", run outside a transaction/, () => drain(ctx.engine.stream(insertReturning("streamed")))],
      ["conn.stream in engine.transaction", /COMMIT of a transaction that ran "INSERT INTO wf_audits/, () => ctx.engine.transaction((conn) => drain(conn.stream(insertReturning("streamed"))))],
    ];
    for (const [how, named, body] of streamed) {
      test(`an INSERT ... RETURNING streamed by ${how}, then a StaleDataError: not run again, the audit row once`, async () => {
        await assertNotRetried(await staleAfter(body), named);
      });
    }

    // Work that has not asked for a connection yet when fn fails is not waited for: it is refused once fn is run again.
    test("another Session committed in the background, its connection asked for after the retry: refused (AbandonedAttemptError), the row once", async () => {
      const started: Promise<unknown>[] = [];
      const attempts = await staleThenRetried(async (attempt) => {
        const other = new Session(ctx.engine);
        started.push(
          (async () => {
            if (attempt === 1) await sleep(150);
            other.add(audit(`attempt ${attempt}`));
            try {
              await other.commit();
            } finally {
              await other.close();
            }
          })(),
        );
        if (attempt === 2) await started[1]; // committed before fn reads (SQLite: a read transaction overtaken by a write fails)
      });
      const [first, second] = await Promise.allSettled(started);
      assert.equal(attempts, 2, "run again after the StaleDataError: nothing had committed");
      assert.ok(first?.status === "rejected" && first.reason instanceof AbandonedAttemptError, String(first?.status === "rejected" ? first.reason : first?.status));
      assert.match((first.reason as Error).message, /attempt that failed and is being run again/);
      assert.equal(second?.status, "fulfilled");
      assert.equal(await ctx.count("wf_audits"), 1, "the audit row once");
      assert.equal(await ctx.count("wf_audits", "note = 'attempt 2'"), 1);
      assert.equal(await ctx.count("wf_counters", "id = 1 AND value = 1"), 1);
    });

    // A connection checked out before transaction() is no work of fn's; a transaction fn begins on it is, until it ends.
    test("a transaction begun in fn on a connection checked out before it, committed without being awaited: waited for, not run again", async () => {
      const conn = await ctx.engine.connect();
      const started: Promise<unknown>[] = [];
      try {
        const result = await staleAfter(async () => {
          const tx = await conn.begin();
          started.push((async () => (await sleep(150), await conn.execute(insertAudit("outside")), await tx.commit()))());
        });
        await Promise.allSettled(started);
        await assertNotRetried(result, /COMMIT of a transaction that ran "INSERT INTO wf_audits/);
      } finally {
        await Promise.allSettled(started);
        await conn.close();
      }
    });

    test("a transaction begun before fn, committed by fn's un-awaited work once fn runs again: refused (AbandonedAttemptError), the row once", async () => {
      const conn = await ctx.engine.connect();
      const tx = await conn.begin();
      const started: Promise<unknown>[] = [];
      try {
        const attempts = await staleThenRetried(async (attempt) => {
          if (attempt === 2) return void (await ctx.engine.execute(insertAudit("attempt 2")));
          const late = async () => (await sleep(150), await conn.execute(insertAudit("attempt 1")), await tx.commit());
          started.push(late().catch(async (error: unknown) => (await tx.rollback(), Promise.reject(error))));
        });
        const [first] = await Promise.allSettled(started);
        assert.equal(attempts, 2, "run again after the StaleDataError: nothing had committed");
        assert.ok(first?.status === "rejected" && first.reason instanceof AbandonedAttemptError, String(first?.status === "rejected" ? first.reason : first?.status));
        assert.equal(await ctx.count("wf_audits"), 1, "the audit row once");
        assert.equal(await ctx.count("wf_audits", "note = 'attempt 2'"), 1);
      } finally {
        await Promise.allSettled(started);
        await conn.close();
      }
    });

    // A write in autocommit on such a connection commits as it runs: fn's work until its answer comes.
    /** An audit row inserted `seconds` after it is sent (SQLite answers at once: its driver is synchronous). */
    const slowInsert = (note: string, seconds = 0.2) =>
      ({
        sqlite: insertAudit(note),
        postgresql: sql`INSERT INTO wf_audits (note) SELECT ${note} FROM (SELECT pg_sleep(${sql.raw(String(seconds))})) AS s`,
        mysql: sql`INSERT INTO wf_audits (note) SELECT ${note} FROM (SELECT SLEEP(${sql.raw(String(seconds))}) AS z) AS s`,
      })[ctx.db.name];

    test("a write in autocommit left in flight on a connection checked out before fn: waited for, not run again, the row once", async () => {
      const conn = await ctx.engine.connect();
      const started: Promise<unknown>[] = [];
      try {
        const result = await staleAfter(async () => void started.push(conn.execute(slowInsert("outside"))));
        await Promise.allSettled(started);
        await assertNotRetried(result, /"INSERT INTO wf_audits \(note\) .*", run outside a transaction/);
      } finally {
        await Promise.allSettled(started);
        await conn.close();
      }
    });

    test("a write in autocommit on a connection checked out before fn, in flight past settleTimeoutMs: not run again (NotRetriedWorkInFlightError, naming it), the row once", { skip: sqlite && "SQLite's driver answers at once" }, async () => {
      const conn = await ctx.engine.connect();
      const started: Promise<unknown>[] = [];
      try {
        const { error, attempts } = await staleAfter(async () => void started.push(conn.execute(slowInsert("slow", 0.6))), { settleTimeoutMs: 100 });
        await Promise.allSettled(started);
        assert.ok(error instanceof NotRetriedWorkInFlightError, String(error));
        assert.ok(error.cause instanceof StaleDataError, String(error.cause));
        assert.equal(error.inFlight.length, 1, error.message);
        assert.match(error.inFlight[0]!, /^"INSERT INTO wf_audits \(note\) SELECT .*", sent outside a transaction on a connection checked out before fn, not answered$/);
        assert.equal(attempts, 1);
        assert.equal(await ctx.count("wf_audits"), 1, "the audit row once");
      } finally {
        await Promise.allSettled(started);
        await conn.close();
      }
    });

    test("a write in autocommit sent by fn's un-awaited work once fn runs again, on a connection checked out before it: refused (AbandonedAttemptError), the row once", async () => {
      const conn = await ctx.engine.connect();
      const started: Promise<unknown>[] = [];
      try {
        const attempts = await staleThenRetried(async (attempt) => {
          if (attempt === 2) return void (await ctx.engine.execute(insertAudit("attempt 2")));
          started.push((async () => (await sleep(150), await conn.execute(insertAudit("attempt 1"))))());
        });
        const [first] = await Promise.allSettled(started);
        assert.equal(attempts, 2, "run again after the StaleDataError: nothing had committed");
        assert.ok(first?.status === "rejected" && first.reason instanceof AbandonedAttemptError, String(first?.status === "rejected" ? first.reason : first?.status));
        assert.match((first.reason as Error).message, /"INSERT INTO wf_audits .*" was sent outside a transaction by work of a .* attempt that failed/);
        assert.equal(await ctx.count("wf_audits"), 1, "the audit row once");
        assert.equal(await ctx.count("wf_audits", "note = 'attempt 2'"), 1);
        assert.equal(Number(await conn.scalar(sql<{ n: number }>`SELECT count(*) AS n FROM wf_audits`)), 1, "the connection is still usable");
      } finally {
        await Promise.allSettled(started);
        await conn.close();
      }
    });

    test("a write in flight past settleTimeoutMs: not run again (NotRetriedWorkInFlightError, naming it), the audit row once", async () => {
      const started: Promise<unknown>[] = [];
      // SQLite's INSERT would hold the database's write lock, and the session's flush wait for its COMMIT: it waits first there.
      const slow = async (conn: Connection) => {
        if (sqlite) await sleep(600);
        await conn.execute(insertAudit("slow"));
        if (!sqlite) await sleep(600);
      };
      const { error, attempts } = await staleAfter(
        async () => {
          started.push(ctx.engine.transaction(slow));
          await sleep(50); // the INSERT is sent
        },
        { settleTimeoutMs: 100 },
      );
      await Promise.allSettled(started);
      assert.ok(error instanceof NotRetriedWorkInFlightError, String(error));
      assert.ok(error.cause instanceof StaleDataError, String(error.cause));
      assert.equal(error.inFlight.length, 1, error.message);
      assert.match(error.inFlight[0]!, sqlite ? /connect\(\) called at .*retry-work-in-flight.*not given back/ : /connect\(\) called at .*retry-work-in-flight.*its transaction open after "INSERT INTO wf_audits/);
      assert.match(error.message, /still out 100 ms later \(settleTimeoutMs\)/);
      assert.equal(attempts, 1);
      assert.equal(await ctx.count("wf_audits"), 1, "the audit row once");
    });

    test("work fn started that wrote nothing, or was given back in time without committing: retried as before", async () => {
      const started: Promise<unknown>[] = [];
      const attempts = await staleThenRetried(async () => {
        started.push(ctx.engine.transaction(async (conn) => (await sleep(100), await conn.execute(sql`SELECT count(*) AS n FROM wf_audits`))));
        started.push(ctx.engine.transaction(async (conn) => (await sleep(100), await conn.execute(insertAudit("undone")), Promise.reject(new Error("rolled back")))).catch(() => undefined));
      });
      await Promise.allSettled(started);
      assert.equal(attempts, 2, "run again after the StaleDataError");
      assert.equal(await ctx.count("wf_audits"), 0, "the rolled-back inserts are not in");
      assert.equal(await ctx.count("wf_counters", "id = 1 AND value = 1"), 1);
    });

    // A real deadlock: InnoDB rolls fn's transaction back while its un-awaited insert waits to commit.
    test("MariaDB: a deadlock while an un-awaited engine.transaction is still out: not run again, the audit row once", { skip: ctx.db.name !== "mysql" && "InnoDB picks the lighter transaction as the victim" }, async () => {
      await seed();
      const started: Promise<unknown>[] = [];
      const { error, attempts } = await deadlockAfter(async () => void started.push(ctx.engine.transaction(async (conn) => (await conn.execute(insertAudit("core")), await sleep(400)))));
      await Promise.allSettled(started);
      assert.ok(error instanceof NotRetriedAfterCommitError, String(error));
      assert.ok(error.cause instanceof DBAPIError && error.cause.retryable, String(error.cause));
      assert.equal(attempts, 1);
      assert.equal(await ctx.count("wf_audits"), 1, "the audit row once");
      assert.equal(await ctx.count("wf_counters", "value = 10"), 2, "only the other transaction's changes");
    });

    // A real serialization failure: fn's snapshot is older than another request's change.
    test("PostgreSQL: a serialization failure while an un-awaited engine.transaction is still out: not run again", { skip: ctx.db.name !== "postgresql" && "PostgreSQL's snapshot isolation" }, async () => {
      await seed();
      const started: Promise<unknown>[] = [];
      const { error, attempts } = await serializationFailureAfter(async () => void started.push(ctx.engine.transaction(async (conn) => (await conn.execute(insertAudit("core")), await sleep(200)))));
      await Promise.allSettled(started);
      assert.ok(error instanceof NotRetriedAfterCommitError, String(error));
      assert.ok(error.cause instanceof DBAPIError && error.cause.retryable, String(error.cause));
      assert.equal(attempts, 1);
      assert.equal(await ctx.count("wf_audits"), 1, "the audit row once");
      assert.equal(await ctx.count("wf_counters", "id = 2 AND value = 10"), 1, "only the other request's change");
    });
  },
  { createOnce: true, sqliteFile: true },
);
