/**
 * delete-orphan without a back-reference: a child removed from its parent's list is deleted at the
 * flush only if no list of the relationship holds it by then. It used to be deleted at once on
 * removal, so a child moved to another parent's list was deleted at commit while that list showed
 * it (the row gone, the commit resolved).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy } from "../../src/index.js";
import { plainParents } from "./fixtures/plain-parents.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const { metadata, Parent, Child, rows: childRows } = plainParents("om", "all, delete-orphan");

forEachDatabaseWithSchema("delete-orphan without a back-reference", metadata, (ctx) => {
  const rows = () => childRows(ctx.engine);

  /** Parent 1 with children 1 and 2, parent 2 with none; both lists loaded in a new session. */
  async function loaded() {
    const setup = ctx.session();
    const first = Object.assign(new Parent(), { id: 1, name: "p1" });
    first.children.push(Object.assign(new Child(), { id: 1 }), Object.assign(new Child(), { id: 2 }));
    setup.addAll([first, Object.assign(new Parent(), { id: 2, name: "p2" })]);
    await setup.commit();
    await setup.close();
    const session = ctx.session();
    const [from, to] = [(await session.get(Parent, 1))!, (await session.get(Parent, 2))!];
    const child = (await lazy(from).children).find((c) => c.id === 1)!;
    await lazy(to).children;
    return { session, from, to, child };
  }

  test("removed and held by no list: deleted", async () => {
    const { session, from, child } = await loaded();
    from.children.splice(from.children.indexOf(child), 1);
    await session.commit();
    assert.deepEqual(await rows(), ["2:1"]);
  });

  for (const order of ["removed first", "added first"] as const) {
    test(`moved to another parent's list (${order}): kept, and names its new parent`, async () => {
      const { session, from, to, child } = await loaded();
      if (order === "removed first") {
        from.children.splice(from.children.indexOf(child), 1);
        to.children.push(child);
      } else {
        to.children.push(child);
        from.children.splice(from.children.indexOf(child), 1);
      }
      await session.commit();
      assert.deepEqual(await rows(), ["1:2", "2:1"]);
    });
  }

  test("removed and added back to the same list: kept", async () => {
    const { session, from, child } = await loaded();
    from.children.splice(from.children.indexOf(child), 1);
    from.children.push(child);
    await session.commit();
    assert.deepEqual(await rows(), ["1:1", "2:1"]);
  });

  test("moved to a new parent: kept, and names it", async () => {
    const { session, from, child } = await loaded();
    from.children.splice(from.children.indexOf(child), 1);
    const created = Object.assign(new Parent(), { id: 3, name: "p3" });
    created.children.push(child);
    session.add(created);
    await session.commit();
    assert.deepEqual(await rows(), ["1:3", "2:1"]);
  });

  test("removed inside a savepoint rolled back: kept; removed again after it: deleted", async () => {
    const { session, from, child } = await loaded();
    const savepoint = await session.beginNested();
    from.children.splice(from.children.indexOf(child), 1);
    await session.flush(); // deletes it
    await savepoint.rollback();
    assert.deepEqual(from.children.map((c) => c.id).sort(), [1, 2]);
    await session.commit();
    assert.deepEqual(await rows(), ["1:1", "2:1"]);
    const children = await lazy(from).children; // expired by the commit
    children.splice(children.indexOf(child), 1);
    await session.commit();
    assert.deepEqual(await rows(), ["2:1"]);
  });
}, { createOnce: true });
