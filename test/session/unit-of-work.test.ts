/**
 * The unit of work: dependency order between tables and between rows, multi-row INSERTs,
 * foreign keys set from relationships, plain many-to-many link rows, in-memory back-references,
 * cascades. Statement counts are asserted where the promise is about statements.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, select, selectinLoad } from "../../src/index.js";
import { Base, Category, Comment, Post, Profile, Tag, User, follows } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { assertSameObjects } from "../support/same-objects.js";

forEachDatabaseWithSchema("unit of work", Base.metadata, (ctx) => {

  test("rows are inserted parents first, whatever the order they were added in", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const author = new User();
    author.email = "author@x";
    const post = new Post();
    post.title = "hello";
    post.author = author;
    const comment = new Comment();
    comment.body = "first!";
    comment.post = post;
    comment.author = author;
    session.addAll([comment, post, author]);
    await session.commit();
    const inserts = ctx.statements.filter((s) => s.startsWith("INSERT"));
    assert.deepEqual(inserts.map((s) => /INSERT INTO .(\w+)./.exec(s)![1]), ["users", "posts", "comments"]);
    assert.equal(post.authorId, author.id, "the many-to-one set the foreign key");
    assert.equal(comment.postId, post.id);
    await session.close();
  });

  test("a self-referential tree is inserted parents before children, and deleted children first", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const root = new Category();
    root.name = "root";
    const a = new Category();
    a.name = "a";
    const b = new Category();
    b.name = "b";
    const leaf = new Category();
    leaf.name = "leaf";
    root.children.push(a, b);
    leaf.parent = b; // the back-reference adds it to b.children at once
    assertSameObjects(b.children, [leaf]);
    session.add(leaf); // save-update cascade reaches the whole tree from any node
    await session.commit();
    assert.equal(a.parentId, root.id);
    assert.equal(leaf.parentId, b.id);
    assert.equal(await ctx.count("categories"), 4);
    for (const c of [leaf, a, b, root]) session.delete(c);
    await session.commit();
    assert.equal(await ctx.count("categories"), 0);
    await session.close();
  });

  test("inserts of one table are batched into one multi-row INSERT", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const tags = Array.from({ length: 50 }, (_, i) => {
      const tag = new Tag();
      tag.name = `tag-${i}`;
      return tag;
    });
    session.addAll(tags);
    await session.commit();
    // SQLite: rows whose key is generated go one per statement, sent in one pass: nothing ties a
    // multi-row INSERT's rowids to its rows (generated-key-order.ts).
    assert.equal(ctx.statements.filter((s) => s.startsWith("INSERT")).length, ctx.db.name === "sqlite" ? 50 : 1);
    assert.equal(new Set(tags.map((t) => t.id)).size, 50, "every row got its generated key");
    await session.close();
  });

  test("a large flush's INSERTs take the dialect's page of rows (SQLite: 500), else as many as the parameters allow", async () => {
    const session = ctx.session({ expireOnCommit: false });
    // Keys given: on SQLite, rows whose key is generated go one per statement (the test above).
    const tags = Array.from({ length: 1_201 }, (_, i) => {
      const tag = new Tag();
      tag.id = 100_000 + i;
      tag.name = `page-${i}`;
      return tag;
    });
    session.addAll(tags);
    await session.commit();
    const rowsPerInsert = ctx.statements.filter((s) => s.startsWith("INSERT")).map((s) => s.split("), (").length);
    assert.deepEqual(rowsPerInsert, ctx.db.name === "sqlite" ? [500, 500, 201] : [1_201]);
    assert.equal(await ctx.count("tags", "name LIKE 'page-%'"), 1_201);
    await session.close();
  });

  test("plain many-to-many: append inserts a link row, remove deletes it, deleting an object removes its links", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const author = new User();
    author.email = "m2m@x";
    const post = new Post();
    post.title = "p";
    post.author = author;
    const [t1, t2] = [new Tag(), new Tag()];
    t1.name = "one";
    t2.name = "two";
    post.tags.push(t1, t2);
    assertSameObjects(t1.posts, [post], "the other side follows in memory");
    session.add(post);
    await session.commit();
    assert.equal(await ctx.count("post_tags"), 2);
    post.tags.splice(post.tags.indexOf(t1), 1);
    assert.equal(t1.posts.length, 0);
    ctx.reset();
    await session.commit();
    assert.deepEqual(ctx.statements.map((s) => s.split(" ")[0]), ["DELETE"], "one DELETE of the link, nothing else");
    assert.equal(await ctx.count("post_tags"), 1);
    session.delete(t2);
    await session.commit();
    assert.equal(await ctx.count("post_tags"), 0);
    assert.equal(await ctx.count("tags"), 1);
    await session.close();
  });

  test("self-referential many-to-many: following and followers", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const [ann, bob] = [new User(), new User()];
    ann.email = "ann@x";
    bob.email = "bob@x";
    ann.following.push(bob);
    assertSameObjects(bob.followers, [ann]);
    session.addAll([ann, bob]);
    await session.commit();
    const rows = (await ctx.engine.execute(select(follows.c.followerId, follows.c.followedId))).rows;
    assert.deepEqual(rows, [{ followerId: ann.id, followedId: bob.id }]);
    await session.close();
    const reader = ctx.session();
    const users = await reader.scalars(select(User).options(selectinLoad(User, "followers")).orderBy(columnsOf(User).id));
    assert.deepEqual(users.map((u) => u.followers.map((f) => f.email)), [[], ["ann@x"]]);
    await reader.close();
  });

  test("back-references follow at once, before any flush, in every direction", () => {
    const [u1, u2] = [new User(), new User()];
    const post = new Post();
    post.author = u1;
    assertSameObjects(u1.posts, [post]);
    u2.posts.push(post); // moves the post: it leaves u1's list and points at u2
    assert.equal(post.author, u2);
    assert.equal(u1.posts.length, 0);
    u2.posts.splice(u2.posts.indexOf(post), 1);
    assert.equal(post.author, null);
    const profile = new Profile();
    u1.profile = profile; // one-to-one
    assert.equal(profile.user, u1);
    profile.user = u2;
    assert.equal(u2.profile, profile);
    assert.equal(u1.profile, null);
  });

  test("a one-to-many child removed from its parent has its foreign key cleared", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const root = new Category();
    root.name = "r";
    const child = new Category();
    child.name = "c";
    root.children.push(child);
    session.add(root);
    await session.commit();
    root.children.splice(root.children.indexOf(child), 1);
    await session.commit();
    const check = ctx.session();
    assert.equal((await check.get(Category, child.id))!.parentId, null);
    await check.close();
    await session.close();
  });

  test("deleting a parent without a delete cascade detaches its children; a NOT NULL key makes that fail whole", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const author = new User();
    author.email = "gone@x";
    const post = new Post();
    post.title = "t";
    post.author = author;
    session.add(post);
    await session.commit();
    // User.posts has no delete cascade: deleting the author loads the posts and would null their
    // author_id, which is NOT NULL: the database refuses, and the flush is rolled back whole.
    session.delete(author);
    await assert.rejects(session.commit(), /null|NULL|constraint|cannot be/i);
    assert.equal(await ctx.count("users"), 1);
    assert.equal(await ctx.count("posts"), 1);
    await session.close();
  });
}, { createOnce: true });
