/**
 * A parent deleted without a delete cascade: its loaded children lose their foreign key. One that
 * another transaction has since moved to another parent (and committed) was set NULL by its
 * primary key alone: taken from its new parent, the commit resolved. Its UPDATE now names the
 * parent it was read with too: it matches nothing, and the flush fails with StaleDataError,
 * nothing of it written, the session usable (unlink-guards.ts). The same for a child taken out
 * of its parent's list.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationalError, StaleDataError, lazy, sql } from "../../src/index.js";
import { File, Folder, folderFiles } from "./fixtures/folder-files.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a child unlinked from its deleted parent, moved elsewhere by another transaction", folderFiles.metadata, (ctx) => {
  /** Folders 1 and 2, files 10 and 11 in folder 1. */
  async function seeded(): Promise<void> {
    const seed = ctx.session();
    seed.addAll([1, 2].map((id) => Object.assign(new Folder(), { id, name: `folder ${id}` })));
    await seed.flush();
    seed.addAll([10, 11].map((id) => Object.assign(new File(), { id, folderId: 1, name: `file ${id}` })));
    await seed.commit();
    await seed.close();
  }
  const rows = async () => (await ctx.engine.execute(sql<{ id: number; f: number | null }>`SELECT id, folder_id AS f FROM uc_files ORDER BY id`)).rows.map((r) => `${r.id}:${r.f}`);

  test("is not taken from its new parent: StaleDataError, nothing written, and the session goes on", async () => {
    await seeded();
    const session = ctx.session();
    const folder = (await session.get(Folder, 1))!;
    await lazy(folder).files;
    const other = ctx.session();
    (await other.get(File, 11))!.folderId = 2;
    await other.commit();
    await other.close();
    session.delete(folder);
    // SQLite refuses the commit itself: the session's read snapshot is older than the other's write.
    const refused = (e: unknown) => (ctx.db.name === "sqlite" ? e instanceof OperationalError : e instanceof StaleDataError && /UPDATE of File/.test((e as Error).message));
    await assert.rejects(session.commit(), refused); // was: resolved, file 11 unlinked from folder 2
    assert.deepEqual(await rows(), ["10:1", "11:2"]);
    await session.rollback();
    session.delete((await session.get(Folder, 1))!);
    await session.commit();
    assert.deepEqual(await rows(), ["10:null", "11:2"]);
  });

  test("taken out of its parent's list: not taken from the parent another transaction moved it to either", async () => {
    await seeded();
    const session = ctx.session();
    const list = await lazy((await session.get(Folder, 1))!).files;
    list.splice(list.findIndex((f) => f.id === 11), 1);
    const other = ctx.session();
    (await other.get(File, 11))!.folderId = 2;
    await other.commit();
    await other.close();
    const refused = (e: unknown) => (ctx.db.name === "sqlite" ? e instanceof OperationalError : e instanceof StaleDataError && /UPDATE of File/.test((e as Error).message));
    await assert.rejects(session.commit(), refused); // was: resolved, file 11 unlinked from folder 2
    assert.deepEqual(await rows(), ["10:1", "11:2"]);
  });
}, { createOnce: true, sqliteFile: true });
