/**
 * Programs the model-based test of the seed's double path (random-unit-of-work.test.ts, at 1,000
 * to 5,000 programs) found committing wrong data or failing a commit that loses nothing, shrunk
 * and written out as plain tests: each names its seed, and failed before its fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { lazy, sql } from "../../src/index.js";
import { stateOf } from "../../src/orm/state/instance-state.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema(
  "programs over the seed's double path",
  Base.metadata,
  (ctx) => {
    /** The link rows, as `parentId-childId:extra`. */
    const links = async () =>
      (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
        (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
      );
    const remove = <T>(list: T[], item: T) => list.splice(list.indexOf(item), 1);

    test("seed 519: a link removed through a view twice, each time a new association object, takes back the last one", async () => {
      const session = ctx.session();
      const [parent, child] = [new Parent(), new Child()];
      session.add(child);
      session.add(parent);
      Object.assign(new Association(), { parent, child, extraData: "x19" });
      remove(await lazy(child).parents, parent);
      Object.assign(new Association(), { parent, child, extraData: "x20" });
      remove(await lazy(parent).children, child);
      (await lazy(child).parents).push(parent);
      await session.commit(); // was: the first one, x19, written
      assert.deepEqual(await links(), [`${parent.id}-${child.id}:x20`]);
    });
    test("seed 528: an association object unlinked in a savepoint rolled back is not taken back by the link added after", async () => {
      const session = ctx.session();
      const [p1, p4, child] = [new Parent(), new Parent(), new Child()];
      for (const obj of [p1, p4, child]) session.add(obj);
      (await lazy(child).parents).push(p1);
      const savepoint = await session.beginNested();
      Object.assign(new Association(), { parent: p4, child, extraData: "x7" });
      remove(await lazy(p4).children, child);
      await savepoint.rollback();
      (await lazy(child).parents).push(p4);
      await session.commit(); // was: the association object of the rolled-back savepoint, x7, written
      assert.deepEqual(await links(), [`${p1.id}-${child.id}:null`, `${p4.id}-${child.id}:null`]);
    });
    test("seed 548: an association object unlinked in a savepoint rolled back, then deleted, is not taken back by an assignment", async () => {
      const session = ctx.session();
      const [p4, c7, c11, p12] = [new Parent(), new Child(), new Child(), new Parent()];
      for (const obj of [p4, c7, c11, p12]) session.add(obj);
      const association = Object.assign(new Association(), { parent: p12, child: c11, extraData: "x13" });
      const savepoint = await session.beginNested();
      remove(await lazy(p12).children, c11);
      await savepoint.rollback();
      await session.delete(association);
      await session.load(p12, "children");
      p12.children = [c7, c11];
      await session.commit(); // was: the deleted one taken back, and no link to c11 written
      assert.deepEqual(await links(), [`${p12.id}-${c7.id}:null`, `${p12.id}-${c11.id}:null`]);
    });
    test("a view assigned again after its member's association object was deleted links it again", async () => {
      const session = ctx.session();
      const [parent, c1, c2] = [new Parent(), new Child(), new Child()];
      for (const obj of [parent, c1, c2]) session.add(obj);
      const association = Object.assign(new Association(), { parent, child: c2, extraData: "x" });
      await session.flush();
      assert.deepEqual([...(await lazy(parent).children)], [c2]);
      await session.delete(association);
      parent.children = [c1, c2]; // c2 still listed: it was a member kept, and its link was lost
      await session.commit();
      assert.deepEqual(await links(), [`${parent.id}-${c1.id}:null`, `${parent.id}-${c2.id}:null`]);
    });
    test("seed 377: a link added again after its association objects were deleted, one flushed, has a live one to delete", async () => {
      const session = ctx.session();
      const [parent, child] = [new Parent(), new Child()];
      session.add(parent);
      session.add(child);
      const live = async () => (await lazy(parent).childAssociations).filter((a) => !stateOf(a)!.gone);
      (await lazy(parent).children).push(child);
      await session.beginNested();
      await session.delete((await live())[0]!);
      (await lazy(child).parents).push(parent);
      await session.beginNested(); // the flush: the first one's row taken over by the second (a row switch)
      await session.delete((await live())[0]!);
      parent.children = [];
      (await lazy(child).parents).push(parent); // was: took back the first one, deleted by the flush
      const [association] = await live();
      assert.ok(association, "the link has a live association object");
      assert.equal(association.child, child);
      remove(parent.children, child); // a new one: removed through the view (session.delete would leave it listed)
      await session.commit();
      assert.deepEqual(await links(), []);
    });
    test("seed 503: a new association object linked from its own side to a child then deleted goes with it", async () => {
      const session = ctx.session();
      const [p1, child] = [new Parent(), new Child()];
      session.add(p1);
      session.add(child);
      await session.delete(p1); // new: it leaves the session (any list may now hold an object outside it)
      await session.beginNested();
      const parent = new Parent();
      session.add(parent);
      Object.assign(new Association(), { parent, child, extraData: "x19" });
      await session.delete(child);
      await session.commit(); // was: UnsavedReferenceError, the association object left in parent.childAssociations
      assert.deepEqual(await links(), []);
      assert.equal(await ctx.count("left_table"), 1);
    });

    test("seed 223: a new association object made through a view, its child then deleted, goes with it; another link is written", async () => {
      const session = ctx.session();
      const [c13, c20] = [new Child(), new Child()];
      session.add(c13);
      session.add(c20);
      await session.beginNested();
      const [p21, p22] = [new Parent(), new Parent()];
      session.add(p21);
      session.add(p22);
      await session.delete(p22);
      await session.load(c20, "parents");
      c20.parents.push(p21);
      await session.delete(c20);
      await session.load(p21, "children");
      p21.children.push(c13);
      await session.commit(); // was: UnsavedReferenceError, the first association object left in p21.childAssociations
      assert.deepEqual(await links(), [`${p21.id}-${c13.id}:null`]);
    });

    test("seed 367: a new association object linked from its own side to a parent then deleted goes with it", async () => {
      const session = ctx.session();
      const [p7, p14, child] = [new Parent(), new Parent(), new Child()];
      for (const obj of [p7, p14, child]) session.add(obj);
      await session.beginNested();
      Object.assign(new Association(), { parent: p14, child, extraData: "x24" });
      await session.delete(p14);
      (await lazy(child).parents).push(p7);
      remove(await lazy(p7).children, child);
      await session.commit(); // was: UnsavedReferenceError, the association object left in child.parentAssociations
      assert.deepEqual(await links(), []);
      assert.equal(await ctx.count("left_table"), 1);
    });
    test("seed 735: a member deleted by a flush, removed from a view that still lists it, deletes no link again", async () => {
      const setup = ctx.session();
      const ids = [new Parent(), new Child(), new Child()];
      setup.addAll(ids);
      await setup.commit();
      const session = ctx.session();
      const parent = (await session.get(Parent, ids[0]!.id))!;
      const [c3, c5] = [(await session.get(Child, ids[1]!.id))!, (await session.get(Child, ids[2]!.id))!];
      await session.load(parent, "children");
      parent.children.push(c5);
      await session.delete(c5);
      await session.load(c3, "parents"); // the autoflush deletes c5, and its link with it
      c3.parents.push(parent);
      const association = (await lazy(parent).childAssociations).find((a) => !stateOf(a)!.gone && a.child === c3)!;
      await session.delete(association);
      parent.children = []; // c5 still listed
      await session.commit(); // was: StaleDataError, a second DELETE of c5's link
      assert.deepEqual(await links(), []);
      assert.equal(await ctx.count("right_table"), 1);
    });

    test("seed 328: a view assigned while it lists a member a flush deleted", async () => {
      const session = ctx.session();
      const [c2, c3, c4, c6, p8] = [new Child(), new Child(), new Child(), new Child(), new Parent()];
      session.addAll([c2, c3, c4, c6, p8]);
      await session.flush();
      session.expireAll();
      const c17 = new Child();
      session.add(c17);
      await session.load(p8, "children");
      p8.children = [c3, c6];
      await session.delete(c6);
      for (const a of await lazy(p8).childAssociations) if (!stateOf(a)!.gone && (await lazy(a).child) === c3) a.extraData = "e25";
      p8.children = [c2, c4, c17]; // c6, deleted by the autoflush, still listed
      await session.commit(); // was: StaleDataError, a second DELETE of c6's link
      assert.deepEqual(await links(), [`${p8.id}-${c2.id}:null`, `${p8.id}-${c4.id}:null`, `${p8.id}-${c17.id}:null`]);
    });
    test("seed 321: an association object moved to another parent, and a new one for the link it left", async () => {
      const session = ctx.session();
      const [p4, child] = [new Parent(), new Child()];
      session.addAll([p4, child]);
      await session.commit();
      (await lazy(p4).children).push(child);
      const p17 = new Parent();
      session.add(p17);
      const [moved] = await lazy(p4).childAssociations; // the autoflush inserts the link
      moved!.parent = p17;
      Object.assign(new Association(), { parent: p4, child, extraData: "x22" });
      await session.commit(); // was: DuplicateKeyError, then the INSERT before the UPDATE that frees its key
      assert.deepEqual(await links(), [`${p4.id}-${child.id}:x22`, `${p17.id}-${child.id}:null`].sort());
    });

    test("seed 672: moved in a savepoint, the link it left added again through the view", async () => {
      const session = ctx.session();
      const [p1, p9, c2, c16] = [new Parent(), new Parent(), new Child(), new Child()];
      session.addAll([p1, p9, c2, c16]);
      await session.load(p1, "children");
      p1.children = [c2];
      Object.assign(new Association(), { parent: p1, child: c16, extraData: "x17" });
      await session.beginNested();
      const moved = (await lazy(p1).childAssociations).find((a) => a.child === c16)!;
      moved.parent = p9;
      await session.load(p1, "children");
      p1.children.push(c16);
      await session.commit();
      assert.deepEqual(await links(), [`${p1.id}-${c2.id}:null`, `${p1.id}-${c16.id}:null`, `${p9.id}-${c16.id}:x17`].sort());
    });
    test("seed 3096: an association object deleted leaves the views: the link added again and removed through one is gone", async () => {
      const session = ctx.session();
      const [parent, child] = [new Parent(), new Child()];
      session.addAll([parent, child]);
      await session.flush();
      session.expireAll();
      await session.load(child, "parents");
      child.parents.push(parent);
      const association = (await lazy(parent).childAssociations).find((a) => !stateOf(a)!.gone)!;
      await session.delete(association);
      assert.deepEqual([...(await lazy(child).parents)], [], "child.parents no longer shows the deleted link");
      await session.load(child, "parents");
      child.parents.push(parent);
      remove(await lazy(child).parents, parent);
      await session.commit(); // was: the parent listed twice, the copy removed kept the new link written
      assert.deepEqual(await links(), []);
    });

    test("seed 1190: an association object linked from its own side in a savepoint joins when the savepoint commits", async () => {
      const session = ctx.session();
      session.add(new Parent());
      const savepoint = await session.beginNested();
      const [parent, child] = [new Parent(), new Child()];
      session.addAll([child, parent]);
      Object.assign(new Association(), { parent, child, extraData: "x22" });
      await savepoint.commit(); // was: not inserted (only a commit or flush() adopted it)
      await session.load(parent, "children");
      parent.children = [];
      await session.commit(); // was: the view, read without it, removed nothing, and the commit inserted the link
      assert.deepEqual(await links(), []);
    });
    test("seed 1713: an association object moved to a new parent, and a new one for the link it left, in one flush", async () => {
      const session = ctx.session();
      const [p5, child] = [new Parent(), new Child()];
      session.addAll([p5, child]);
      (await lazy(p5).children).push(child);
      const savepoint = await session.beginNested();
      const p8 = new Parent();
      session.add(p8);
      const moved = (await lazy(p5).childAssociations).find((a) => !stateOf(a)!.gone)!;
      moved.parent = p8; // a parent with no row yet: the key it moves to is not known before the flush
      Object.assign(new Association(), { parent: p5, child, extraData: "x10" });
      await savepoint.commit(); // was: DuplicateKeyError (the moved one taken to keep its key)
      await session.commit();
      assert.deepEqual(await links(), [`${p5.id}-${child.id}:x10`, `${p8.id}-${child.id}:null`].sort());
    });
  },
  { createOnce: true },
);
