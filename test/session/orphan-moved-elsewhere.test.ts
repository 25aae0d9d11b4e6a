/**
 * A delete-orphan child taken out of its parent's list, while another transaction moves its row
 * to another parent and commits. The flush's DELETE named the row by its key alone and deleted
 * the child from under its new parent: a row lost, the commit resolved. The DELETE of an orphan
 * now also names the parent it left (the foreign key as read): it matches nothing, and the flush
 * fails with StaleDataError, nothing of it written, the session usable.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationalError, StaleDataError, lazy } from "../../src/index.js";
import { DuplicateLinksBase, DlComment, DlPost } from "./fixtures/duplicate-links.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("an orphan whose row another transaction moved", DuplicateLinksBase.metadata, (ctx) => {
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
    const comments = await lazy((await session.get(DlPost, 1))!).comments;
    comments.splice(comments.findIndex((c) => c.id === 10), 1); // an orphan: deleted at the flush
    comments.splice(comments.findIndex((c) => c.id === 11), 1);
    const other = ctx.session();
    (await other.get(DlComment, 10))!.postId = 2;
    await other.commit();
    await other.close();
    // SQLite refuses the commit itself: the session's read snapshot is older than the other's write.
    const refused = (e: unknown) => (ctx.db.name === "sqlite" ? e instanceof OperationalError : e instanceof StaleDataError && /DELETE of DlComment/.test((e as Error).message));
    await assert.rejects(session.commit(), refused);
    assert.equal(await ctx.count("dl_comments", "id = 10 AND post_id = 2"), 1, "the moved comment was deleted");
    assert.equal(await ctx.count("dl_comments", "id = 11"), 1, "nothing of the failed flush is written");
    await session.rollback();
    const comment = (await session.get(DlComment, 11))!;
    session.delete(comment);
    await session.commit();
    assert.equal(await ctx.count("dl_comments"), 1);
  });

  test("an orphan nobody moved is deleted, as before", async () => {
    await seeded();
    const session = ctx.session();
    const comments = await lazy((await session.get(DlPost, 1))!).comments;
    comments.splice(0, 2);
    await session.commit();
    assert.equal(await ctx.count("dl_comments"), 0);
  });
}, { createOnce: true, sqliteFile: true });
