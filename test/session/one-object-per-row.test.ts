/**
 * One object per row in a session. `session.add` of a detached object whose row the session
 * already holds as another object used to replace that object in the identity map, leaving
 * both attached: the commit wrote the changes of both, and a lookup found only the second. It
 * is refused now (as in SQLAlchemy), naming the row and `merge`; the session goes on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, columnsOf, insert, inspect, select, sql, update, type Session } from "../../src/index.js";
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

  // A rollback gives an object its row back (deleted by a flush, or its key changed), and the
  // identity map files it under its key again: the object read there since, from a row the
  // transaction made again under that key, stood for a row the rollback removed. It stayed
  // attached, outside the identity map, and the commit wrote its changes over the row too.
  const leaving = {
    "deleted by a flush, its row made again by a bulk INSERT": async (session: Session, tag: Tag) => {
      session.delete(tag);
      await session.flush();
      await session.execute(insert(Tag), [{ id: 1, name: "made again" }]);
    },
    "deleted by a flush, its row made again by SQL text": async (session: Session, tag: Tag) => {
      session.delete(tag);
      await session.flush();
      await session.execute(sql`INSERT INTO tags (id, name) VALUES (1, 'made again')`);
    },
    "given another key by a flush, a row made again under its old key": async (session: Session, tag: Tag) => {
      tag.id = 10;
      await session.flush();
      await session.execute(insert(Tag), [{ id: 1, name: "made again" }]);
    },
    "given another key by a bulk UPDATE, a row made again under its old key": async (session: Session) => {
      await session.execute(update(Tag).where(columnsOf(Tag).id.eq(1)).values({ id: 10 }));
      await session.execute(insert(Tag), [{ id: 1, name: "made again" }]);
    },
  };
  for (const level of ["transaction", "savepoint"] as const) {
    for (const [how, leave] of Object.entries(leaving)) {
      test(`an object ${how} and read as another object, then the ${level} rolled back: the first object is the row's, the other leaves`, async () => {
        const seed = ctx.session();
        seed.add(Object.assign(new Tag(), { id: 1, name: "one" }));
        await seed.commit();
        await seed.close();
        const session = ctx.session();
        const tag = (await session.get(Tag, 1))!;
        const savepoint = level === "savepoint" ? await session.beginNested() : undefined;
        await leave(session, tag);
        const [again] = await session.scalars(select(Tag).where(columnsOf(Tag).id.eq(1)));
        assert.notEqual(again, tag);
        await (savepoint ?? session).rollback();
        assert.equal(inspect(tag).status, "persistent");
        assert.equal(await session.get(Tag, 1), tag);
        assert.equal(inspect(again!).status, "detached");
        again!.name = "from the other object";
        tag.name = "from the row's object";
        await session.commit();
        assert.equal(await ctx.count("tags", "id = 1 AND name = 'from the row''s object'"), 1);
        assert.throws(() => session.add(again!), InvalidRequestError, "the row is the first object's");
      });
    }
  }

  test("two objects that exchanged keys, or one that took the key of one deleted, over several flushes: a rollback gives each its key back, both stay", async () => {
    for (const level of ["transaction", "savepoint"] as const) {
      const seed = ctx.session();
      seed.addAll([Object.assign(new Tag(), { id: 1, name: "one" }), Object.assign(new Tag(), { id: 2, name: "two" })]);
      await seed.commit();
      await seed.close();
      const session = ctx.session();
      const [one, two] = [(await session.get(Tag, 1))!, (await session.get(Tag, 2))!];
      let savepoint = level === "savepoint" ? await session.beginNested() : undefined;
      one.id = 3;
      await session.flush();
      two.id = 1;
      await session.flush();
      one.id = 2;
      await session.flush();
      await (savepoint ?? session).rollback();
      savepoint = level === "savepoint" ? await session.beginNested() : undefined;
      session.delete(one);
      await session.flush();
      two.id = 1;
      await session.flush();
      await (savepoint ?? session).rollback();
      assert.deepEqual([inspect(one).status, inspect(two).status], ["persistent", "persistent"], level);
      assert.equal(await session.get(Tag, 1), one);
      assert.equal(await session.get(Tag, 2), two);
      [one.name, two.name] = ["first", "second"];
      await session.commit();
      assert.equal(await ctx.count("tags", "(id = 1 AND name = 'first') OR (id = 2 AND name = 'second')"), 2);
      await session.close();
      await ctx.engine.execute(sql`DELETE FROM tags`);
    }
  });
}, { createOnce: true });
