/**
 * Loader criteria inside the statement's subqueries: `IN (SELECT ...)`, EXISTS, a scalar subquery,
 * a derived table, a CTE (a set operation in one), a subquery in a subquery, the WHERE of a bulk
 * UPDATE, and the SELECT of an INSERT ... SELECT. They stopped at the outermost query, so a tenant filter let
 * `select(TnWriter).where(w.id.in(select(d.writerId)))` read other tenants' documents
 * (SQLAlchemy's `with_loader_criteria` applies "within any subqueries").
 *
 * Tenant t1: writers Ann (1) and Bob (2); docs a (10, by Ann), b (11, by Ann, deleted), c (12, by
 * Bob). Tenant t2: writer Cy (3), doc d (13, by Cy).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, exists, func, insert, literal, scalarSubquery, select, types, union, update, withLoaderCriteria } from "../../src/index.js";
import { TenancyBase, TnDoc, TnWriter } from "./fixtures/tenancy.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const d = columnsOf(TnDoc);
const w = columnsOf(TnWriter);
const t1Docs = withLoaderCriteria(TnDoc, (x) => x.tenant.eq("t1"));
const liveDocs = withLoaderCriteria(TnDoc, (x) => x.deleted.eq(0));
const names = (writers: readonly TnWriter[]) => writers.map((writer) => writer.name);

forEachDatabaseWithSchema("loader criteria in subqueries", TenancyBase.metadata, (ctx) => {
  async function seeded(): Promise<void> {
    const setup = ctx.session();
    const writer = (id: number, tenant: string, name: string) => Object.assign(new TnWriter(), { id, tenant, name });
    const [ann, bob, cy] = [writer(1, "t1", "Ann"), writer(2, "t1", "Bob"), writer(3, "t2", "Cy")];
    const doc = (id: number, tenant: string, title: string, by: TnWriter, deleted = 0) => Object.assign(new TnDoc(), { id, tenant, title, writer: by, deleted });
    setup.addAll([doc(10, "t1", "a", ann), doc(11, "t1", "b", ann, 1), doc(12, "t1", "c", bob), doc(13, "t2", "d", cy)]);
    await setup.commit();
    await setup.close();
    ctx.reset();
  }

  test("IN (SELECT ...): the model in the subquery is filtered, per query and session-wide", async () => {
    await seeded();
    const query = select(TnWriter).where(w.id.in(select(d.writerId))).orderBy(w.id);
    const session = ctx.session();
    assert.deepEqual(names(await session.scalars(query.options(t1Docs))), ["Ann", "Bob"]);
    assert.deepEqual(names(await session.scalars(query)), ["Ann", "Bob", "Cy"], "without the criterion");
    await session.close();
    const tenant = ctx.session({ criteria: [t1Docs] });
    assert.deepEqual(names(await tenant.scalars(query)), ["Ann", "Bob"]);
  });

  test("EXISTS, correlated to the outer query: filtered inside, the outer table left to the outer WHERE", async () => {
    await seeded();
    const session = ctx.session({ criteria: [t1Docs] });
    const withDocs = await session.scalars(select(TnWriter).where(exists(select(d.id).where(d.writerId.eq(w.id)))).orderBy(w.id));
    assert.deepEqual(names(withDocs), ["Ann", "Bob"]);
    // The model named in the subquery's WHERE only: its FROM is inferred, and filtered too.
    const one = literal(1, types.integer()).label("one");
    const inferred = await session.scalars(select(TnWriter).where(exists(select(one).where(d.writerId.eq(w.id)))).orderBy(w.id));
    assert.deepEqual(names(inferred), ["Ann", "Bob"]);
  });

  test("a scalar subquery in the select list counts the rows the criteria keep", async () => {
    await seeded();
    const session = ctx.session();
    const docs = scalarSubquery(select(func.count(d.id).label("n")).where(d.writerId.eq(w.id))).label("docs");
    const rows = await session.execute(select(w.name, docs).orderBy(w.id).options(liveDocs));
    assert.deepEqual(rows.map(([name, n]) => [name, Number(n)]), [["Ann", 1], ["Bob", 1], ["Cy", 1]]);
  });

  test("a derived table in a JOIN, and a subquery inside a subquery", async () => {
    await seeded();
    const session = ctx.session({ criteria: [t1Docs] });
    const authors = select(d.writerId).distinct().subquery("authors");
    const joined = await session.execute(select(w.name).join(authors, authors.c.writerId.eq(w.id)).orderBy(w.id));
    assert.deepEqual(joined.map(([name]) => name), ["Ann", "Bob"]);
    const nested = select(TnWriter).where(w.id.in(select(d.writerId).where(d.id.in(select(d.id).where(d.deleted.eq(0)))))).orderBy(w.id);
    assert.deepEqual(names(await session.scalars(nested.options(withLoaderCriteria(TnDoc, (x) => x.title.ne("c"))))), ["Ann"]);
  });

  test("a CTE, and a set operation in one: each member filtered", async () => {
    await seeded();
    const session = ctx.session();
    const docs = select(d.title).cte("docs");
    assert.deepEqual(await session.scalars(select(docs.c.title).orderBy(docs.c.title).options(liveDocs)), ["a", "c", "d"]);
    const either = union(select(d.title).where(d.id.lt(12)), select(d.title).where(d.id.gt(12))).cte("either");
    assert.deepEqual(await session.scalars(select(either.c.title).orderBy(either.c.title).options(t1Docs)), ["a", "b"]);
  });

  test("a bulk UPDATE through a session with criteria: the subquery in its WHERE is filtered", async () => {
    await seeded();
    const session = ctx.session({ criteria: [t1Docs] });
    const count = await session.execute(update(TnWriter).where(w.id.in(select(d.writerId))).values({ name: "author" }), { synchronizeSession: "fetch" });
    assert.equal(count, 2);
    await session.commit();
    assert.equal(await ctx.count("tn_writers", "name = 'author'"), 2);
    assert.equal(await ctx.count("tn_writers", "id = 3 AND name = 'Cy'"), 1);
  });

  test("INSERT ... SELECT through a session with criteria: it reads the rows they keep", async () => {
    await seeded();
    const session = ctx.session({ criteria: [t1Docs] });
    const target = insert(TnWriter);
    const c = target.table.c;
    await session.execute(target.fromSelect([c.id, c.tenant, c.name, c.deleted], select(d.id.plus(100).label("id"), d.tenant, d.title, d.deleted)));
    await session.commit();
    assert.equal(await ctx.count("tn_writers", "id > 100"), 3, "docs a, b and c: not t2's d");
  });
}, { createOnce: true });
