/**
 * `populateExisting()` skips an object with changes not yet flushed (autoflush off), so that it
 * keeps them. A reference assigned (`child.parent = other`, a child taken out of its parent's
 * list, a one-to-one given another object) did not count as a change: the object was overwritten,
 * the reference unloaded, and the flush copied no key. The commit resolved without the change,
 * and a delete-orphan child taken out of its list was kept with its key cleared.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, integer, joinedLoad, lazy, manyToOne, oneToMany, oneToOne, populateExisting, select, string, table, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

/** Parents with children (delete-orphan, back-reference) and a one-to-one without one. */
function schema() {
  const registry = new Registry();
  const metadata = registry.metadata;
  table("pr_parents", metadata, { id: integer().primaryKey(), name: string(20) });
  table("pr_children", metadata, { id: integer().primaryKey(), parentId: integer().named("parent_id").references("pr_parents.id"), name: string(20) });
  table("pr_badges", metadata, { id: integer().primaryKey(), parentId: integer().named("parent_id").references("pr_parents.id") });
  class Parent {
    declare id: number;
    declare name: string | null;
    declare children: Child[];
    declare badge: Badge | null;
  }
  class Child {
    declare id: number;
    declare parentId: number | null;
    declare name: string | null;
    declare parent: Parent | null;
  }
  class Badge {
    declare id: number;
    declare parentId: number | null;
  }
  const t = metadata.tables;
  registry.mapImperatively(Parent, t.get("pr_parents")!, {
    properties: {
      children: oneToMany("Child" as never, { backPopulates: "parent", cascade: "all, delete-orphan" }),
      badge: oneToOne("Badge" as never),
    },
  });
  registry.mapImperatively(Child, t.get("pr_children")!, { properties: { parent: manyToOne("Parent" as never, { backPopulates: "children" }) } });
  registry.mapImperatively(Badge, t.get("pr_badges")!);
  return { registry, Parent, Child, Badge };
}

const { registry, Parent, Child, Badge } = schema();

async function seeded(ctx: SessionContext): Promise<Session> {
  const seed = ctx.session();
  for (const id of [1, 2]) {
    const parent = Object.assign(new Parent(), { id, name: `p${id}` });
    seed.add(parent);
    if (id === 1) {
      parent.children = [Object.assign(new Child(), { id: 1, name: "c1" }), Object.assign(new Child(), { id: 2, name: "c2" })];
      parent.badge = Object.assign(new Badge(), { id: 1 });
    }
  }
  await seed.commit();
  await seed.close();
  return ctx.session({ autoflush: false });
}

forEachDatabaseWithSchema("populateExisting and references not flushed", registry.metadata, (ctx) => {
  test("a many-to-one assigned is kept and written", async () => {
    const session = await seeded(ctx);
    const child = (await session.get(Child, 1))!;
    child.parent = (await session.get(Parent, 2))!;
    await session.scalars(select(Child).options(populateExisting()));
    assert.equal((await lazy(child).parent)?.id, 2);
    await session.commit();
    assert.equal(await ctx.count("pr_children", "id = 1 AND parent_id = 2"), 1);
  });

  test("a delete-orphan child taken out of its list (joined load of the list) is deleted, not kept without its parent", async () => {
    const session = await seeded(ctx);
    const parent = (await session.get(Parent, 1))!;
    (await lazy(parent).children).splice(0, 1);
    await session.scalars(select(Parent).options(joinedLoad(Parent, "children" as never), populateExisting()));
    await session.commit();
    assert.equal(await ctx.count("pr_children"), 1);
    assert.equal(await ctx.count("pr_children", "id = 2 AND parent_id = 1"), 1);
  });

  test("a one-to-one whose key is on the other side, given another object, is kept and written", async () => {
    const session = await seeded(ctx);
    const parent = (await session.get(Parent, 2))!;
    const badge = (await session.get(Badge, 1))!;
    const owner = (await session.get(Parent, 1))!;
    await lazy(owner).badge;
    parent.badge = badge;
    owner.badge = null;
    await session.scalars(select(Parent).options(populateExisting()));
    await session.commit();
    assert.equal(await ctx.count("pr_badges", "id = 1 AND parent_id = 2"), 1);
  });
}, { createOnce: true, sqliteFile: true });
