/**
 * A parent deleted with a delete cascade whose loaded children include one another transaction
 * has since moved to another parent and committed. The child's DELETE named the row by its key
 * alone and deleted it from under its new parent: a row lost, the commit resolved. As an orphan's
 * (orphan-moved-elsewhere.test.ts), the DELETE of a child reached by the cascade now also names
 * the parent it was read with (its foreign key as read): it matches nothing, and the flush fails
 * with StaleDataError, nothing of it written, the session usable.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationalError, StaleDataError, lazy } from "../../src/index.js";
import { DuplicateLinksBase, DlComment, DlPost } from "./fixtures/duplicate-links.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a cascade-deleted child whose row another transaction moved", DuplicateLinksBase.metadata, (ctx) => {
  /** Post 1 with comments 10 and 11 (Post.comments: cascade "all, delete-orphan"), post 2 with none. */
  async function seeded(): Promise<void> {
    const seed = ctx.session();
    const first = Object.assign(new DlPost(), { id: 1 });
    first.comments.push(Object.assign(new DlComment(), { id: 10 }), Object.assign(new DlComment(), { id: 11 }));
    seed.addAll([first, Object.assign(new DlPost(), { id: 2 })]);
    await seed.commit();
    await seed.close();
  }

  test("is not deleted from under its new parent: StaleDataError, nothing written, and the session goes on", async () => {
    await seeded();
    const session = ctx.session();
    const post = (await session.get(DlPost, 1))!;
    await lazy(post).comments;
    const other = ctx.session();
    (await other.get(DlComment, 11))!.postId = 2;
    await other.commit();
    await other.close();
    session.delete(post);
    // SQLite refuses the commit itself: the session's read snapshot is older than the other's write.
    const refused = (e: unknown) => (ctx.db.name === "sqlite" ? e instanceof OperationalError : e instanceof StaleDataError && /DELETE of DlComment/.test((e as Error).message));
    await assert.rejects(session.commit(), refused); // was: resolved, comment 11 deleted from post 2
    assert.equal(await ctx.count("dl_comments", "id = 11 AND post_id = 2"), 1, "the moved comment was deleted");
    assert.equal(await ctx.count("dl_posts", "id = 1"), 1, "nothing of the failed flush is written");
    await session.rollback();
    session.delete((await session.get(DlPost, 1))!);
    await session.commit();
    assert.equal(await ctx.count("dl_comments"), 1);
    assert.equal(await ctx.count("dl_posts"), 1);
  });

  test("children nobody moved are deleted with their parent, as before", async () => {
    await seeded();
    const session = ctx.session();
    const post = (await session.get(DlPost, 1))!;
    await lazy(post).comments;
    session.delete(post);
    await session.commit();
    assert.equal(await ctx.count("dl_comments"), 0);
  });
}, { createOnce: true, sqliteFile: true });
