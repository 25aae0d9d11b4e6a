/**
 * An object linked to the session's objects from its own side only (`association.parent =
 * parent`, the parent in the session, the association in none) is written at the next commit or
 * `flush()`, as the object graph shows it (the parent's list holds it). SQLAlchemy 2.0 leaves it
 * out of the flush with a warning; the commit used to resolve here without its row. An autoflush
 * does not take it: the application may not have finished building it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, select, selectinLoad, type Session } from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { DlComment, DlLabel, DlPost, DuplicateLinksBase } from "./fixtures/duplicate-links.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("an association object linked from its own side", Base.metadata, (ctx) => {
  /** Parent 1 and children 10, 11 committed; a new session. */
  async function seeded(): Promise<Session> {
    const setup = ctx.session();
    setup.addAll([Object.assign(new Parent(), { id: 1 }), Object.assign(new Child(), { id: 10 }), Object.assign(new Child(), { id: 11 })]);
    await setup.commit();
    await setup.close();
    ctx.reset();
    return ctx.session();
  }
  const links = async () => {
    const session = ctx.session();
    try {
      const rows = await session.scalars(select(Association));
      return rows.map((a) => `${a.leftId}-${a.rightId}:${a.extraData}`).sort();
    } finally {
      await session.close();
    }
  };

  test("to a parent and a child loaded by key, their lists not loaded: written at commit", async () => {
    const session = await seeded();
    const association = Object.assign(new Association(), { parent: (await session.get(Parent, 1))!, child: (await session.get(Child, 10))!, extraData: "met at school" });
    await session.commit();
    assert.equal(inspect(association).status, "persistent");
    await session.close();
    assert.deepEqual(await links(), ["1-10:met at school"]);
  });

  test("to a parent whose lists are loaded: both views show it at once, and the commit writes it", async () => {
    const session = await seeded();
    const [parent] = await session.scalars(select(Parent).options(selectinLoad(Parent, "children"), selectinLoad(Parent, "childAssociations")));
    const child = (await session.get(Child, 11))!;
    const association = Object.assign(new Association(), { parent: parent!, child, extraData: "neighbours" });
    assert.ok(parent!.childAssociations.includes(association));
    assert.deepEqual(parent!.children.map((c) => c.id), [11]);
    await session.commit();
    await session.close();
    assert.deepEqual(await links(), ["1-11:neighbours"]);
  });

  test("an autoflush does not write it half-built; the commit writes it complete", async () => {
    const session = await seeded();
    const association = new Association();
    association.parent = (await session.get(Parent, 1))!;
    const children = await session.scalars(select(Child)); // autoflushes: the association has no child yet
    assert.equal(ctx.statements.filter((s) => /INSERT/i.test(s)).length, 0, ctx.statements.join("\n"));
    association.child = children[0]!;
    association.extraData = "later";
    await session.commit();
    await session.close();
    assert.deepEqual(await links(), ["1-10:later"]);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("objects linked from their own side", DuplicateLinksBase.metadata, (ctx) => {
  /** Post 1 committed; a new session holding it. */
  async function seeded(): Promise<{ session: Session; post: DlPost }> {
    const setup = ctx.session();
    setup.add(Object.assign(new DlPost(), { id: 1 }));
    await setup.commit();
    await setup.close();
    const session = ctx.session();
    return { session, post: (await session.get(DlPost, 1))! };
  }

  test("a many-to-many from the new object's side: the object and its link are written", async () => {
    const { session, post } = await seeded();
    const label = Object.assign(new DlLabel(), { id: 9, name: "new" });
    label.posts.push(post);
    await session.commit();
    assert.equal(await ctx.count("dl_labels"), 1);
    assert.equal(await ctx.count("dl_post_labels", "post_id = 1 AND label_id = 9"), 1);
  });

  test("flush() takes it too", async () => {
    const { session, post } = await seeded();
    const comment = Object.assign(new DlComment(), { id: 5, post });
    await session.flush();
    assert.equal(inspect(comment).status, "persistent");
    await session.commit();
    assert.equal(await ctx.count("dl_comments", "post_id = 1"), 1);
  });

  test("linked elsewhere again before the commit: not written", async () => {
    const { session, post } = await seeded();
    const comment = Object.assign(new DlComment(), { id: 5, post });
    comment.post = Object.assign(new DlPost(), { id: 2 }); // a post in no session
    await session.commit();
    assert.equal(inspect(comment).status, "transient");
    assert.equal(await ctx.count("dl_comments"), 0);
    assert.equal(await ctx.count("dl_posts"), 1);
  });

  test("linked inside a savepoint: its rollback forgets it, its release keeps it for the commit", async () => {
    const { session, post } = await seeded();
    const undone = await session.beginNested();
    const dropped = Object.assign(new DlComment(), { id: 5, post });
    await undone.rollback();
    const kept = await session.beginNested();
    const comment = Object.assign(new DlComment(), { id: 6, post });
    await kept.commit();
    await session.commit();
    assert.deepEqual([inspect(dropped).status, inspect(comment).status], ["transient", "persistent"]);
    assert.equal(await ctx.count("dl_comments"), 1);
    assert.equal(await ctx.count("dl_comments", "id = 6"), 1);
  });

  test("a rollback discards it with the rest of the transaction's work", async () => {
    const { session, post } = await seeded();
    const comment = Object.assign(new DlComment(), { id: 5, post });
    await session.rollback();
    await session.commit();
    assert.equal(inspect(comment).status, "transient");
    assert.equal(await ctx.count("dl_comments"), 0);
  });
}, { createOnce: true });
