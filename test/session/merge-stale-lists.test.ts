/**
 * `session.merge()` of a detached object whose lists were loaded before another transaction
 * added members to them. SQLAlchemy assigns the detached list whole: the member added since was
 * taken out (deleted as an orphan, unlinked, its link row deleted) and the commit said nothing.
 * athanor makes the detached list's own changes since it was loaded to the session's list, and
 * leaves the rest; a list made by hand is still the state to merge, assigned whole.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, lazy, manyToMany, manyToOne, model, oneToMany, select, selectinLoad, string, table, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class StaleListBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    MlFolder: MlFolder;
    MlFile: MlFile;
    MlTag: MlTag;
    MlLabel: MlLabel;
  }
}

@model("ml_folders")
class MlFolder extends StaleListBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40)) accessor name!: string | null;
  @oneToMany("MlFile", { backPopulates: "folder", cascade: "all, delete-orphan" }) accessor files!: Rel<MlFile[], "folder">;
  @oneToMany("MlTag", { backPopulates: "folder" }) accessor tags!: Rel<MlTag[], "folder">;
  @manyToMany("MlLabel", { secondary: "ml_folder_labels", backPopulates: "folders" }) accessor labels!: Rel<MlLabel[], "folders">;
}

@model("ml_files")
class MlFile extends StaleListBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("folder_id").notNull().references("ml_folders.id")) accessor folderId!: number;
  @manyToOne("MlFolder", { backPopulates: "files" }) accessor folder!: Rel<MlFolder, "files">;
}

@model("ml_tags")
class MlTag extends StaleListBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("folder_id").references("ml_folders.id")) accessor folderId!: number | null;
  @manyToOne("MlFolder", { backPopulates: "tags" }) accessor folder!: Rel<MlFolder | null, "tags">;
}

@model("ml_labels")
class MlLabel extends StaleListBase {
  @column(integer().primaryKey()) accessor id!: number;
  @manyToMany("MlFolder", { secondary: "ml_folder_labels", backPopulates: "labels" }) accessor folders!: Rel<MlFolder[], "labels">;
}

table("ml_folder_labels", StaleListBase.metadata, {
  folderId: integer().named("folder_id").primaryKey().references("ml_folders.id"),
  labelId: integer().named("label_id").primaryKey().references("ml_labels.id"),
});

/** Folder 1 with files 10, 11, tags 20, 22 and label 30 (labels 31, 32 exist), read with its lists by a session then closed. */
async function detachedFolder(ctx: SessionContext): Promise<MlFolder> {
  const seed = ctx.session();
  const folder = Object.assign(new MlFolder(), { id: 1, name: "one" });
  folder.files.push(Object.assign(new MlFile(), { id: 10 }), Object.assign(new MlFile(), { id: 11 }));
  folder.tags.push(Object.assign(new MlTag(), { id: 20 }), Object.assign(new MlTag(), { id: 22 }));
  folder.labels.push(Object.assign(new MlLabel(), { id: 30 }));
  seed.add(folder);
  seed.addAll([Object.assign(new MlLabel(), { id: 31 }), Object.assign(new MlLabel(), { id: 32 })]);
  await seed.commit();
  await seed.close();
  const reader = ctx.session();
  const loads = [selectinLoad(MlFolder, "files"), selectinLoad(MlFolder, "tags"), selectinLoad(MlFolder, "labels")];
  const [read] = await reader.scalars(select(MlFolder).options(...loads));
  await reader.close();
  return read!;
}

/** Another session adds file 12, tag 21 and label 31 to folder 1, and commits. */
async function addedElsewhere(ctx: SessionContext): Promise<void> {
  const other = ctx.session();
  other.add(Object.assign(new MlFile(), { id: 12, folderId: 1 }));
  other.add(Object.assign(new MlTag(), { id: 21, folderId: 1 }));
  const labels = await lazy((await other.get(MlFolder, 1))!).labels;
  labels.push((await other.get(MlLabel, 31))!);
  await other.commit();
  await other.close();
}


forEachDatabaseWithSchema("merge of a detached object with stale lists", StaleListBase.metadata, (ctx) => {

  test("members another transaction added since the lists were loaded are kept: not deleted as orphans, not unlinked, their links kept", async () => {
    const folder = await detachedFolder(ctx);
    await addedElsewhere(ctx);
    folder.name = "renamed while detached";
    const session = ctx.session();
    await session.merge(folder);
    await session.commit();
    assert.equal(await ctx.count("ml_folders", "name = 'renamed while detached'"), 1);
    assert.equal(await ctx.count("ml_files", "folder_id = 1 AND id IN (10, 11, 12)"), 3, "a file added by another transaction was deleted");
    assert.equal(await ctx.count("ml_tags", "folder_id = 1 AND id IN (20, 21, 22)"), 3, "a tag added by another transaction was unlinked");
    assert.equal(await ctx.count("ml_folder_labels", "folder_id = 1 AND label_id IN (30, 31)"), 2, "a link added by another transaction was deleted");
  });

  test("the detached lists' own changes are merged: members taken out leave (an orphan is deleted), members put in join", async () => {
    const folder = await detachedFolder(ctx);
    await addedElsewhere(ctx);
    folder.files.splice(folder.files.findIndex((f) => f.id === 11), 1);
    folder.files.push(Object.assign(new MlFile(), { id: 13 }));
    folder.tags.splice(folder.tags.findIndex((t) => t.id === 22), 1);
    folder.labels.splice(0, 1);
    const label = new MlLabel();
    label.id = 32;
    folder.labels.push(label); // a detached stand-in for label 32's row: merged onto it
    const session = ctx.session();
    const merged = await session.merge(folder);
    assert.deepEqual(merged.files.map((f) => f.id).sort(), [10, 12, 13]);
    await session.commit();
    assert.equal(await ctx.count("ml_files"), 3);
    assert.equal(await ctx.count("ml_files", "folder_id = 1 AND id IN (10, 12, 13)"), 3);
    assert.equal(await ctx.count("ml_tags", "folder_id = 1 AND id IN (20, 21)"), 2);
    assert.equal(await ctx.count("ml_tags", "id = 22 AND folder_id IS NULL"), 1);
    assert.equal(await ctx.count("ml_folder_labels"), 2);
    assert.equal(await ctx.count("ml_folder_labels", "folder_id = 1 AND label_id IN (31, 32)"), 2);
  });

  test("a list made by hand (an object never loaded, its key given) is the state to merge: assigned whole, as before", async () => {
    await detachedFolder(ctx);
    await addedElsewhere(ctx);
    const given = Object.assign(new MlFolder(), { id: 1, name: "given" });
    given.files.push(Object.assign(new MlFile(), { id: 10 }));
    const session = ctx.session();
    await session.merge(given);
    await session.commit();
    assert.equal(await ctx.count("ml_files"), 1, "files 11 and 12 are orphans of the list given");
  });
}, { createOnce: true });
