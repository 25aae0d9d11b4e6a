/**
 * Links of a plain many-to-many (children and tags) changed from one side while the other side's
 * list is loaded, and an end deleted or orphaned in between: each case was found by the
 * model-based test (random-parent-child.test.ts, the seed in its name), shrunk to its steps, and
 * failed before its fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { FamilyBase, FmChild, FmFamily, FmTag } from "./fixtures/families.js";

forEachDatabaseWithSchema("links changed from the other side's loaded list", FamilyBase.metadata, (ctx) => {
  /** The rows of children ("child in family") and links ("child|tag"), by the objects' names. */
  const rows = async (names: Record<string, { id: number }>) => {
    const name = (kind: Function, id: number) => Object.entries(names).find(([, obj]) => obj instanceof kind && obj.id === Number(id))?.[0] ?? `unknown ${id}`;
    const children = (await ctx.engine.execute(sql<{ id: number; family_id: number }>`SELECT id, family_id FROM fm_children`)).rows;
    const links = (await ctx.engine.execute(sql<{ child_id: number; tag_id: number }>`SELECT child_id, tag_id FROM fm_child_tags`)).rows;
    return {
      children: children.map((r) => `${name(FmChild, r.id)} in ${name(FmFamily, r.family_id)}`).sort(),
      links: links.map((r) => `${name(FmChild, r.child_id)}|${name(FmTag, r.tag_id)}`).sort(),
    };
  };

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
    await session.commit();
    assert.deepEqual(await rows({ f10, t12, c13, t15 }), { children: ["c13 in f10"], links: ["c13|t15"] });
    await session.close();
  });
});
