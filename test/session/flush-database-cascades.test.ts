/**
 * A flush's DELETE whose rows the database's own foreign key actions carry on: rows of another
 * table deleted under `onDelete: "cascade"` (a table the model has no list of, or children left
 * to the database with `passiveDeletes` and not loaded) or unlinked under `"set null"`. The
 * session's objects of those rows follow, as they do after a bulk DELETE (bulk-cascades.ts):
 * they used to stay persistent with their rows gone (`get` returned them) and their next change
 * failed the commit with a StaleDataError blaming another transaction; those unlinked kept the
 * old key.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, Registry, inspect, integer, manyToOne, oneToMany, sql, string, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

function schema() {
  const registry = new Registry();
  const m = registry.metadata;
  const folders = table("fc_folders", m, { id: integer().primaryKey(), name: string(20) });
  const files = table("fc_files", m, { id: integer().primaryKey(), folderId: integer().named("folder_id").notNull().references("fc_folders.id", { onDelete: "cascade" }), name: string(20) });
  const notes = table("fc_notes", m, { id: integer().primaryKey(), fileId: integer().named("file_id").references("fc_files.id", { onDelete: "cascade" }), text: string(20) });
  const tags = table("fc_tags", m, { id: integer().primaryKey(), folderId: integer().named("folder_id").references("fc_folders.id", { onDelete: "set null" }), text: string(20) });
  class Folder {
    declare id: number;
    declare name: string | null;
    declare files: File[];
  }
  class File {
    declare id: number;
    declare folderId: number;
    declare name: string | null;
    declare folder: Folder | null;
  }
  class Note {
    declare id: number;
    declare fileId: number | null;
    declare text: string | null;
  }
  class Tag {
    declare id: number;
    declare folderId: number | null;
    declare text: string | null;
  }
  registry.mapImperatively(Folder, folders, { properties: { files: oneToMany("File" as never, { backPopulates: "folder", cascade: "all, delete-orphan", passiveDeletes: true }) } });
  registry.mapImperatively(File, files, { properties: { folder: manyToOne("Folder" as never, { backPopulates: "files" }) } });
  registry.mapImperatively(Note, notes);
  registry.mapImperatively(Tag, tags);
  return { registry, Folder, File, Note, Tag };
}

const { registry, Folder, File, Note, Tag } = schema();

forEachDatabaseWithSchema("a flush's DELETE and the database's foreign key actions", registry.metadata, (ctx) => {
  /** Folders 1 and 2; files 10 and 11 in folder 1, a note on file 10, a tag on folder 1; a session holding file 10, the note and the tag. */
  async function seeded() {
    const seed = ctx.session();
    seed.addAll([1, 2].map((id) => Object.assign(new Folder(), { id, name: `folder ${id}` })));
    await seed.flush();
    seed.addAll([10, 11].map((id) => Object.assign(new File(), { id, folderId: 1, name: `file ${id}` })));
    await seed.flush();
    seed.addAll([Object.assign(new Note(), { id: 1, fileId: 10, text: "note" }), Object.assign(new Tag(), { id: 1, folderId: 1, text: "tag" })]);
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    const file = (await session.get(File, 10))!;
    const note = (await session.get(Note, 1))!;
    const tag = (await session.get(Tag, 1))!;
    return { session, file, note, tag };
  }
  const q = async (text: string) => (await ctx.engine.execute(sql.raw(text) as never)).rows as Record<string, unknown>[];

  test("a folder deleted (passiveDeletes, its list not loaded): the file and its note held are deleted, the tag holds NULL", async () => {
    const { session, file, note, tag } = await seeded();
    session.delete((await session.get(Folder, 1))!);
    await session.flush();
    assert.equal(inspect(file).status, "deleted", "it stayed persistent, its row gone");
    assert.equal(inspect(note).status, "deleted", "two levels down");
    assert.equal(await session.get(File, 10), undefined, "it used to return the file");
    assert.equal(tag.folderId, null);
    assert.deepEqual(inspect(tag).modified, [], "as stored, not a change to write");
    assert.throws(() => (file.name = "changed"), InvalidRequestError); // its commit used to fail with a StaleDataError
    tag.text = "kept";
    await session.commit();
    assert.deepEqual(await q("SELECT folder_id AS f, text AS t FROM fc_tags"), [{ f: null, t: "kept" }]);
    assert.equal(Number((await q("SELECT count(*) AS n FROM fc_files"))[0]!.n), 0);
  });

  test("the flush rolled back with a savepoint: the objects are persistent again, and their changes commit", async () => {
    const { session, file, note } = await seeded();
    const savepoint = await session.beginNested();
    session.delete((await session.get(Folder, 1))!);
    await session.flush();
    await savepoint.rollback();
    assert.equal(inspect(file).status, "persistent");
    assert.equal(await session.get(File, 10), file);
    note.text = "after the rollback";
    await session.commit();
    assert.deepEqual(await q("SELECT text AS t FROM fc_notes"), [{ t: "after the rollback" }]);
  });

  test("a file moved to another folder in the same flush is not followed: its row was moved before the DELETE", async () => {
    const { session, file } = await seeded();
    file.folder = (await session.get(Folder, 2))!;
    session.delete((await session.get(Folder, 1))!);
    await session.flush();
    assert.equal(inspect(file).status, "persistent");
    file.name = "moved";
    await session.commit();
    assert.deepEqual(await q("SELECT id, folder_id AS f, name AS n FROM fc_files"), [{ id: 10, f: 2, n: "moved" }]);
  });
}, { createOnce: true });
