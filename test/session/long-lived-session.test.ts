/**
 * One Session used for 10,000 small commits stays bounded: objects expired by a commit are held
 * weakly, so those the application dropped leave the identity map; the unit of work's sets and
 * the engine's statement cache do not grow per commit. Sizes, not times (speed is bench's).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DeclarativeBase, column, integer, model, string, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

class LongBase extends DeclarativeBase {}

@model("ll_notes")
class LlNote extends LongBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor body!: string;
}

interface Internals {
  readonly identity: { readonly size: number };
  readonly uow: { readonly modified: Set<unknown>; readonly deleting: Set<unknown> };
}

forEachDatabaseWithSchema("a session used for many commits", LongBase.metadata, (ctx) => {
  async function commits(session: Session, from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i++) {
      session.add(Object.assign(new LlNote(), { body: `note ${i}` }));
      await session.commit();
    }
  }

  /** What the session and engine hold once the objects dropped are collected (the next commit forgets them). */
  async function sizes(session: Session): Promise<number[]> {
    await new Promise(setImmediate);
    gc();
    await session.commit();
    const internals = session as unknown as Internals;
    return [internals.identity.size, internals.uow.modified.size, internals.uow.deleting.size, ctx.engine.cache.compilations];
  }

  test("10,000 commits of one object each: the identity map, the unit of work and the statement cache are no larger than after 100", async () => {
    const session = ctx.session();
    await commits(session, 0, 100);
    const after100 = await sizes(session);
    await commits(session, 100, 9_900);
    const after10000 = await sizes(session);
    for (let i = 0; i < after100.length; i++) assert.ok(after10000[i]! <= after100[i]!, `${after10000} vs ${after100}`);
    assert.ok(after10000[0]! < 100, `identity map entries: ${after10000[0]}`);
  });

  test("an object still held after its commit is the same object when its row is read again", async () => {
    const session = ctx.session();
    const kept = Object.assign(new LlNote(), { body: "kept" });
    session.add(kept);
    await session.commit();
    await commits(session, 0, 50);
    await sizes(session);
    assert.equal(await session.get(LlNote, kept.id), kept);
    assert.equal(kept.body, "kept");
    kept.body = "changed";
    await commits(session, 50, 1);
    await sizes(session);
    assert.equal((await session.get(LlNote, kept.id))?.body, "changed");
  });
});
