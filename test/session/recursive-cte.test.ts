/**
 * ORM queries over common table expressions: the categories under one, found by a recursive CTE
 * over the blog's self-referential categories, selected as objects from the identity map (joined
 * to the CTE, or filtered by `IN (SELECT ... FROM cte)`), with a CTE column beside them, and
 * changed by a bulk UPDATE whose WHERE reads the CTE. Books > (SF > Space opera > Retro), Poetry.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, literal, select, types, update, withLoaderCriteria, type Session } from "../../src/index.js";
import { Base, Category } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const c = columnsOf(Category);

/** The categories under the one named `name` (itself at depth 0), at most `maxDepth` levels down. */
function under(name: string, maxDepth = 10) {
  const anchor = select(c.id, literal(0, types.integer()).label("depth")).where(c.name.eq(name)).cte("under", { recursive: true });
  return anchor.unionAll(
    select(c.id, anchor.c.depth.plus(1).label("depth")).join(anchor, c.parentId.eq(anchor.c.id)).where(anchor.c.depth.lt(maxDepth)),
  );
}

forEachDatabaseWithSchema("ORM queries over recursive CTEs", Base.metadata, (ctx) => {
  async function seeded(): Promise<Session> {
    const setup = ctx.session();
    const books = Object.assign(new Category(), { id: 1, name: "Books" });
    const sf = Object.assign(new Category(), { id: 2, name: "SF", parent: books });
    const opera = Object.assign(new Category(), { id: 3, name: "Space opera", parent: sf });
    const retro = Object.assign(new Category(), { id: 5, name: "Retro", parent: opera });
    const poetry = Object.assign(new Category(), { id: 4, name: "Poetry", parent: books });
    setup.addAll([books, sf, opera, retro, poetry]);
    await setup.commit();
    await setup.close();
    ctx.reset();
    return ctx.session();
  }

  test("every category under SF, as objects joined to the CTE; the identity map's objects", async () => {
    const session = await seeded();
    const sf = await session.get(Category, 2);
    const tree = under("SF");
    const found = await session.scalars(select(Category).join(tree, tree.c.id.eq(c.id)).orderBy(tree.c.depth));
    assert.deepEqual(found.map((x) => x.name), ["SF", "Space opera", "Retro"]);
    assert.equal(found[0], sf, "SF is the object the session holds");
    assert.ok(found.every((x) => x instanceof Category));
    assert.ok(ctx.statements.some((s) => /^WITH RECURSIVE [`"]under[`"]/.test(s)), ctx.statements.join("\n"));
  });

  test("filtered by IN (SELECT ... FROM cte), with a depth limit; an object beside a CTE column", async () => {
    const session = await seeded();
    const shallow = await session.scalars(select(Category).where(c.id.in(select(under("Books", 1).c.id))).orderBy(c.id));
    assert.deepEqual(shallow.map((x) => x.name), ["Books", "SF", "Poetry"]);
    const tree = under("Books");
    const rows = await session.execute(select(Category, tree.c.depth).join(tree, tree.c.id.eq(c.id)).orderBy(tree.c.depth, c.name));
    assert.deepEqual(rows.map(([x, depth]) => [x.name, depth]), [["Books", 0], ["Poetry", 1], ["SF", 1], ["Space opera", 2], ["Retro", 3]]);
    assert.equal(rows[0]![0], shallow[0], "one object per row, whichever query read it");
  });

  test("a bulk UPDATE of the categories under SF: the rows changed, and the objects the session holds", async () => {
    const session = await seeded();
    const opera = await session.get(Category, 3);
    const poetry = await session.get(Category, 4);
    await session.execute(update(Category).set({ name: "moved" }).where(c.id.in(select(under("SF").c.id))));
    assert.equal(opera!.name, "moved");
    assert.equal(poetry!.name, "Poetry");
    await session.commit();
    const other = ctx.session();
    assert.deepEqual((await other.scalars(select(Category).where(c.name.eq("moved")).orderBy(c.id))).map((x) => x.id), [2, 3, 5]);
  });

  test("loader criteria on the model apply inside the CTE, to its anchor and its recursive member", async () => {
    const session = await seeded();
    // Space opera hidden: the walk stops there, Retro below it is not reached.
    const visible = withLoaderCriteria(Category, (x) => x.name.ne("Space opera"));
    const tree = under("SF");
    const found = await session.execute(select(tree.c.id).orderBy(tree.c.depth).options(visible));
    assert.deepEqual(found.map(([id]) => id), [2]);
    const all = await session.execute(select(tree.c.id).orderBy(tree.c.depth));
    assert.deepEqual(all.map(([id]) => id), [2, 3, 5], "without the criterion");
  });
}, { createOnce: true });
