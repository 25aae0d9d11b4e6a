/**
 * `aliased(Model, name)`: one query names a table twice (a self-join), and the rows of either
 * name are the model's objects from the one identity map. On the blog's self-referential
 * categories: Books > (SF > Space opera), Poetry.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { aliased, ArgumentError, columnsOf, containsEager, select, selectinLoad, UnmappedClassError, type Session } from "../../src/index.js";
import { Base, Category } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const ParentCategory = aliased(Category, "parent_category");
const Grandparent = aliased(Category, "grandparent");
const c = columnsOf(Category);
const p = columnsOf(ParentCategory);
const g = columnsOf(Grandparent);

forEachDatabaseWithSchema("aliased models", Base.metadata, (ctx) => {
  async function seeded(): Promise<Session> {
    const setup = ctx.session();
    const books = Object.assign(new Category(), { id: 1, name: "Books" });
    const sf = Object.assign(new Category(), { id: 2, name: "SF", parent: books });
    const opera = Object.assign(new Category(), { id: 3, name: "Space opera", parent: sf });
    const poetry = Object.assign(new Category(), { id: 4, name: "Poetry", parent: books });
    setup.addAll([books, sf, opera, poetry]);
    await setup.commit();
    await setup.close();
    ctx.reset();
    return ctx.session();
  }

  test("a self-join: each category with its parent, in one statement; the parents are the identity map's objects", async () => {
    const session = await seeded();
    const rows = await session.execute(select(Category, ParentCategory).leftJoin(ParentCategory, c.parentId.eq(p.id)).orderBy(c.id));
    assert.deepEqual(
      rows.map(([category, parent]) => [category.name, parent?.name ?? null]),
      [["Books", null], ["SF", "Books"], ["Space opera", "SF"], ["Poetry", "Books"]],
    );
    assert.equal(rows[1]![1], rows[0]![0], "Books is one object, whichever name selected it");
    assert.equal(rows[2]![1], rows[1]![0]);
    assert.ok(rows[1]![1] instanceof Category);
    assert.equal(ctx.statements.length, 1);
    assert.match(ctx.statements[0]!, /AS [`"]parent_category[`"]/);
  });

  test("filtered and ordered by the alias's columns; the same table three times", async () => {
    const session = await seeded();
    const underBooks = await session.scalars(select(Category).join(ParentCategory, c.parentId.eq(p.id)).where(p.name.eq("Books")).orderBy(c.name));
    assert.deepEqual(underBooks.map((x) => x.name), ["Poetry", "SF"]);
    const deep = await session.execute(
      select(Category, Grandparent)
        .join(ParentCategory, c.parentId.eq(p.id))
        .join(Grandparent, p.parentId.eq(g.id))
        .orderBy(c.id),
    );
    assert.deepEqual(deep.map(([x, top]) => [x.name, top.name]), [["Space opera", "Books"]]);
  });

  test("selected alone, with a loader option: the model's objects, their children loaded", async () => {
    const session = await seeded();
    const parents = await session.scalars(select(ParentCategory).where(p.parentId.isNull()).options(selectinLoad(ParentCategory, "children")));
    assert.deepEqual(parents.map((x) => x.name), ["Books"]);
    assert.deepEqual(parents[0]!.children.map((x) => x.name).sort(), ["Poetry", "SF"]);
    assert.equal(await session.get(Category, 1), parents[0], "no second object for the same row");
  });

  test("containsEager from the alias: each category's parent filled from the query's own self-join, no second query", async () => {
    const session = await seeded();
    const children = await session.scalars(
      select(Category).join(ParentCategory, c.parentId.eq(p.id)).options(containsEager(Category, "parent", { from: ParentCategory })).orderBy(c.id),
    );
    assert.deepEqual(children.map((x) => `${x.name} < ${x.parent?.name}`), ["SF < Books", "Space opera < SF", "Poetry < Books"]);
    assert.equal(children[1]!.parent, children[0], "Space opera's parent is the SF object of the first row");
    assert.equal(children[2]!.parent, children[0]!.parent, "SF and Poetry share one Books object");
    assert.equal(ctx.statements.length, 1, ctx.statements.join("\n"));
    assert.throws(() => containsEager(Category, "parent", { from: Category }), (e: unknown) => e instanceof ArgumentError && /takes an alias/.test(e.message));
  });

  test("bad uses are refused with the fix: an unmapped class, a name that is not SQL, new on the alias", () => {
    class Plain {}
    assert.throws(() => aliased(Plain, "x"), UnmappedClassError);
    assert.throws(() => aliased(Category, "parent category"), (e: unknown) => e instanceof ArgumentError && /SQL name/.test(e.message));
    assert.throws(() => new (ParentCategory as unknown as new () => Category)(), (e: unknown) => e instanceof ArgumentError && /new Category\(\)/.test(e.message));
  });

  test("typed as the model: rows, columns; a column it lacks does not compile", () => {
    // Checked by tsc (npm test): the statements are only built, never run.
    const typed = async (session: Session) => {
      const rows: [Category, Category][] = await session.execute(select(Category, ParentCategory));
      const names: string[] = (await session.scalars(select(ParentCategory))).map((x) => x.name);
      // @ts-expect-error Category has no column 'title'
      p.title;
      return [rows, names];
    };
    assert.equal(typeof typed, "function");
  });
}, { createOnce: true });
