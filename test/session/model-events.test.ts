/**
 * Validators and model lifecycle hooks (docs/events.md) on SQLite, PostgreSQL and MariaDB: when
 * they run, in which order, what their changes become, and what a hook that throws leaves (a
 * failed flush: rolled back to where it began, the session usable, nothing half-written).
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { ChangeDuringFlushError, InvalidRequestError, select, sql, undefer } from "../../src/index.js";
import { actions, EvAudit, EvAuthor, EvPost, EventsBase, faults, HookFault, log } from "./fixtures/events.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const author = (name: string, email = `${name}@example.com`) => Object.assign(new EvAuthor(), { name, email });
const post = (title: string) => Object.assign(new EvPost(), { title });

forEachDatabaseWithSchema("validators and model hooks", EventsBase.metadata, (ctx) => {
  afterEach(() => {
    log.length = 0;
    faults.clear();
    delete actions.beforeUpdate;
    delete actions.afterInsert;
  });

  const emails = async () => (await ctx.engine.execute(sql<{ email: string }>`SELECT email FROM ev_authors ORDER BY id`)).rows.map((r) => r.email);

  test("a validator normalises what the application assigns, not what a row holds", async () => {
    const ann = author("ann", "  Ann@Example.COM ");
    assert.equal(ann.email, "ann@example.com");
    const session = ctx.session();
    session.add(ann);
    await session.commit();
    await ctx.engine.execute(sql`UPDATE ev_authors SET email = ${"ANN@EXAMPLE.COM"}`);
    log.length = 0;
    const loaded = (await ctx.session().scalars(select(EvAuthor)))[0]!;
    assert.equal(loaded.email, "ANN@EXAMPLE.COM");
    assert.deepEqual(log, []);
  });

  test("a validator that throws leaves the attribute as it was, and nothing to write", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const ann = author("ann");
    session.add(ann);
    await session.commit();
    ctx.reset();
    assert.throws(() => (ann.email = "not an address"), HookFault);
    assert.equal(ann.email, "ann@example.com");
    await session.commit();
    assert.deepEqual(ctx.statements, []);
    assert.deepEqual(await emails(), ["ann@example.com"]);
  });

  test("a list's validator refuses a member pushed, assigned in a list, or linked from its other side", async () => {
    const ann = author("ann");
    const first = post("first");
    ann.posts.push(first);
    assert.throws(() => ann.posts.push(post("spam")), HookFault);
    assert.deepEqual(ann.posts.map((p) => p.title), ["first"]);
    // Assigned whole: refused before the list changes, the old list whole.
    assert.throws(() => (ann.posts = [first, post("second"), post("spam")]), HookFault);
    assert.deepEqual(ann.posts.map((p) => p.title), ["first"]);
    assert.equal(first.author, ann);
    // From the other side of the pair: the many-to-one assigned runs the list's validator.
    const spam = post("spam");
    assert.throws(() => (spam.author = ann), HookFault);
    assert.equal(spam.author, null);
    assert.deepEqual(ann.posts.map((p) => p.title), ["first"]);
    log.length = 0;
    ann.posts = [first, post("second")];
    assert.deepEqual(log, ["EvAuthor.validates posts+second"]); // once: checked before the list changes, not again when pushed
    const session = ctx.session();
    session.add(ann);
    await session.commit();
    assert.equal(await ctx.count("ev_posts"), 2);
  });

  test("beforeInsert and beforeUpdate changes go into the same statement (an updatedAt stamp)", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const ann = author("ann");
    session.add(ann);
    ctx.reset();
    await session.commit();
    assert.equal(ctx.statements.filter((s) => /^INSERT/.test(s)).length, 1);
    assert.equal(ctx.statements.filter((s) => /^UPDATE/.test(s)).length, 0);
    const row = async () => {
      const reader = ctx.session();
      const [read] = await reader.scalars(select(EvAuthor));
      await reader.close(); // SQLite in memory has one connection
      return read!;
    };
    const inserted = (await row()).updatedAt;
    assert.ok(inserted instanceof Date);
    ann.name = "Ann";
    ctx.reset();
    await session.commit();
    assert.deepEqual(ctx.statements.filter((s) => /^(INSERT|UPDATE)/.test(s)).length, 1);
    assert.match(ctx.statements[0]!, /^UPDATE .ev_authors. SET .*updatedAt.*revision/);
    const updated = await row();
    assert.equal(updated.revision, 1);
    assert.ok(updated.updatedAt!.getTime() >= inserted.getTime());
  });

  test("hooks run in the flush's order: parents' inserts first, children's deletes first; async hooks awaited", async () => {
    const session = ctx.session();
    const ann = author("ann");
    ann.posts.push(post("a"), post("b"));
    session.add(ann);
    await session.commit();
    assert.deepEqual(
      log.filter((e) => !e.includes("validates")),
      ["EvAuthor.beforeInsert ann", "EvPost.beforeInsert a", "EvPost.beforeInsert b", "EvAuthor.afterInsert ann id=number", "EvPost.afterInsert a", "EvPost.afterInsert b"],
    );
    log.length = 0;
    const loaded = (await session.scalars(select(EvAuthor)))[0]!;
    await session.load(loaded, "posts");
    log.length = 0;
    session.delete(loaded);
    await session.commit();
    assert.deepEqual(log, ["EvPost.beforeDelete a", "EvPost.beforeDelete b", `EvAuthor.beforeDelete ${loaded.id}`, "EvPost.afterDelete a", "EvPost.afterDelete b", `EvAuthor.afterDelete ${loaded.id}`]);
    assert.equal(await ctx.count("ev_posts"), 0);
  });

  test("a beforeInsert hook that throws fails the flush: nothing written, the error as thrown, the session usable", async () => {
    const session = ctx.session();
    const ann = author("ann");
    ann.posts.push(post("a"));
    session.add(ann);
    faults.add("EvPost.beforeInsert");
    await assert.rejects(session.commit(), (error) => error instanceof HookFault);
    assert.equal(await ctx.count("ev_authors"), 0);
    faults.clear();
    await session.commit();
    assert.equal(await ctx.count("ev_authors"), 1);
    assert.equal(await ctx.count("ev_posts"), 1);
  });

  test("an afterInsert hook that throws, after the INSERTs ran, rolls them back; the next commit writes them once", async () => {
    const session = ctx.session();
    const ann = author("ann");
    ann.posts.push(post("a"), post("b"));
    session.add(ann);
    faults.add("EvPost.afterInsert");
    await assert.rejects(session.commit(), HookFault);
    assert.ok(log.includes("EvPost.afterInsert a"));
    assert.equal(await ctx.count("ev_authors"), 0);
    assert.equal(await ctx.count("ev_posts"), 0);
    assert.equal(ann.id ?? undefined, undefined);
    faults.clear();
    await session.commit();
    assert.equal(await ctx.count("ev_authors"), 1);
    assert.equal(await ctx.count("ev_posts"), 2);
  });

  test("a hook that throws inside a savepoint rolls back to the savepoint only; the outer transaction goes on", async () => {
    const session = ctx.session();
    session.add(author("ann"));
    await session.flush();
    const savepoint = await session.beginNested();
    const bob = author("bob");
    bob.posts.push(post("b"));
    session.add(bob);
    faults.add("EvPost.afterInsert");
    await assert.rejects(savepoint.commit(), HookFault);
    faults.clear();
    await session.commit();
    assert.deepEqual((await ctx.engine.execute(sql<{ name: string }>`SELECT name FROM ev_authors`)).rows.map((r) => r.name), ["ann"]);
    assert.equal(await ctx.count("ev_posts"), 0);
  });

  test("a beforeDelete hook refuses a delete (a cascaded one too): nothing deleted", async () => {
    const session = ctx.session();
    const ann = author("ann");
    ann.posts.push(post("a"));
    session.add(ann);
    await session.commit();
    const loaded = (await session.scalars(select(EvAuthor)))[0]!;
    await session.load(loaded, "posts");
    session.delete(loaded);
    faults.add("EvPost.beforeDelete");
    await assert.rejects(session.commit(), HookFault);
    assert.equal(await ctx.count("ev_authors"), 1);
    assert.equal(await ctx.count("ev_posts"), 1);
    // The deletes are pending again: the next commit makes them.
    faults.clear();
    log.length = 0;
    await session.commit();
    assert.equal(await ctx.count("ev_authors"), 0);
    assert.equal(await ctx.count("ev_posts"), 0);
    assert.deepEqual(log.filter((e) => e.includes("afterDelete")), ["EvPost.afterDelete a", `EvAuthor.afterDelete ${loaded.id}`]);
  });

  test("a beforeUpdate hook may add an object: it is inserted by the same flush", async () => {
    const session = ctx.session();
    session.add(author("ann"));
    await session.commit();
    actions.beforeUpdate = (changed) => session.add(Object.assign(new EvAudit(), { message: `updated ${changed.name}` }));
    const ann = (await session.scalars(select(EvAuthor)))[0]!;
    ann.name = "Ann";
    ctx.reset();
    await session.flush();
    assert.ok(ctx.statements.some((s) => /^INSERT INTO .ev_audits./.test(s)));
    await session.commit();
    assert.equal(await ctx.count("ev_audits"), 1);
  });

  test("a beforeUpdate hook that changes another object: that one is written by the same flush, its own hook run once", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const ann = author("ann");
    const bob = author("bob");
    session.addAll([ann, bob]);
    await session.commit();
    actions.beforeUpdate = (changed) => {
      if (changed === ann) bob.name = "bob (seen by ann)";
    };
    ann.name = "Ann";
    ctx.reset();
    log.length = 0;
    await session.commit();
    assert.deepEqual(log.filter((e) => e.includes("beforeUpdate")), ["EvAuthor.beforeUpdate Ann", "EvAuthor.beforeUpdate bob (seen by ann)"]);
    assert.equal(ctx.statements.filter((s) => /^UPDATE/.test(s)).length, 2);
    const read = ctx.session();
    const rows = (await read.scalars(select(EvAuthor))).map((a) => [a.name, a.revision]).sort();
    assert.deepEqual(rows, [["Ann", 1], ["bob (seen by ann)", 1]]);
  });

  test("an after hook that changes an object fails the flush with ChangeDuringFlushError: nothing is half-written", async () => {
    const session = ctx.session();
    const ann = author("ann");
    ann.posts.push(post("a"));
    session.add(ann);
    actions.afterInsert = (p) => {
      p.title = "changed after the INSERT";
    };
    await assert.rejects(session.commit(), ChangeDuringFlushError);
    assert.equal(await ctx.count("ev_posts"), 0);
    delete actions.afterInsert;
    await session.commit();
    assert.deepEqual((await ctx.engine.execute(sql<{ title: string }>`SELECT title FROM ev_posts`)).rows.map((r) => r.title), ["a"]);
  });

  test("a hook may query (no autoflush waits for its own flush); a commit from a hook is refused", async () => {
    const session = ctx.session({ expireOnCommit: false });
    session.add(author("ann"));
    await session.commit();
    const ann = (await session.scalars(select(EvAuthor)))[0]!;
    let seen: number | undefined;
    actions.beforeUpdate = async () => {
      seen = (await session.scalars(select(EvAuthor))).length;
    };
    ann.name = "Ann";
    await session.commit();
    assert.equal(seen, 1);
    actions.beforeUpdate = () => session.commit();
    ann.name = "Ann 2";
    await assert.rejects(session.commit(), InvalidRequestError);
    actions.beforeUpdate = async () => void (await session.beginNested());
    await assert.rejects(session.commit(), /session\.beginNested\(\) was called from a flush hook/);
    delete actions.beforeUpdate;
    await session.commit();
    assert.deepEqual((await ctx.engine.execute(sql<{ name: string }>`SELECT name FROM ev_authors`)).rows.map((r) => r.name), ["Ann 2"]);
  });

  test("before-hooks read an expired object's columns: the flush reads them first, one SELECT", async () => {
    const session = ctx.session();
    session.add(author("ann"));
    await session.commit();
    const [ann] = await session.scalars(select(EvAuthor));
    await session.commit(); // every object expires
    ann!.name = "Ann"; // revision, which the beforeUpdate hook increments, is expired
    ctx.reset();
    await session.commit();
    assert.equal(ctx.statements.filter((s) => /^SELECT/.test(s)).length, 1);
    const [again] = await session.scalars(select(EvAuthor));
    assert.deepEqual([again!.name, again!.revision], ["Ann", 1]);
  });

  test("afterLoad runs for objects made from rows and for refreshed ones, not for objects already loaded", async () => {
    const session = ctx.session();
    const ann = author("ann");
    ann.posts.push(post("a"));
    session.add(ann);
    await session.commit();
    const reader = ctx.session();
    const [loaded] = await reader.scalars(select(EvPost));
    assert.equal(loaded!.loads, 1);
    await reader.scalars(select(EvPost));
    assert.equal(loaded!.loads, 1);
    // A deferred column read later is no new load of the object.
    await reader.scalars(select(EvPost).options(undefer(EvPost, "body")));
    assert.equal(loaded!.loads, 1);
    await reader.refresh(loaded!);
    assert.equal(loaded!.loads, 2);
    reader.expire(loaded!);
    await reader.scalars(select(EvPost));
    assert.equal(loaded!.loads, 3);
  });
}, { createOnce: true });
