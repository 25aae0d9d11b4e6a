/**
 * An object whose row is already deleted in the transaction (by a flush, or by a bulk DELETE the
 * session synchronised) and that a delete cascade or delete-orphan then reaches again (it is
 * still in its parent's list, as in SQLAlchemy): no second DELETE. That DELETE matched no row and
 * failed the commit with a false StaleDataError ("deleted or changed by another transaction").
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, deleteFrom, lazy, type Session } from "../../src/index.js";
import { DlComment, DlPost, DuplicateLinksBase } from "./fixtures/duplicate-links.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const comment = columnsOf(DlComment);

/** Post 1 with comments 1 and 2, loaded with its list in a new session. */
async function seeded(ctx: SessionContext): Promise<{ session: Session; post: DlPost; comments: DlComment[] }> {
  const seed = ctx.session();
  const post = Object.assign(new DlPost(), { id: 1 });
  post.comments.push(Object.assign(new DlComment(), { id: 1 }), Object.assign(new DlComment(), { id: 2 }));
  seed.add(post);
  await seed.commit();
  await seed.close();
  const session = ctx.session();
  const loaded = (await session.get(DlPost, 1))!;
  return { session, post: loaded, comments: [...(await lazy(loaded).comments)] };
}

forEachDatabaseWithSchema("objects deleted earlier in the transaction", DuplicateLinksBase.metadata, (ctx) => {
  test("a comment deleted by a flush, then its post deleted (cascade): the commit resolves, both rows gone", async () => {
    const { session, post, comments } = await seeded(ctx);
    await session.delete(comments[0]!);
    await session.flush();
    await session.delete(post);
    await session.commit();
    assert.equal(await ctx.count("dl_comments"), 0);
    assert.equal(await ctx.count("dl_posts"), 0);
  });

  test("a comment deleted by a bulk DELETE, then taken out of its list (delete-orphan), or its post deleted", async () => {
    for (const then of ["orphaned", "post deleted"]) {
      const { session, post, comments } = await seeded(ctx);
      await session.execute(deleteFrom(DlComment).where(comment.id.eq(1)));
      if (then === "orphaned") post.comments.splice(post.comments.indexOf(comments[0]!), 1);
      else await session.delete(post);
      await session.commit();
      assert.equal(await ctx.count("dl_comments"), then === "orphaned" ? 1 : 0, then);
      await session.close();
      await DuplicateLinksBase.metadata.dropAll(ctx.engine);
      await DuplicateLinksBase.metadata.createAll(ctx.engine);
    }
  });
}, { createOnce: true });
