/**
 * A parent deleted inside a savepoint, its children deleted with it by the cascade and flushed,
 * then the savepoint rolled back: the parent and its children are all back, and the commit keeps
 * them. The children the cascade reached had no copy in the savepoint (only the parent, deleted by
 * the application, had), so they stayed marked for deletion: the commit deleted them while the
 * parent stayed, and resolved with the children lost.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { FamilyBase, FmChild, FmFamily } from "./fixtures/families.js";

forEachDatabaseWithSchema("a cascade of a savepoint rolled back", FamilyBase.metadata, (ctx) => {
  const rows = async () =>
    (await ctx.engine.execute(sql<{ id: number; family_id: number }>`SELECT id, family_id FROM fm_children ORDER BY id`)).rows.map((r) => `${Number(r.id)}@${Number(r.family_id)}`);

  for (const committed of [false, true]) {
    test(`children deleted by their parent's cascade come back with it${committed ? " (committed first)" : " (flushed before the savepoint)"}`, async () => {
      const session = ctx.session();
      const family = Object.assign(new FmFamily(), { id: 1 });
      family.children.push(Object.assign(new FmChild(), { id: 10 }), Object.assign(new FmChild(), { id: 11 }));
      session.add(family);
      if (committed) await session.commit();
      const savepoint = await session.beginNested();
      session.delete(family);
      await session.flush();
      await savepoint.rollback();
      await session.commit();
      assert.deepEqual(await rows(), ["10@1", "11@1"]);
      assert.equal(await ctx.count("fm_families"), 1);
      assert.deepEqual((await lazy(family).children).map((c) => c.id).sort(), [10, 11]);
    });
  }
});
