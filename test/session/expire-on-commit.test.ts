/**
 * Expire-on-commit visits only the objects reached since the session last expired its objects
 * (a walk over the whole identity map made every commit slower as the session grew). Whatever
 * gives an object values in a later transaction must bring it back into that list: else its
 * values outlive the next commit, and a query returns them instead of what the database holds
 * (the identity map keeps loaded values, as SQLAlchemy's does). Each test gives values to an
 * object along one path in the second transaction of a session, commits, has another
 * connection change the row, and queries: the query must see the change.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExpiredAttributeError, columnsOf, insert, selectinLoad, select, sql, update, type Session } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { peekState } from "../../src/orm/state/instance-state.js";
import { checkExpiryOnCommit } from "../../src/orm/session/expiry-check.js";

forEachDatabaseWithSchema("expire on commit", Base.metadata, (ctx) => {
  /** Ann with two posts, committed; a session that loaded them, then committed (all expired). */
  async function expiredAnn(): Promise<{ session: Session; ann: User }> {
    const seed = ctx.session();
    const ann = Object.assign(new User(), { email: "ann@example.com", name: "Ann" });
    ann.posts.push(Object.assign(new Post(), { title: "one" }), Object.assign(new Post(), { title: "two" }));
    seed.add(ann);
    await seed.commit();
    const session = ctx.session();
    const [loaded] = await session.scalars(select(User).options(selectinLoad(User, "posts")));
    await session.commit();
    assert.throws(() => loaded!.name, ExpiredAttributeError);
    return { session, ann: loaded! };
  }

  /** Another connection renames Ann and retitles her posts. */
  async function changeBehindTheBack(): Promise<void> {
    await ctx.engine.execute(sql`UPDATE users SET name = 'Annie'`);
    await ctx.engine.execute(sql`UPDATE posts SET title = 'changed'`);
  }

  async function nameAndTitlesNow(session: Session): Promise<[string | null, string[]]> {
    const [user] = await session.scalars(select(User).options(selectinLoad(User, "posts")));
    return [user!.name, user!.posts.map((p) => p.title).sort()];
  }

  test("an object assigned to in the second transaction expires at its commit", async () => {
    const { session, ann } = await expiredAnn();
    ann.email = "ann@example.org";
    await session.commit();
    await changeBehindTheBack();
    assert.deepEqual(await nameAndTitlesNow(session), ["Annie", ["changed", "changed"]]);
  });

  test("objects filled again by a query in the second transaction expire at its commit", async () => {
    const { session } = await expiredAnn();
    const [user] = await session.scalars(select(User).options(selectinLoad(User, "posts")));
    assert.deepEqual([user!.name, user!.posts.length], ["Ann", 2]);
    await session.commit();
    await changeBehindTheBack();
    assert.deepEqual(await nameAndTitlesNow(session), ["Annie", ["changed", "changed"]]);
  });

  test("objects reloaded by session.get, refresh and load expire at the next commit", async () => {
    const { session, ann } = await expiredAnn();
    await session.refresh(ann);
    await session.load(ann, "posts");
    assert.equal((await session.get(User, ann.id))!.name, "Ann");
    await session.commit();
    await changeBehindTheBack();
    assert.deepEqual(await nameAndTitlesNow(session), ["Annie", ["changed", "changed"]]);
  });

  test("an object merged into in the second transaction expires at its commit", async () => {
    const { session, ann } = await expiredAnn();
    const copy = Object.assign(new User(), { id: ann.id, email: "ann@example.com", name: "Ann merged" });
    await session.merge(copy);
    await session.commit();
    await changeBehindTheBack();
    assert.deepEqual(await nameAndTitlesNow(session), ["Annie", ["changed", "changed"]]);
  });

  test("objects an evaluated bulk UPDATE changed in memory expire at the next commit", async () => {
    const { session } = await expiredAnn();
    const [first] = await session.scalars(select(Post).orderBy(columnsOf(Post).id)); // loaded again: the evaluation applies to them
    await session.execute(update(Post).where(columnsOf(Post).id.eq(first!.id)).values({ title: "uno" }), { synchronizeSession: "evaluate" });
    assert.equal(first!.title, "uno");
    await session.commit();
    await changeBehindTheBack();
    assert.deepEqual(await nameAndTitlesNow(session), ["Annie", ["changed", "changed"]]);
  });

  test("objects not reached for several commits stay expired, and expire again once reached", async () => {
    const { session, ann } = await expiredAnn();
    for (let i = 0; i < 3; i++) {
      session.add(Object.assign(new User(), { email: `u${i}@example.com` }));
      await session.commit();
    }
    assert.throws(() => ann.name, ExpiredAttributeError);
    await session.refresh(ann);
    await session.commit();
    await changeBehindTheBack();
    assert.deepEqual(await nameAndTitlesNow(session), ["Annie", ["changed", "changed"]]);
  });

  test("a stream's released objects do not stay on the list of objects to expire", async () => {
    const session = ctx.session();
    await session.execute(insert(User), Array.from({ length: 5_000 }, (_, i) => ({ email: `u${i}@example.com` })));
    await session.commit();
    let seen = 0;
    for await (const user of session.stream(select(User), { yieldPer: 100 })) seen += user.email ? 1 : 0;
    assert.equal(seen, 5_000);
    // Each batch's 100 objects leave the session after it: the list is compacted as they go.
    const toExpire = (session as unknown as { identity: { reachedCount: number } }).identity.reachedCount;
    assert.ok(toExpire <= 2_500, `${toExpire} states held for 100 objects in the session`);
  });

  test("the test suite's check finds an object given values without being reached", async () => {
    checkExpiryOnCommit(); // on already under `npm test` (test/support/check-expiry.ts); also when this file runs alone
    const { session, ann } = await expiredAnn();
    await session.commit(); // expiredAnn read ann (reaching it): this commit expires it, unreached
    // What a path that bypassed stateOf would do: the state changed, the session not told.
    peekState(ann)!.expired = undefined;
    await assert.rejects(session.commit(), /kept loaded values past expire-on-commit/);
  });
}, { createOnce: true });
