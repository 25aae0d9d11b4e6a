/**
 * Row switch: an object deleted and a new object with its key added in one flush. The new object
 * takes the row over with an UPDATE (a DELETE and an INSERT of one key would collide), so the
 * row is never deleted and the database's ON DELETE never runs for it. What referenced the
 * deleted object must not pass to the new one: its plain many-to-many links are deleted (declared
 * from either side), and rows the flush does not follow (children left to ON DELETE with
 * `passiveDeletes`, a table with no list on the model) refuse the switch with `FlushOrderError`,
 * nothing written, rather than silently belong to the new object.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FlushOrderError, IntegrityError, Registry, StaleDataError, inspect, integer, lazy, manyToMany, manyToOne, oneToMany, select, sql, string, table } from "../../src/index.js";
import { Base, Group, Post, Tag, User } from "../../examples/blog/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("row switch: many-to-many links", Base.metadata, (ctx) => {
  /** Tag 5 linked to posts 1 and 2. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const author = Object.assign(new User(), { id: 1, email: "a@x" });
    const tag = Object.assign(new Tag(), { id: 5, name: "old" });
    const posts = [1, 2].map((id) => Object.assign(new Post(), { id, title: `p${id}`, author }));
    for (const post of posts) post.tags.push(tag);
    session.addAll([author, tag, ...posts]);
    await session.commit();
    await session.close();
  }

  async function links(): Promise<string[]> {
    const { rows } = await ctx.engine.execute(sql<{ post_id: number; tag_id: number }>`SELECT post_id, tag_id FROM post_tags ORDER BY post_id, tag_id`);
    return rows.map((row) => `${row.post_id}-${row.tag_id}`);
  }

  test("the links of the deleted object do not pass to the new one (its list not loaded)", async () => {
    await seed();
    const session = ctx.session();
    session.delete((await session.get(Tag, 5))!);
    const replacement = Object.assign(new Tag(), { id: 5, name: "new" });
    session.add(replacement);
    await session.commit();
    assert.deepEqual(await links(), [], "the new tag 5 has no posts");
    const check = ctx.session();
    const reloaded = (await check.get(Tag, 5))!;
    assert.equal(reloaded.name, "new");
    assert.equal((await lazy(reloaded).posts).length, 0);
  });

  test("the links of the deleted object do not pass to the new one (its list loaded)", async () => {
    await seed();
    const session = ctx.session();
    const old = (await session.get(Tag, 5))!;
    assert.equal((await lazy(old).posts).length, 2);
    session.delete(old);
    session.add(Object.assign(new Tag(), { id: 5, name: "new" }));
    await session.commit();
    assert.deepEqual(await links(), []);
  });

  test("the new object linked to a post the old one was linked to: that link once, the other gone", async () => {
    await seed();
    const session = ctx.session();
    const old = (await session.get(Tag, 5))!;
    const post = (await session.get(Post, 1))!;
    session.delete(old);
    const replacement = Object.assign(new Tag(), { id: 5, name: "new" });
    session.add(replacement);
    replacement.posts.push(post);
    await session.commit();
    assert.deepEqual(await links(), ["1-5"]);
  });

  test("the old object removed from a loaded list and the new one added to it: the link is kept", async () => {
    await seed();
    const session = ctx.session();
    const post = (await session.get(Post, 1))!;
    const tags = await lazy(post).tags;
    const old = tags[0]!;
    tags.splice(0, 1); // DELETE of link (1, 5)
    session.delete(old);
    const replacement = Object.assign(new Tag(), { id: 5, name: "new" });
    session.add(replacement);
    post.tags.push(replacement); // INSERT of link (1, 5): after the DELETE, not skipped
    await session.commit();
    assert.deepEqual(await links(), ["1-5"]);
  });

  test("a self-referential many-to-many (follows) and association objects (memberships): none pass to the new user", async () => {
    const setup = ctx.session();
    const users = [1, 2, 3].map((id) => Object.assign(new User(), { id, email: `u${id}@x` }));
    users[0]!.following.push(users[1]!);
    users[2]!.following.push(users[0]!);
    users[0]!.groups.push(Object.assign(new Group(), { id: 1, name: "g" }));
    setup.addAll(users);
    await setup.commit();
    const session = ctx.session();
    session.delete((await session.get(User, 1))!);
    session.add(Object.assign(new User(), { id: 1, email: "new@x" }));
    await session.commit();
    assert.equal(await ctx.count("follows"), 0, "neither who user 1 followed nor who followed user 1");
    assert.equal(await ctx.count("memberships"), 0);
    assert.equal(await ctx.count("users"), 3);
  });

  test("a switch inside a savepoint rolled back: the old object is the row's again, with its links", async () => {
    await seed();
    const session = ctx.session();
    const old = (await session.get(Tag, 5))!;
    const savepoint = await session.beginNested();
    session.delete(old);
    const replacement = Object.assign(new Tag(), { id: 5, name: "new" });
    session.add(replacement);
    await session.flush();
    assert.equal(await session.get(Tag, 5), replacement);
    await savepoint.rollback();
    assert.equal(inspect(replacement).status, "transient");
    assert.equal(await session.get(Tag, 5), old);
    old.name = "renamed";
    await session.commit();
    assert.deepEqual((await ctx.engine.execute(sql<{ name: string }>`SELECT name FROM tags`)).rows.map((r) => r.name), ["renamed"]);
    assert.deepEqual(await links(), ["1-5", "2-5"]);
  });

  test("a switch in a flush that fails: pending again; fixed, the commit writes it once, without the old links", async () => {
    await seed();
    const session = ctx.session();
    const old = (await session.get(Tag, 5))!;
    session.delete(old);
    const replacement = Object.assign(new Tag(), { id: 5, name: "new" });
    const clash = Object.assign(new Tag(), { id: 6, name: "new" });
    session.addAll([replacement, clash]);
    await assert.rejects(session.commit(), IntegrityError);
    assert.equal(inspect(old).status, "persistent", "marked for deletion again");
    assert.equal(inspect(replacement).status, "pending");
    assert.deepEqual(await links(), ["1-5", "2-5"], "nothing written");
    clash.name = "other";
    await session.commit();
    assert.deepEqual((await ctx.engine.execute(sql<{ id: number; name: string }>`SELECT id, name FROM tags ORDER BY id`)).rows.map((r) => `${r.id}:${r.name}`), ["5:new", "6:other"]);
    assert.deepEqual(await links(), []);
  });
}, { createOnce: true });

/** Folders with files left to ON DELETE CASCADE, notes with no list on Folder, labels linked from Folder only. */
function schema() {
  const registry = new Registry();
  table("rs_folders", registry.metadata, { id: integer().primaryKey(), name: string(20) });
  table("rs_files", registry.metadata, { id: integer().primaryKey(), folderId: integer().named("folder_id").references("rs_folders.id", { onDelete: "cascade" }) });
  table("rs_notes", registry.metadata, { id: integer().primaryKey(), folderId: integer().named("folder_id").references("rs_folders.id", { onDelete: "cascade" }) });
  table("rs_labels", registry.metadata, { id: integer().primaryKey(), name: string(20) });
  table("rs_folder_labels", registry.metadata, {
    folderId: integer().named("folder_id").references("rs_folders.id", { onDelete: "cascade" }).primaryKey(),
    labelId: integer().named("label_id").references("rs_labels.id", { onDelete: "cascade" }).primaryKey(),
  });
  class Folder {
    declare id: number;
    declare name: string | null;
    declare files: File[];
    declare labels: Label[];
  }
  class File {
    declare id: number;
    declare folder: Folder | null;
  }
  class Note {
    declare id: number;
    declare folder: Folder | null;
  }
  class Label {
    declare id: number;
    declare name: string | null;
  }
  const t = registry.metadata.tables;
  registry.mapImperatively(Folder, t.get("rs_folders")!, {
    properties: {
      files: oneToMany("File" as never, { backPopulates: "folder", cascade: "all, delete-orphan", passiveDeletes: true }),
      labels: manyToMany("Label" as never, { secondary: "rs_folder_labels" }),
    },
  });
  registry.mapImperatively(File, t.get("rs_files")!, { properties: { folder: manyToOne("Folder" as never, { backPopulates: "files" }) } });
  registry.mapImperatively(Note, t.get("rs_notes")!, { properties: { folder: manyToOne("Folder" as never) } });
  registry.mapImperatively(Label, t.get("rs_labels")!);
  return { registry, Folder, File, Note, Label };
}

const { registry, Folder, File, Note, Label } = schema();

forEachDatabaseWithSchema("row switch: rows the flush does not follow", registry.metadata, (ctx) => {
  test("a many-to-many declared only on the other side: the deleted object's links are deleted", async () => {
    const setup = ctx.session();
    const folder = Object.assign(new Folder(), { id: 1, name: "f" });
    folder.labels.push(Object.assign(new Label(), { id: 7, name: "old" }));
    setup.add(folder);
    await setup.commit();
    const session = ctx.session();
    session.delete((await session.get(Label, 7))!);
    session.add(Object.assign(new Label(), { id: 7, name: "new" }));
    await session.commit();
    assert.equal(await ctx.count("rs_labels"), 1);
    assert.equal(await ctx.count("rs_folder_labels"), 0, "folder 1 is not linked to the new label 7");
  });

  for (const what of ["files (passiveDeletes)", "notes (no list on Folder)"] as const) {
    test(`${what} of the deleted folder: the switch is refused, nothing written; in two flushes the database deletes them`, async () => {
      const setup = ctx.session();
      const folder = Object.assign(new Folder(), { id: 1, name: "old" });
      if (what.startsWith("files")) folder.files.push(Object.assign(new File(), { id: 1 }));
      else setup.add(Object.assign(new Note(), { id: 1, folder }));
      setup.add(folder);
      await setup.commit();
      const table = what.startsWith("files") ? "rs_files" : "rs_notes";

      const session = ctx.session();
      const [old] = await session.scalars(select(Folder));
      session.delete(old!);
      const replacement = Object.assign(new Folder(), { id: 1, name: "new" });
      session.add(replacement);
      await assert.rejects(session.commit(), (error: unknown) => error instanceof FlushOrderError && error.message.includes(`'${table}'`), "refused");
      assert.equal(await ctx.count(table), 1, "nothing written");
      assert.equal(inspect(replacement).status, "pending", "the work is pending again");

      // The documented way: the deletion first (the database's ON DELETE runs), then the new row.
      session.expunge(replacement);
      await session.flush();
      session.add(replacement);
      await session.commit();
      assert.equal(await ctx.count(table), 0, "the deleted folder's rows went with it");
      assert.deepEqual((await ctx.engine.execute(sql<{ name: string }>`SELECT name FROM rs_folders`)).rows.map((r) => r.name), ["new"]);
    });
  }

  for (const what of ["files (passiveDeletes)", "notes (no list on Folder)"] as const) {
    test(`${what} of the deleted folder moved to another folder, or deleted, in the same flush: the switch goes ahead`, async () => {
      const setup = ctx.session();
      const folder = Object.assign(new Folder(), { id: 1, name: "old" });
      const other = Object.assign(new Folder(), { id: 2, name: "other" });
      const files = what.startsWith("files");
      if (files) folder.files.push(...[1, 2, 3].map((id) => Object.assign(new File(), { id })));
      else setup.addAll([1, 2, 3].map((id) => Object.assign(new Note(), { id, folder })));
      setup.addAll([folder, other]);
      await setup.commit();
      const table = files ? "rs_files" : "rs_notes";

      const session = ctx.session();
      const [old, second] = [(await session.get(Folder, 1))!, (await session.get(Folder, 2))!];
      const Child = files ? File : Note;
      const [moved, deleted, unset] = [(await session.get(Child, 1))!, (await session.get(Child, 2))!, (await session.get(Child, 3))!];
      moved.folder = second;
      session.delete(deleted);
      // Its reference not loaded: the foreign key set directly.
      (unset as unknown as { folderId: number | null }).folderId = null;
      session.delete(old);
      session.add(Object.assign(new Folder(), { id: 1, name: "new" }));
      await session.commit();
      const rows = (await ctx.engine.execute(sql<{ id: number; folder_id: number | null }>`SELECT id, folder_id FROM ${sql.raw(table)} ORDER BY id`)).rows;
      assert.deepEqual(rows.map((r) => `${r.id}:${r.folder_id}`), ["1:2", "3:null"]);
      assert.deepEqual((await ctx.engine.execute(sql<{ name: string }>`SELECT name FROM rs_folders ORDER BY id`)).rows.map((r) => r.name), ["new", "other"]);
    });
  }

  test("one note moved away, another left naming the deleted folder: still refused, nothing written", async () => {
    const setup = ctx.session();
    const folder = Object.assign(new Folder(), { id: 1, name: "old" });
    setup.addAll([folder, Object.assign(new Folder(), { id: 2, name: "other" }), ...[1, 2].map((id) => Object.assign(new Note(), { id, folder }))]);
    await setup.commit();
    const session = ctx.session();
    (await session.get(Note, 1))!.folder = (await session.get(Folder, 2))!;
    await session.get(Note, 2); // loaded, its reference not: it still names folder 1
    session.delete((await session.get(Folder, 1))!);
    session.add(Object.assign(new Folder(), { id: 1, name: "new" }));
    await assert.rejects(session.commit(), FlushOrderError);
    assert.equal(await ctx.count("rs_notes", "folder_id = 1"), 2);
  });

  test("the deleted folder's files loaded: they are deleted by the flush, and the switch goes ahead", async () => {
    const setup = ctx.session();
    const folder = Object.assign(new Folder(), { id: 1, name: "old" });
    folder.files.push(Object.assign(new File(), { id: 1 }));
    setup.add(folder);
    await setup.commit();
    const session = ctx.session();
    const [old] = await session.scalars(select(Folder));
    await lazy(old!).files;
    session.delete(old!);
    session.add(Object.assign(new Folder(), { id: 1, name: "new" }));
    await session.commit();
    assert.equal(await ctx.count("rs_files"), 0);
    assert.equal(await ctx.count("rs_folders"), 1);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("row switch: a versioned model", CounterBase.metadata, (ctx) => {
  async function rows(): Promise<string[]> {
    const { rows } = await ctx.engine.execute(sql<{ id: number; name: string; value: number; version: number }>`SELECT id, name, value, version FROM sx_counters ORDER BY id`);
    return rows.map((row) => `${row.id}:${row.name}:${row.value}:v${row.version}`);
  }

  async function seed(): Promise<void> {
    const session = ctx.session();
    session.add(Object.assign(new SxCounter(), { id: 1, name: "old", value: 1 }));
    await session.commit();
    await session.close();
  }

  test("deleted and a new object with its key added: the row is taken over from the version read, and moves to the next", async () => {
    await seed();
    const session = ctx.session();
    session.delete((await session.get(SxCounter, 1))!);
    const replacement = Object.assign(new SxCounter(), { id: 1, name: "new", value: 5 });
    session.add(replacement);
    await session.commit();
    assert.deepEqual(await rows(), ["1:new:5:v2"]);
    replacement.value = 6; // the object is the row's, at its version
    await session.commit();
    assert.deepEqual(await rows(), ["1:new:6:v3"]);
  });

  test("the row changed by another session meanwhile: StaleDataError, nothing written", async () => {
    await seed();
    const session = ctx.session({ expireOnCommit: false });
    const old = (await session.get(SxCounter, 1))!;
    await session.commit(); // ends the read transaction (SQLite: a reader would block the other writer)
    const other = ctx.session();
    (await other.get(SxCounter, 1))!.value = 2;
    await other.commit();
    await other.close();
    session.delete(old);
    session.add(Object.assign(new SxCounter(), { id: 1, name: "new", value: 5 }));
    await assert.rejects(session.commit(), StaleDataError);
    assert.deepEqual(await rows(), ["1:old:2:v2"]);
  });
}, { createOnce: true, sqliteFile: true });
