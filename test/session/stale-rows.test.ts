/**
 * Every UPDATE and DELETE of a flush must match the rows it names, versioned or not: a row that
 * another session deleted behind this one's back fails the flush with StaleDataError naming the
 * model (or link table) and the key, and nothing else of that flush is written (the session rolls
 * it back and keeps the objects' changes, so that it can go on).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StaleDataError, inspect, selectinLoad, select, sql, type Session } from "../../src/index.js";
import { Base, Post, Tag, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("stale rows", Base.metadata, (ctx) => {
  /** Tags "a", "b", "c", committed and loaded in a session that keeps their values. */
  async function loadedTags(): Promise<{ session: Session; tags: Tag[] }> {
    const seed = ctx.session();
    seed.addAll(["a", "b", "c"].map((name) => Object.assign(new Tag(), { name })));
    await seed.commit();
    const session = ctx.session({ expireOnCommit: false });
    const tags = await session.scalars(select(Tag).orderBy(sql`name`));
    await session.commit(); // ends the read transaction (SQLite: a reader would block the other writer)
    return { session, tags };
  }

  /** Another session deletes the tag behind the first one's back. */
  async function deleteBehindTheBack(name: string): Promise<void> {
    const other = ctx.session();
    const [tag] = await other.scalars(select(Tag).where(sql`name = ${name}`));
    other.delete(tag!);
    await other.commit();
  }

  test("an UPDATE of a row deleted by another session raises StaleDataError; the rest of the flush is not written", async () => {
    const { session, tags } = await loadedTags();
    const [a, b] = tags;
    await deleteBehindTheBack("b");
    a!.name = "a2"; // updated first, in the same flush
    b!.name = "b2";
    session.add(Object.assign(new Tag(), { name: "d" }));
    const error = await session.commit().then(() => assert.fail("the commit should fail"), (e: unknown) => e);
    assert.ok(error instanceof StaleDataError, String(error));
    assert.match(error.message, new RegExp(`^UPDATE of Tag \\(id=${b!.id}\\) matched 0 rows: it was deleted or changed by another transaction`));
    assert.equal(await ctx.count("tags", "name = 'a2'"), 0, "a's UPDATE was rolled back");
    assert.equal(await ctx.count("tags", "name = 'a'"), 1);
    assert.equal(await ctx.count("tags", "name = 'd'"), 0, "the new tag was not inserted");
    assert.equal(a!.name, "a2", "the objects keep their changes");

    session.expunge(b!); // the session goes on without the stale object
    await session.commit();
    assert.equal(await ctx.count("tags", "name IN ('a2', 'c', 'd')"), 3);
  });

  test("a batched DELETE that matches fewer rows than it names raises StaleDataError naming them", async () => {
    const { session, tags } = await loadedTags();
    const [a, b, c] = tags;
    await deleteBehindTheBack("b");
    c!.name = "c2";
    session.delete(a!);
    session.delete(b!); // a and b go in one DELETE
    const error = await session.commit().then(() => assert.fail("the commit should fail"), (e: unknown) => e);
    assert.ok(error instanceof StaleDataError, String(error));
    assert.match(error.message, new RegExp(`^DELETE of Tag \\(id=${a!.id}\\), Tag \\(id=${b!.id}\\) matched 1 of 2 rows: some were deleted`));
    assert.equal(await ctx.count("tags", "name = 'a'"), 1, "a's DELETE was rolled back");
    assert.equal(await ctx.count("tags", "name = 'c2'"), 0, "c's UPDATE too");
    assert.equal(inspect(a!).status, "persistent");
  });

  test("a DELETE of one row deleted by another session raises StaleDataError", async () => {
    const { session, tags } = await loadedTags();
    await deleteBehindTheBack("c");
    session.delete(tags[2]!);
    await assert.rejects(session.commit(), new RegExp(`^StaleDataError: DELETE of Tag \\(id=${tags[2]!.id}\\) matched 0 rows: it was deleted`));
  });

  test("an UPDATE that sets the value another session already set matches its row (MariaDB counts found rows)", async () => {
    const { session, tags } = await loadedTags();
    await ctx.engine.execute(sql`UPDATE tags SET name = ${"same"} WHERE id = ${tags[0]!.id}`);
    tags[0]!.name = "same";
    await session.commit();
    assert.equal(await ctx.count("tags", "name = 'same'"), 1);
  });

  test("a link row deleted by another session, then removed from the collection, raises StaleDataError", async () => {
    const seed = ctx.session();
    const author = Object.assign(new User(), { email: "links@x" });
    const [t1, t2] = ["t1", "t2"].map((name) => Object.assign(new Tag(), { name }));
    const post = Object.assign(new Post(), { title: "linked", author });
    post.tags.push(t1!, t2!);
    seed.add(post);
    await seed.commit();

    const session = ctx.session({ expireOnCommit: false });
    const [mine] = await session.scalars(select(Post).options(selectinLoad(Post, "tags")));
    await session.commit();
    const removed = mine!.tags.find((t) => t.name === "t1")!;
    await ctx.engine.execute(sql`DELETE FROM post_tags WHERE tag_id = ${removed.id}`);

    mine!.title = "changed";
    mine!.tags.splice(mine!.tags.indexOf(removed), 1);
    const error = await session.commit().then(() => assert.fail("the commit should fail"), (e: unknown) => e);
    assert.ok(error instanceof StaleDataError, String(error));
    assert.match(error.message, /^DELETE of link rows of (Post\.tags|Tag\.posts) from 'post_tags' \(post_id=\d+, tag_id=\d+\) matched 0 rows/);
    assert.equal(await ctx.count("posts", "title = 'linked'"), 1, "the post's UPDATE was rolled back");
    assert.equal(await ctx.count("post_tags"), 1, "the other link is still there");
  });
}, { createOnce: true, sqliteFile: true });
