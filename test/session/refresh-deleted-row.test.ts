/**
 * `session.refresh(obj)` of an object whose row another transaction deleted raises
 * ObjectDeletedError, and the object leaves the session (detached). It used to stay in the
 * identity map as persistent: `session.get` of its key returned it, with the values of the row
 * that the refresh had just found gone.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ObjectDeletedError, inspect, selectinLoad, select, sql } from "../../src/index.js";
import { Base, Post, Tag, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema(
  "refresh of a row another transaction deleted",
  Base.metadata,
  (ctx) => {
    test("raises ObjectDeletedError, and get() no longer returns the object", async () => {
      const seed = ctx.session();
      seed.add(Object.assign(new Tag(), { id: 1, name: "a" }));
      await seed.commit();
      const session = ctx.session({ expireOnCommit: false });
      const tag = (await session.get(Tag, 1))!;
      await session.commit(); // ends the read transaction (SQLite: the other may write)
      await ctx.engine.execute(sql`DELETE FROM tags WHERE id = 1`);
      await assert.rejects(session.refresh(tag), ObjectDeletedError);
      assert.equal(inspect(tag).status, "detached");
      assert.equal(await session.get(Tag, 1), undefined, "not the object of a row the session found gone");
      await session.commit();
    });

    test("the same for refresh of named attributes", async () => {
      const seed = ctx.session();
      seed.add(Object.assign(new Tag(), { id: 1, name: "a" }));
      await seed.commit();
      const session = ctx.session({ expireOnCommit: false });
      const tag = (await session.get(Tag, 1))!;
      await session.commit();
      await ctx.engine.execute(sql`DELETE FROM tags WHERE id = 1`);
      await assert.rejects(session.refresh(tag, ["name"]), ObjectDeletedError);
      assert.equal(inspect(tag).status, "detached");
      assert.equal(await session.get(Tag, 1), undefined);
    });

    test("a list of the session that held it still commits", async () => {
      const seed = ctx.session();
      const post = Object.assign(new Post(), { title: "p", author: Object.assign(new User(), { email: "u@x" }) });
      post.tags.push(Object.assign(new Tag(), { name: "gone" }));
      seed.add(post);
      await seed.commit();
      const session = ctx.session({ expireOnCommit: false });
      const [mine] = await session.scalars(select(Post).options(selectinLoad(Post, "tags")));
      await session.commit();
      await ctx.engine.execute(sql`DELETE FROM tags`);
      await assert.rejects(session.refresh(mine!.tags[0]!), ObjectDeletedError);
      mine!.title = "changed";
      await session.commit();
      assert.equal(await ctx.count("posts", "title = 'changed'"), 1);
    });
  },
  { createOnce: true, sqliteFile: true },
);
