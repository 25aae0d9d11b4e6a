/**
 * Savepoints two deep, each level adding, deleting and changing objects and many-to-many lists:
 * the inner one rolled back and the outer one released (or the other way round), the commit
 * writes exactly the work that survived, and the objects in memory agree with the database read
 * again in a new session.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, lazy, sql } from "../../src/index.js";
import { Base, Post, Tag, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("savepoints two deep", Base.metadata, (ctx) => {
  async function links(): Promise<string[]> {
    const { rows } = await ctx.engine.execute(sql<{ post_id: number; tag_id: number }>`SELECT post_id, tag_id FROM post_tags ORDER BY post_id, tag_id`);
    return rows.map((row) => `${row.post_id}-${row.tag_id}`);
  }

  async function tagIds(): Promise<number[]> {
    const { rows } = await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM tags ORDER BY id`);
    return rows.map((row) => Number(row.id));
  }

  /** Post 1 tagged 1 and 2; tags 3 and 4 unused. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const author = Object.assign(new User(), { id: 1, email: "a@x" });
    const tags = [1, 2, 3, 4].map((id) => Object.assign(new Tag(), { id, name: `t${id}` }));
    const post = Object.assign(new Post(), { id: 1, title: "p", author });
    post.tags.push(tags[0]!, tags[1]!);
    session.addAll([author, post, ...tags]);
    await session.commit();
    await session.close();
  }

  /** What a new session reads: the post's title and tags. */
  async function reread(): Promise<{ title: string; tags: number[] }> {
    const fresh = ctx.session();
    const post = (await fresh.get(Post, 1))!;
    const tags = (await lazy(post).tags).map((t) => t.id).sort((a, b) => a - b);
    await fresh.close();
    return { title: post.title, tags };
  }

  test("inner rolled back, outer released: the outer level's work only, in memory and in the database", async () => {
    await seed();
    const session = ctx.session({ expireOnCommit: false });
    const post = (await session.get(Post, 1))!;
    const [t1, t2] = [...(await lazy(post).tags)].sort((a, b) => a.id - b.id);
    const [t3, t4] = [(await session.get(Tag, 3))!, (await session.get(Tag, 4))!];
    for (const tag of [t1!, t3, t4]) await lazy(tag).posts;

    const outer = await session.beginNested();
    post.tags.splice(post.tags.indexOf(t1!), 1);
    post.tags.push(t3, Object.assign(new Tag(), { id: 6, name: "t6" }));
    post.title = "outer";
    await session.flush();

    const inner = await session.beginNested();
    post.tags.splice(post.tags.indexOf(t3), 1);
    post.tags.push(t1!, t4, Object.assign(new Tag(), { id: 7, name: "t7" }));
    post.title = "inner";
    session.delete(t2!);
    await session.flush();
    await inner.rollback();

    assert.deepEqual(post.tags.map((t) => t.id).sort((a, b) => a - b), [2, 3, 6]);
    assert.equal(post.title, "outer");
    assert.equal(inspect(t2!).status, "persistent");
    assert.deepEqual([t1!.posts.length, t3.posts.length, t4.posts.length], [0, 1, 0], "the other sides follow");
    await outer.commit();
    await session.commit();

    assert.deepEqual(await links(), ["1-2", "1-3", "1-6"]);
    assert.deepEqual(await tagIds(), [1, 2, 3, 4, 6]);
    assert.deepEqual(await reread(), { title: "outer", tags: post.tags.map((t) => t.id).sort((a, b) => a - b) });
  });

  test("inner released, outer rolled back: nothing of either, in memory and in the database", async () => {
    await seed();
    const session = ctx.session({ expireOnCommit: false });
    const post = (await session.get(Post, 1))!;
    const t1 = (await lazy(post).tags).find((t) => t.id === 1)!;
    const outer = await session.beginNested();
    post.tags.splice(post.tags.indexOf(t1), 1);
    post.title = "outer";
    const inner = await session.beginNested();
    post.tags.push(Object.assign(new Tag(), { id: 8, name: "t8" }));
    session.delete(t1);
    await inner.commit();
    await outer.rollback();

    assert.deepEqual(post.tags.map((t) => t.id).sort((a, b) => a - b), [1, 2]);
    assert.equal(post.title, "p");
    assert.equal(inspect(t1).status, "persistent");
    await session.commit();
    assert.deepEqual(await links(), ["1-1", "1-2"]);
    assert.deepEqual(await tagIds(), [1, 2, 3, 4]);
    assert.deepEqual(await reread(), { title: "p", tags: [1, 2] });
  });

  test("a detached object added back inside a savepoint rolled back leaves the session again, its changes kept in memory only", async () => {
    await seed();
    const loader = ctx.session();
    const post = (await loader.get(Post, 1))!;
    await loader.close(); // detached
    post.title = "while detached";
    const session = ctx.session({ expireOnCommit: false });
    const savepoint = await session.beginNested();
    session.add(post);
    post.title = "in the savepoint";
    await session.flush();
    await savepoint.rollback();

    // As after a whole rollback (docs/reliability.md): detached again, the changes made while detached kept.
    assert.equal(inspect(post).status, "detached");
    assert.equal(post.title, "while detached");
    await session.commit(); // the outer transaction: nothing of the savepoint's work
    assert.deepEqual(await reread(), { title: "p", tags: [1, 2] });
    // Added again, its changes are written once.
    const again = ctx.session();
    again.add(post);
    await again.commit();
    assert.deepEqual(await reread(), { title: "while detached", tags: [1, 2] });
  });
}, { createOnce: true });
