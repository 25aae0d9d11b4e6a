/**
 * A new child linked only from its own side (it joins at the commit, linked-objects.ts) to a
 * family whose list deletes its children, and to a school, then the family deleted: the child
 * goes with its family, as one in the session does. It was adopted at the commit through its
 * school and inserted with its family's key cleared (an IntegrityError on the NOT NULL key).
 * Found by the model-based test (random-parent-child.test.ts, seed 1980), shrunk to its steps;
 * failed before its fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { FamilyBase, FmChild, FmFamily, FmSchool } from "./fixtures/families.js";

forEachDatabaseWithSchema("a child linked from its own side to a family then deleted", FamilyBase.metadata, (ctx) => {
  test("seed 1980: given a family and a school, the family deleted: the child is not inserted (was a NOT NULL error)", async () => {
    const session = ctx.session();
    const [f1, s2, f8, c15, c17] = [new FmFamily(), new FmSchool(), new FmFamily(), new FmChild(), new FmChild()];
    session.addAll([f1, s2, f8]);
    await session.commit();
    c15.family = f8; // c15 joins at the commit, if still linked
    c15.school = s2;
    session.delete(f8);
    (await session.load(f1, "children")).children.push(c17); // its autoflush deletes f8
    await session.commit();
    const rows = (await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM fm_children`)).rows.map((r) => Number(r.id));
    assert.deepEqual(rows, [c17.id]);
    assert.equal(inspect(c15).status, "transient");
    await session.close();
  });
});
