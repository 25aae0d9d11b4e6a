/**
 * `session.merge(obj)` of a detached object whose row another transaction deleted since it was
 * read: the merge found no row and made a new pending object (as SQLAlchemy does), so the commit
 * inserted the row again, undoing the other transaction's deletion without a word, and the
 * object's related objects merged with it too. It now raises ObjectDeletedError; a transient
 * object with a key (never loaded) is still inserted.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ObjectDeletedError, inspect, selectinLoad, select, sql } from "../../src/index.js";
import { Base, Post, Tag, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema(
  "merge of an object whose row was deleted",
  Base.metadata,
  (ctx) => {
    async function detachedTag(): Promise<Tag> {
      const seed = ctx.session();
      seed.add(Object.assign(new Tag(), { id: 1, name: "a" }));
      await seed.commit();
      const reader = ctx.session({ expireOnCommit: false });
      const tag = (await reader.get(Tag, 1))!;
      await reader.close();
      return tag;
    }

    test("a detached object whose row another transaction deleted is refused, not inserted again", async () => {
      const tag = await detachedTag();
      await ctx.engine.execute(sql`DELETE FROM tags WHERE id = 1`);
      tag.name = "renamed";
      const session = ctx.session();
      await assert.rejects(session.merge(tag), (e: unknown) => e instanceof ObjectDeletedError && /^merge\(Tag\): the object's row \(id=1\) no longer exists in the database/.test((e as Error).message));
      await session.commit();
      assert.equal(await ctx.count("tags"), 0, "the deletion stands");
      assert.equal(inspect(tag).status, "detached");
    });

    test("nor is a member of a merged list", async () => {
      const seed = ctx.session();
      const post = Object.assign(new Post(), { title: "p", author: Object.assign(new User(), { email: "u@x" }) });
      post.tags.push(Object.assign(new Tag(), { name: "kept" }), Object.assign(new Tag(), { name: "gone" }));
      seed.add(post);
      await seed.commit();
      const reader = ctx.session({ expireOnCommit: false });
      const [detached] = await reader.scalars(select(Post).options(selectinLoad(Post, "tags")));
      await reader.close();
      await ctx.engine.execute(sql`DELETE FROM tags WHERE name = 'gone'`);
      const session = ctx.session();
      await assert.rejects(session.merge(detached!), ObjectDeletedError);
      await session.rollback();
      assert.equal(await ctx.count("tags"), 1);
    });

    test("a transient object with a key and no row is inserted, as before", async () => {
      const session = ctx.session();
      const merged = await session.merge(Object.assign(new Tag(), { id: 5, name: "new" }));
      assert.equal(inspect(merged).status, "pending");
      await session.commit();
      assert.equal(await ctx.count("tags", "id = 5"), 1);
    });
  },
);
