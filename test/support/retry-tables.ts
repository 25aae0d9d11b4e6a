/**
 * What the tests of `sessionMaker().transaction(fn)`'s guard against running committed work again
 * share: an audit table (the work `fn` commits elsewhere, to be found once) and a versioned
 * counter (the failure: a `StaleDataError`, or a real deadlock on MariaDB). Each test file names
 * its own tables (`prefix`): test files run side by side on the same databases.
 */
import assert from "node:assert/strict";
import { DeclarativeBase, NotRetriedAfterCommitError, Session, StaleDataError, column, integer, model, sessionMaker, sql, string, type Connection } from "../../src/index.js";
import { asAnotherRequest } from "./another-request.js";
import type { SessionContext } from "./sessions.js";

/** SQL text as a statement. */
const text = (sqlText: string) => sql`${sql.raw(sqlText)}`;

/** The two models on their own base, their tables `<prefix>_audits` and `<prefix>_counters`. */
export function retryTables(prefix: string) {
  class Base extends DeclarativeBase {}

  @model(`${prefix}_audits`)
  class Audit extends Base {
    @column(integer().primaryKey()) accessor id!: number;
    @column(string(50).notNull()) accessor note!: string;
  }

  @model(`${prefix}_counters`, { version: "version" })
  class Counter extends Base {
    @column(integer().primaryKey()) accessor id!: number;
    @column(integer().notNull()) accessor value!: number;
    @column(integer().notNull().default(1)) accessor version!: number;
  }

  return { Base, Audit, Counter, audits: `${prefix}_audits`, counters: `${prefix}_counters` };
}

export type RetryTables = ReturnType<typeof retryTables>;

/** The steps of a test on `tables`: seeding, a counter gone stale, another request's change, an audit row. */
export function retrySteps(ctx: SessionContext, tables: RetryTables) {
  const { audits, counters } = tables;
  const steps = {
    /** No audit row; counters 1 and 2 at value 0, version 1. */
    seed: async () => {
      await ctx.engine.execute(text(`DELETE FROM ${audits}`));
      await ctx.engine.execute(text(`DELETE FROM ${counters}`));
      await ctx.engine.execute(text(`INSERT INTO ${counters} (id, value, version) VALUES (1, 0, 1), (2, 0, 1)`));
    },
    /**
     * Counter 1 as read before fn: its UPDATE, sent after another request's (`bump`), matches no
     * row (StaleDataError). (Read inside fn instead, SQLite would refuse the UPDATE of a read
     * transaction that another write overtook.)
     */
    loadedBefore: async () => {
      const s = new Session(ctx.engine, { expireOnCommit: false });
      const counter = (await s.get(tables.Counter, 1))!;
      await s.close();
      return counter;
    },
    /** Another request moves counter `id`'s version on. */
    bump: (id = 1) => asAnotherRequest(() => ctx.engine.execute(text(`UPDATE ${counters} SET version = version + 1 WHERE id = ${id}`))),
    /** A new audit object. */
    audit: (note: string) => Object.assign(new tables.Audit(), { note }),
    /** The SQL of an audit row. */
    insertAudit: (note: string) => sql`INSERT INTO ${sql.raw(audits)} (note) VALUES (${note})`,
    /**
     * `sessionMaker().transaction(fn)` (3 retries) where fn adds counter 1 as read before it, runs
     * `body`, and on its first attempt has another request move the counter on: its commit fails
     * with a StaleDataError. The error the call rejected with, and how many times fn ran.
     */
    staleAfter: async (body: () => Promise<unknown>, options: { settleTimeoutMs?: number } = {}) => {
      await steps.seed();
      const counter = await steps.loadedBefore();
      let attempts = 0;
      const error = await sessionMaker(ctx.engine)
        .transaction(
          async (session) => {
            attempts++;
            session.add(counter);
            await body();
            if (attempts === 1) await steps.bump(); // another request moves the counter on
            counter.value += 1;
          },
          { retries: 3, backoffMs: 1, ...options },
        )
        .then(() => assert.fail("the transaction should fail"), (e: unknown) => e);
      return { error, attempts };
    },
    /** What `staleAfter` returned when `body` committed an audit row: not run again, that row once, the counter unchanged. */
    assertNotRetried: async ({ error, attempts }: { error: unknown; attempts: number }, named: RegExp) => {
      assert.ok(error instanceof NotRetriedAfterCommitError, String(error));
      assert.ok(error.cause instanceof StaleDataError, String(error.cause));
      assert.match(error.committed, named);
      assert.equal(attempts, 1, "not run again after it committed");
      assert.equal(await ctx.count(audits), 1, "the audit row once");
      assert.equal(await ctx.count(counters, "value = 0"), 2, "the counter's change was not written");
      return error;
    },
    /**
     * `sessionMaker().transaction(fn)` where fn runs `body`, then changes counter 1: read before fn on
     * the first attempt, and moved on by another request (a StaleDataError), read in fn after. How many times fn ran.
     */
    staleThenRetried: async (body: (attempt: number) => Promise<unknown>) => {
      await steps.seed();
      const stale = await steps.loadedBefore();
      let attempts = 0;
      await sessionMaker(ctx.engine).transaction(
        async (session) => {
          attempts++;
          await body(attempts);
          const counter = attempts === 1 ? stale : (await session.get(tables.Counter, 1))!;
          session.add(counter);
          if (attempts === 1) await steps.bump();
          counter.value += 1;
        },
        { retries: 3, backoffMs: 1 },
      );
      return attempts;
    },
    /**
     * MariaDB, a real deadlock: fn runs `body`, locks counter 1, and asks for counter 2, which a
     * heavier transaction holds; on the first attempt that one asks for counter 1 meanwhile, and
     * InnoDB rolls fn's transaction back. The error the call rejected with, and how many times fn ran.
     */
    deadlockAfter: async (body: () => Promise<unknown>) => {
      const other = await heavierTransaction(ctx, tables);
      let attempts = 0;
      try {
        const error = await sessionMaker(ctx.engine)
          .transaction(
            async (session) => {
              attempts++;
              await body();
              await session.execute(text(`UPDATE ${counters} SET value = value + 1 WHERE id = 1`)); // row 1 locked
              if (attempts === 1) {
                await other.lockRowOne(); // the other waits for row 1...
                await new Promise((resolve) => setTimeout(resolve, 300));
              }
              await session.execute(text(`UPDATE ${counters} SET value = value + 1 WHERE id = 2`)); // ...and this for row 2: a deadlock
            },
            { retries: 3, backoffMs: 1 },
          )
          .then(() => assert.fail("the transaction should fail"), (e: unknown) => e);
        return { error, attempts };
      } finally {
        await other.end();
      }
    },
    /**
     * PostgreSQL, a real serialization failure (40001): fn takes its snapshot, runs `body`, and on
     * the first attempt another request changes counter 2 before fn's UPDATE of it.
     */
    serializationFailureAfter: async (body: () => Promise<unknown>) => {
      const change = () => asAnotherRequest(() => ctx.engine.execute(text(`UPDATE ${counters} SET value = value + 10 WHERE id = 2`)));
      let attempts = 0;
      const error = await sessionMaker(ctx.engine)
        .transaction(
          async (session) => {
            attempts++;
            await session.get(tables.Counter, 1); // the snapshot is taken
            await body();
            if (attempts === 1) await change();
            await session.execute(text(`UPDATE ${counters} SET value = value + 1 WHERE id = 2`)); // 40001
          },
          { isolationLevel: "repeatable read", retries: 3, backoffMs: 1 },
        )
        .then(() => assert.fail("the transaction should fail"), (e: unknown) => e);
      return { error, attempts };
    },
  };
  return steps;
}

/**
 * MariaDB: another transaction holds counter 2 and is made heavier (more rows changed), so that
 * InnoDB picks fn's as the deadlock's victim (`deadlockAfter`). `lockRowOne()`, from inside fn once fn holds counter
 * 1, makes it wait for counter 1 (then it commits); `end()` waits for it and gives its connection back.
 */
async function heavierTransaction(ctx: SessionContext, tables: RetryTables): Promise<{ lockRowOne: () => Promise<void>; end: () => Promise<void> }> {
  const { audits, counters } = tables;
  const other: Connection = await ctx.engine.connect();
  const tx = await other.begin();
  await other.execute(text(`INSERT INTO ${audits} (id, note) VALUES (1001, 'heavy'), (1002, 'heavy'), (1003, 'heavy'), (1004, 'heavy'), (1005, 'heavy')`));
  await other.execute(text(`UPDATE ${counters} SET value = value + 10 WHERE id = 2`));
  let waiting: Promise<unknown> | undefined;
  return {
    lockRowOne: () =>
      asAnotherRequest(async () => {
        waiting = other.execute(text(`UPDATE ${counters} SET value = value + 10 WHERE id = 1`)).then(async () => {
          await other.execute(text(`DELETE FROM ${audits} WHERE note = 'heavy'`));
          await tx.commit();
        });
      }),
    end: async () => {
      await waiting;
      await other.close();
    },
  };
}
