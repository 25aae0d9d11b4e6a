/**
 * An object a flush of the transaction deleted stays in the lists that held it until the commit.
 * Linking it again (pushed to a list, assigned to a many-to-one) is refused at once with
 * InvalidRequestError, nothing changed: its row is gone. It used to be taken, and the flush
 * failed on the foreign key, or with a StaleDataError blaming another transaction: a
 * delete-orphan child taken out of its list was deleted by the autoflush of loading the list it
 * was moving to, then pushed there.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, lazy, sql } from "../../src/index.js";
import { Base, Comment, Post, Tag, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("an object deleted by a flush, linked again", Base.metadata, (ctx) => {
  const links = async () => (await ctx.engine.execute(sql<{ p: number; t: number }>`SELECT post_id AS p, tag_id AS t FROM post_tags ORDER BY post_id, tag_id`)).rows.map((r) => `${r.p}-${r.t}`);
  const refused = (error: unknown) => error instanceof InvalidRequestError && /it was deleted in this transaction/.test(error.message);
  async function seed(): Promise<void> {
    const session = ctx.session();
    const author = Object.assign(new User(), { id: 1, email: "a@x" });
    const tag = Object.assign(new Tag(), { id: 5, name: "t" });
    const posts = [1, 2].map((id) => Object.assign(new Post(), { id, title: `p${id}`, author }));
    posts[0]!.tags.push(tag);
    session.addAll([author, tag, ...posts]);
    await session.commit();
    await session.close();
  }

  test("a tag deleted by an autoflush, pushed to a post's tags: refused, the list unchanged; the commit deletes the tag", async () => {
    await seed();
    const session = ctx.session();
    const tag = (await session.get(Tag, 5))!;
    session.delete(tag);
    const tags = await lazy((await session.get(Post, 2))!).tags; // autoflush: the tag's row is deleted
    assert.throws(() => tags.push(tag), refused);
    assert.equal(tags.length, 0);
    await session.commit();
    assert.deepEqual(await links(), []);
    assert.equal(await ctx.count("tags"), 0);
  });

  test("a post deleted by a flush, given to a new comment as its many-to-one: refused; the comment given a live post is written", async () => {
    await seed();
    const session = ctx.session();
    const [gone, kept] = [(await session.get(Post, 2))!, (await session.get(Post, 1))!];
    session.delete(gone);
    await session.flush();
    const comment = Object.assign(new Comment(), { id: 1, body: "hi", author: (await session.get(User, 1))! });
    assert.throws(() => (comment.post = gone), refused);
    comment.post = kept;
    session.add(comment);
    await session.commit();
    assert.equal(await ctx.count("comments", "post_id = 1"), 1);
    assert.equal(await ctx.count("posts"), 1);
  });
}, { createOnce: true });
