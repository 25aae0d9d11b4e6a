/**
 * Programs the model-based test of the seed's double path (random-unit-of-work.test.ts) found
 * committing wrong data, shrunk and written out as plain tests: each names its seed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { lazy, sql } from "../../src/index.js";
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
  },
  { createOnce: true },
);
