/**
 * The seed's double path: an association object deleted, then the same link added again through
 * the many-to-many view in the same transaction. A deleted association object stays in its
 * owners' lists until the commit; the view used to find it there as the link's object, make no
 * new one, and the commit resolved without the link the view showed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, lazy, sql } from "../../src/index.js";
import { Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("an association object deleted, its link added again through the view", Base.metadata, (ctx) => {
  const links = async () =>
    (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
      (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
    );
  /** Parent 1 linked to children 10 ("x") and 20. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    parent.children.push(Object.assign(new Child(), { id: 10 }), Object.assign(new Child(), { id: 20 }));
    parent.childAssociations[0]!.extraData = "x";
    session.add(parent);
    await session.commit();
    await session.close();
  }

  for (const flushed of [false, true]) {
    test(`the deletion ${flushed ? "flushed" : "not flushed"}: the commit writes the link again, as a new association object`, async () => {
      await seed();
      const session = ctx.session();
      const parent = (await session.get(Parent, 1))!;
      const child = (await session.get(Child, 10))!;
      const associations = await lazy(parent).childAssociations;
      const old = associations.find((a) => a.rightId === 10)!;
      // Their children loaded, the view is made from the association objects (no autoflush).
      if (!flushed) await Promise.all(associations.map((a) => lazy(a).child));
      session.delete(old);
      if (flushed) await session.flush();
      const view = await lazy(parent).children;
      assert.deepEqual(view.map((c) => c.id), [20], "the deleted link is not in the view");
      view.push(child);
      const made = parent.childAssociations.find((a) => a !== old && inspect(a).status === "pending");
      await session.commit();
      assert.deepEqual(await links(), ["1-10:null", "1-20:null"], "the link the view shows");
      assert.ok(made !== undefined, "a new association object for the link");
      assert.equal(inspect(old).status, "detached");
      assert.equal(inspect(made).status, "persistent");
    });
  }
}, { createOnce: true });
