/**
 * A child moved from one parent's list to another's, through a one-to-many without a
 * back-reference: its foreign key names the new parent, whichever list changed first. The flush
 * clears the key of a child its old parent lost; it used to do so even when another parent had
 * taken the child and copied its key first (the child added to the new list before it left the
 * old one): the commit resolved, the new parent's list showed the child, and its row had no parent.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy } from "../../src/index.js";
import { plainParents } from "./fixtures/plain-parents.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const { metadata, Parent, Child, rows: childRows } = plainParents("mc");

forEachDatabaseWithSchema("children moved between parents without a back-reference", metadata, (ctx) => {
  const rows = () => childRows(ctx.engine);

  /** Parent 1 with children 1 and 2; parent 2 with none. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const first = Object.assign(new Parent(), { id: 1, name: "p1" });
    first.children.push(Object.assign(new Child(), { id: 1 }), Object.assign(new Child(), { id: 2 }));
    session.addAll([first, Object.assign(new Parent(), { id: 2, name: "p2" })]);
    await session.commit();
    await session.close();
  }

  for (const order of ["removed from the old list first", "added to the new list first"] as const) {
    test(`${order}: the child's row names the new parent; the other child stays`, async () => {
      await seed();
      const session = ctx.session();
      const [from, to] = [(await session.get(Parent, 1))!, (await session.get(Parent, 2))!];
      const moved = (await lazy(from).children).find((c) => c.id === 1)!;
      await lazy(to).children;
      if (order === "removed from the old list first") {
        from.children.splice(from.children.indexOf(moved), 1);
        to.children.push(moved);
      } else {
        to.children.push(moved);
        from.children.splice(from.children.indexOf(moved), 1);
      }
      await session.commit();
      assert.deepEqual(await rows(), ["1:2", "2:1"]);
    });
  }

  test("moved to a new parent (inserted by the same flush), added first: the row names it", async () => {
    await seed();
    const session = ctx.session();
    const from = (await session.get(Parent, 1))!;
    const moved = (await lazy(from).children).find((c) => c.id === 1)!;
    const created = Object.assign(new Parent(), { id: 3, name: "p3" });
    created.children.push(moved);
    session.add(created);
    from.children.splice(from.children.indexOf(moved), 1);
    await session.commit();
    assert.deepEqual(await rows(), ["1:3", "2:1"]);
  });

  test("removed only: its key is cleared (the list read after the commit expired the child)", async () => {
    await seed();
    const session = ctx.session();
    const from = (await session.get(Parent, 1))!;
    await lazy(from).children;
    await session.commit(); // expires the parent, its list and the children
    const children = await lazy(from).children;
    children.splice(children.findIndex((c) => c.id === 1), 1);
    await session.commit();
    assert.deepEqual(await rows(), ["1:null", "2:1"]);
  });
}, { createOnce: true });
