/**
 * The seed's double path (examples/seed/), a link removed and added again while its owner is
 * detached (loaded in a session since closed): the child spliced out of `parent.children` and
 * back in, or removed and pushed again, or its association object taken out of
 * `parent.childAssociations` and the child pushed again through the view. The removal waited for
 * the session the parent joins, and the add made a new association object: that session deleted
 * the row and inserted it again (a row switch) with null extra data, through `session.add` and
 * `session.merge` alike. The removal is now taken back: the row and its extra data stay.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, lazy, select, selectinLoad, sql } from "../../src/index.js";
import { Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a link removed and added again while its owner is detached", Base.metadata, (ctx) => {
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
  /** Parent 1, its view loaded (and its association objects, if asked; the children's lists, if asked), detached. */
  async function detached(associations: boolean, childLists: boolean): Promise<Parent> {
    const session = ctx.session({ expireOnCommit: false });
    const loads = [selectinLoad(Parent, "children"), ...(associations ? [selectinLoad(Parent, "childAssociations", "child")] : [])];
    const [parent] = await session.scalars(select(Parent).options(...loads));
    if (childLists) for (const child of parent!.children) await lazy(child).parentAssociations;
    await session.close();
    return parent!;
  }
  const moves: [string, (parent: Parent, child: Child) => void][] = [
    ["spliced out and back in at another index", ({ children }, child) => children.splice(2, 0, ...children.splice(children.indexOf(child), 1))],
    ["removed, then pushed again", ({ children }, child) => (children.splice(children.indexOf(child), 1), children.push(child))],
  ];
  const loads: [string, boolean, boolean][] = [
    ["the view loaded", false, false],
    ["the view and the children's association objects loaded", false, true],
    ["the view and the association objects loaded", true, false],
  ];
  for (const [how, move] of moves) {
    for (const [what, associations, childLists] of loads) {
      for (const joins of ["add", "merge"] as const) {
        test(`${what}, ${how}, then session.${joins}: the row and its extra data stay`, async () => {
          await seed();
          const parent = await detached(associations, childLists);
          const child = parent.children.find((c) => c.id === 10)!;
          const association = associations ? parent.childAssociations.find((a) => a.child === child) : undefined;
          move(parent, child);
          if (association) {
            assert.ok(parent.childAssociations.includes(association), "the association object links again");
            assert.equal(association.extraData, "x");
          }
          const session = ctx.session();
          if (joins === "add") session.add(parent);
          else await session.merge(parent);
          await session.commit();
          assert.deepEqual(await links(), ["1-10:x", "1-20:y", "1-30:z"]);
        });
      }
    }
  }

  test("removed while detached, pushed again after session.add: the row and its extra data stay", async () => {
    await seed();
    const parent = await detached(false, false);
    const child = parent.children.find((c) => c.id === 10)!;
    parent.children.splice(parent.children.indexOf(child), 1);
    const session = ctx.session();
    session.add(parent);
    parent.children.push(child);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x", "1-20:y", "1-30:z"]);
  });

  test("the association object taken out of the owner's list while detached, the child pushed again through the view: it links again", async () => {
    await seed();
    const parent = await detached(true, false);
    const child = parent.children.find((c) => c.id === 10)!;
    const association = parent.childAssociations.find((a) => a.child === child)!;
    parent.childAssociations.splice(parent.childAssociations.indexOf(association), 1);
    assert.ok(!parent.children.includes(child));
    parent.children.push(child);
    assert.deepEqual(parent.childAssociations.filter((a) => a.child === child), [association]);
    const session = ctx.session();
    session.add(parent);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x", "1-20:y", "1-30:z"]);
  });

  test("in a session, the association object (its child not read) taken out of the owner's list, the child pushed again through the view: it links again", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 1))!;
    const associations = await lazy(parent).childAssociations;
    const association = associations.find((a) => a.rightId === 10)!;
    const child = (await session.get(Child, 10))!;
    const children = await lazy(parent).children; // read before the change: a lazy read flushes it
    associations.splice(associations.indexOf(association), 1);
    assert.ok(!children.includes(child));
    assert.equal(inspect(association).status, "persistent");
    children.push(child);
    assert.ok(parent.childAssociations.includes(association));
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x", "1-20:y", "1-30:z"]);
  });

  test("removed while detached, not added again: the link is deleted", async () => {
    await seed();
    const parent = await detached(false, false);
    parent.children.splice(0, 1);
    const session = ctx.session();
    session.add(parent);
    await session.commit();
    assert.deepEqual(await links(), ["1-20:y", "1-30:z"]);
  });
}, { createOnce: true });
