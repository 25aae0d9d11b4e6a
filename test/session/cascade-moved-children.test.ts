/**
 * A parent deleted with a delete cascade whose list was not loaded: the flush reads the children
 * the database holds, and a child moved to another parent in memory (through the other list, its
 * back-reference, or without a back-reference through another list) is among them, since its row
 * still names the deleted parent. It is not deleted: it goes to its new parent. It used to be
 * deleted with the others while the new parent's list showed it, and the commit resolved.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, integer, lazy, manyToOne, oneToMany, sql, string, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** Folders and files, with or without a back-reference; the delete cascades from the folder. */
function schema(backReference: boolean) {
  const registry = new Registry();
  const prefix = backReference ? "cmb" : "cmn";
  table(`${prefix}_folders`, registry.metadata, { id: integer().primaryKey(), name: string(20) });
  table(`${prefix}_files`, registry.metadata, { id: integer().primaryKey(), folderId: integer().named("folder_id").references(`${prefix}_folders.id`) });
  class Folder {
    declare id: number;
    declare name: string | null;
    declare files: File[];
  }
  class File {
    declare id: number;
    declare folderId: number | null;
    declare folder: Folder | null;
  }
  const t = registry.metadata.tables;
  registry.mapImperatively(Folder, t.get(`${prefix}_folders`)!, {
    properties: { files: oneToMany("File" as never, { cascade: "all", ...(backReference ? { backPopulates: "folder" } : {}) }) },
  });
  registry.mapImperatively(File, t.get(`${prefix}_files`)!, backReference ? { properties: { folder: manyToOne("Folder" as never, { backPopulates: "files" }) } } : {});
  return { registry, Folder, File, files: `${prefix}_files` };
}

for (const backReference of [true, false]) {
  const { registry, Folder, File, files } = schema(backReference);
  const moves = backReference ? (["the new folder's list", "the file's reference"] as const) : (["the new folder's list"] as const);

  forEachDatabaseWithSchema(`deleted folder, a file moved away (${backReference ? "with" : "without"} a back-reference)`, registry.metadata, (ctx) => {
    async function rows(): Promise<string[]> {
      const { rows } = await ctx.engine.execute(sql<{ id: number; folder_id: number | null }>`SELECT id, folder_id FROM ${sql.raw(files)} ORDER BY id`);
      return rows.map((row) => `${row.id}:${row.folder_id ?? "null"}`);
    }

    for (const through of moves) {
      test(`moved through ${through}, then the old folder deleted: the file goes to the new folder, the other is deleted`, async () => {
        const setup = ctx.session();
        const old = Object.assign(new Folder(), { id: 1, name: "old" });
        old.files.push(Object.assign(new File(), { id: 1 }), Object.assign(new File(), { id: 2 }));
        setup.addAll([old, Object.assign(new Folder(), { id: 2, name: "new" })]);
        await setup.commit();
        await setup.close();

        const session = ctx.session();
        const [from, to, file] = [(await session.get(Folder, 1))!, (await session.get(Folder, 2))!, (await session.get(File, 1))!];
        if (through === "the file's reference") file.folder = to;
        else (await lazy(to).files).push(file);
        session.delete(from); // its files not loaded: the flush reads them
        await session.commit();
        assert.deepEqual(await rows(), ["1:2"]);
      });
    }
  }, { createOnce: true });
}
