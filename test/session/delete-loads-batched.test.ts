/**
 * Deleting many objects whose lists the flush must follow (children to delete or unlink, a
 * delete cascade) while those lists are not loaded: the flush read each object's list with a
 * SELECT of its own, one per deleted object (slow on MariaDB, a round trip each). It now reads
 * them for all the objects at once: one SELECT per relationship, per chunk of keys.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { select, sql } from "../../src/index.js";
import { Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("deletes read the lists they follow in one statement", Base.metadata, (ctx) => {
  const links = async () => Number((await ctx.engine.execute(sql<{ n: number }>`SELECT count(*) AS n FROM association_table`)).rows[0]!.n);
  /** Parents 1 and 2, each linked to children 100.. (n of them). */
  async function seed(n: number): Promise<void> {
    const session = ctx.session();
    const children = Array.from({ length: n }, (_, i) => Object.assign(new Child(), { id: 100 + i }));
    for (const id of [1, 2]) {
      const parent = Object.assign(new Parent(), { id });
      parent.children.push(...children);
      parent.childAssociations.forEach((a) => (a.extraData = `${id}`));
      session.add(parent);
    }
    await session.commit();
    await session.close();
  }
  const selects = () => ctx.statements.filter((s) => /^SELECT/i.test(s));

  test("30 children deleted, their association objects not loaded: one SELECT of them, the rows all deleted", async () => {
    await seed(30);
    const session = ctx.session();
    const children = await session.scalars(select(Child));
    ctx.reset();
    for (const child of children) await session.delete(child);
    await session.commit();
    assert.equal(selects().length, 1, selects().join("\n"));
    assert.equal(await ctx.count("right_table"), 0);
    assert.equal(await links(), 0);
  });

  test("both parents deleted, their association objects not loaded: one SELECT", async () => {
    await seed(5);
    const session = ctx.session();
    const parents = await session.scalars(select(Parent));
    ctx.reset();
    for (const parent of parents) await session.delete(parent);
    await session.commit();
    assert.equal(selects().length, 1, selects().join("\n"));
    assert.equal(await ctx.count("left_table"), 0);
    assert.equal(await links(), 0);
    assert.equal(await ctx.count("right_table"), 5);
  });
}, { createOnce: true });
