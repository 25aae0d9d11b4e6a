/**
 * A child linked to a tag (through either side of a plain many-to-many) and deleted before the
 * flush, by `session.delete()`, by its family's delete cascade or as an orphan: its link rows go
 * with it, the new one too. Linked through the tag's list and deleted by `session.delete()` or a
 * cascade, the flush used to insert the new link row, then fail the child's DELETE on the link
 * table's foreign key (IntegrityError), so the child could not be deleted. The other cases were
 * right already: here so that they stay so.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { FamilyBase, FmChild, FmFamily, FmTag } from "./fixtures/families.js";

forEachDatabaseWithSchema("a link to a member deleted by the same flush", FamilyBase.metadata, (ctx) => {
  const ids = async (table: string) => (await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM ${sql.raw(table)} ORDER BY id`)).rows.map((r) => Number(r.id));

  for (const side of ["tag.children", "child.tags"] as const) {
    for (const how of ["session.delete(child)", "session.delete(family)", "orphaned"] as const) {
      test(`linked through ${side}, then ${how}`, async () => {
        const seed = ctx.session();
        const family = Object.assign(new FmFamily(), { id: 1 });
        family.children.push(Object.assign(new FmChild(), { id: 10 }), Object.assign(new FmChild(), { id: 11 }));
        seed.addAll([family, Object.assign(new FmTag(), { id: 5 })]);
        await seed.commit();
        await seed.close();

        const session = ctx.session();
        const [child, tag, home] = [(await session.get(FmChild, 10))!, (await session.get(FmTag, 5))!, (await session.get(FmFamily, 1))!];
        if (side === "tag.children") (await lazy(tag).children).push(child);
        else (await lazy(child).tags).push(tag);
        if (how === "session.delete(child)") session.delete(child);
        else if (how === "session.delete(family)") session.delete(home);
        else {
          const list = await lazy(home).children;
          list.splice(list.indexOf(child), 1);
        }
        await session.commit();
        assert.deepEqual(await ids("fm_children"), how === "session.delete(family)" ? [] : [11]);
        assert.equal(await ctx.count("fm_child_tags"), 0);
        assert.deepEqual(await ids("fm_tags"), [5]);
      });
    }
  }
});
