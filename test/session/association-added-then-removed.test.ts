/**
 * The seed's double path (examples/seed/), a link added through the many-to-many view and removed
 * again before any flush, while no list of association objects was loaded: the add made a
 * pending association object that no list held, and the removal, finding none, deleted the link
 * by a stand-in keyed by it, for a row that was never written. The commit failed with a false
 * StaleDataError (the pending one took the stand-in's row over: an UPDATE matching nothing),
 * in a session and for a detached parent alike. The pending association object now goes with
 * the removal, and comes back if the link is added again. Likewise a pending association object
 * deleted with `session.delete` (it left the session, and joined it again at the commit, linked
 * from its own side to the session's objects: the row the application deleted was written).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy, select, selectinLoad, sql } from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a link added through the view and removed again before the flush", Base.metadata, (ctx) => {
  const links = async () =>
    (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
      (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
    );
  /** Parent 1 linked to child 10 ("x"); parent 2 linked to none. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    parent.children.push(Object.assign(new Child(), { id: 10 }));
    parent.childAssociations[0]!.extraData = "x";
    session.add(parent);
    session.add(Object.assign(new Parent(), { id: 2 }));
    await session.commit();
    await session.close();
  }

  test("in a session: the commit writes nothing, the link never was", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 2))!;
    const children = await lazy(parent).children;
    const child = (await session.get(Child, 10))!;
    children.push(child);
    children.splice(children.indexOf(child), 1);
    await session.commit(); // was: StaleDataError, "UPDATE of Association (leftId=2, rightId=10) matched 0 rows"
    assert.deepEqual(await links(), ["1-10:x"]);
  });

  test("in a session, added again: one link is written", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 2))!;
    const children = await lazy(parent).children;
    const child = (await session.get(Child, 10))!;
    children.push(child);
    children.splice(children.indexOf(child), 1);
    children.push(child);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x", "2-10:null"]);
  });

  test("detached, then session.add: the commit writes nothing; added again, one link", async () => {
    await seed();
    const reader = ctx.session({ expireOnCommit: false });
    const [parent] = await reader.scalars(select(Parent).where(sql`id = 2`).options(selectinLoad(Parent, "children")));
    const child = (await reader.get(Child, 10))!;
    await reader.close();
    parent!.children.push(child);
    parent!.children.splice(0, 1);
    const session = ctx.session();
    session.add(parent!);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x"]);
    (await lazy(parent!).children).push((await session.get(Child, 10))!);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x", "2-10:null"]);
  });

  test("a new association object linked from its own side, added, then deleted with session.delete: nothing is written", async () => {
    await seed();
    const session = ctx.session();
    const [parent, child] = [(await session.get(Parent, 2))!, (await session.get(Child, 10))!];
    const association = Object.assign(new Association(), { parent, child, extraData: "e" });
    session.add(association);
    await session.delete(association); // a pending object leaves the session
    await session.commit(); // was: it joined again at the commit, linked to the parent, and was inserted
    assert.deepEqual(await links(), ["1-10:x"]);
  });
}, { createOnce: true });
