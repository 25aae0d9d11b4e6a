/**
 * The seed's double path, links changed and changed back before a flush while the association
 * objects were not loaded: each case was found by the model-based test
 * (random-unit-of-work.test.ts), shrunk to its steps, and failed before its fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { lazy, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema(
  "links changed back through a many-to-many view before a flush",
  Base.metadata,
  (ctx) => {
    /** A parent and a child committed, each in a session that goes on (every attribute expired). */
    async function committed(linked = false) {
      const session = ctx.session();
      const parent = new Parent();
      const child = new Child();
      if (linked) parent.children.push(child);
      session.addAll([parent, child]);
      await session.commit();
      return { session, parent, child };
    }
    const links = async () =>
      (await ctx.engine.execute(sql<{ left_id: number; right_id: number; extra_data: string | null }>`SELECT left_id, right_id, extra_data FROM association_table`)).rows.map(
        (r) => [Number(r.left_id), Number(r.right_id), r.extra_data] as const,
      );

    test("pushed onto parent.children and spliced out again: nothing written (was a false StaleDataError)", async () => {
      const { session, parent, child } = await committed();
      await session.load(parent, "children");
      parent.children.push(child);
      parent.children.splice(parent.children.indexOf(child), 1);
      await session.commit();
      assert.deepEqual(await links(), []);
    });

    test("pushed onto child.parents and spliced out again: nothing written", async () => {
      const { session, parent, child } = await committed();
      await session.load(child, "parents");
      child.parents.push(parent);
      child.parents.splice(child.parents.indexOf(parent), 1);
      await session.commit();
      assert.deepEqual(await links(), []);
    });

    test("the same with the parent's lists loaded: the association object made goes, and stays gone at the flush", async () => {
      const { session, parent, child } = await committed();
      await session.load(child, "parents");
      await session.load(parent, "children");
      await session.load(parent, "childAssociations");
      child.parents.push(parent);
      assert.equal(parent.childAssociations.length, 1);
      child.parents.splice(child.parents.indexOf(parent), 1);
      assert.deepEqual([parent.children.length, parent.childAssociations.length], [0, 0]);
      await session.commit();
      assert.deepEqual(await links(), [], "the association object taken out was written by the commit");
    });

    test("a new association object of a parent whose lists are not loaded shows in both once they load", async () => {
      const { session, parent, child } = await committed();
      const association = Object.assign(new Association(), { parent, child, extraData: "x" });
      assert.ok((await lazy(parent).childAssociations).includes(association));
      assert.ok((await lazy(parent).children).includes(child));
      await session.commit();
      assert.deepEqual(await links(), [[parent.id, child.id, "x"]]);
    });

    test("a link deleted by a flush, made again by a new association object, removed through the view: nothing written", async () => {
      const { session, parent, child } = await committed(true);
      (await lazy(child).parents).splice(0, 1);
      await session.flush();
      Object.assign(new Association(), { parent, child, extraData: "x" });
      session.expireAll();
      const list = await lazy(parent).children;
      assert.ok(list.includes(child), "the view shows the link the new association object makes");
      list.splice(list.indexOf(child), 1);
      await session.commit(); // deleted the row of the link removed before a second time: StaleDataError
      assert.deepEqual(await links(), []);
    });

    test("extra data changed in a savepoint that is rolled back, never loaded before: the commit writes nothing", async () => {
      const session = ctx.session();
      const parent = new Parent();
      const child = new Child();
      session.addAll([parent, child]);
      parent.children.push(child); // extraData not set: left out of the INSERT, not loaded since
      const savepoint = await session.beginNested();
      (await lazy(parent).childAssociations)[0]!.extraData = "e";
      await savepoint.rollback();
      await session.commit(); // was CompileError: UPDATE association_table has no values to set
      assert.deepEqual(await links(), [[parent.id, child.id, null]]);
    });

    test("a link removed through child.parents and added back: the association object the session holds keeps its extra data", async () => {
      const { session, parent, child } = await committed(true);
      (await lazy(parent).childAssociations)[0]!.extraData = "kept";
      await session.commit();
      const list = await lazy(child).parents;
      list.splice(0, 1);
      list.push(parent);
      await session.commit();
      assert.deepEqual(await links(), [[parent.id, child.id, "kept"]]);
    });

    test("a link made by an association object, removed through the view, and added back after a flush: a new link, no extra data", async () => {
      const { session, parent, child } = await committed();
      Object.assign(new Association(), { parent, child, extraData: "dropped" });
      const list = await lazy(parent).children;
      list.splice(list.indexOf(child), 1);
      await session.flush();
      list.push(child);
      await session.commit();
      assert.deepEqual(await links(), [[parent.id, child.id, null]], "the extra data of a link removed before the flush came back");
    });
  },
  { createOnce: true },
);
