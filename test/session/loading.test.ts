/**
 * Loading strategies, counted in statements: select-in is one statement per relationship level
 * whatever the number of parents, joined is one statement, lazy loads of one tick are batched into
 * one statement per relationship, and raise refuses with a message naming the option to use.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  RelationshipNotLoadedError,
  columnsOf,
  joinedLoad,
  lazy,
  raiseLoad,
  select,
  selectinLoad,
} from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const PARENTS = 500;

forEachDatabaseWithSchema("loading strategies", Base.metadata, (ctx) => {
  /** 500 parents, each linked to two of 50 children through the association table. */
  async function seedData(): Promise<void> {
    const session = ctx.session();
    const children = Array.from({ length: 50 }, (_, i) => Object.assign(new Child(), { id: i + 1 }));
    for (let i = 0; i < PARENTS; i++) {
      const parent = Object.assign(new Parent(), { id: i + 1 });
      parent.children.push(children[i % 50]!, children[(i + 7) % 50]!);
      session.add(parent);
    }
    await session.commit();
    await session.close();
    ctx.reset();
  }

  test("select-in through the secondary: 2 statements for 500 parents", async () => {
    await seedData();
    const session = ctx.session();
    const parents = await session.scalars(select(Parent).options(selectinLoad(Parent, "children")));
    assert.equal(parents.length, PARENTS);
    assert.equal(ctx.statements.length, 2);
    assert.ok(parents.every((p) => p.children.length === 2));
    assert.deepEqual(parents.find((p) => p.id === 8)!.children.map((c) => c.id).sort((a, b) => a - b), [8, 15]);
    await session.close();
  });

  test("select-in two levels deep: one statement per level", async () => {
    await seedData();
    const session = ctx.session();
    const parents = await session.scalars(select(Parent).options(selectinLoad(Parent, "childAssociations", "child")));
    assert.equal(ctx.statements.length, 3);
    assert.ok(parents.every((p) => p.childAssociations.every((a) => a.child instanceof Child)));
    await session.close();
  });

  test("joined: one statement, parents not duplicated", async () => {
    await seedData();
    const session = ctx.session();
    const parents = await session.scalars(select(Parent).options(joinedLoad(Parent, "children")).orderBy(columnsOf(Parent).id));
    assert.equal(ctx.statements.length, 1);
    assert.match(ctx.statements[0]!, /LEFT OUTER JOIN/);
    assert.equal(parents.length, PARENTS, "each parent once, although each joins two children");
    assert.equal(new Set(parents).size, PARENTS);
    assert.deepEqual(parents[0]!.children.map((c) => c.id).sort((a, b) => a - b), [1, 8]);
    await session.close();
  });

  test("joined with limit and offset limits parents, not joined rows: one statement, in the query's order", async () => {
    await seedData();
    const session = ctx.session();
    const query = select(Parent).where(columnsOf(Parent).id.lt(100)).orderBy(columnsOf(Parent).id.desc()).limit(3).offset(2);
    const parents = await session.scalars(query.options(joinedLoad(Parent, "children"), joinedLoad(Parent, "childAssociations")));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(parents.map((p) => p.id), [97, 96, 95], "ids 99 and 98 skipped, three parents");
    for (const parent of parents) {
      const i = parent.id - 1;
      assert.deepEqual(parent.children.map((c) => c.id).sort((a, b) => a - b), [(i % 50) + 1, ((i + 7) % 50) + 1].sort((a, b) => a - b));
      assert.equal(parent.childAssociations.length, 2);
    }
    await session.close();
  });

  test("lazy loads requested in one tick are one statement per relationship", async () => {
    await seedData();
    const session = ctx.session();
    const parents = await session.scalars(select(Parent));
    ctx.reset();
    const children = await Promise.all(parents.map((p) => lazy(p).children));
    assert.equal(ctx.statements.length, 1, "500 lazy loads, one SELECT");
    assert.ok(children.every((list) => list.length === 2));
    const associations = await Promise.all(parents.map(async (p) => (await lazy(p).childAssociations).length));
    assert.equal(ctx.statements.length, 2);
    assert.ok(associations.every((n) => n === 2));
    ctx.reset();
    await lazy(parents[0]!).children;
    assert.equal(ctx.statements.length, 0, "loaded relationships are not loaded again");
    await session.close();
  });

  test("a lazy load is a query: it autoflushes first, and sees the objects added since", async () => {
    await seedData();
    const session = ctx.session();
    const [parent] = await session.scalars(select(Parent).where(columnsOf(Parent).id.eq(1)));
    const newcomer = Object.assign(new Child(), { id: 1000 });
    const association = Object.assign(new Association(), { extraData: "late" });
    association.parent = parent!;
    association.child = newcomer;
    session.add(association);
    const associations = await lazy(parent!).childAssociations;
    assert.ok(associations.includes(association), "the pending association object, flushed, is in the list");
    assert.equal(associations.length, 3);
    assert.ok((await lazy(parent!).children).includes(newcomer));
    await session.close();
  });

  test("reading an unloaded relationship synchronously names it and the options that would load it", async () => {
    await seedData();
    const session = ctx.session();
    const [parent] = await session.scalars(select(Parent).limit(1));
    assert.throws(
      () => parent!.children,
      (error: unknown) =>
        error instanceof RelationshipNotLoadedError &&
        /Parent\.children is not loaded/.test(error.message) &&
        /await lazy\(obj\)\.children/.test(error.message) &&
        /selectinLoad\(Parent, "children"\)/.test(error.message),
    );
    await session.close();
  });

  test("raise: per query, a relationship refuses to load lazily", async () => {
    await seedData();
    const session = ctx.session();
    const [association] = await session.scalars(select(Association).options(raiseLoad(Association, "parent")).limit(1));
    assert.throws(() => association!.parent, RelationshipNotLoadedError);
    const [loaded] = await session.scalars(select(Association).options(selectinLoad(Association, "parent")).limit(1));
    assert.ok(loaded!.parent instanceof Parent);
    await session.close();
  });

  test("typed ORM queries: tuples of entities and columns, and scalar columns", async () => {
    await seedData();
    const session = ctx.session();
    const a = columnsOf(Association);
    const rows = await session.execute(
      select(Parent, Child, a.extraData).join(Association).join(Child).where(columnsOf(Parent).id.le(2)).orderBy(columnsOf(Parent).id, columnsOf(Child).id),
    );
    assert.equal(rows.length, 4);
    const [parent, child, extra] = rows[0]!;
    assert.ok(parent instanceof Parent && child instanceof Child);
    assert.equal(extra, null);
    assert.equal(rows[1]![0], parent, "the same parent row is the same object");
    const ids: number[] = await session.scalars(select(columnsOf(Parent).id).where(columnsOf(Parent).id.lt(4)).orderBy(columnsOf(Parent).id));
    assert.deepEqual(ids, [1, 2, 3]);
  });

  test("many-to-one targets already in the identity map are not queried again", async () => {
    await seedData();
    const session = ctx.session();
    await session.scalars(select(Parent));
    ctx.reset();
    const associations = await session.scalars(select(Association).options(selectinLoad(Association, "parent")));
    assert.equal(ctx.statements.length, 1, "every parent was already loaded");
    assert.ok(associations.every((a) => a.parent instanceof Parent));
    await session.close();
  });
}, { createOnce: true });
