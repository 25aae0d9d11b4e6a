/**
 * The seed's double path (examples/seed/): a second association object made for a link that
 * already has one (`new Association({ parent: p1, child: c10, extraData })` while p1 and c10 are
 * linked), then the link removed through the many-to-many view. The view no longer showed the
 * child, but only the first association object was unlinked: the second stayed in
 * `p1.childAssociations`, and the commit resolved having written the link again (a row switch
 * over the deleted one), so that the view read back showed the child that had been removed. Every
 * association object of the link now goes with it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, select, selectinLoad, sql } from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a link with two association objects, removed through the view", Base.metadata, (ctx) => {
  const links = async () =>
    (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
      (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
    );

  test("the view shows the child no more, nor does the table after the commit", async () => {
    const seed = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    parent.children.push(Object.assign(new Child(), { id: 10 }), Object.assign(new Child(), { id: 11 }));
    seed.add(parent);
    await seed.commit();
    await seed.close();

    const session = ctx.session();
    const [p1] = await session.scalars(select(Parent).options(selectinLoad(Parent, "children"), selectinLoad(Parent, "childAssociations", "child")));
    const c10 = p1!.children.find((c) => c.id === 10)!;
    Object.assign(new Association(), { parent: p1, child: c10, extraData: "second" });
    p1!.children.splice(p1!.children.indexOf(c10), 1);
    assert.deepEqual(p1!.children.map((c) => c.id), [11]);
    assert.deepEqual(p1!.childAssociations.map((a) => a.child.id), [11], "no association object of the removed link is left");
    await session.commit(); // was: resolved with 1-10:second written
    assert.deepEqual(await links(), ["1-11:null"]);
    const reader = ctx.session();
    const [again] = await reader.scalars(select(Parent).options(selectinLoad(Parent, "children")).orderBy(columnsOf(Parent).id));
    assert.deepEqual(again!.children.map((c) => c.id), [11]);
  });
}, { createOnce: true });
