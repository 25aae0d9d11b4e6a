/**
 * An object pushed twice onto a many-to-many collection: the list holds it twice (an Array), the
 * database holds the link once, through a plain association table with a primary key over the
 * link, one with no key at all, and the seed's view over association objects. Removing one of
 * the two copies keeps the link (and the back-reference); removing the last deletes it, once. The
 * same for a one-to-many with delete-orphan: a child still in the list is not an orphan.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { DlComment, DlLabel, DlPost, DuplicateLinksBase } from "./fixtures/duplicate-links.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { assertSameObjects } from "../support/same-objects.js";

const LINKS = [
  { rel: "labels", back: "posts", table: "dl_post_labels" },
  { rel: "marks", back: "markedPosts", table: "dl_post_marks" },
] as const;

forEachDatabaseWithSchema("the same object twice in a many-to-many list", DuplicateLinksBase.metadata, (ctx) => {
  const deletes = () => ctx.statements.filter((s) => /^DELETE/i.test(s)).length;

  /** A post linked to a label through `rel`, committed, then loaded in a new session with both sides' lists. */
  async function linked(rel: "labels" | "marks", back: "posts" | "markedPosts") {
    const seed = ctx.session();
    const post = Object.assign(new DlPost(), { id: 1 });
    post[rel].push(Object.assign(new DlLabel(), { id: 1, name: "a" }));
    seed.add(post);
    await seed.commit();
    await seed.close();
    const session = ctx.session({ expireOnCommit: false });
    const [p, l] = [(await session.get(DlPost, 1))!, (await session.get(DlLabel, 1))!];
    await session.load(p, rel);
    await session.load(l, back);
    ctx.reset();
    return { session, p, l };
  }

  for (const { rel, back, table } of LINKS) {
    test(`${table}: pushed twice, the link is written once; reloaded, the list holds it once`, async () => {
      const session = ctx.session();
      const post = Object.assign(new DlPost(), { id: 1 });
      const label = Object.assign(new DlLabel(), { id: 1, name: "a" });
      post[rel].push(label);
      post[rel].push(label);
      assert.equal(post[rel].length, 2, "the list is an Array: it keeps what was pushed");
      assertSameObjects(label[back], [post], "the other side holds the link once");
      session.add(post);
      await session.commit();
      assert.equal(await ctx.count(table), 1);
      const again = ctx.session();
      const reloaded = (await again.get(DlPost, 1))!;
      await again.load(reloaded, rel);
      assert.deepEqual(reloaded[rel].map((l) => l.id), [1]);
    });

    test(`${table}: pushed twice then one copy removed before the flush: written once, the back-reference kept`, async () => {
      const session = ctx.session();
      const post = Object.assign(new DlPost(), { id: 1 });
      const label = Object.assign(new DlLabel(), { id: 1, name: "a" });
      post[rel].push(label, label);
      post[rel].pop();
      assertSameObjects(label[back], [post], "one copy is still in the list: the link stands");
      session.add(post);
      await session.commit();
      assert.equal(await ctx.count(table), 1);
    });

    test(`${table}: a persistent link pushed again, one copy removed: the row stays; the last copy removed: one DELETE`, async () => {
      const { session, p, l } = await linked(rel, back);
      p[rel].push(l);
      p[rel].splice(0, 1);
      assertSameObjects(p[rel], [l]);
      assertSameObjects(l[back], [p], "the back-reference is kept while the list holds the label");
      await session.commit();
      assert.equal(await ctx.count(table), 1, "the link was not deleted");
      assert.equal(deletes(), 0);
      p[rel].pop();
      assertSameObjects(l[back], []);
      await session.commit();
      assert.equal(await ctx.count(table), 0);
      assert.equal(deletes(), 1);
    });

    test(`${table}: both copies removed in one flush: the link is deleted once`, async () => {
      const { session, p, l } = await linked(rel, back);
      p[rel].push(l);
      p[rel].splice(0, 2);
      assertSameObjects(l[back], []);
      await session.commit();
      assert.equal(await ctx.count(table), 0);
      assert.equal(deletes(), 1);
    });

    test(`${table}: the link removed from the other side leaves no copy behind`, async () => {
      const { session, p, l } = await linked(rel, back);
      p[rel].push(l);
      l[back].pop();
      assertSameObjects(p[rel], [], "every copy goes: the list must not show a link the flush deletes");
      await session.commit();
      assert.equal(await ctx.count(table), 0);
    });
  }

  test("one-to-many with delete-orphan: one copy of two removed keeps the child and its parent; the last deletes it", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const post = Object.assign(new DlPost(), { id: 1 });
    const comment = Object.assign(new DlComment(), { id: 1 });
    post.comments.push(comment, comment);
    session.add(post);
    await session.commit();
    assert.equal(await ctx.count("dl_comments", "post_id = 1"), 1);
    post.comments.pop();
    assert.equal(comment.post, post, "still in the list: not an orphan");
    await session.commit();
    assert.equal(await ctx.count("dl_comments", "post_id = 1"), 1, "the comment was not deleted");
    post.comments.pop();
    await session.commit();
    assert.equal(await ctx.count("dl_comments"), 0);
  });

  test("a list long enough to count its members (40): one copy of two removed keeps the link", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const post = Object.assign(new DlPost(), { id: 1 });
    const labels = Array.from({ length: 40 }, (_, i) => Object.assign(new DlLabel(), { id: i + 1, name: `l${i}` }));
    post.labels.push(...labels);
    post.labels.push(labels[7]!);
    session.add(post);
    await session.commit();
    assert.equal(await ctx.count("dl_post_labels"), 40);
    post.labels.splice(7, 1);
    post.labels.shift();
    assertSameObjects(labels[7]!.posts, [post]);
    assertSameObjects(labels[0]!.posts, []);
    await session.commit();
    assert.equal(await ctx.count("dl_post_labels"), 39);
    assert.equal(await ctx.count("dl_post_labels", "label_id = 8"), 1);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("the same object twice in a many-to-many view over association objects", Base.metadata, (ctx) => {
  test("pushed twice: one association object and row; one copy removed keeps it; the last deletes it", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const parent = Object.assign(new Parent(), { id: 1 });
    const child = Object.assign(new Child(), { id: 1 });
    parent.children.push(child);
    parent.children.push(child);
    assert.equal(parent.childAssociations.length, 1, "the second push finds the association object of the first");
    session.add(parent);
    await session.commit();
    assert.equal(await ctx.count("association_table"), 1);
    parent.children.pop();
    assert.equal(parent.childAssociations.length, 1, "one copy is still shown: its association object stays");
    assertSameObjects(child.parents, [parent]);
    await session.commit();
    assert.equal(await ctx.count("association_table"), 1);
    parent.children.pop();
    assert.equal(parent.childAssociations.length, 0);
    await session.commit();
    assert.equal(await ctx.count("association_table"), 0);
  });

  for (const fresh of [false, true]) {
    test(`a ${fresh ? "new link" : "persistent link"} pushed again through a view loaded without its association objects: one association row`, async () => {
      const seed = ctx.session();
      const parent = Object.assign(new Parent(), { id: 1 });
      const child = Object.assign(new Child(), { id: 1 });
      if (!fresh) parent.children.push(child);
      seed.addAll([parent, child]);
      await seed.commit();
      await seed.close();
      const session = ctx.session();
      const [p, c] = [(await session.get(Parent, 1))!, (await session.get(Child, 1))!];
      const view = await session.load(p, "children").then(() => p.children);
      if (fresh) view.push(c);
      view.push(c); // the association objects not loaded: it used to make a second one, whose INSERT failed
      await session.commit();
      assert.equal(await ctx.count("association_table"), 1);
    });
  }

  test("an association object pushed twice onto its owner's list: one row; one copy removed keeps it and the link", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const parent = Object.assign(new Parent(), { id: 1 });
    const child = Object.assign(new Child(), { id: 1 });
    const association = Object.assign(new Association(), { child, extraData: "x" });
    parent.childAssociations.push(association, association);
    assertSameObjects(parent.children, [child]);
    session.add(parent);
    await session.commit();
    assert.equal(await ctx.count("association_table"), 1);
    parent.childAssociations.shift();
    assertSameObjects(parent.children, [child], "the view still shows the link");
    await session.commit();
    assert.equal(await ctx.count("association_table", "extra_data = 'x'"), 1);
  });
}, { createOnce: true });
