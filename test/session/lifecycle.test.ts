/** Object states, identity map, get, refresh/expire/expunge/merge, autoflush, rollback. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExpiredAttributeError, InvalidRequestError, Session, columnsOf, createEngine, inspect, lazy, select } from "../../src/index.js";
import { Base, Category, Membership, Post, User, Group } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { assertSameObjects } from "../support/same-objects.js";

forEachDatabaseWithSchema("session lifecycle", Base.metadata, (ctx) => {
  test("states: transient, pending, persistent, deleted, detached", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const user = new User();
    user.email = "a@x";
    assert.equal(inspect(user).status, "transient");
    session.add(user);
    assert.equal(inspect(user).status, "pending");
    await session.flush();
    assert.equal(inspect(user).status, "persistent");
    assert.equal(typeof user.id, "number");
    session.delete(user);
    await session.flush();
    assert.equal(inspect(user).status, "deleted");
    await session.commit();
    assert.equal(inspect(user).status, "detached");
    await session.close();
  });

  test("identity map: one object per key; get of a loaded key runs no SQL", async () => {
    const writer = ctx.session();
    const user = new User();
    user.email = "b@x";
    writer.add(user);
    await writer.commit();
    await writer.close();

    const session = ctx.session();
    ctx.reset();
    const [loaded] = await session.scalars(select(User));
    const id = loaded!.id;
    assert.equal(ctx.statements.length, 1);
    ctx.reset();
    assert.equal(await session.get(User, id), loaded);
    assert.equal(ctx.statements.length, 0, "get of a loaded key is answered by the identity map");
    const [again] = await session.scalars(select(User).where(columnsOf(User).email.eq("b@x")));
    assert.equal(again, loaded, "a query returns the same object");
    assert.equal(await session.get(User, 999_999), undefined);
    await session.close();
  });

  test("get with a composite key, as an array or an object", async () => {
    const session = ctx.session();
    const user = new User();
    user.email = "c@x";
    const group = new Group();
    group.name = "g";
    user.groups.push(group);
    session.add(user);
    await session.commit();
    const other = ctx.session();
    const byArray = await other.get(Membership, [user.id, group.id]);
    assert.ok(byArray);
    assert.equal(byArray!.role, "member", "the extra column got its default");
    assert.equal(await other.get(Membership, { userId: user.id, groupId: group.id }), byArray);
    assert.deepEqual(inspect(byArray!).identity, [user.id, group.id], "inspect() gives the key values in key order");
    assert.equal(inspect(new Membership()).identity, undefined, "a transient object has no identity");
    await other.close();
    await session.close();
  });

  test("only changed columns are updated; a flush with no changes runs no SQL", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const user = new User();
    user.email = "d@x";
    user.name = "Dee";
    session.add(user);
    await session.commit();
    ctx.reset();
    await session.flush();
    assert.equal(ctx.statements.length, 0);
    user.name = "Dee";
    await session.flush();
    assert.equal(ctx.statements.length, 0, "setting the same value is no change");
    user.name = "Dora";
    await session.flush();
    assert.equal(ctx.statements.length, 1);
    assert.match(ctx.statements[0]!, /^UPDATE .*users.* SET .*name.* WHERE/);
    assert.doesNotMatch(ctx.statements[0]!, /email/);
    await session.commit();
    await session.close();
  });

  test("a new object's lists never read are empty lists after its insert, with no query", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const user = Object.assign(new User(), { email: "fresh@x" });
    session.add(user);
    await session.flush();
    ctx.reset();
    assert.equal(user.posts.length, 0);
    assert.equal(user.comments.length, 0);
    assert.deepEqual(ctx.statements, []);
    await session.commit();
  });

  test("a new object whose key the application gave keeps its unread lists to load: rows may name it by foreign key", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const user = Object.assign(new User(), { id: 77, email: "given@x" });
    const post = Object.assign(new Post(), { title: "named by key", authorId: 77 });
    session.addAll([user, post]);
    await session.flush();
    assertSameObjects(await lazy(user).posts, [post]);
    await session.commit();
  });

  test("autoflush: a query sees pending objects", async () => {
    const session = ctx.session();
    const user = new User();
    user.email = "e@x";
    session.add(user);
    const found = await session.scalars(select(User).where(columnsOf(User).email.eq("e@x")));
    assertSameObjects(found, [user]);
    await session.rollback();
    await session.close();
  });

  test("expire on commit, refresh, expire, expunge", async () => {
    const session = ctx.session();
    const user = new User();
    user.email = "f@x";
    session.add(user);
    await session.commit();
    assert.throws(() => user.email, ExpiredAttributeError);
    await session.refresh(user);
    assert.equal(user.email, "f@x");
    session.expire(user, ["email"]);
    assert.throws(() => user.email, /expired/);
    await session.refresh(user);
    session.expunge(user);
    assert.equal(inspect(user).status, "detached");
    await session.close();
  });

  test("merge copies a detached object's values onto the session's object", async () => {
    const first = ctx.session({ expireOnCommit: false });
    const user = new User();
    user.email = "g@x";
    first.add(user);
    await first.commit();
    await first.close();
    user.name = "changed while detached";

    const second = ctx.session();
    const merged = await second.merge(user);
    assert.notEqual(merged, user);
    assert.equal(merged.name, "changed while detached");
    await second.commit();
    const check = ctx.session();
    assert.equal((await check.get(User, user.id))!.name, "changed while detached");
    await check.close();
    await second.close();
  });

  // This test asserted the opposite before: a rolled-back insert stayed pending and the next
  // commit wrote it, replaying work the application had rolled back.
  test("rollback discards the transaction's work: flushed inserts leave the session and no later commit writes them", async () => {
    const session = ctx.session();
    const category = new Category();
    category.name = "root";
    session.add(category);
    await session.flush();
    assert.notEqual(category.id, undefined);
    await session.rollback();
    const rows = async () => {
      const check = ctx.session(); // one at a time: SQLite in memory has a single connection
      const found = await check.scalars(select(Category));
      await check.close();
      return found.length;
    };
    assert.equal(await rows(), 0);
    assert.equal(inspect(category).status, "transient", "the rolled-back insert left the session");
    assert.equal(category.id ?? undefined, undefined, "the key the database generated was never committed");
    assert.equal(category.name, "root", "the object keeps its values");
    await session.commit();
    assert.equal(await rows(), 0, "the commit after the rollback writes nothing");
    session.add(category);
    await session.commit();
    assert.equal(inspect(category).status, "persistent", "added again, it is written once");
    assert.equal(await rows(), 1);
    await session.close();
  });

  test("rollback and close send one ROLLBACK each, commit none", async () => {
    const sent: string[] = [];
    const engine = createEngine(ctx.db.url, { echo: (message) => void sent.push(message.split("\n")[0]!) });
    try {
      if (ctx.db.name === "sqlite") await Base.metadata.createAll(engine); // a memory database of its own
      const rollbacks = () => sent.filter((s) => /^ROLLBACK\b/i.test(s)).length;
      const session = new Session(engine);
      const category = new Category();
      category.name = "rolled back";
      session.add(category);
      await session.flush();
      await session.rollback();
      assert.equal(rollbacks(), 1, "rollback()");
      session.add(category); // transient again after the rollback
      await session.flush();
      await session.close();
      assert.equal(rollbacks(), 2, "close() with a transaction open");
      const other = new Session(engine);
      other.add(category);
      await other.commit();
      await other.close();
      assert.equal(rollbacks(), 2, "commit() and close() after it");
    } finally {
      await engine.dispose();
    }
  });

  test("an object cannot belong to two sessions", async () => {
    const a = ctx.session();
    const b = ctx.session();
    const user = new User();
    user.email = "h@x";
    a.add(user);
    assert.throws(() => b.add(user), InvalidRequestError);
    await a.close();
    await b.close();
  });
}, { createOnce: true });
