/**
 * A list assigned whole while not loaded (`a.kids = [c3]`), one of the members the database holds
 * for it moved to another parent's list in memory, before or after the assignment: the flush reads
 * the old members and removes those left out, but the moved one keeps its new parent (neither
 * detached nor, with delete-orphan, deleted), with or without a back-reference. Without one, it
 * used to lose its key, or be deleted, while the other list showed it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, integer, lazy, manyToOne, oneToMany, sql, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

for (const back of [true, false]) {
  for (const cascade of ["save-update", "all, delete-orphan"]) {
    const registry = new Registry();
    const px = `rp${back ? "b" : "n"}${cascade.length}`;
    table(`${px}_p`, registry.metadata, { id: integer().primaryKey() });
    table(`${px}_c`, registry.metadata, { id: integer().primaryKey(), pId: integer().named("p_id").references(`${px}_p.id`) });
    class P {
      declare id: number;
      declare kids: C[];
    }
    class C {
      declare id: number;
      declare pId: number | null;
      declare p: P | null;
    }
    registry.mapImperatively(P, registry.metadata.tables.get(`${px}_p`)!, { properties: { kids: oneToMany("C" as never, { cascade, ...(back ? { backPopulates: "p" } : {}) }) } });
    registry.mapImperatively(C, registry.metadata.tables.get(`${px}_c`)!, back ? { properties: { p: manyToOne("P" as never, { backPopulates: "kids" }) } } : {});
    forEachDatabaseWithSchema(`list assigned whole, a member moved (${back ? "with" : "without"} a back-reference, ${cascade})`, registry.metadata, (ctx) => {
      async function rows(): Promise<string[]> {
        const { rows } = await ctx.engine.execute(sql<{ id: number; p_id: number | null }>`SELECT id, p_id FROM ${sql.raw(`${px}_c`)} ORDER BY id`);
        return rows.map((row) => `${row.id}:${row.p_id ?? "null"}`);
      }
      for (const order of ["move-first", "assign-first"]) {
        test(`${order === "move-first" ? "moved, then the list assigned" : "the list assigned, then moved"}: the moved child names its new parent`, async () => {
          const setup = ctx.session();
          const first = Object.assign(new P(), { id: 1 });
          first.kids.push(Object.assign(new C(), { id: 1 }), Object.assign(new C(), { id: 2 }));
          setup.addAll([first, Object.assign(new P(), { id: 2 })]);
          await setup.commit();
          await setup.close();
          const session = ctx.session();
          const [from, to, moved] = [(await session.get(P, 1))!, (await session.get(P, 2))!, (await session.get(C, 1))!];
          const toKids = await lazy(to).kids;
          const added = Object.assign(new C(), { id: 3 });
          if (order === "move-first") {
            toKids.push(moved);
            from.kids = [added]; // not loaded: the flush reads children 1 and 2
          } else {
            from.kids = [added];
            toKids.push(moved);
          }
          await session.commit();
          // Child 2, left out, is detached (or deleted as an orphan); child 1 went to parent 2.
          assert.deepEqual(await rows(), cascade === "save-update" ? ["1:2", "2:null", "3:1"] : ["1:2", "3:1"]);
        });
      }
    }, { createOnce: true });
  }
}
