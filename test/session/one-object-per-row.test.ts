/**
 * One object per row in a session. `session.add` of a detached object whose row the session
 * already holds as another object used to replace that object in the identity map, leaving
 * both attached: the commit wrote the changes of both, and a lookup found only the second. It
 * is refused now (as in SQLAlchemy), naming the row and `merge`; the session goes on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, inspect } from "../../src/index.js";
import { Base, Tag } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("one object per row in a session", Base.metadata, (ctx) => {
  test("add of a detached object whose row the session holds as another object is refused; merge copies it", async () => {
    const seed = ctx.session();
    seed.add(Object.assign(new Tag(), { id: 1, name: "one" }));
    await seed.commit();
    await seed.close();
    const reader = ctx.session();
    const detached = (await reader.get(Tag, 1))!;
    await reader.close();

    const session = ctx.session({ expireOnCommit: false });
    const held = (await session.get(Tag, 1))!;
    detached.name = "from the detached copy";
    assert.throws(() => session.add(detached), (e: unknown) => e instanceof InvalidRequestError && /^Tag \(id=1\) cannot join the session: it holds another object for that row.*session\.merge/.test((e as Error).message));
    assert.equal(inspect(detached).status, "detached");
    held.name = "from the session's object";
    await session.commit();
    assert.equal(await session.get(Tag, 1), held);
    assert.equal(await ctx.count("tags", "name = 'from the session''s object'"), 1);
    assert.equal(await session.merge(detached), held);
    await session.commit();
    assert.equal(await ctx.count("tags", "name = 'from the detached copy'"), 1);
  });
}, { createOnce: true });
