/**
 * `session.merge(box, { missing: "insert" })` of a detached box whose loaded list holds an item
 * another transaction deleted since: the item is written anew, as asked, and the session's box
 * lists it. The session's list, loaded from the rows, used to lack it (the member was in the list
 * as loaded, so the merge took it for unchanged): the box showed no items while the commit wrote
 * item 10 into it. Found by test/session/random-detached-merge.test.ts (seed 392). And the merge of
 * an object the session holds itself, whose list had a new member: it merged its lists onto
 * themselves, each member made anew and appended by its back-reference, without end (seed 1686).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, ObjectDeletedError, column, inspect, integer, lazy, manyToOne, model, oneToMany, string, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class MiBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    MiBox: MiBox;
    MiItem: MiItem;
  }
}

@model("mi_boxes")
class MiBox extends MiBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor label!: string;
  @oneToMany("MiItem", { backPopulates: "box" }) accessor items!: Rel<MiItem[], "box">;
}

@model("mi_items", { version: "version" })
class MiItem extends MiBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @column(integer().named("box_id").references("mi_boxes.id")) accessor boxId!: number | null;
  @column(integer().notNull().default(1)) accessor version!: number;
  @manyToOne("MiBox", { backPopulates: "items" }) accessor box!: Rel<MiBox | null, "items">;
}

forEachDatabaseWithSchema("merge with missing: \"insert\" of a list member whose row is gone", MiBase.metadata, (ctx) => {
  /** Box 5 holding item 10, committed and detached (its list loaded); then another session deletes item 10. */
  async function detachedBox(): Promise<MiBox> {
    const session = ctx.session({ expireOnCommit: false });
    const box = Object.assign(new MiBox(), { id: 5, label: "five" });
    box.items.push(Object.assign(new MiItem(), { id: 10, name: "ten" }));
    session.add(box);
    await session.commit();
    await session.close();
    const other = ctx.session();
    await other.delete((await other.get(MiItem, 10))!);
    await other.commit();
    await other.close();
    return box;
  }

  test("the item is written anew and the session's box lists it", async () => {
    const box = await detachedBox();
    const session = ctx.session();
    const merged = await session.merge(box, { missing: "insert" });
    assert.deepEqual(merged.items.map((item) => [item.id, inspect(item).status]), [[10, "pending"]]);
    await session.commit();
    await session.close();
    const fresh = ctx.session();
    const again = (await fresh.get(MiBox, 5))!;
    assert.deepEqual((await lazy(again).items).map((item) => [item.id, item.name]), [[10, "ten"]]);
    await fresh.close();
  });

  test("merging the session's own object returns it as it is: its list's new members are not merged again (it never returned)", { timeout: 20_000 }, async () => {
    const session = ctx.session({ autoflush: false }); // the merge's look-up does not flush the new member first
    const box = Object.assign(new MiBox(), { id: 5, label: "five" });
    session.add(box);
    await session.commit();
    const held = (await session.get(MiBox, 5))!;
    await lazy(held).items;
    held.items.push(Object.assign(new MiItem(), { id: 11, name: "eleven" })); // pending, its row not written yet
    for (const options of [{}, { missing: "insert" as const }]) assert.equal(await session.merge(held, options), held);
    assert.deepEqual(held.items.map((item) => item.id), [11]);
    await session.commit();
    await session.close();
    const fresh = ctx.session();
    assert.deepEqual((await lazy((await fresh.get(MiBox, 5))!).items).map((item) => item.id), [11]);
    await fresh.close();
  });

  test("without it, refused (ObjectDeletedError) and nothing written", async () => {
    const box = await detachedBox();
    const session = ctx.session();
    await assert.rejects(session.merge(box), ObjectDeletedError);
    await session.commit();
    await session.close();
    const fresh = ctx.session();
    assert.equal(await fresh.get(MiItem, 10), undefined);
    await fresh.close();
  });
});
