/**
 * `sessionMaker().transaction(fn)` retried after a real deadlock (two sessions locking two rows in
 * opposite orders): the retry commits each row once, and objects made or loaded outside `fn` and
 * added inside it enter the retry as they were before the failed attempt. A detached object
 * changed outside `fn` used to lose its change: the failed attempt's rollback expired it, the
 * retry added it back with nothing to write, and the retried commit resolved without the change.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, inspect, select, sessionMaker, sql, type Session } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { asAnotherRequest } from "../support/another-request.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("retried transactions and objects from outside", Base.metadata, (ctx) => {
  const byEmail = async (session: Session, email: string) => (await session.scalars(select(User).where(columnsOf(User).email.eq(email))))[0]!;

  async function seed(...emails: string[]): Promise<void> {
    const session = ctx.session();
    for (const email of emails) session.add(Object.assign(new User(), { email, name: "before" }));
    await session.commit();
    await session.close();
  }

  /** Loaded in a session that is then closed: detached, with its values. */
  async function detached(email: string): Promise<User> {
    const session = ctx.session({ expireOnCommit: false });
    const user = await byEmail(session, email);
    await session.close();
    return user;
  }

  async function rows(): Promise<{ users: User[]; posts: Post[] }> {
    const check = ctx.session();
    const users = await check.scalars(select(User).orderBy(columnsOf(User).email));
    const posts = await check.scalars(select(Post).orderBy(columnsOf(Post).title));
    await check.close();
    return { users, posts };
  }

  test("rollback() sends a detached object added back in the transaction away detached, its changes kept to be written when added again", async () => {
    await seed("d@x");
    const user = await detached("d@x");
    user.name = "changed while detached";
    const session = ctx.session();
    session.add(user);
    await session.flush(); // its UPDATE, rolled back below
    await session.rollback();
    assert.equal(inspect(user).status, "detached");
    assert.equal(user.name, "changed while detached", "not expired: the change is kept");
    await session.commit();
    assert.equal((await rows()).users[0]!.name, "before", "nothing of the rolled-back transaction is written");
    session.add(user);
    await session.commit();
    assert.equal((await rows()).users[0]!.name, "changed while detached");
  });

  test("rollback() drops what was changed on a detached object after it joined, and keeps what was changed while detached", async () => {
    await seed("j@x");
    const user = await detached("j@x");
    user.name = "changed while detached";
    const session = ctx.session();
    session.add(user);
    user.email = "changed-in-session@x"; // the transaction's change
    await session.flush();
    await session.rollback();
    assert.deepEqual([inspect(user).status, user.name, user.email], ["detached", "changed while detached", "j@x"]);
    session.add(user);
    await session.commit();
    assert.deepEqual((await rows()).users.map((u) => [u.email, u.name]), [["j@x", "changed while detached"]]);
  });

  test("expunged and added again: a rollback sends it away as it joined the second time, with what was changed while it was out", async () => {
    await seed("e@x");
    const user = await detached("e@x");
    const session = ctx.session();
    session.add(user);
    session.expunge(user);
    user.name = "changed while out";
    session.add(user);
    await session.flush();
    await session.rollback();
    assert.deepEqual([inspect(user).status, user.name], ["detached", "changed while out"]);
  });

  test("a deadlock retried by sessionMaker().transaction: every row once, new objects with fresh keys, detached objects' changes written", { skip: ctx.db.name === "sqlite" && "SQLite serializes writers: no deadlock" }, async () => {
    await seed("one@x", "two@x", "d0@x", "d1@x");
    const outsideNew = [0, 1].map((i) => {
      const user = Object.assign(new User(), { email: `new${i}@x`, name: `new${i}` });
      user.posts.push(Object.assign(new Post(), { title: `p${i}a` }), Object.assign(new Post(), { title: `p${i}b` }));
      return user;
    });
    const outsideDetached = [await detached("d0@x"), await detached("d1@x")];
    outsideDetached.forEach((user, i) => (user.name = `changed outside ${i}`));
    const attempts = [0, 0];
    let arrived = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const Session = sessionMaker(ctx.engine);
    const side = (i: number) =>
      Session.transaction(
        async (session) => {
          attempts[i]!++;
          // The victim's retry reads once the other side has committed. Read before, its UPDATE
          // waited for that commit and then, under MariaDB's innodb_snapshot_isolation (on by
          // default from 11.6.2), failed again (1020: the row changed since its snapshot): a
          // third attempt, by timing alone.
          if (attempts[i] === 2 && attempts[1 - i] === 1) await sides[1 - i]!.catch(() => undefined);
          (await byEmail(session, i === 0 ? "one@x" : "two@x")).name = `side ${i}`;
          await session.flush(); // each locks its own row...
          if (attempts[i] === 1 && ++arrived === 2) bothLocked();
          if (attempts[i] === 1) await barrier;
          session.add(outsideNew[i]!);
          session.add(outsideDetached[i]!);
          (await byEmail(session, i === 0 ? "two@x" : "one@x")).name = `side ${i}`;
          await session.flush(); // ...then the other's: a deadlock, after the INSERTs and the detached object's UPDATE
        },
        { retries: 3, backoffMs: 5, expireOnCommit: false },
      );
    const sides = [side(0), side(1)];
    await Promise.all(sides);
    assert.deepEqual([...attempts].sort(), [1, 2], "one side was the victim and ran again");
    const { users, posts } = await rows();
    assert.deepEqual(
      users.map((u) => [u.email, u.name]),
      [
        ["d0@x", "changed outside 0"],
        ["d1@x", "changed outside 1"],
        ["new0@x", "new0"],
        ["new1@x", "new1"],
        ["one@x", users[4]!.name],
        ["two@x", users[4]!.name],
      ],
    );
    assert.ok(["side 0", "side 1"].includes(users[4]!.name!), "the side that committed last wrote both locked rows");
    assert.deepEqual(posts.map((p) => p.title), ["p0a", "p0b", "p1a", "p1b"], "each post once");
    for (const user of outsideNew) {
      assert.equal(user.id, users.find((u) => u.email === user.email)!.id, "the object holds its committed row's key, not the failed attempt's");
      for (const post of user.posts) {
        const row = posts.find((p) => p.title === post.title)!;
        assert.deepEqual([post.id, post.authorId], [row.id, user.id]);
      }
    }
  });
}, { createOnce: true, sqliteFile: true });

forEachDatabaseWithSchema("retried transactions: write skew between two sessions", Base.metadata, (ctx) => {
  test("PostgreSQL: a COMMIT refused with a serialization failure is retried (its outcome is known): one user stays on call, each row once", { skip: ctx.db.name !== "postgresql" && "PostgreSQL's serializable snapshot isolation" }, async () => {
    const seed = ctx.session();
    for (const email of ["a@x", "b@x"]) seed.add(Object.assign(new User(), { email, name: "on call" }));
    await seed.commit();
    const Session = sessionMaker(ctx.engine);
    const attempts = [0, 0];
    let read = 0;
    let bothRead!: () => void;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    let firstDone: Promise<boolean> | undefined;
    const logs = [0, 1].map((i) => Object.assign(new Post(), { title: `went off call ${i}` }));
    const goOffCall = (i: number) =>
      Session.transaction(
        async (session) => {
          attempts[i]!++;
          const onCall = await session.scalars(select(User).where(columnsOf(User).name.eq("on call")));
          if (onCall.length < 2) return false;
          const me = onCall.find((u) => u.email === (i === 0 ? "a@x" : "b@x"))!;
          me.name = "off call";
          logs[i]!.author = me; // a new object made outside the callback
          session.add(logs[i]!);
          await session.flush(); // no row of the other's: both flushes go through
          if (attempts[i] === 1 && ++read === 2) bothRead();
          if (attempts[i] === 1) await barrier;
          if (i === 1 && attempts[i] === 1) await firstDone; // the first commits, then this one's COMMIT fails
          return true;
        },
        { isolationLevel: "serializable", retries: 3, backoffMs: 5 },
      );
    firstDone = goOffCall(0);
    const results = await Promise.all([firstDone, goOffCall(1)]);
    assert.deepEqual(results, [true, false], "the retried one saw the other's commit");
    assert.deepEqual(attempts, [1, 2]);
    assert.equal(await ctx.count("users", "name = 'on call'"), 1);
    assert.equal(await ctx.count("posts"), 1, "only the first one's log, once");
    assert.equal(inspect(logs[1]!).status, "transient", "inserted by the failed attempt only");
    assert.equal(logs[1]!.id, null, "without the key of the failed attempt's INSERT");
  });
}, { createOnce: true, sqliteFile: true });

forEachDatabaseWithSchema("retried transactions: changes made in fn to an object from outside", CounterBase.metadata, (ctx) => {
  // The failed attempt's rollback kept the decrement it made on the detached object, and the
  // retry made it again: the commit resolved with the counter decremented twice.
  test("an object loaded outside fn, added and changed in it; the attempt fails (StaleDataError, another transaction's write): the retry writes the change once", async () => {
    const seed = ctx.session({ expireOnCommit: false });
    seed.addAll([Object.assign(new SxCounter(), { id: 1, name: "stock", value: 10 }), Object.assign(new SxCounter(), { id: 2, name: "sold", value: 0 })]);
    await seed.commit();
    const stock = (await seed.get(SxCounter, 1))!;
    await seed.close();
    let attempts = 0;
    await sessionMaker(ctx.engine).transaction(async (session) => {
      attempts++;
      session.add(stock);
      stock.value -= 3;
      const sold = (await session.get(SxCounter, 2))!;
      sold.value += 3;
      // Another transaction moves the row on after this one read it: the flush's UPDATE of it fails.
      if (attempts === 1) await asAnotherRequest(() => ctx.engine.execute(sql`UPDATE sx_counters SET version = version + 1 WHERE id = 2`));
      await session.flush();
    });
    assert.equal(attempts, 2);
    const { rows } = await ctx.engine.execute(sql<{ id: number; value: number }>`SELECT id, value FROM sx_counters ORDER BY id`);
    assert.deepEqual(rows.map((row) => [Number(row.id), Number(row.value)]), [[1, 7], [2, 3]]);
  });
}, { sqliteFile: true });
