/**
 * The seed's double path: a link moved within the many-to-many view (the child spliced out of
 * `parent.children` and back in at another index, or removed and pushed again) before a flush.
 * The removal marked the link's association object for deletion and the add made a new one,
 * without its extra data: memory showed null, and the commit wrote null over "x".
 * The association object unlinked through the view is the one the link gets back.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, lazy, sql } from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a link moved within the many-to-many view keeps its association object", Base.metadata, (ctx) => {
  const links = async () =>
    (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
      (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
    );
  /** Parent 1 linked to children 10 ("x"), 20 ("y") and 30 ("z"). */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    parent.children.push(...[10, 20, 30].map((id) => Object.assign(new Child(), { id })));
    parent.childAssociations.forEach((a, i) => (a.extraData = "xyz"[i]!));
    session.add(parent);
    await session.commit();
    await session.close();
  }
  const extraOf = (parent: Parent, child: Child) => parent.childAssociations.filter((a) => a.child === child).map((a) => a.extraData);

  const moves: [string, (children: Child[], child: Child) => void][] = [
    ["spliced out and back in at another index", (children, child) => children.splice(2, 0, ...children.splice(children.indexOf(child), 1))],
    ["removed, then pushed again", (children, child) => (children.splice(children.indexOf(child), 1), children.push(child))],
  ];
  for (const [how, move] of moves) {
    test(`persistent, ${how}: the same association object, its extra data in memory and in the database`, async () => {
      await seed();
      const session = ctx.session();
      const parent = (await session.get(Parent, 1))!;
      await Promise.all((await lazy(parent).childAssociations).map((a) => lazy(a).child));
      const children = await lazy(parent).children;
      const child = children.find((c) => c.id === 10)!;
      const association = parent.childAssociations.find((a) => a.child === child)!;
      await lazy(child).parentAssociations;
      move(children, child);
      assert.ok(children.includes(child));
      assert.deepEqual(extraOf(parent, child), ["x"]);
      assert.ok(child.parentAssociations.includes(association));
      assert.equal(inspect(association).status, "persistent");
      await session.commit();
      assert.deepEqual(await links(), ["1-10:x", "1-20:y", "1-30:z"]);
    });

    test(`new in this session, ${how}: the same association object is inserted, with its extra data`, async () => {
      const session = ctx.session();
      const parent = Object.assign(new Parent(), { id: 1 });
      const [c10, c20] = [10, 20].map((id) => Object.assign(new Child(), { id })) as [Child, Child];
      session.add(parent);
      parent.children.push(c10, c20, Object.assign(new Child(), { id: 30 }));
      const association = parent.childAssociations.find((a) => a.child === c10)!;
      association.extraData = "x";
      move(parent.children, c10);
      assert.deepEqual(extraOf(parent, c10), ["x"]);
      assert.equal(inspect(association).status, "pending");
      await session.commit();
      assert.deepEqual(await links(), ["1-10:x", "1-20:null", "1-30:null"]);
    });
  }

  test("the view read, its association objects not: moved within the view, the row and its extra data stay", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 1))!;
    const children = await lazy(parent).children;
    const child = children.find((c) => c.id === 10)!;
    children.splice(children.indexOf(child), 1);
    children.push(child);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x", "1-20:y", "1-30:z"]);
  });

  test("the view read, its association objects not: moved within the view, the row's object reads its extra data from the row", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 1))!;
    const children = await lazy(parent).children;
    const child = children.find((c) => c.id === 10)!;
    children.splice(children.indexOf(child), 1);
    children.push(child);
    const association = (await session.get(Association, [1, 10]))!;
    assert.equal(await lazy(association).extraData, "x"); // was: null, the removal's stand-in never read it
    association.extraData = `${association.extraData}!`;
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x!", "1-20:y", "1-30:z"]);
  });

  test("added again inside a savepoint rolled back: the removal stands, the link is deleted", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 1))!;
    await Promise.all((await lazy(parent).childAssociations).map((a) => lazy(a).child));
    const children = await lazy(parent).children;
    const child = children.find((c) => c.id === 10)!;
    children.splice(children.indexOf(child), 1);
    const savepoint = await session.beginNested();
    children.push(child);
    await savepoint.rollback();
    assert.ok(!parent.children.includes(child));
    await session.commit();
    assert.deepEqual(await links(), ["1-20:y", "1-30:z"]);
  });

  test("removed and flushed, then added again: a new link (the row was deleted), the old object stays deleted", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 1))!;
    await Promise.all((await lazy(parent).childAssociations).map((a) => lazy(a).child));
    const children = await lazy(parent).children;
    const child = children.find((c) => c.id === 10)!;
    children.splice(children.indexOf(child), 1);
    await session.flush();
    children.push(child);
    assert.deepEqual(extraOf(parent, child), [null]);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:null", "1-20:y", "1-30:z"]);
  });

  test("an association object deleted with session.delete stays deleted when its link is added again", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 1))!;
    const associations = await lazy(parent).childAssociations;
    await Promise.all(associations.map((a) => lazy(a).child));
    const old = associations.find((a) => a.rightId === 10)!;
    session.delete(old);
    (await lazy(parent).children).push((await session.get(Child, 10))!);
    assert.ok(!parent.childAssociations.some((a) => a.child.id === 10 && a !== old && a.extraData !== null));
    await session.commit();
    assert.deepEqual(await links(), ["1-10:null", "1-20:y", "1-30:z"]);
  });
}, { createOnce: true });
