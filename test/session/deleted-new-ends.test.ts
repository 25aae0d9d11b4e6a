/**
 * The seed's double path, an end (parent or child) deleted while it has links: each case was
 * found by the model-based test (random-unit-of-work.test.ts), shrunk to its steps, and failed
 * before its fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { inspect, lazy, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema(
  "ends deleted with their links",
  Base.metadata,
  (ctx) => {
    const rows = async () => ({
      parents: (await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM left_table`)).rows.length,
      children: (await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM right_table`)).rows.length,
      links: (await ctx.engine.execute(sql<{ left_id: number }>`SELECT left_id FROM association_table`)).rows.length,
    });

    test("a new parent linked through parent.children, deleted: neither it nor the link is written (was NullIdentityKeyError)", async () => {
      const session = ctx.session();
      const parent = new Parent();
      const child = new Child();
      session.addAll([parent, child]);
      parent.children.push(child);
      session.delete(parent);
      await session.commit();
      assert.deepEqual(await rows(), { parents: 0, children: 1, links: 0 });
      await session.close();
    });

    test("a new child linked through child.parents, deleted: neither it nor the link is written", async () => {
      const session = ctx.session();
      const parent = new Parent();
      const child = new Child();
      session.addAll([parent, child]);
      child.parents.push(parent);
      session.delete(child);
      await session.commit();
      assert.deepEqual(await rows(), { parents: 1, children: 0, links: 0 });
      await session.close();
    });

    test("a new parent linked by a new association object, deleted: not inserted again by the association's cascade (was written)", async () => {
      const session = ctx.session();
      const parent = new Parent();
      const child = new Child();
      session.addAll([parent, child]);
      const association = Object.assign(new Association(), { parent, child, extraData: "x" });
      session.delete(parent);
      await session.commit();
      assert.deepEqual(await rows(), { parents: 0, children: 1, links: 0 }, "the deleted parent and its link were inserted");
      assert.equal(inspect(parent).status, "transient");
      assert.equal(inspect(association).status, "transient");
      await session.close();
    });

    test("a new parent deleted is not added back by the cascade of an object that still references it: a typed error", async () => {
      const session = ctx.session();
      const parent = new Parent();
      const child = new Child();
      session.addAll([parent, child]);
      session.delete(parent);
      const association = Object.assign(new Association(), { parent, child });
      assert.throws(() => session.add(association), { name: "InvalidRequestError", message: /deleted/ });
      assert.equal(inspect(association).status, "transient", "nothing of a refused add stays");
      // Linked from its own side to the child, it would join at the commit: refused too.
      await assert.rejects(session.commit(), { name: "InvalidRequestError", message: /deleted/ });
      session.add(parent); // the application's own add keeps it
      await session.commit();
      assert.deepEqual(await rows(), { parents: 1, children: 1, links: 1 });
      await session.close();
    });

    test("a parent with a row linked through child.parents, deleted, then an autoflush: the commit writes no link (was NullIdentityKeyError)", async () => {
      const session = ctx.session();
      const parent = new Parent();
      const child = new Child();
      session.addAll([parent, child]);
      await session.flush();
      const other = new Parent();
      session.add(other);
      await session.load(child, "parents");
      child.parents.push(parent);
      session.delete(parent);
      await session.load(other, "children"); // autoflushes: the delete takes the new association object with it
      await session.commit(); // adopted again (linked to the child), it was inserted with the parent's key cleared
      assert.deepEqual(await rows(), { parents: 1, children: 1, links: 0 });
      await session.close();
    });

    test("an association object linked from its own side, moved onto another parent, that parent deleted: no link written (was NullIdentityKeyError)", async () => {
      const session = ctx.session();
      const [first, second] = [new Parent(), new Parent()];
      const child = new Child();
      session.addAll([second, child, first]);
      const savepoint = await session.beginNested();
      const association = Object.assign(new Association(), { parent: first, child, extraData: "x" });
      association.parent = second;
      session.delete(second);
      await savepoint.commit();
      await session.commit();
      assert.deepEqual(await rows(), { parents: 1, children: 1, links: 0 });
      await session.close();
    });

    test("a parent deleted in a savepoint that is rolled back, its link's association object read by the flush: the commit keeps the link (was deleted)", async () => {
      const session = ctx.session();
      const parent = new Parent();
      const child = new Child();
      session.addAll([parent, child]);
      parent.children.push(child);
      await session.commit();
      const savepoint = await session.beginNested();
      session.delete(parent);
      const other = new Parent();
      session.add(other);
      other.children.push(child);
      const parents = await lazy(child).parents; // autoflushes: the parent and its association object deleted
      parents.splice(parents.indexOf(other), 1);
      await savepoint.rollback();
      await session.commit();
      assert.deepEqual(await rows(), { parents: 1, children: 1, links: 1 }, "the link the savepoint's rollback restored was deleted by the commit");
      await session.close();
    });
  },
  { createOnce: true },
);
