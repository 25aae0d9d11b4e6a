/**
 * Compile-time tests of common table expressions, checked by `tsc` in `npm test` (never
 * executed): a CTE's columns are typed by its query, rows read through it are typed, and a
 * recursive member must select the anchor's columns, by key and type (each `@ts-expect-error`
 * must be needed).
 */
import { deleteFrom, insert, integer, type Labeled, literal, MetaData, select, table, text, types, update, type Cte, type Engine } from "../../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<_T extends true>(): void {}

const categories = table("categories", new MetaData(), {
  id: integer().primaryKey(),
  parentId: integer().named("parent_id"),
  name: text().notNull(),
});
const c = categories.c;

export async function typedCtes(engine: Engine): Promise<void> {
  const roots = select(c.id, c.name).where(c.parentId.isNull()).cte("roots");
  expectType<Equal<typeof roots, Cte<{ id: number; name: string }>>>();
  expectType<Equal<typeof roots.c.name, Labeled<string, "name">>>();
  const rows = (await engine.execute(select(roots.c.name, c.id.label("child")).join(roots, c.parentId.eq(roots.c.id)))).rows;
  expectType<Equal<typeof rows, { name: string; child: number }[]>>();

  const anchor = select(c.id, c.parentId, literal(0, types.integer()).label("depth")).cte("tree", { recursive: true });
  const tree = anchor.unionAll(select(c.id, c.parentId, anchor.c.depth.plus(1).label("depth")).join(anchor, c.parentId.eq(anchor.c.id)));
  expectType<Equal<typeof tree, Cte<{ id: number; parentId: number | null; depth: number }>>>();
  const depths = (await engine.execute(select(tree.c.depth))).rows;
  expectType<Equal<typeof depths, { depth: number }[]>>();

  // @ts-expect-error: the recursive member misses the anchor's column `depth`
  anchor.unionAll(select(c.id, c.parentId).join(anchor, c.parentId.eq(anchor.c.id)));
  // @ts-expect-error: `depth` is a string in the member, a number in the anchor
  anchor.unionAll(select(c.id, c.parentId, c.name.label("depth")).join(anchor, c.parentId.eq(anchor.c.id)));
  // @ts-expect-error: a column named otherwise than the anchor's (`level` for `depth`)
  anchor.union(select(c.id, c.parentId, anchor.c.depth.plus(1).label("level")).join(anchor, c.parentId.eq(anchor.c.id)));
  // @ts-expect-error: a CTE has no column the query does not select
  void roots.c.parentId;

  // A data-modifying CTE (PostgreSQL): its columns are its RETURNING's.
  const gone = deleteFrom(categories).where(c.parentId.isNull()).returning(c.id, c.name.label("title")).cte("gone");
  expectType<Equal<typeof gone, Cte<{ id: number; title: string }>>>();
  const moved = update(categories).set({ parentId: 1 }).returning(c.parentId).cte("moved");
  expectType<Equal<typeof moved, Cte<{ parentId: number | null }>>>();
  const added = insert(categories).values({ id: 9, name: "n" }).returning(c.id).cte("added");
  const both = (await engine.execute(select(gone.c.title, added.c.id))).rows;
  expectType<Equal<typeof both, { title: string; id: number }[]>>();
  // @ts-expect-error: the DELETE returns no `parentId`
  void gone.c.parentId;
}
