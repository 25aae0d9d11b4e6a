/**
 * A change to a session's object while its flush or commit is in flight (the promise not awaited
 * yet) used to be lost: the commit's expiry dropped it once COMMIT returned (PostgreSQL, MariaDB),
 * and the next commit resolved without writing it. It is refused now with ChangeDuringFlushError;
 * the same change made after the await is written.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChangeDuringFlushError, flagModified, sql, type Session } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("changes while the session writes", Base.metadata, (ctx) => {
  async function annInSession(): Promise<{ session: Session; ann: User }> {
    const session = ctx.session();
    const ann = Object.assign(new User(), { email: "ann@example.com", name: "Ann" });
    session.add(ann);
    await session.commit();
    await session.refresh(ann);
    return { session, ann };
  }

  const names = async () => (await ctx.engine.execute(sql<{ name: string }>`SELECT name FROM users`)).rows.map((r) => r.name);

  test("an attribute set while commit() is in flight is refused; set after it, it is written", async () => {
    const { session, ann } = await annInSession();
    ann.name = "Ann 2";
    const committing = session.commit();
    assert.throws(() => (ann.name = "Ann 3"), ChangeDuringFlushError);
    await committing;
    assert.deepEqual(await names(), ["Ann 2"]);
    await session.refresh(ann);
    ann.name = "Ann 3";
    await session.commit();
    assert.deepEqual(await names(), ["Ann 3"]);
  });

  test("refused while the commit waits for its COMMIT too, after its flush wrote", async () => {
    const { session, ann } = await annInSession();
    ann.name = "Ann 2";
    ctx.reset();
    let settled = false;
    const committing = session.commit().finally(() => (settled = true));
    // Until the flush's UPDATE has been sent (the COMMIT still to come): one microtask at a
    // time (better-sqlite3 is synchronous), letting I/O run now and then (a server's driver).
    for (let i = 0; !ctx.statements.some((s) => /^UPDATE .users. SET/.test(s)); i++) {
      await (i % 20 === 19 ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve());
      if (i > 100_000) assert.fail(`no UPDATE seen: ${ctx.statements.join("; ")}`);
    }
    assert.equal(settled, false);
    assert.throws(() => (ann.email = "ann@example.org"), /User\.email was changed while its session was flushing or committing/);
    await committing;
    await session.refresh(ann);
    assert.equal(ann.email, "ann@example.com");
  });

  test("a list changed, or an attribute flagged, while flush() is in flight is refused", async () => {
    const { session, ann } = await annInSession();
    await session.load(ann, "posts");
    ann.name = "Ann 2";
    const flushing = session.flush();
    assert.throws(() => ann.posts.push(Object.assign(new Post(), { title: "late" })), ChangeDuringFlushError);
    assert.throws(() => flagModified(ann, "name"), ChangeDuringFlushError);
    await flushing;
    assert.equal(ann.posts.length, 0);
    ann.posts.push(Object.assign(new Post(), { title: "on time" }));
    await session.commit();
    assert.equal(await ctx.count("posts", "title = 'on time'"), 1);
    assert.equal(await ctx.count("posts"), 1);
  });

  test("a merge while commit() is in flight is refused", async () => {
    const { session, ann } = await annInSession();
    ann.name = "Ann 2";
    const committing = session.commit();
    const copy = Object.assign(new User(), { id: ann.id, email: "ann@example.com", name: "Ann merged" });
    await assert.rejects(session.merge(copy), /session\.merge\(User\) was called while its session was flushing or committing/);
    await committing;
    await session.merge(copy);
    await session.commit();
    assert.deepEqual(await names(), ["Ann merged"]);
  });

  test("objects of no session, or of another, are not affected", async () => {
    const { session, ann } = await annInSession();
    const other = ctx.session();
    const bob = Object.assign(new User(), { email: "bob@example.com" });
    other.add(bob);
    ann.name = "Ann 2";
    const committing = session.commit();
    const loose = new User();
    loose.name = "nobody";
    bob.name = "Bob";
    await committing;
    await other.commit();
    assert.deepEqual((await names()).sort(), ["Ann 2", "Bob"]);
  });
}, { createOnce: true });
