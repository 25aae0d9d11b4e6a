/**
 * Children taken out of their parent's list (`splice`, a new list, `file.folder = null`) on a
 * one-to-many without delete-orphan: their foreign key is set NULL. That was one UPDATE per child;
 * it is one per chunk of rows, as for the children of a deleted parent (unlink-children-batched),
 * each row still named with the parent it was read with and the rows matched counted. Children
 * moved to another parent share one UPDATE per new parent.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationalError, Registry, StaleDataError, insert, integer, lazy, oneToMany, sql, string, table, unique } from "../../src/index.js";
import { File, Folder, fileRows, folderFiles, seedFolderFiles } from "./fixtures/folder-files.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** Boxes and their items, a one-to-many with no back-reference: the parent's list alone moves them. */
const boxItems = new Registry();
const boxes = table("ub_boxes", boxItems.metadata, { id: integer().primaryKey() });
const items = table("ub_items", boxItems.metadata, { id: integer().primaryKey(), boxId: integer().named("box_id").references("ub_boxes.id") });
class Box {
  declare id: number;
  declare items: Item[];
}
class Item {
  declare id: number;
  declare boxId: number | null;
}
/** Labels, unique by box and name: rows moved to one box hand values on, updated one by one in order. */
const labels = table("ub_labels", boxItems.metadata, { id: integer().primaryKey(), boxId: integer().named("box_id").references("ub_boxes.id"), name: string(10) }, (c) => [unique([c.boxId, c.name])]);
class Label {
  declare id: number;
  declare boxId: number | null;
  declare name: string;
}
boxItems.mapImperatively(Box, boxes, { properties: { items: oneToMany("Item" as never) } });
boxItems.mapImperatively(Item, items);
boxItems.mapImperatively(Label, labels);

forEachDatabaseWithSchema("children taken out of their parent's list unlinked in one statement", folderFiles.metadata, (ctx) => {
  const seeded = () => seedFolderFiles(ctx);
  const rows = () => fileRows(ctx);
  const updates = () => ctx.statements.filter((s) => /^UPDATE/i.test(s));

  test("spliced out of two parents' lists: one UPDATE, the objects unlinked", async () => {
    await seeded();
    const session = ctx.session();
    const [one, two] = [(await session.get(Folder, 1))!, (await session.get(Folder, 2))!];
    const [a, b] = [await lazy(one).files, await lazy(two).files];
    const removed = [...a.splice(1, 3), ...b.splice(0, 2)];
    ctx.reset();
    await session.flush();
    assert.equal(updates().length, 1, updates().join("\n")); // was 5
    assert.ok(removed.every((file) => file.folderId === null && file.folder === null));
    await session.commit();
    assert.deepEqual(await rows(), ["10:1", "11:null", "12:null", "13:null", "14:1", "20:null", "21:null", "22:2", "30:3"]);
  });

  test("a new list and `file.folder = null`: one UPDATE; a child changed besides keeps its own", async () => {
    await seeded();
    const session = ctx.session();
    const [one, two] = [(await session.get(Folder, 1))!, (await session.get(Folder, 2))!];
    const [list, others] = [await lazy(one).files, [...(await lazy(two).files)]];
    const renamed = list.find((f) => f.id === 12)!;
    one.files = list.filter((f) => f.id === 10);
    for (const file of others) file.folder = null;
    renamed.name = "renamed";
    ctx.reset();
    await session.commit();
    assert.equal(updates().length, 2, updates().join("\n")); // was 7 (one per file)
    assert.deepEqual(await rows(), ["10:1", "11:null", "12:null", "13:null", "14:null", "20:null", "21:null", "22:null", "30:3"]);
    assert.equal(await ctx.count("uc_files", "name = 'renamed' AND folder_id IS NULL"), 1);
  });

  test("children moved to other parents: one UPDATE per new parent", async () => {
    await seeded();
    const session = ctx.session();
    const [one, two, three] = [(await session.get(Folder, 1))!, (await session.get(Folder, 2))!, (await session.get(Folder, 3))!];
    const list = await lazy(one).files;
    const [toTwo, toThree] = [list.filter((f) => f.id <= 12), list.filter((f) => f.id >= 13)];
    (await lazy(two).files).push(...toTwo);
    for (const file of toThree) file.folder = three;
    ctx.reset();
    await session.commit();
    assert.equal(updates().length, 2, updates().join("\n")); // was 5
    assert.deepEqual(await rows(), ["10:2", "11:2", "12:2", "13:3", "14:3", "20:2", "21:2", "22:2", "30:3"]);
  });

  for (const [what, change] of [
    ["deleted", "DELETE FROM uc_files WHERE id = 13"],
    ["moved to another parent", "UPDATE uc_files SET folder_id = 3 WHERE id = 13"],
  ] as const) {
    test(`a removed child another transaction ${what} meanwhile: StaleDataError, nothing written, the session usable`, async () => {
      await seeded();
      const session = ctx.session();
      const one = (await session.get(Folder, 1))!;
      const list = await lazy(one).files;
      await ctx.engine.execute(sql`${sql.raw(change)}`);
      const before = await rows();
      list.splice(1, 3);
      // SQLite refuses the commit itself: the session's read snapshot is older than the other's write.
      const refused = (e: unknown) => (ctx.db.name === "sqlite" ? e instanceof OperationalError : e instanceof StaleDataError && /UPDATE of File .* matched 2 of 3 rows/.test((e as Error).message));
      await assert.rejects(session.commit(), refused);
      assert.deepEqual(await rows(), before, "nothing of the failed flush is written");
      await session.rollback();
      const again = await lazy((await session.get(Folder, 1))!).files;
      assert.deepEqual(again.map((f: File) => f.id).sort(), [10, 11, 12, 14]);
      again.splice(0, again.length);
      await session.commit();
      assert.equal(await ctx.count("uc_files", "folder_id = 1"), 0);
    });
  }

  test("children moved to another parent, one of them deleted by another transaction meanwhile: StaleDataError, nothing written, the session usable", async () => {
    await seeded();
    const session = ctx.session();
    const [one, two] = [(await session.get(Folder, 1))!, (await session.get(Folder, 2))!];
    const [list, other] = [await lazy(one).files, await lazy(two).files];
    await ctx.engine.execute(sql`DELETE FROM uc_files WHERE id = 13`);
    const before = await rows();
    other.push(...list.splice(1, 3));
    const refused = (e: unknown) => (ctx.db.name === "sqlite" ? e instanceof OperationalError : e instanceof StaleDataError && /UPDATE of File .* matched 2 of 3 rows/.test((e as Error).message));
    await assert.rejects(session.commit(), refused);
    assert.deepEqual(await rows(), before, "nothing of the failed flush is written");
    await session.rollback();
    const [again, into] = [await lazy((await session.get(Folder, 1))!).files, await lazy((await session.get(Folder, 2))!).files];
    into.push(...again.splice(0, again.length));
    await session.commit();
    assert.deepEqual(await rows(), ["10:2", "11:2", "12:2", "14:2", "20:2", "21:2", "22:2", "30:3"]);
  });
}, { createOnce: true, sqliteFile: true });

forEachDatabaseWithSchema("children taken out of a list with no back-reference unlinked in one statement", boxItems.metadata, (ctx) => {
  test("removed from the list, the others moved to another box: one UPDATE each", async () => {
    await ctx.engine.execute(insert(boxes).values([{ id: 1 }, { id: 2 }]));
    await ctx.engine.execute(insert(items).values([1, 2, 3, 4, 5, 6].map((id) => ({ id, boxId: 1 }))));
    const session = ctx.session();
    const [one, two] = [(await session.get(Box, 1))!, (await session.get(Box, 2))!];
    const [list, other] = [await lazy(one).items, await lazy(two).items];
    other.push(...list.splice(0, 3));
    list.splice(0, 2);
    ctx.reset();
    await session.commit();
    const updates = ctx.statements.filter((s) => /^UPDATE/i.test(s));
    const rows = (await ctx.engine.execute(sql<{ id: number; b: number | null }>`SELECT id, box_id AS b FROM ub_items ORDER BY id`)).rows.map((r) => `${r.id}:${r.b}`);
    assert.deepEqual(rows, ["1:2", "2:2", "3:2", "4:null", "5:null", "6:1"]);
    assert.equal(updates.length, 2, updates.join("\n")); // was 5
  });

  test("rows moved where a unique key holds the column keep their own UPDATEs, ordered as the values are handed on", async () => {
    await ctx.engine.execute(insert(boxes).values([{ id: 1 }, { id: 2 }, { id: 3 }]));
    await ctx.engine.execute(insert(labels).values([{ id: 1, boxId: 1, name: "x" }, { id: 2, boxId: 2, name: "x" }, { id: 3, boxId: 1, name: "y" }]));
    const session = ctx.session();
    const [a, b, c] = [(await session.get(Label, 1))!, (await session.get(Label, 2))!, (await session.get(Label, 3))!];
    // Two rows to box 2 would share a statement, run before label 2 leaves (box 2, "x"): a duplicate.
    a.boxId = 2;
    c.boxId = 2;
    b.boxId = 3;
    await session.commit();
    const rows = (await ctx.engine.execute(sql<{ id: number; b: number }>`SELECT id, box_id AS b FROM ub_labels ORDER BY id`)).rows.map((r) => `${r.id}:${r.b}`);
    assert.deepEqual(rows, ["1:2", "2:3", "3:2"]);
  });
}, { createOnce: true, sqliteFile: true });
