/**
 * Common table expressions on every database: `WITH` read in FROM, joins, other CTEs and the
 * subqueries of UPDATE and DELETE (MariaDB takes the WITH inside the subquery); `WITH RECURSIVE`
 * walking a tree and a graph with a cycle, bounded by depth or ended by UNION.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, and, type Cte, deleteFrom, func, insert, integer, literal, select, table, text, types, union, update } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
/** 1 ─ 2 ─ 4 ─ 5 ─ 6, 1 ─ 3; 7 alone. */
const nodes = table("core_cte_nodes", metadata, {
  id: integer().primaryKey().autoincrement(false),
  parentId: integer().named("parent_id"),
  name: text(),
});
/** 1 → 2 → 3 → 1 (a cycle), 3 → 4. */
const edges = table("core_cte_edges", metadata, {
  id: integer().primaryKey(),
  source: integer(),
  target: integer(),
});
const n = nodes.c;
const seedNodes = [
  { id: 1, parentId: null, name: "root" },
  { id: 2, parentId: 1, name: "a" },
  { id: 3, parentId: 1, name: "b" },
  { id: 4, parentId: 2, name: "a1" },
  { id: 5, parentId: 4, name: "a11" },
  { id: 6, parentId: 5, name: "a111" },
  { id: 7, parentId: null, name: "other" },
];

/** The descendants of `root` (itself at depth 0), `maxDepth` levels down at most. */
function subtree(root: number, maxDepth: number) {
  const anchor = select(n.id, n.parentId, literal(0, types.integer()).label("depth")).where(n.id.eq(root)).cte("subtree", { recursive: true });
  return anchor.unionAll(
    select(n.id, n.parentId, anchor.c.depth.plus(1).label("depth"))
      .join(anchor, n.parentId.eq(anchor.c.id))
      .where(anchor.c.depth.lt(maxDepth)),
  );
}

forEachDatabase("common table expressions", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [
      [nodes, seedNodes],
      [edges, [{ source: 1, target: 2 }, { source: 2, target: 3 }, { source: 3, target: 1 }, { source: 3, target: 4 }]],
    ],
  });
  const rows = async <R>(statement: Parameters<typeof ctx.engine.execute<R>>[0]) => (await ctx.engine.execute(statement)).rows;

  test("a CTE read in FROM, in a join and by another CTE", async () => {
    const roots = select(n.id, n.name).where(n.parentId.isNull()).cte("roots");
    assert.deepEqual(await rows(select(roots.c.name).orderBy(roots.c.id)), [{ name: "root" }, { name: "other" }]);
    const children = select(n.parentId, func.count(n.id).label("children")).groupBy(n.parentId).cte("children");
    const rootChildren = select(roots.c.name, children.c.children).join(children, children.c.parentId.eq(roots.c.id)).cte("root_children");
    assert.deepEqual(await rows(select(rootChildren.c.name, rootChildren.c.children)), [{ name: "root", children: 2 }]);
    const named = await rows(select(n.name).join(roots, roots.c.id.eq(n.parentId)).where(roots.c.name.eq("root")).orderBy(n.id));
    assert.deepEqual(named, [{ name: "a" }, { name: "b" }]);
  });

  test("a CTE read by two subqueries is written once", async () => {
    const deep = select(n.id).where(n.id.gt(4)).cte("deep");
    const statement = select(n.name).where(n.id.in(select(deep.c.id)), n.parentId.in(select(deep.c.id))).orderBy(n.id);
    assert.deepEqual(await rows(statement), [{ name: "a111" }]);
  });

  test("WITH RECURSIVE walks a tree, as deep as asked", async () => {
    const tree = subtree(2, 2);
    const statement = select(n.name, tree.c.depth).join(tree, tree.c.id.eq(n.id)).orderBy(tree.c.depth);
    assert.deepEqual(await rows(statement), [
      { name: "a", depth: 0 },
      { name: "a1", depth: 1 },
      { name: "a11", depth: 2 },
    ]);
    assert.deepEqual(await rows(select(func.count(subtree(1, 10).c.id).label("n"))), [{ n: 6 }]);
  });

  test("WITH RECURSIVE walks a graph with a cycle: bounded by depth with UNION ALL, ended by UNION", async () => {
    const e = edges.c;
    const start = select(e.target.label("node"), literal(1, types.integer()).label("hops")).where(e.source.eq(1)).cte("walk", { recursive: true });
    const bounded = start.unionAll(select(e.target.label("node"), start.c.hops.plus(1).label("hops")).join(start, e.source.eq(start.c.node)).where(start.c.hops.lt(4)));
    assert.deepEqual(
      (await rows(select(bounded.c.node, bounded.c.hops).orderBy(bounded.c.hops, bounded.c.node))).map((r) => [r.node, r.hops]),
      [[2, 1], [3, 2], [1, 3], [4, 3], [2, 4]],
    );
    const reach = select(e.target.label("node")).where(e.source.eq(1)).cte("reach", { recursive: true });
    const reachable = reach.union(select(e.target.label("node")).join(reach, e.source.eq(reach.c.node)));
    assert.deepEqual((await rows(select(reachable.c.node).orderBy(reachable.c.node))).map((r) => r.node), [1, 2, 3, 4]);
  });

  test("UPDATE and DELETE of the rows a recursive CTE finds", async () => {
    try {
      const tree = subtree(4, 10);
      await ctx.engine.execute(update(nodes).set({ name: "moved" }).where(n.id.in(select(tree.c.id))));
      assert.deepEqual(await rows(select(n.id).where(n.name.eq("moved")).orderBy(n.id)), [{ id: 4 }, { id: 5 }, { id: 6 }]);
      const deleted = await ctx.engine.execute(deleteFrom(nodes).where(n.id.in(select(subtree(5, 10).c.id))));
      assert.equal(deleted.rowCount, 2);
      assert.deepEqual((await rows(select(n.id).orderBy(n.id))).map((r) => r.id), [1, 2, 3, 4, 7]);
    } finally {
      await ctx.engine.execute(deleteFrom(nodes).where(n.id.gt(3), n.id.lt(7)));
      await ctx.engine.execute(update(nodes).set({ name: "a1" }).where(n.id.eq(4)));
      await ctx.engine.execute(insert(nodes).values(seedNodes.filter((r) => r.id > 3 && r.id < 7)));
    }
  });

  test("INSERT ... SELECT from a CTE", async () => {
    try {
      const copies = select(n.id.plus(100).label("id"), n.name).where(n.parentId.eq(1)).cte("copies");
      await ctx.engine.execute(insert(nodes).fromSelect([n.id, n.name], select(copies.c.id, copies.c.name)));
      assert.deepEqual(await rows(select(n.id, n.name).where(n.id.gt(100)).orderBy(n.id)), [{ id: 102, name: "a" }, { id: 103, name: "b" }]);
    } finally {
      await ctx.engine.execute(deleteFrom(nodes).where(n.id.gt(100)));
    }
  });

  test("statements that differ only in their CTEs get their own SQL from the statement cache", async () => {
    const ids = async (pick: Cte<{ id: number }>) => (await rows(select(n.name).join(pick, n.id.eq(pick.c.id)).orderBy(n.id))).map((r) => r.name);
    assert.deepEqual(await ids(select(n.id).where(n.parentId.eq(1)).cte("pick")), ["a", "b"]);
    assert.deepEqual(await ids(select(n.id).where(n.parentId.isNull()).cte("pick")), ["root", "other"]);
    assert.deepEqual(await ids(select(n.id).where(n.parentId.isNull()).cte("pick", { recursive: true })), ["root", "other"]);
    // The same outer statement over a recursive CTE whose member compares otherwise.
    const depths = async (inclusive: boolean) => {
      const top = select(n.id, literal(0, types.integer()).label("depth")).where(n.id.eq(4)).cte("down", { recursive: true });
      const next = select(n.id, top.c.depth.plus(1).label("depth")).join(top, n.parentId.eq(top.c.id));
      const down = top.unionAll(next.where(inclusive ? top.c.depth.le(1) : top.c.depth.lt(1)));
      return (await rows(select(down.c.id).orderBy(down.c.id))).map((r) => r.id);
    };
    assert.deepEqual(await depths(false), [4, 5]);
    assert.deepEqual(await depths(true), [4, 5, 6]);
  });

  test("a CTE read twice under an alias: each child with its siblings", async () => {
    const kids = select(n.id, n.parentId).where(n.parentId.isNotNull()).cte("kids");
    const other = kids.alias("other");
    const pairs = select(kids.c.id, other.c.id.label("sibling")).from(kids).join(other, and(other.c.parentId.eq(kids.c.parentId), other.c.id.ne(kids.c.id)));
    assert.deepEqual((await rows(pairs.orderBy(kids.c.id))).map((r) => [r.id, r.sibling]), [[2, 3], [3, 2]]);
  });

  test("a set operation as a CTE", async () => {
    const ends = union(select(n.id).where(n.id.eq(1)), select(n.id).where(n.id.eq(6))).cte("ends");
    assert.deepEqual(await rows(select(n.name).join(ends, ends.c.id.eq(n.id)).orderBy(n.id)), [{ name: "root" }, { name: "a111" }]);
  });
});
