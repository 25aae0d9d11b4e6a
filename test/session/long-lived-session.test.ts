/**
 * One Session used for 10,000 small commits: what a commit leaves behind does not pile up. The
 * unit of work's sets are empty after each commit, the engine compiles each statement shape once
 * (its cache does not grow), and the identity map holds one entry per object the session has
 * seen, no more (it keeps them for the session's life, see docs/performance.md). The objects
 * expire-on-commit visits are those reached since the last commit, not all of them. Sizes, not
 * times (speed is bench's).
 *
 * SQLite (in memory: the session's own work, no server round trips) runs 10,000 commits; the
 * servers run 2,000, enough for any size that grows per commit on their own paths (RETURNING,
 * insertId) to differ by 1,900 from its reading after 100, and past the statement cache's bound
 * (1,000 shapes) and the prepared statements' (256). A growth that would first show past the
 * 2,000th commit belongs to the dialect-neutral session, which SQLite takes to 10,000.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, model, string, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class LongBase extends DeclarativeBase {}

@model("ll_notes")
class LlNote extends LongBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor body!: string;
}

interface Internals {
  readonly uow: { readonly modified: Set<unknown>; readonly deleting: Set<unknown> };
  readonly identity: { readonly reachedCount: number };
}

forEachDatabaseWithSchema("a session used for many commits", LongBase.metadata, (ctx) => {
  async function commits(session: Session, from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i++) {
      const note = Object.assign(new LlNote(), { body: `note ${i}` });
      session.add(note);
      await session.commit();
      note.body = `edited ${i}`; // an UPDATE in the next commit
    }
  }

  function sizes(session: Session): number[] {
    const internals = session as unknown as Internals;
    return [internals.uow.modified.size, internals.uow.deleting.size, ctx.engine.cache.compilations, internals.identity.reachedCount];
  }

  const total = ctx.db.name === "sqlite" ? 10_000 : 2_000;

  test(`${total.toLocaleString("en")} commits: the unit of work, the statement cache and the objects to expire are no larger than after 100; one identity entry per object`, async () => {
    const session = ctx.session();
    const toExpire = () => (session as unknown as Internals).identity.reachedCount;
    await commits(session, 0, 100);
    assert.equal(toExpire(), 1, "the next commit expires the one note edited since the last, not all 100");
    await session.commit();
    const after100 = sizes(session);
    await commits(session, 100, total - 100);
    assert.equal(toExpire(), 1);
    await session.commit();
    const afterAll = sizes(session);
    assert.deepEqual(afterAll, after100);
    assert.deepEqual(after100.slice(0, 2), [0, 0]);
    assert.equal(after100[3], 0);
    assert.equal(session.objects.length, total);
  });
}, { createOnce: true });
