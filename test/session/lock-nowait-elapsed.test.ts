/**
 * `forUpdate({ nowait: true })` between two real sessions, timed: NOWAIT on a row another session
 * holds fails at once (a plain locking read waits for ever on PostgreSQL, 50 s on MariaDB). It runs
 * alone (scripts/test/run.mjs, SERIAL) for its bound on the elapsed time; the rest of the locking
 * reads, untimed, share a lane (lock-nowait-skip-locked.test.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LockNotAvailableError, columnsOf, select } from "../../src/index.js";
import { Base, Post } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { lockJobs } from "./lock-jobs.js";

const p = columnsOf(Post);

forEachDatabaseWithSchema("NOWAIT between two sessions, timed", Base.metadata, (ctx) => {
  const { noRowLocks, seedJobs, holding } = lockJobs(ctx);

  test("NOWAIT on a row another session holds fails at once with LockNotAvailableError; after a rollback the session reads it, locked, once the holder is done", { skip: noRowLocks }, async () => {
    const [id] = await seedJobs(1);
    const holder = await holding([id!]);
    const other = ctx.session();
    const start = performance.now();
    await assert.rejects(
      other.scalars(select(Post).where(p.id.eq(id!)).forUpdate({ nowait: true })),
      (e: unknown) => e instanceof LockNotAvailableError && e.retryable && !e.connectionInvalidated,
    );
    const ms = performance.now() - start;
    assert.ok(ms < 2000, `NOWAIT waited ${ms.toFixed(0)} ms`);
    await other.rollback();
    await holder.commit();
    const [post] = await other.scalars(select(Post).where(p.id.eq(id!)).forUpdate({ nowait: true }));
    post!.title = "mine";
    await other.commit();
    assert.equal(await ctx.count("posts", "title = 'mine'"), 1);
  });
}, { createOnce: true });
