/**
 * A lock wait that times out in the middle of a flush, after some of its INSERTs were applied.
 * PostgreSQL's lock_timeout (55P03) and MariaDB's lock wait timeout (1205) are the same event and
 * are treated alike: the session's transaction is void, and sessionMaker().transaction retries it.
 * MariaDB rolls back only the timed-out statement (innodb_rollback_on_timeout is off by default),
 * not the transaction: an ORM that let the commit go on would commit half a unit of work. On
 * PostgreSQL the timeout (statement_timeout) aborts the transaction. Either way the commit must
 * throw, nothing of the flush may be committed, and the work must be written once later. The lock
 * is real: another connection holds the row in an open transaction.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DBAPIError, Session, TransactionRolledBackError, columnsOf, createEngine, inspect, select, sessionMaker, sql, type Connection, type Engine } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { translateMySqlError } from "../../src/dialects/mysql/errors.js";
import { asAnotherRequest } from "../support/another-request.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("lock wait timeouts in a flush", Base.metadata, (ctx) => {
  const skip = ctx.db.name === "sqlite" && "SQLite has no row locks (sqlite-busy.test.ts covers its busy wait)";
  const mysql = ctx.db.name === "mysql";
  /** One connection, whose lock wait gives up after about a second. */
  let impatient: Engine | undefined;
  before(async () => {
    if (skip) return;
    // A setting of every connection's session (SQL text run on a checked-out one lasts until it goes back to the pool).
    impatient = createEngine(ctx.db.url, { pool: { max: 1, connectStatements: [mysql ? "SET SESSION innodb_lock_wait_timeout = 1" : "SET statement_timeout = 1000"] } });
  });
  after(() => impatient?.dispose());

  /** A user with a post, committed; returns the post's id. */
  async function seed(): Promise<number> {
    const session = ctx.session();
    const user = Object.assign(new User(), { email: "owner@x" });
    const post = Object.assign(new Post(), { title: "locked" });
    user.posts.push(post);
    session.add(user);
    await session.commit();
    return post.id;
  }

  /** Another transaction holds the post's row until `release()`. */
  async function holdRow(postId: number): Promise<{ release: () => Promise<void> }> {
    const holder: Connection = await ctx.engine.connect();
    const tx = await holder.begin();
    await holder.run(`UPDATE posts SET title = 'held' WHERE id = ${postId}`);
    return { release: async () => (await tx.rollback(), await holder.close()) };
  }

  /** New users with posts (INSERTed first), and a change to the locked post (its UPDATE waits). */
  function work(session: Session, locked: Post): User[] {
    const users = [1, 2].map((i) => {
      const user = Object.assign(new User(), { email: `new${i}@x` });
      user.posts.push(Object.assign(new Post(), { title: `new post ${i}` }));
      return user;
    });
    session.addAll(users);
    locked.title = "mine";
    return users;
  }

  test("the commit throws, nothing of the flush is committed, and the work is written once afterwards", { skip }, async () => {
    const postId = await seed();
    const lock = await holdRow(postId);
    const session = new Session(impatient!);
    let released = false;
    try {
      const locked = (await session.get(Post, postId))!;
      const users = work(session, locked);
      await assert.rejects(session.commit(), (e: unknown) => e instanceof DBAPIError && /lock|timeout|cancel/i.test(e.message));
      if (mysql) {
        // The INSERTs before the timed-out UPDATE are still in the transaction: it must not commit.
        await assert.rejects(session.commit(), TransactionRolledBackError);
        await session.rollback();
        assert.ok(users.every((u) => inspect(u).status === "transient"));
        await lock.release();
        released = true;
        work(session, (await session.get(Post, postId))!);
      } else {
        // PostgreSQL aborted the transaction: the flush was rolled back, its work is pending again.
        assert.ok(users.every((u) => inspect(u).status === "pending"));
        await lock.release();
        released = true;
      }
      assert.equal(await ctx.count("users"), 1, "nothing of the failed flush was committed");
      await session.commit();
    } finally {
      if (!released) await lock.release();
      await session.close();
    }
    assert.equal(await ctx.count("users"), 3);
    assert.equal(await ctx.count("posts"), 3);
    assert.equal(await ctx.count("posts", "title = 'mine'"), 1);
  });

  test("inside a savepoint: the savepoint's commit throws, and the outer transaction commits none of it", { skip }, async () => {
    const postId = await seed();
    const lock = await holdRow(postId);
    const session = new Session(impatient!);
    try {
      session.add(Object.assign(new User(), { email: "outer@x" }));
      const locked = (await session.get(Post, postId))!;
      const savepoint = await session.beginNested();
      work(session, locked);
      await assert.rejects(savepoint.commit(), DBAPIError);
      // Whether the outer transaction may go on (PostgreSQL: back at the savepoint) or only roll
      // back (MariaDB: a lock wait timeout is retryable, which voids the transaction), what it
      // commits has nothing of the savepoint.
      await session.commit().catch(async (error: unknown) => {
        assert.ok(error instanceof TransactionRolledBackError, String(error));
        await session.rollback();
      });
    } finally {
      await lock.release();
      await session.close();
    }
    assert.equal(await ctx.count("users", "email LIKE 'new%'"), 0);
    assert.equal(await ctx.count("posts", "title = 'mine'"), 0);
  });

  test("MariaDB: sessionMaker().transaction retries the timed-out unit of work; every row once", { skip: skip || (!mysql && "PostgreSQL's statement_timeout is not a retryable error") }, async () => {
    const postId = await seed();
    const lock = await holdRow(postId);
    let attempts = 0;
    const retried = sessionMaker(impatient!).transaction(
      async (session) => {
        if (++attempts === 2) await lock.release(); // the holder lets go once the first attempt timed out
        work(session, (await session.get(Post, postId))!);
      },
      { retries: 3, backoffMs: 1 },
    );
    try {
      await retried;
    } finally {
      if (attempts < 2) await lock.release();
    }
    assert.equal(attempts, 2);
    const check = ctx.session();
    const emails = (await check.scalars(select(User).orderBy(columnsOf(User).email))).map((u) => u.email);
    assert.deepEqual(emails, ["new1@x", "new2@x", "owner@x"]);
    assert.equal(await ctx.count("posts"), 3);
    assert.equal(await ctx.count("posts", "title = 'mine'"), 1);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("lock timeouts between two sessions", Base.metadata, (ctx) => {
  const skip = ctx.db.name === "sqlite" && "SQLite has no row locks (sqlite-busy.test.ts covers its busy wait)";
  const mysql = ctx.db.name === "mysql";
  /** Lock waits give up after about a second: PostgreSQL's lock_timeout (55P03), MariaDB's innodb_lock_wait_timeout (1205). */
  let engine: Engine | undefined;
  before(() => {
    if (skip) return;
    engine = createEngine(ctx.db.url, { pool: { max: 3, connectStatements: [mysql ? "SET SESSION innodb_lock_wait_timeout = 1" : "SET lock_timeout = 1000"] } });
  });
  after(() => engine?.dispose());

  async function seed(): Promise<number> {
    const session = ctx.session();
    const user = Object.assign(new User(), { email: "owner@x" });
    const post = Object.assign(new Post(), { title: "start" });
    user.posts.push(post);
    session.add(user);
    await session.commit();
    return post.id;
  }

  /** A session that changed the post's title and flushed: it holds the row's lock until it commits. */
  async function holder(postId: number): Promise<Session> {
    const session = new Session(engine!);
    (await session.get(Post, postId))!.title = "A";
    await session.flush();
    return session;
  }

  test("the timed-out session's transaction is void on both databases: commit refuses until rollback, then the work is written once", { skip }, async () => {
    const postId = await seed();
    const winner = await holder(postId);
    const loser = new Session(engine!);
    try {
      const post = (await loser.get(Post, postId))!;
      loser.add(Object.assign(new User(), { email: "loser@x" }));
      post.title = "B";
      await assert.rejects(loser.commit(), (e: unknown) => e instanceof DBAPIError && e.retryable && /lock/i.test(e.message));
      // Not written again on its own: what the transaction read may be what the other session changes.
      await assert.rejects(loser.commit(), TransactionRolledBackError);
      await winner.commit();
      await loser.rollback();
      assert.equal(await ctx.count("users", "email = 'loser@x'"), 0);
      const fresh = (await loser.get(Post, postId))!;
      assert.equal(fresh.title, "A");
      fresh.title = "A+B";
      loser.add(Object.assign(new User(), { email: "loser@x" }));
      await loser.commit();
    } finally {
      await winner.close();
      await loser.close();
    }
    assert.equal(await ctx.count("users", "email = 'loser@x'"), 1);
    assert.equal(await ctx.count("posts", "title = 'A+B'"), 1);
  });

  test("sessionMaker().transaction retries a lock timeout, and the retry reads what the winner committed", { skip }, async () => {
    const postId = await seed();
    const winner = await holder(postId);
    let attempts = 0;
    try {
      await sessionMaker(engine!).transaction(
        async (session) => {
          if (++attempts === 2) await winner.commit(); // the holder lets go once the first attempt timed out
          const post = (await session.get(Post, postId))!;
          post.title = `${post.title}+B`;
          session.add(Object.assign(new User(), { email: `try${attempts}@x` }));
        },
        { retries: 3, backoffMs: 1 },
      );
    } finally {
      await winner.close();
    }
    assert.equal(attempts, 2);
    assert.equal(await ctx.count("posts", "title = 'A+B'"), 1, "the retry wrote on the winner's value, once");
    assert.equal(await ctx.count("users", "email LIKE 'try%'"), 1);
    assert.equal(await ctx.count("users", "email = 'try2@x'"), 1);
  });

  test("PostgreSQL: a statement_timeout is not retried (a query too slow once is as slow again)", { skip: skip || (mysql && "PostgreSQL's statement_timeout") }, async () => {
    const slow = createEngine(ctx.db.url, { pool: { max: 1, connectStatements: ["SET statement_timeout = 200"] } });
    let attempts = 0;
    try {
      await assert.rejects(
        sessionMaker(slow).transaction(async (session) => {
          attempts++;
          await session.execute(sql`SELECT pg_sleep(1)`);
        }, { retries: 3, backoffMs: 1 }),
        (e: unknown) => e instanceof DBAPIError && e.code === "57014" && !e.retryable,
      );
    } finally {
      await slow.dispose();
    }
    assert.equal(attempts, 1);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("NOWAIT on a row another session holds", Base.metadata, (ctx) => {
  const skip = ctx.db.name === "sqlite" && "SQLite has no row locks (sqlite-busy.test.ts covers its busy wait)";

  test("retryable alike on both databases (PostgreSQL 55P03, MariaDB 1205): sessionMaker().transaction retries it once the holder commits", { skip }, async () => {
    const seed = ctx.session();
    const post = Object.assign(new Post(), { title: "start" });
    seed.add(Object.assign(new User(), { email: "owner@x", posts: [post] }));
    await seed.commit();
    await seed.close();
    const holder = ctx.session();
    (await holder.get(Post, post.id))!.title = "held";
    await holder.flush(); // holds the row's lock until it commits
    let attempts = 0;
    let first: unknown;
    try {
      await sessionMaker(ctx.engine).transaction(
        async (session) => {
          attempts++;
          try {
            await session.execute(sql`SELECT id FROM posts WHERE id = ${post.id} FOR UPDATE NOWAIT`);
          } catch (error) {
            first ??= error;
            await asAnotherRequest(() => holder.commit()); // the holder (another request) lets go once the first attempt was refused
            throw error;
          }
          (await session.get(Post, post.id))!.title = "mine";
        },
        { retries: 2, backoffMs: 1 },
      );
    } finally {
      await holder.close();
    }
    assert.ok(first instanceof DBAPIError && first.retryable, `NOWAIT's error is retryable: ${String(first)}`);
    assert.equal(attempts, 2);
    assert.equal(await ctx.count("posts", "title = 'mine'"), 1);
  });
}, { createOnce: true });

test("MySQL 8's NOWAIT error (3572, ER_LOCK_NOWAIT) is retryable, as MariaDB's 1205 and PostgreSQL's 55P03 are", () => {
  const driverError = Object.assign(new Error("Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set."), { errno: 3572, code: "ER_LOCK_NOWAIT" });
  const error = translateMySqlError(driverError, "SELECT 1 FOR UPDATE NOWAIT", []);
  assert.equal(error.retryable, true);
  assert.equal(error.code, "ER_LOCK_NOWAIT");
});
