/**
 * The seed's model end to end through the ORM: parents, children and associations with
 * extra_data written in one commit, reloaded in a new session and read through both paths, a link
 * removed, a parent deleted; the association table holds exactly the expected rows at each step.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, inspect, lazy, select, selectinLoad, sql } from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { assertSameObjects } from "../support/same-objects.js";

forEachDatabaseWithSchema("seed end to end", Base.metadata, (ctx) => {
  const links = async () =>
    (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
      (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
    );

  test("write both paths, reload, read both paths, remove a link, delete a parent", async () => {
    const session = ctx.session();
    const [p1, p2] = [new Parent(), new Parent()];
    const [c1, c2, c3] = [new Child(), new Child(), new Child()];
    p1.id = 1;
    p2.id = 2;
    c1.id = 10;
    c2.id = 20;
    c3.id = 30;
    // Through the many-to-many view: creates the association objects, extra data at its default.
    p1.children.push(c1, c2);
    assert.equal(p1.childAssociations.length, 2, "the association objects exist at once");
    assert.equal(c1.parentAssociations[0]!.parent, p1);
    // Through an association object with extra data: the child appears in the view at once.
    const a = new Association();
    a.extraData = "friends";
    a.parent = p2;
    a.child = c3;
    assertSameObjects(p2.children, [c3]);
    assertSameObjects(c3.parents, [p2]);
    p1.childAssociations[0]!.extraData = "first";
    session.addAll([p1, p2]);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:first", "1-20:null", "2-30:friends"]);

    const reader = ctx.session();
    const parents = await reader.scalars(
      select(Parent).options(selectinLoad(Parent, "children"), selectinLoad(Parent, "childAssociations", "child")).orderBy(columnsOf(Parent).id),
    );
    assert.deepEqual(parents.map((p) => p.children.map((c) => c.id).sort()), [[10, 20], [30]]);
    assert.deepEqual(
      parents.map((p) => p.childAssociations.map((x) => `${x.child.id}:${x.extraData}`).sort()),
      [["10:first", "20:null"], ["30:friends"]],
    );
    // One object per row: the association's child is the very child of the view.
    assert.equal(parents[1]!.childAssociations[0]!.child, parents[1]!.children[0]);

    // Remove a link through the view: its association object goes, from both paths.
    const [first] = parents;
    const c20 = first!.children.find((c) => c.id === 20)!;
    first!.children.splice(first!.children.indexOf(c20), 1);
    assert.deepEqual(first!.childAssociations.map((x) => x.child.id), [10]);
    await reader.commit();
    assert.deepEqual(await links(), ["1-10:first", "2-30:friends"]);

    // Remove a link through the association objects: the view follows.
    const third = ctx.session();
    const p2again = (await third.get(Parent, 2))!;
    const [assoc] = await third.scalars(select(Association).where(columnsOf(Association).leftId.eq(2)));
    await third.scalars(select(Parent).options(selectinLoad(Parent, "children"), selectinLoad(Parent, "childAssociations")));
    p2again.childAssociations.splice(p2again.childAssociations.indexOf(assoc!), 1);
    assert.equal(p2again.children.length, 0);
    await third.commit();
    assert.deepEqual(await links(), ["1-10:first"]);

    // Delete a parent: its association rows go with it (they cannot exist without it).
    const fourth = ctx.session();
    fourth.delete((await fourth.get(Parent, 1))!);
    await fourth.commit();
    assert.deepEqual(await links(), []);
    const last = ctx.session();
    const remaining = await last.scalars(select(Child).orderBy(columnsOf(Child).id));
    assert.deepEqual(remaining.map((c) => c.id), [10, 20, 30], "children are not deleted with the links");
    await last.close();
  });

  test("a view never read is made from the association objects: its members in order, each once, after a flush with no SELECT", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const [p1, p2, p3] = [new Parent(), new Parent(), new Parent()];
    const [c1, c2, c3] = [new Child(), new Child(), new Child()];
    [p1.id, p2.id, p3.id, c1.id, c2.id, c3.id] = [101, 102, 103, 201, 202, 203];
    const link = (parent: Parent, child: Child, extra: string) => {
      const association = new Association();
      association.extraData = extra;
      association.parent = parent;
      association.child = child;
      return association;
    };
    link(p1, c2, "a");
    const removed = link(p1, c1, "b");
    link(p2, c2, "c");
    link(p1, c3, "d");
    link(p3, c1, "e");
    p1.childAssociations.splice(p1.childAssociations.indexOf(removed), 1);
    // Read for the first time only now, after the links changed.
    assert.deepEqual(p1.children.map((c) => c.id), [202, 203]);
    assert.deepEqual(c2.parents.map((p) => p.id), [101, 102]);
    assert.deepEqual(c1.parents.map((p) => p.id), [103]);
    // Assigning a view never read replaces the members it would have had.
    p3.children = [c3];
    assert.deepEqual(p3.childAssociations.map((a) => a.child.id), [203]);
    assert.equal(c1.parentAssociations.length, 0);

    session.addAll([p1, p2, p3]);
    await session.flush();
    ctx.reset();
    // p2's view was never read: it is made from its association objects, now rows, without a query.
    assert.deepEqual(p2.children.map((c) => c.id), [202]);
    assert.deepEqual(c3.parents.map((p) => p.id).sort(), [101, 103]);
    assert.deepEqual(ctx.statements, []);
    await session.commit();
    assert.deepEqual(await links(), ["101-202:a", "101-203:d", "102-202:c", "103-203:null"]);
  });

  test("re-pointing a loaded association object moves the link in both views at once, and in the database", async () => {
    const setup = ctx.session();
    const [p1, p2] = [new Parent(), new Parent()];
    const [c1, c2, c3] = [new Child(), new Child(), new Child()];
    [p1.id, p2.id, c1.id, c2.id, c3.id] = [1, 2, 10, 20, 30];
    p1.children.push(c1, c2);
    p2.children.push(c3);
    setup.addAll([p1, p2]);
    await setup.commit();

    const session = ctx.session({ expireOnCommit: false });
    const parents = await session.scalars(
      select(Parent).options(selectinLoad(Parent, "childAssociations", "child"), selectinLoad(Parent, "children")).orderBy(columnsOf(Parent).id),
    );
    const [first, second] = parents;
    ctx.reset();
    // Loading the parent's association objects gave each its parent: no query to read it.
    assert.ok(first!.childAssociations.every((a) => a.parent === first));
    assert.deepEqual(ctx.statements, []);
    const thirty = second!.children[0]!;
    const thirtysParents = await lazy(thirty).parents;
    const moving = first!.childAssociations.find((a) => a.child.id === 10)!;
    moving.child = thirty;
    assert.deepEqual(first!.children.map((c) => c.id).sort(), [20, 30], "the owner's view follows");
    assertSameObjects([...thirtysParents].sort((a, b) => a.id - b.id), [first!, second!], "the new member's view follows");
    await session.commit();
    assert.deepEqual(await links(), ["1-20:null", "1-30:null", "2-30:null"]);
  });

  test("an association object loaded alone, neither end loaded: re-pointing it updates the views the session holds", async () => {
    const setup = ctx.session();
    const [p1, c1, c2] = [new Parent(), new Child(), new Child()];
    [p1.id, c1.id, c2.id] = [1, 10, 20];
    p1.children.push(c1);
    setup.addAll([p1, c2]);
    await setup.commit();

    const session = ctx.session({ expireOnCommit: false });
    const [parent] = await session.scalars(select(Parent).options(selectinLoad(Parent, "children")));
    const twenty = (await session.get(Child, 20))!;
    const [association] = await session.scalars(select(Association));
    association!.child = twenty; // its old child (10) and its parent are found by its foreign keys
    assertSameObjects(parent!.children, [twenty]);
    await session.commit();
    assert.deepEqual(await links(), ["1-20:null"]);
  });

  test("merging a detached parent with a new child linked through the view writes the link once", async () => {
    const setup = ctx.session();
    const stored = new Parent();
    stored.id = 1;
    setup.add(stored);
    await setup.commit();

    const detached = new Parent();
    detached.id = 1;
    const newcomer = new Child();
    newcomer.id = 30;
    detached.children.push(newcomer); // makes the association object too: two paths to one link
    const session = ctx.session({ expireOnCommit: false });
    const merged = await session.merge(detached);
    assert.deepEqual(merged.children.map((c) => c.id), [30]);
    assert.equal(merged.childAssociations.length, 1);
    await session.commit();
    assert.deepEqual(await links(), ["1-30:null"]);
  });

  test("a link removed and added again in one flush, through either path, is one row (row switch)", async () => {
    const setup = ctx.session();
    const [parent, first, second] = [new Parent(), new Child(), new Child()];
    [parent.id, first.id, second.id] = [1, 10, 20];
    parent.children.push(first, second);
    parent.childAssociations[1]!.extraData = "old";
    setup.add(parent);
    await setup.commit();

    const session = ctx.session({ expireOnCommit: false });
    const [loaded] = await session.scalars(select(Parent).options(selectinLoad(Parent, "childAssociations", "child"), selectinLoad(Parent, "children")));
    // Through the view: out and back in (a new association object for the same two rows).
    const ten = loaded!.children.find((c) => c.id === 10)!;
    loaded!.children.splice(loaded!.children.indexOf(ten), 1);
    loaded!.children.push(ten);
    // Through the association objects: the old one replaced by a new one with other extra data.
    const old = loaded!.childAssociations.find((a) => a.child.id === 20)!;
    loaded!.childAssociations.splice(loaded!.childAssociations.indexOf(old), 1);
    const replacement = Object.assign(new Association(), { extraData: "new" });
    replacement.parent = loaded!;
    replacement.child = old.child;
    session.add(replacement);
    await session.commit();
    assert.deepEqual(await links(), ["1-10:null", "1-20:new"]);
    assert.equal(inspect(old).status, "detached");
    assert.equal(await session.get(Association, [1, 20]), replacement, "the new object has the row's key in the identity map");
  });

  test("linking two loaded objects through the view writes the link, their association objects not loaded", async () => {
    const setup = ctx.session();
    const [parent, child] = [new Parent(), new Child()];
    parent.id = 7;
    child.id = 70;
    setup.addAll([parent, child]);
    await setup.commit();

    const session = ctx.session();
    const [loaded] = await session.scalars(select(Parent).options(selectinLoad(Parent, "children")));
    const loadedChild = (await session.get(Child, 70))!;
    loaded!.children.push(loadedChild);
    await session.commit();
    assert.deepEqual(await links(), ["7-70:null"]);
  });
}, { createOnce: true });
