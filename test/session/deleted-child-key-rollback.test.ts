/**
 * A child in a parent's list, deleted by a flush (an orphan, or `session.delete`), then the
 * transaction rolled back and the child given that parent again: the commit writes it. The flush
 * had copied the parent's key into the child it deleted, and the rollback left it there, so the
 * assignment looked like no change and the commit resolved without the UPDATE. Each case was
 * found by the model-based test (random-parent-child.test.ts, the seed in its name), shrunk to
 * its steps, and failed before its fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { FamilyBase, FmChild, FmFamily, FmSchool } from "./fixtures/families.js";

forEachDatabaseWithSchema("a deleted child's key after a rollback", FamilyBase.metadata, (ctx) => {
  const row = async (child: FmChild) =>
    (await ctx.engine.execute(sql<{ family_id: number; school_id: number | null }>`SELECT family_id, school_id FROM fm_children WHERE id = ${child.id}`)).rows.map((r) => ({
      family: Number(r.family_id),
      school: r.school_id === null ? null : Number(r.school_id),
    }));

  test("seed 252: pushed to a school's pupils, orphaned, deleted by a savepoint's flush, rolled back, then child.school = that school: written (was lost)", async () => {
    const session = ctx.session();
    const [f6, s7, c14] = [new FmFamily(), new FmSchool(), new FmChild()];
    session.addAll([f6, s7]);
    c14.family = f6;
    await session.commit();
    (await session.load(s7, "pupils")).pupils.push(c14);
    (c14 as { family: FmFamily | null }).family = null; // an orphan
    await session.beginNested(); // its flush deletes c14
    await session.rollback();
    c14.school = s7;
    await session.commit();
    assert.deepEqual(await row(c14), [{ family: f6.id, school: s7.id }]);
    await session.close();
  });

  test("seed 1764: pushed to another family's children, deleted by a flush, rolled back, then child.family = that family: written (was lost)", async () => {
    const session = ctx.session();
    const [f5, f8, c12] = [new FmFamily(), new FmFamily(), new FmChild()];
    session.addAll([f5, f8]);
    f8.children.push(c12);
    await session.commit();
    (await session.load(f5, "children")).children.push(c12);
    session.delete(c12);
    await session.flush();
    await session.rollback();
    c12.family = f5;
    await session.commit();
    assert.deepEqual(await row(c12), [{ family: f5.id, school: null }]);
    await session.close();
  });
});
