/**
 * A delete-orphan child taken from its parent (out of the list, or its reference set to null)
 * inside a savepoint that is then rolled back is in its parent's list again: the commit keeps it.
 * The orphan still waited for the next flush, which found its reference unknown (expired by the
 * commit before the savepoint) and deleted its row: the commit resolved with a child lost.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { FamilyBase, FmChild, FmFamily } from "./fixtures/families.js";

forEachDatabaseWithSchema("an orphan of a savepoint rolled back", FamilyBase.metadata, (ctx) => {
  const rows = async () =>
    (await ctx.engine.execute(sql<{ id: number; family_id: number }>`SELECT id, family_id FROM fm_children ORDER BY id`)).rows.map((r) => `${Number(r.id)}@${Number(r.family_id)}`);

  for (const how of ["spliced out of the list", "its reference set to null"]) {
    test(`a child ${how} in a savepoint rolled back is kept`, async () => {
      const session = ctx.session();
      const family = Object.assign(new FmFamily(), { id: 1 });
      const [kept, taken] = [Object.assign(new FmChild(), { id: 10 }), Object.assign(new FmChild(), { id: 11 })];
      family.children.push(kept, taken);
      session.add(family);
      await session.commit();
      const savepoint = await session.beginNested();
      if (how === "its reference set to null") (taken as { family: FmFamily | null }).family = null;
      else {
        const list = await lazy(family).children;
        list.splice(list.indexOf(taken), 1);
      }
      await savepoint.rollback();
      await session.commit();
      assert.deepEqual(await rows(), ["10@1", "11@1"]);
      assert.deepEqual((await lazy(family).children).map((c) => c.id).sort(), [10, 11]);
    });
  }
});
