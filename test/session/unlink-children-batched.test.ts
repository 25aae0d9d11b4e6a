/**
 * A parent deleted without a delete cascade: its children's nullable foreign key is set NULL.
 * That was one UPDATE per child; it is one per chunk of rows (`UPDATE ... SET folder_id = NULL
 * WHERE (id, folder_id) IN (...)`), each row still named with the parent it was read with, and
 * the rows matched still counted: one deleted or moved by another transaction meanwhile fails the
 * flush with StaleDataError, nothing of it written, the session usable.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationalError, StaleDataError, lazy, sql } from "../../src/index.js";
import { Folder, fileRows, folderFiles, seedFolderFiles } from "./fixtures/folder-files.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("the children of a deleted parent unlinked in one statement", folderFiles.metadata, (ctx) => {
  const seeded = () => seedFolderFiles(ctx);
  const rows = () => fileRows(ctx);
  const updates = () => ctx.statements.filter((s) => /^UPDATE/i.test(s));

  test("two parents' children: one UPDATE, every child unlinked, the objects too", async () => {
    await seeded();
    const session = ctx.session();
    const [one, two] = [(await session.get(Folder, 1))!, (await session.get(Folder, 2))!];
    const held = [...(await lazy(one).files), ...(await lazy(two).files)];
    ctx.reset();
    session.delete(one);
    session.delete(two);
    await session.flush();
    assert.equal(updates().length, 1, updates().join("\n")); // was 8
    assert.ok(held.every((file) => file.folderId === null));
    await session.commit();
    assert.deepEqual(await rows(), ["10:null", "11:null", "12:null", "13:null", "14:null", "20:null", "21:null", "22:null", "30:3"]);
    assert.equal(await ctx.count("uc_folders"), 1);
  });

  test("a child changed besides keeps its own UPDATE; the others share one", async () => {
    await seeded();
    const session = ctx.session();
    const one = (await session.get(Folder, 1))!;
    const list = await lazy(one).files;
    list.find((f) => f.id === 12)!.name = "renamed";
    ctx.reset();
    session.delete(one);
    await session.commit();
    assert.equal(updates().length, 2, updates().join("\n"));
    assert.deepEqual((await rows()).slice(0, 5), ["10:null", "11:null", "12:null", "13:null", "14:null"]);
    assert.equal(await ctx.count("uc_files", "name = 'renamed' AND folder_id IS NULL"), 1);
  });

  for (const [what, change] of [
    ["deleted", "DELETE FROM uc_files WHERE id = 13"],
    ["moved to another parent", "UPDATE uc_files SET folder_id = 3 WHERE id = 13"],
  ] as const) {
    test(`a child another transaction ${what} meanwhile: StaleDataError, nothing written, the session usable`, async () => {
      await seeded();
      const session = ctx.session();
      const one = (await session.get(Folder, 1))!;
      await lazy(one).files;
      await ctx.engine.execute(sql`${sql.raw(change)}`);
      const before = await rows();
      session.delete(one);
      // SQLite refuses the commit itself: the session's read snapshot is older than the other's write.
      const refused = (e: unknown) => (ctx.db.name === "sqlite" ? e instanceof OperationalError : e instanceof StaleDataError && /UPDATE of File .* matched 4 of 5 rows/.test((e as Error).message));
      await assert.rejects(session.commit(), refused);
      assert.deepEqual(await rows(), before, "nothing of the failed flush is written");
      assert.equal(await ctx.count("uc_folders", "id = 1"), 1);
      await session.rollback();
      session.delete((await session.get(Folder, 1))!);
      await session.commit();
      assert.equal(await ctx.count("uc_files", "folder_id = 1"), 0);
      assert.equal(await ctx.count("uc_folders", "id = 1"), 0);
    });
  }
}, { createOnce: true, sqliteFile: true });
