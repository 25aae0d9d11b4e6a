/**
 * `forUpdate({ nowait: true })` and `forUpdate({ skipLocked: true })` between two real sessions:
 * one holds a row's lock in an open transaction, the other asks for it. NOWAIT fails at once with
 * `LockNotAvailableError` (a plain locking read waits for ever on PostgreSQL, 50 s on MariaDB);
 * SKIP LOCKED leaves the held rows out, so that workers of a job queue take disjoint rows.
 * SQLite has no row locks: the clause compiles to nothing, and the queue runs in transactions
 * that take the database's write lock at BEGIN (`isolationLevel: "serializable"`). The one test
 * that bounds how long NOWAIT took runs alone, in lock-nowait-elapsed.test.ts; these share a lane.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { test } from "node:test";
import { LockNotAvailableError, columnsOf, select, sessionMaker } from "../../src/index.js";
import { Base, Post } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { lockJobs } from "./lock-jobs.js";

const p = columnsOf(Post);

forEachDatabaseWithSchema("NOWAIT and SKIP LOCKED between two sessions", Base.metadata, (ctx) => {
  const { noRowLocks, seedJobs, holding } = lockJobs(ctx);

  test("Core: NOWAIT on a held row through a Connection raises LockNotAvailableError with the database's code", { skip: noRowLocks }, async () => {
    const [id] = await seedJobs(1);
    const holder = await holding([id!]);
    const posts = Base.metadata.tables.get("posts")!;
    const conn = await ctx.engine.connect();
    try {
      const tx = await conn.begin();
      await assert.rejects(
        conn.execute(select(posts.c.id).where(posts.c.id.eq(id!)).forUpdate({ nowait: true })),
        (e: unknown) => e instanceof LockNotAvailableError && (ctx.db.name === "postgresql" ? e.code === "55P03" : e.code === "ER_LOCK_WAIT_TIMEOUT"),
      );
      await tx.rollback();
    } finally {
      await conn.close();
      await holder.rollback();
    }
  });

  test("SKIP LOCKED: a second worker takes the rows the first does not hold; with all held, none", { skip: noRowLocks }, async () => {
    const ids = await seedJobs(5);
    const next = (n: number) => select(Post).where(p.title.like("job %")).orderBy(p.id).limit(n).forUpdate({ skipLocked: true });
    const first = ctx.session();
    const second = ctx.session();
    const third = ctx.session();
    const taken1 = (await first.scalars(next(2))).map((post) => post.id);
    const taken2 = (await second.scalars(next(2))).map((post) => post.id);
    assert.deepEqual(taken1, ids.slice(0, 2));
    assert.deepEqual(taken2, ids.slice(2, 4), "the second worker skipped the first worker's rows");
    const taken3 = (await third.scalars(next(5))).map((post) => post.id);
    assert.deepEqual(taken3, ids.slice(4));
    await first.rollback(); // its rows are free again
    assert.deepEqual((await second.scalars(next(5))).map((post) => post.id), [...ids.slice(0, 2), ...ids.slice(2, 4)], "a worker's own locks do not hide its rows");
    await second.rollback();
    await third.rollback();
  });

  test("the job-queue pattern: workers running at once each take a job no other holds, and every job is done exactly once", async () => {
    const ids = await seedJobs(12);
    // SQLite: BEGIN IMMEDIATE takes the write lock first, so that workers run one at a time there.
    const factory = sessionMaker(ctx.engine, ctx.db.name === "sqlite" ? { isolationLevel: "serializable" } : {});
    const done = new Map<string, number[]>();
    const worker = async (name: string) => {
      done.set(name, []);
      for (;;) {
        const job = await factory.transaction(async (session) => {
          const [post] = await session.scalars(select(Post).where(p.title.like("job %")).orderBy(p.id).limit(1).forUpdate({ skipLocked: true }));
          if (post === undefined) return undefined;
          await new Promise((resolve) => setTimeout(resolve, 5)); // the work, while the row is held
          post.title = `done by ${name}`;
          return post.id;
        });
        if (job === undefined) return;
        done.get(name)!.push(job);
      }
    };
    await Promise.all(["a", "b", "c"].map(worker));
    const all = [...done.values()].flat().sort((x, y) => x - y);
    assert.deepEqual(all, ids, "each job taken once");
    assert.equal(await ctx.count("posts", "title LIKE 'done by %'"), ids.length);
    for (const [name, jobs] of done) assert.equal(await ctx.count("posts", `title = 'done by ${name}'`), jobs.length);
  });

  test("SQLite: nowait and skipLocked are accepted and the read runs as a plain one", { skip: !noRowLocks && "the server databases are tested above" }, async () => {
    const [id] = await seedJobs(1);
    const session = ctx.session();
    assert.equal((await session.scalars(select(Post).where(p.id.eq(id!)).forUpdate({ nowait: true }))).length, 1);
    assert.equal((await session.scalars(select(Post).forUpdate({ skipLocked: true }))).length, 1);
  });
  test("docs/reliability.md's job queue, examples/job-queue.ts, runs and prints what its last comment says", { timeout: 120_000 }, async () => {
    const path = "examples/job-queue.ts";
    const expected = /\/\/ (.*)\n$/.exec(readFileSync(path, "utf8"))![1];
    const args = ["--import", "tsx", path, ...(ctx.db.name === "sqlite" ? [] : [ctx.db.url])];
    const { stdout } = await promisify(execFile)(process.execPath, args, { encoding: "utf8" });
    assert.equal(stdout.trim(), expected);
    assert.match(readFileSync("docs/reliability.md", "utf8"), /examples\/job-queue\.ts/);
  });
}, { createOnce: true, sqliteFile: true });
