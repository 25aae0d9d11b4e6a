/**
 * A list assigned while not loaded (`family.children = [...]`, `child.tags = [...]` after a
 * commit) is read by the flush, with no autoflush first: members moved onto its owner in memory
 * and not flushed were not among the rows read, so the assignment did not remove them. Each case
 * was found by the model-based test (random-parent-child.test.ts, the seed in its name), shrunk
 * to its steps, and failed before its fix.
 */
import { test } from "node:test";
import type { Session } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { commitHolds as commitRows, type FamilyRows } from "./fixtures/family-rows.js";
import { FamilyBase, FmChild, FmFamily, FmTag } from "./fixtures/families.js";

forEachDatabaseWithSchema("lists assigned while not loaded, members moved in memory", FamilyBase.metadata, (ctx) => {
  const commitHolds = (session: Session, names: Record<string, { id: number }>, want: FamilyRows) => commitRows(ctx.engine, session, names, want);

  test("seed 1642: a child tagged through tag.children, then child.tags = [] while not loaded: the link is not written (was left in the table)", async () => {
    const session = ctx.session();
    const [f1, t3, c4] = [new FmFamily(), new FmTag(), new FmChild()];
    session.addAll([f1, t3]);
    f1.children.push(c4);
    await session.commit(); // c4.tags expired
    (await session.load(t3, "children")).children.push(c4);
    c4.tags = [];
    await commitHolds(session, { f1, t3, c4 }, { children: ["c4 in f1"], links: [] });
  });

  test("seed 1361: a child moved by child.family = other, then other.children = [] while not loaded: the orphan is deleted (was left on the other family)", async () => {
    const session = ctx.session();
    const [f1, c12, f13] = [new FmFamily(), new FmChild(), new FmFamily()];
    session.addAll([f1, f13]);
    f1.children.push(c12);
    await session.commit(); // f13.children expired
    c12.family = f13;
    f13.children = [];
    await commitHolds(session, { f1, c12, f13 }, { children: [], links: [] });
  });

  test("seed 492: a child moved onto a family whose list is then assigned others while not loaded: the one left out is deleted, the others kept", async () => {
    const session = ctx.session();
    const [f1, c7, c8, f11] = [new FmFamily(), new FmChild(), new FmChild(), new FmFamily()];
    session.addAll([f1, f11]);
    f1.children.push(c7, c8);
    await session.commit();
    c7.family = f11;
    f11.children = [c8];
    await commitHolds(session, { f1, c7, c8, f11 }, { children: ["c8 in f11"], links: [] });
  });

  test("seed 180: child.tags = [] while not loaded, its family's list changed: the family, which has children too, is not taken for a tag (was a NOT NULL error)", async () => {
    const session = ctx.session();
    const [f13, c16, c18] = [new FmFamily(), new FmChild(), new FmChild()];
    session.add(f13);
    c16.family = f13;
    await session.commit();
    (await session.load(f13, "children")).children.push(c18); // f13.children shows c16
    c16.tags = [];
    await commitHolds(session, { f13, c16, c18 }, { children: ["c16 in f13", "c18 in f13"], links: [] });
  });
});
