/**
 * Ordered relationships: a collection's `orderBy` (target attributes, asc/desc, NULLs first/last)
 * orders its members whichever way it is loaded — lazily, by select-in (still one statement for
 * the members), joined (after the parents' own order) — and again after a refresh. Members are
 * inserted in an order that is neither their key order nor the mapped one.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  MappingConfigurationError,
  Registry,
  columnsOf,
  integer,
  joinedLoad,
  lazy,
  manyToOne,
  oneToMany,
  select,
  selectinLoad,
  sql,
  table,
  type ConfigurationProblem,
  type LoaderOption,
} from "../../src/index.js";
import { OrBook, OrShelf, OrTag, OrderedBase } from "./fixtures/ordered.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** [id, shelf, position, rank]: shelf 1's books by position then id desc are 15, 14, 12, 13, 11. */
const BOOKS: readonly (readonly [number, number, number, number | null])[] = [
  [13, 1, 2, 9],
  [21, 2, 2, null],
  [11, 1, 3, 5],
  [15, 1, 0, 7],
  [23, 2, 0, 4],
  [12, 1, 1, null],
  [22, 2, 1, 3],
  [14, 1, 1, 1],
];
const TAG_NAMES: Record<number, string> = { 1: "b", 2: "d", 3: "a", 4: "c" };
const TAGS_OF: Record<number, number[]> = { 11: [3, 1, 4, 2], 13: [1, 2] };

const BY_POSITION = { 1: [15, 14, 12, 13, 11], 2: [23, 22, 21] };
const BY_RANK_DESC_NULLS_LAST = { 1: [13, 15, 11, 14, 12], 2: [23, 22, 21] };
const BY_RANK_NULLS_FIRST = { 1: [12, 14, 11, 15, 13], 2: [21, 22, 23] };
/** Tag ids by name descending. */
const TAGS_BY_NAME_DESC = { 11: [2, 4, 1, 3], 13: [2, 1] };

const ids = (objects: readonly { id: number }[]) => objects.map((o) => o.id);

function byShelf(shelves: readonly OrShelf[], key: "books" | "byRankNullsLast" | "byRankNullsFirst"): Record<number, number[]> {
  return Object.fromEntries(shelves.map((shelf) => [shelf.id, ids(shelf[key])]));
}

forEachDatabaseWithSchema("ordered relationships", OrderedBase.metadata, (ctx) => {
  async function seedData(): Promise<void> {
    const session = ctx.session();
    const shelves = new Map([1, 2].map((id) => [id, Object.assign(new OrShelf(), { id })]));
    const tags = new Map([4, 2, 1, 3].map((id) => [id, Object.assign(new OrTag(), { id, name: TAG_NAMES[id]! })]));
    for (const [id, shelf, position, rank] of BOOKS) {
      const book = Object.assign(new OrBook(), { id, position, rank });
      for (const tag of TAGS_OF[id] ?? []) book.tags.push(tags.get(tag)!);
      shelves.get(shelf)!.books.push(book);
    }
    for (const shelf of shelves.values()) session.add(shelf);
    await session.commit();
    await session.close();
    ctx.reset();
  }

  async function shelves(...options: LoaderOption[]) {
    const session = ctx.session();
    const result = await session.scalars(select(OrShelf).options(...options).orderBy(columnsOf(OrShelf).id));
    return { session, shelves: result };
  }

  test("lazy loading orders each collection: one statement per load", async () => {
    await seedData();
    const { shelves: found } = await shelves();
    ctx.reset();
    for (const shelf of found) await lazy(shelf).books;
    assert.ok(ctx.statements.length >= 1 && ctx.statements.length <= 2, ctx.statements.join("\n"));
    assert.match(ctx.statements[0]!, /ORDER BY/);
    assert.deepEqual(byShelf(found, "books"), BY_POSITION);
  });

  test("select-in loading orders every parent's members in one statement", async () => {
    await seedData();
    const { shelves: found } = await shelves(selectinLoad(OrShelf, "books"));
    assert.equal(ctx.statements.length, 2, ctx.statements.join("\n"));
    assert.deepEqual(byShelf(found, "books"), BY_POSITION);
  });

  test("joined loading orders members after the parents' own order", async () => {
    await seedData();
    const session = ctx.session();
    const found = await session.scalars(select(OrShelf).options(joinedLoad(OrShelf, "books")).orderBy(columnsOf(OrShelf).id.desc()));
    assert.equal(ctx.statements.length, 1, ctx.statements.join("\n"));
    assert.deepEqual(ids(found), [2, 1]);
    assert.deepEqual(byShelf(found, "books"), BY_POSITION);
  });

  test("joined loading with a limit keeps the parents' limit and orders the members", async () => {
    await seedData();
    const session = ctx.session();
    const found = await session.scalars(select(OrShelf).options(joinedLoad(OrShelf, "books")).orderBy(columnsOf(OrShelf).id).limit(1));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(ids(found), [1]);
    assert.deepEqual(ids(found[0]!.books), BY_POSITION[1]);
  });

  for (const [strategy, load] of [
    ["lazy", undefined],
    ["select-in", selectinLoad],
    ["joined", joinedLoad],
  ] as const) {
    test(`desc with NULLs last, and NULLs first, by ${strategy} loading`, async () => {
      await seedData();
      // Loader options name only relationships typed Rel<..., back>; these viewonly lists have no back-reference.
      const options = load ? [load(OrShelf, "byRankNullsLast" as "books"), load(OrShelf, "byRankNullsFirst" as "books")] : [];
      const { shelves: found } = await shelves(...options);
      for (const shelf of found) {
        await lazy(shelf).byRankNullsLast;
        await lazy(shelf).byRankNullsFirst;
      }
      assert.deepEqual(byShelf(found, "byRankNullsLast"), BY_RANK_DESC_NULLS_LAST);
      assert.deepEqual(byShelf(found, "byRankNullsFirst"), BY_RANK_NULLS_FIRST);
    });

    test(`many-to-many through a plain secondary, ordered by a target column, by ${strategy} loading`, async () => {
      await seedData();
      const session = ctx.session();
      const books = await session.scalars(
        select(OrBook).options(...(load ? [load(OrBook, "tags")] : [])).where(columnsOf(OrBook).id.in([11, 13])).orderBy(columnsOf(OrBook).id),
      );
      if (strategy === "select-in") assert.equal(ctx.statements.length, 2, ctx.statements.join("\n"));
      if (strategy === "joined") assert.equal(ctx.statements.length, 1, ctx.statements.join("\n"));
      const tagIds: Record<number, number[]> = {};
      for (const book of books) tagIds[book.id] = ids(await lazy(book).tags);
      assert.deepEqual(tagIds, TAGS_BY_NAME_DESC);
    });
  }

  test("after a refresh or an expire, the reloaded collection has the new order", async () => {
    await seedData();
    const { session, shelves: found } = await shelves(selectinLoad(OrShelf, "books"));
    const shelf = found.find((s) => s.id === 2)!;
    assert.deepEqual(ids(shelf.books), BY_POSITION[2]);
    // New positions written behind the ORM's back (through the same transaction: SQLite in memory is one connection).
    await (await session.connection()).execute(sql`UPDATE or_books SET position = 9 WHERE id = 23`);
    session.expire(shelf);
    assert.deepEqual(ids(await lazy(shelf).books), [22, 21, 23]);
    await (await session.connection()).execute(sql`UPDATE or_books SET position = -1 WHERE id = 21`);
    await session.refresh(shelf);
    assert.deepEqual(ids(await lazy(shelf).books), [21, 22, 23]);
  });
}, { createOnce: true });

describe("ordered relationships: configuration", () => {
  function problemsOf(registry: Registry): ConfigurationProblem[] {
    try {
      registry.configure();
    } catch (error) {
      assert.ok(error instanceof MappingConfigurationError, `expected MappingConfigurationError, got ${error}`);
      return [...error.problems];
    }
    assert.fail("configure() should have failed");
  }

  function parentChild(parentOptions: object, childOptions: object = {}) {
    const registry = new Registry();
    const parents = table("parents", registry.metadata, { id: integer().primaryKey() });
    const children = table("children", registry.metadata, {
      id: integer().primaryKey(),
      parentId: integer().named("parent_id").references("parents.id"),
      position: integer(),
    });
    class Parent {}
    class Child {}
    registry.mapImperatively(Parent, parents, { properties: { children: oneToMany(() => Child, parentOptions as never) } });
    registry.mapImperatively(Child, children, { properties: { parent: manyToOne(() => Parent, childOptions as never) } });
    return registry;
  }

  test("an unknown attribute names class, attribute and the fix", () => {
    const [problem, ...rest] = problemsOf(parentChild({ orderBy: ["id", { attr: "positon", direction: "desc" }] }));
    assert.equal(rest.length, 0);
    assert.equal(problem!.model, "Parent");
    assert.equal(problem!.attribute, "children");
    assert.match(problem!.message, /orderBy 'positon': Child has no column attribute 'positon'\. Did you mean 'position'\?/);
    assert.match(problem!.fix, /Order by column attributes of Child: id, parentId, position/);
  });

  test("a bad direction or nulls, and orderBy on a many-to-one, are configuration errors", () => {
    const problems = problemsOf(parentChild({ orderBy: [{ attr: "position", direction: "up" }, { attr: "id", nulls: "never" }] }, { orderBy: "id" }));
    assert.deepEqual(
      problems.map((p) => `${p.model}.${p.attribute}: ${p.message}`).sort(),
      [
        `Child.parent: orderBy: a manyToOne holds one object, so it has no order.`,
        `Parent.children: orderBy 'id': nulls 'never' is not "first" or "last".`,
        `Parent.children: orderBy 'position': direction 'up' is not "asc" or "desc".`,
      ],
    );
  });
});
