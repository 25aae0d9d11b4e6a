/**
 * Compile-time tests of the report pieces and of paginate (checked by `tsc`, never executed):
 * window functions are typed and usable only with over(), over() keeps the function's type,
 * filter() is for function calls, set operations are typed by their first query, and a page's
 * rows are the query's rows (tuples through a session).
 */
import { Engine, MetaData, Session, columnsOf, escapeLike, func, integer, paginate, select, string, table, union, type Expression, type Page } from "../../src/index.js";
import { PgBook } from "../session/fixtures/paged-shop.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<_T extends true>(): void {}
type TypeOf<E> = E extends { readonly __type?: infer T } ? T : never;

const metadata = new MetaData();
const t = table("report_t", metadata, { id: integer().primaryKey(), name: string(20).notNull(), score: integer() });

const rn = func.rowNumber().over({ partitionBy: t.c.name, orderBy: [t.c.score.desc(), t.c.id] });
expectType<Equal<TypeOf<typeof rn>, number>>();
const summed = func.sum(t.c.score).over({ partitionBy: t.c.name });
expectType<Equal<TypeOf<typeof summed>, number | null>>();
const lagged = func.lag(t.c.name).over({ orderBy: t.c.id });
expectType<Equal<TypeOf<typeof lagged>, string | null>>();
const counted = func.count().filter(t.c.score.gt(1));
expectType<Equal<TypeOf<typeof counted>, number>>();
expectType<Equal<TypeOf<ReturnType<typeof counted.over>>, number>>();

const rows = select(t.c.id, rn.label("rn"));
expectType<Equal<NonNullable<(typeof rows)["__row"]>, { id: number; rn: number }>>();

// @ts-expect-error a window-only function is not an expression until over()
select(func.rowNumber());
// @ts-expect-error nor can it be compared
func.rank().eq(1);
// @ts-expect-error filter() is for function calls, not columns
t.c.score.filter(t.c.id.gt(1));
// @ts-expect-error the escape is a string
t.c.name.like("a", { escape: 1 });
// @ts-expect-error LIKE is for strings
t.c.id.contains("1");
expectType<Equal<ReturnType<typeof escapeLike>, string>>();

const both = union(select(t.c.id, t.c.name), select(t.c.score, t.c.name));
expectType<Equal<NonNullable<(typeof both)["__row"]>, { id: number; name: string }>>();
both.orderBy("name", t.c.id.desc());
// @ts-expect-error ORDER BY of a set operation names its output columns
both.orderBy("score");

declare const engine: Engine;
declare const session: Session;
async function pages(): Promise<void> {
  const core = await paginate(engine, select(t.c.id, t.c.name).orderBy(t.c.id), { limit: 10 });
  expectType<Equal<typeof core, Page<{ id: number; name: string }>>>();
  expectType<Equal<typeof core.nextCursor, string | null>>();
  const orm = await paginate(session, select(PgBook).orderBy(columnsOf(PgBook).id), { limit: 10, after: core.nextCursor });
  expectType<Equal<typeof orm.rows, [PgBook][]>>();
  // @ts-expect-error limit is required
  await paginate(engine, select(t.c.id).orderBy(t.c.id), {});
}
void pages;
const unusedExpression: Expression<number> = rn;
void unusedExpression;
