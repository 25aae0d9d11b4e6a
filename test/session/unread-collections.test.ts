/**
 * Assigning a whole list to a relationship that is not loaded (expired by commit, or never read):
 * the members the database holds and the list leaves out are removed, as if the list had been
 * loaded when assigned (SQLAlchemy loads it then; the flush reads it here). One-to-many children
 * lose their foreign key, or are deleted with delete-orphan; plain many-to-many links and
 * association objects are deleted; the members kept are not written again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, columnsOf, inspect, integer, manyToOne, oneToMany, select, selectinLoad, string, table } from "../../src/index.js";
import { Base, Category, Group, Membership, Post, Tag, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { assertSameObjects } from "../support/same-objects.js";

forEachDatabaseWithSchema("assigning a list that is not loaded", Base.metadata, (ctx) => {
  async function categories() {
    const session = ctx.session();
    const [root, c1, c2, c3] = ["root", "c1", "c2", "c3"].map((name) => Object.assign(new Category(), { name }));
    root!.children.push(c1!, c2!);
    session.addAll([root!, c3!]);
    await session.commit(); // expires every object: root.children is not loaded now
    return { session, root: root!, c1: c1!, c2: c2!, c3: c3! };
  }

  async function childrenIn(id: number): Promise<string[]> {
    const fresh = ctx.session();
    const [parent] = await fresh.scalars(select(Category).where(columnsOf(Category).id.eq(id)).options(selectinLoad(Category, "children")));
    const names = parent!.children.map((c) => c.name).sort();
    await fresh.close();
    return names;
  }

  test("one-to-many after commit: the children left out lose their foreign key; the list reads as assigned", async () => {
    const { session, root, c1, c2, c3 } = await categories();
    root.children = [c3];
    assertSameObjects(root.children, [c3], "read before the flush: the members assigned");
    assert.equal(c3.parent, root);
    await session.commit();
    assert.deepEqual(await childrenIn(root.id), ["c3"]);
    assert.equal(await ctx.count("categories", "parent_id IS NULL"), 3, "root, c1 and c2");
    assert.ok(c1 && c2);
  });

  test("one-to-many on an object loaded without the list: a member kept stays, [] removes every child", async () => {
    const { session, root } = await categories();
    await session.close();
    const other = ctx.session();
    const loaded = (await other.get(Category, root.id))!;
    const c2 = (await other.scalars(select(Category).where(columnsOf(Category).name.eq("c2"))))[0]!;
    assert.throws(() => loaded.children, /not loaded/);
    loaded.children = [c2];
    // A query autoflushes: the removal is written before it runs.
    const c1 = (await other.scalars(select(Category).where(columnsOf(Category).name.eq("c1"))))[0]!;
    assert.equal(c1.parentId, null);
    await other.commit();
    assert.deepEqual(await childrenIn(root.id), ["c2"]);
    loaded.children = [];
    await other.commit();
    assert.deepEqual(await childrenIn(root.id), []);
  });

  test("plain many-to-many after commit: links left out are deleted, the kept one is not inserted again", async () => {
    const session = ctx.session();
    const author = Object.assign(new User(), { email: "a@x" });
    const post = Object.assign(new Post(), { title: "p", author });
    const [t1, t2, t3] = ["one", "two", "three"].map((name) => Object.assign(new Tag(), { name }));
    post.tags.push(t1!, t2!);
    session.addAll([post, t3!]);
    await session.commit();
    post.tags = [t1!, t3!];
    ctx.reset();
    await session.commit();
    assert.deepEqual(ctx.statements.map((s) => s.split(" ")[0]), ["SELECT", "DELETE", "INSERT"], "read the links, delete one, insert one");
    const fresh = ctx.session();
    const [again] = await fresh.scalars(select(Post).options(selectinLoad(Post, "tags")));
    assert.deepEqual(again!.tags.map((t) => t.name).sort(), ["one", "three"]);
  });

  test("assigned twice before the flush: the last list is written; the other side, loaded, follows the removals", async () => {
    const session = ctx.session();
    const author = Object.assign(new User(), { email: "b@x" });
    const post = Object.assign(new Post(), { title: "p", author });
    const [t1, t2, t3] = ["one", "two", "three"].map((name) => Object.assign(new Tag(), { name }));
    post.tags.push(t1!, t2!);
    session.addAll([post, t3!]);
    await session.commit();
    const t2Posts = await session.scalars(select(Tag).where(columnsOf(Tag).id.eq(t2!.id)).options(selectinLoad(Tag, "posts")));
    assertSameObjects(t2Posts[0]!.posts, [post]);
    post.tags = [t3!];
    post.tags = [t1!, t3!];
    assertSameObjects(t2!.posts, [post], "that t2 leaves is known once the flush has read post's tags");
    await session.flush();
    assertSameObjects(t2!.posts, [], "the removal reached t2's loaded list");
    await session.commit();
    const fresh = ctx.session();
    const [again] = await fresh.scalars(select(Post).options(selectinLoad(Post, "tags")));
    assert.deepEqual(again!.tags.map((t) => t.name).sort(), ["one", "three"]);
  });

  test("many-to-many view over association objects: the association left out is deleted, the kept one keeps its data", async () => {
    const session = ctx.session();
    const user = Object.assign(new User(), { email: "u@x" });
    const [g1, g2, g3] = ["g1", "g2", "g3"].map((name) => Object.assign(new Group(), { name }));
    user.groups.push(g1!, g2!);
    session.addAll([user, g3!]);
    await session.flush();
    user.memberships.find((m) => m.group === g1)!.role = "admin";
    await session.commit();
    user.groups = [g1!, g3!];
    assertSameObjects(user.groups, [g1!, g3!]);
    await session.commit();
    const fresh = ctx.session();
    const memberships = await fresh.scalars(select(Membership).orderBy(columnsOf(Membership).groupId));
    assert.deepEqual(
      memberships.map((m) => [m.groupId, m.role]),
      [
        [g1!.id, "admin"],
        [g3!.id, "member"],
      ],
    );
    assert.equal(inspect(user).status, "persistent");
  });
}, { createOnce: true });

/** A folder whose files are deleted when they leave it (delete-orphan). */
function orphanSchema() {
  const registry = new Registry();
  const folders = table("ux_folders", registry.metadata, { id: integer().primaryKey(), name: string(20) });
  const files = table("ux_files", registry.metadata, {
    id: integer().primaryKey(),
    name: string(20),
    folderId: integer().named("folder_id").references("ux_folders.id"),
  });
  class Folder {
    declare id: number;
    declare name: string | null;
    declare files: File[];
  }
  class File {
    declare id: number;
    declare name: string | null;
    declare folder: Folder | null;
  }
  registry.mapImperatively(Folder, folders, { properties: { files: oneToMany("File" as never, { backPopulates: "folder", cascade: "all, delete-orphan" }) } });
  registry.mapImperatively(File, files, { properties: { folder: manyToOne("Folder" as never, { backPopulates: "files" }) } });
  return { registry, Folder, File };
}

const orphans = orphanSchema();

forEachDatabaseWithSchema("assigning a list that is not loaded, with delete-orphan", orphans.registry.metadata, (ctx) => {
  test("the children left out are deleted; the one assigned moves in", async () => {
    const { Folder, File } = orphans;
    const session = ctx.session();
    const folder = Object.assign(new Folder(), { name: "docs" });
    const [a, b, c] = ["a", "b", "c"].map((name) => Object.assign(new File(), { name }));
    folder.files.push(a!, b!);
    session.addAll([folder, c!]);
    await session.commit();
    folder.files = [c!];
    await session.commit();
    assert.equal(await ctx.count("ux_files"), 1);
    assert.equal(await ctx.count("ux_files", `folder_id = ${folder.id} AND name = 'c'`), 1);
    assert.equal(inspect(a!).status, "detached", "deleted and committed");
    folder.files = [];
    await session.commit();
    assert.equal(await ctx.count("ux_files"), 0);
  });
}, { createOnce: true });
