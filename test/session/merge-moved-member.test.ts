/**
 * `session.merge()` of two detached parents between which a member moved while detached (the
 * seed's association object given another parent: `association.parent = p2`), the old parent
 * merged first. Its merge took the member out of the session's list as the detached list no
 * longer held it: an association object unlinked so is deleted at once, and the second merge
 * failed with ObjectDeletedError (the row was gone after the autoflush). A member that names
 * another parent now is left to that parent's merge, which moves it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { select, selectinLoad, sql } from "../../src/index.js";
import { Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("merging parents between which a member moved while detached", Base.metadata, (ctx) => {
  const links = async () =>
    (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
      (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
    );
  /** Parent 1 linked to children 10 ("x") and 20 ("y"); parent 2 to none; detached, their association objects loaded. */
  async function detachedParents(): Promise<[Parent, Parent]> {
    const seed = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    parent.children.push(...[10, 20].map((id) => Object.assign(new Child(), { id })));
    parent.childAssociations.forEach((a, i) => (a.extraData = "xy"[i]!));
    seed.add(parent);
    seed.add(Object.assign(new Parent(), { id: 2 }));
    await seed.commit();
    await seed.close();
    const reader = ctx.session({ expireOnCommit: false });
    const parents = await reader.scalars(select(Parent).orderBy(sql`id`).options(selectinLoad(Parent, "childAssociations", "child"), selectinLoad(Parent, "children")));
    await reader.close();
    return parents as [Parent, Parent];
  }

  for (const order of ["the old parent first", "the new parent first"]) {
    test(`merged, ${order}: the association object moves with its extra data`, async () => {
      const [p1, p2] = await detachedParents();
      p1.childAssociations.find((a) => a.rightId === 10)!.parent = p2;
      const session = ctx.session();
      for (const parent of order === "the old parent first" ? [p1, p2] : [p2, p1]) await session.merge(parent);
      await session.commit();
      assert.deepEqual(await links(), ["1-20:y", "2-10:x"]);
    });
  }

  test("only the old parent merged: the member stays where the session has it", async () => {
    const [p1, p2] = await detachedParents();
    p1.childAssociations.find((a) => a.rightId === 10)!.parent = p2;
    const session = ctx.session();
    await session.merge(p1);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x", "1-20:y"]);
  });

  test("a member taken out (no other parent) is still taken out", async () => {
    const [p1] = await detachedParents();
    p1.childAssociations.splice(0, 1);
    const session = ctx.session();
    await session.merge(p1);
    await session.commit();
    assert.deepEqual(await links(), ["1-20:y"]);
  });
}, { createOnce: true });
