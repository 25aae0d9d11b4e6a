/**
 * A child that lost its parent's key when the parent was deleted (a one-to-many without a delete
 * cascade: its foreign key set to NULL), changed and flushed again in the same transaction. Its
 * many-to-one still held the deleted object, and the next flush copied that object's key back:
 * the UPDATE named a row no longer there and the commit failed on the foreign key (a dangling key
 * where none is enforced). A target deleted by an earlier flush now counts as none, as one being
 * deleted did.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, lazy, manyToOne, model, oneToMany, sql, string, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class DplBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    DplNode: DplNode;
  }
}

@model("dpl_nodes")
class DplNode extends DplBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @column(integer().named("parent_id").nullable().references("dpl_nodes.id")) accessor parentId!: number | null;
  @manyToOne("DplNode", { backPopulates: "children" }) accessor parent!: Rel<DplNode | null, "children">;
  @oneToMany("DplNode", { backPopulates: "parent" }) accessor children!: Rel<DplNode[], "parent">;
}

forEachDatabaseWithSchema("a child of a parent deleted by an earlier flush", DplBase.metadata, (ctx) => {
  test("changed after that flush: its key stays NULL, the commit keeps the change", async () => {
    const seed = ctx.session();
    const root = Object.assign(new DplNode(), { id: 1, name: "root" });
    root.children.push(Object.assign(new DplNode(), { id: 2, name: "leaf" }));
    seed.add(root);
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    const parent = (await session.get(DplNode, 1))!;
    const [child] = await lazy(parent).children;
    await session.delete(parent);
    await session.flush();
    assert.equal(child!.parentId, null);
    child!.name = "renamed";
    await session.commit();
    const rows = (await ctx.engine.execute(sql<{ id: number; name: string; parent_id: number | null }>`SELECT id, name, parent_id FROM dpl_nodes`)).rows;
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ id: 2, name: "renamed", parent_id: null }]);
  });
}, { createOnce: true });
