/**
 * Links of a plain many-to-many (children and tags) changed from one side while the other side's
 * list is loaded, and an end deleted or orphaned in between: each case was found by the
 * model-based test (random-parent-child.test.ts, the seed in its name), shrunk to its steps, and
 * failed before its fix (seed 15's, with the back-reference's fix and without the key check; the
 * last is a kin of seed 95's, with the tag's list not loaded).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { commitHolds as commitRows, type FamilyRows } from "./fixtures/family-rows.js";
import { FamilyBase, FmChild, FmFamily, FmTag } from "./fixtures/families.js";

forEachDatabaseWithSchema("links changed from the other side's loaded list", FamilyBase.metadata, (ctx) => {
  const commitHolds = (session: Session, names: Record<string, { id: number }>, want: FamilyRows) => commitRows(ctx.engine, session, names, want);

  test("seed 108: a tag deleted by a flush, then its child's tags assigned in a savepoint: no StaleDataError for the link deleted with the tag", async () => {
    const session = ctx.session();
    const [f10, t12, c13, t15] = [new FmFamily(), new FmTag(), new FmChild(), new FmTag()];
    session.addAll([f10, t12]);
    c13.family = f10;
    c13.tags = [t12];
    await session.flush();
    session.delete(t12);
    session.add(t15);
    const sp = await session.beginNested(); // its flush deletes t12 and the link; c13.tags still shows t12
    c13.tags = [t15];
    await sp.commit();
    await commitHolds(session, { f10, t12, c13, t15 }, { children: ["c13 in f10"], links: ["c13|t15"] });
  });

  test("seed 110: a child tagged through tag.children after the autoflush inserted it, then moved: the link is inserted once (was a duplicate key)", async () => {
    const session = ctx.session();
    const [f1, t3, f14, c15] = [new FmFamily(), new FmTag(), new FmFamily(), new FmChild()];
    session.addAll([f1, t3]);
    await session.commit();
    session.add(f14);
    c15.family = f14;
    session.add(c15);
    (await session.load(t3, "children")).children.push(c15); // its autoflush inserts c15: c15.tags is an empty list
    (await session.load(f1, "children")).children.push(c15); // its autoflush writes the link
    await commitHolds(session, { f1, t3, f14, c15 }, { children: ["c15 in f1"], links: ["c15|t3"] });
  });

  test("seed 148: a tag linked from a child's list, then another child untagged: the first link is inserted once (was a duplicate key)", async () => {
    const session = ctx.session();
    const [f11, t14, c15, c16] = [new FmFamily(), new FmTag(), new FmChild(), new FmChild()];
    session.addAll([f11, t14]);
    f11.children.push(c15, c16);
    c16.tags = [t14];
    await session.flush();
    (await session.load(c15, "tags")).tags.push(t14);
    await session.flush();
    const tags = await lazy(c16).tags;
    tags.splice(tags.indexOf(t14), 1); // t14.children changes: its later flush found c15 gained still
    await commitHolds(session, { f11, t14, c15, c16 }, { children: ["c15 in f11", "c16 in f11"], links: ["c15|t14"] });
  });

  test("seed 123: a child tagged, orphaned in a savepoint, then the tag's list given another child: no link to the deleted child (was a foreign key error)", async () => {
    const session = ctx.session();
    const [f10, t12, c14, c17] = [new FmFamily(), new FmTag(), new FmChild(), new FmChild()];
    session.addAll([f10, t12]);
    c14.family = f10;
    const sp = await session.beginNested();
    (await session.load(c14, "tags")).tags.push(t12);
    const children = await lazy(f10).children;
    children.splice(children.indexOf(c14), 1);
    c17.family = f10;
    session.add(c17);
    await sp.commit();
    (await session.load(t12, "children")).children.push(c17);
    await commitHolds(session, { f10, t12, c14, c17 }, { children: ["c17 in f10"], links: ["c17|t12"] });
  });

  test("seed 95: a child tagged from its side, orphaned by a list assignment, then the tag's list given another child: no link to the deleted child (was a foreign key error)", async () => {
    const session = ctx.session();
    const [f1, t3, f5, c7, c8] = [new FmFamily(), new FmTag(), new FmFamily(), new FmChild(), new FmChild()];
    session.addAll([f1, t3, f5]);
    await session.flush(); // t3.children: an empty list after its insert
    c7.family = f1;
    (await session.load(c7, "tags")).tags.push(t3);
    c8.family = f5;
    session.add(c8);
    await session.flush();
    f1.children = [c8]; // c7, orphaned, is deleted with its link
    await session.flush();
    (await session.load(t3, "children")).children.push(c8);
    await commitHolds(session, { f1, t3, f5, c7, c8 }, { children: ["c8 in f1"], links: ["c8|t3"] });
  });

  test("seed 15: a new child linked from its own side (it joins at the commit) tagged, then a savepoint's flush: the link waits for its insert (was a NULL key)", async () => {
    const session = ctx.session();
    const [f11, t13, c17] = [new FmFamily(), new FmTag(), new FmChild()];
    session.addAll([f11, t13]);
    const sp = await session.beginNested(); // t13.children: an empty list after its insert
    c17.family = f11; // c17 joins at the commit
    (await session.load(c17, "tags")).tags.push(t13);
    await sp.commit();
    await commitHolds(session, { f11, t13, c17 }, { children: ["c17 in f11"], links: ["c17|t13"] });
  });

  test("a new child linked from its own side tagged, the tag's list changed too, then a savepoint's flush: the link waits for the child's insert (was a NULL key)", async () => {
    const session = ctx.session();
    const [f1, t2, c3, c4] = [new FmFamily(), new FmTag(), new FmChild(), new FmChild()];
    session.addAll([f1, t2]);
    await session.commit();
    const members = (await session.load(t2, "children")).children;
    c3.family = f1; // c3 joins at the commit
    c3.tags = [t2]; // t2.children shows c3
    const sp = await session.beginNested();
    c4.family = f1;
    members.push(c4); // t2 written by the savepoint's flush, c3 in its list
    await sp.commit();
    await commitHolds(session, { f1, t2, c3, c4 }, { children: ["c3 in f1", "c4 in f1"], links: ["c3|t2", "c4|t2"] });
  });

  test("a tag's list not loaded, loaded after a flush deleted an orphan linked to it from the orphan's side, does not show the orphan", async () => {
    const session = ctx.session();
    const [f1, t3, f5, c7, c8] = [new FmFamily(), new FmTag(), new FmFamily(), new FmChild(), new FmChild()];
    session.addAll([f1, t3, f5]);
    await session.commit(); // t3.children expired
    c7.family = f1;
    (await session.load(c7, "tags")).tags.push(t3); // t3.children not loaded: its load is to show c7
    c8.family = f5;
    session.add(c8);
    await session.flush();
    f1.children = [c8]; // c7, orphaned, is deleted with its link
    await session.flush();
    const members = (await session.load(t3, "children")).children;
    assert.ok(!members.includes(c7), "the deleted orphan is not shown");
    members.push(c8);
    await commitHolds(session, { f1, t3, f5, c7, c8 }, { children: ["c8 in f1"], links: ["c8|t3"] });
  });

  test("seed 839: a new child (it joins at the commit) tagged from its side, then spliced out of the tag's list loaded since: no StaleDataError", async () => {
    const session = ctx.session();
    const [f1, t3, c17] = [new FmFamily(), new FmTag(), new FmChild()];
    session.addAll([f1, t3]);
    await session.commit();
    c17.family = f1; // c17 joins at the commit
    (await session.load(c17, "tags")).tags.push(t3);
    const members = await lazy(t3).children; // shows c17, which no row links yet
    members.splice(members.indexOf(c17), 1);
    await commitHolds(session, { f1, t3, c17 }, { children: ["c17 in f1"], links: [] });
  });

  test("seed 1957: a new child (it joins at the commit) tagged with a new tag, the tag flushed, then taken off it: no StaleDataError", async () => {
    const session = ctx.session();
    const [t3, f6, t10, c12, c14] = [new FmTag(), new FmFamily(), new FmTag(), new FmChild(), new FmChild()];
    session.addAll([t3, f6]);
    await session.commit();
    session.add(t10);
    (await session.load(f6, "children")).children.push(c12);
    c14.family = f6; // c14 joins at the commit
    c14.tags = [t3, t10];
    const members = await lazy(t3).children; // its autoflush inserts t10, its list showing c14 (no row yet)
    members.splice(members.indexOf(c14), 1);
    c14.tags = [t3];
    await commitHolds(session, { t3, f6, t10, c12, c14 }, { children: ["c12 in f6", "c14 in f6"], links: ["c14|t3"] });
  });

  test("autoflush off: a child tagged from its side, the tag's list loaded (it shows the child), then spliced: no StaleDataError, no link", async () => {
    const session = ctx.session({ autoflush: false });
    const [f1, t2, c3] = [new FmFamily(), new FmTag(), new FmChild()];
    session.addAll([f1, t2]);
    f1.children.push(c3);
    await session.commit();
    (await session.load(c3, "tags")).tags.push(t2);
    const members = await lazy(t2).children; // shows c3, which no row links yet
    assert.deepEqual([...members], [c3]);
    members.splice(0, 1);
    await commitHolds(session, { f1, t2, c3 }, { children: ["c3 in f1"], links: [] });
  });

  test("autoflush off: a child tagged from its side, the tag's list loaded, a flush, then another child tagged from the tag's side: the first link is inserted once", async () => {
    const session = ctx.session({ autoflush: false });
    const [f1, t2, c3, c4] = [new FmFamily(), new FmTag(), new FmChild(), new FmChild()];
    session.addAll([f1, t2]);
    f1.children.push(c3, c4);
    await session.commit();
    (await session.load(c3, "tags")).tags.push(t2);
    const members = await lazy(t2).children; // shows c3
    await session.flush(); // c3's side writes the link
    members.push(c4);
    await commitHolds(session, { f1, t2, c3, c4 }, { children: ["c3 in f1", "c4 in f1"], links: ["c3|t2", "c4|t2"] });
  });

  test("seed 3063: a new child (it joins at the commit) given a tag that is then deleted by a savepoint's flush: no link to the deleted tag (was a foreign key error)", async () => {
    const session = ctx.session();
    const [f21, t23, c25] = [new FmFamily(), new FmTag(), new FmChild()];
    session.addAll([f21, t23]);
    const sp = await session.beginNested();
    c25.family = f21; // c25 joins at the commit
    c25.tags = [t23];
    session.delete(t23);
    await sp.commit(); // its flush deletes t23
    await commitHolds(session, { f21, t23, c25 }, { children: ["c25 in f21"], links: [] });
  });
});
