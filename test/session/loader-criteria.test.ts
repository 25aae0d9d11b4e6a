/**
 * Loader criteria (`withLoaderCriteria`): a soft-deleted or another tenant's row never reaches the
 * application, whichever way it is loaded: the query's FROM, a JOIN, joined and select-in loads
 * (many-to-many: the target filtered, the link rows untouched), lazy and batched lazy loads,
 * `session.get`, and the WHERE of bulk UPDATE/DELETE; per query and for a whole session.
 *
 * Tenant t1: writers Ann (1) and Bob (2, deleted); docs a (10, by Ann, labels red and blue), b (11,
 * deleted, by Ann), c (12, by Bob, label blue). Tenant t2: writer Cy (3), doc d (13). Label blue is
 * deleted. Members: m1, m2 (deleted), admins a1, a2 (deleted), one single-table hierarchy.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  aliased,
  ArgumentError,
  IntegrityError,
  columnsOf,
  deleteFrom,
  joinedLoad,
  lazy,
  select,
  selectinLoad,
  sessionMaker,
  update,
  withLoaderCriteria,
  type Session,
} from "../../src/index.js";
import { TenancyBase, TnAdmin, TnDoc, TnLabel, TnMember, TnWriter } from "./fixtures/tenancy.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const liveDocs = withLoaderCriteria(TnDoc, (d) => d.deleted.eq(0));
const liveWriters = withLoaderCriteria(TnWriter, (w) => w.deleted.eq(0));
const liveLabels = withLoaderCriteria(TnLabel, (l) => l.deleted.eq(0));
const d = columnsOf(TnDoc);
const w = columnsOf(TnWriter);

const titles = (docs: readonly TnDoc[]) => docs.map((doc) => doc.title);

forEachDatabaseWithSchema("loader criteria", TenancyBase.metadata, (ctx) => {
  async function seeded(): Promise<void> {
    const setup = ctx.session();
    const writer = (id: number, tenant: string, name: string, deleted = 0) => Object.assign(new TnWriter(), { id, tenant, name, deleted });
    const [ann, bob, cy] = [writer(1, "t1", "Ann"), writer(2, "t1", "Bob", 1), writer(3, "t2", "Cy")];
    const red = Object.assign(new TnLabel(), { id: 100, name: "red", deleted: 0 });
    const blue = Object.assign(new TnLabel(), { id: 101, name: "blue", deleted: 1 });
    const doc = (id: number, tenant: string, title: string, by: TnWriter, labels: TnLabel[] = [], deleted = 0) =>
      Object.assign(new TnDoc(), { id, tenant, title, writer: by, labels, deleted });
    setup.addAll([doc(10, "t1", "a", ann, [red, blue]), doc(11, "t1", "b", ann, [], 1), doc(12, "t1", "c", bob!, [blue]), doc(13, "t2", "d", cy!)]);
    const member = (id: number, name: string, deleted = 0) => Object.assign(new TnMember(), { id, name, deleted });
    const admin = (id: number, name: string, deleted = 0) => Object.assign(new TnAdmin(), { id, name, deleted });
    setup.addAll([member(1, "m1"), member(2, "m2", 1), admin(3, "a1"), admin(4, "a2", 1)]);
    await setup.commit();
    await setup.close();
    ctx.reset();
  }

  test("the query's own FROM: the rows the criterion excludes are not returned; without it they are", async () => {
    await seeded();
    const session = ctx.session();
    assert.deepEqual(titles(await session.scalars(select(TnDoc).options(liveDocs).orderBy(d.id))), ["a", "c", "d"]);
    assert.match(ctx.statements[0]!, /WHERE .*deleted/i);
    assert.deepEqual(titles(await session.scalars(select(TnDoc).orderBy(d.id))), ["a", "b", "c", "d"]);
    // Columns alone: the table the select list names is filtered too.
    assert.deepEqual(await session.scalars(select(d.title).options(liveDocs).orderBy(d.id)), ["a", "c", "d"]);
  });

  test("a JOIN to the model: the criterion in the JOIN's ON", async () => {
    await seeded();
    const session = ctx.session();
    const joined = await session.scalars(select(TnWriter).join(TnDoc, d.writerId.eq(w.id)).where(d.title.eq("b")).options(liveDocs));
    assert.deepEqual(joined, [], "doc b is deleted: no writer joins it");
    assert.match(ctx.statements[0]!, /JOIN .* ON .*deleted/i);
    const outer = await session.execute(select(TnWriter, d.title).leftJoin(TnDoc, d.writerId.eq(w.id)).where(w.id.eq(1)).options(liveDocs).orderBy(d.id));
    assert.deepEqual(outer.map(([, title]) => title), ["a"]);
    const bob = await session.execute(select(TnWriter, d.title).leftJoin(TnDoc, d.writerId.eq(w.id)).where(w.id.eq(2)).options(withLoaderCriteria(TnDoc, (x) => x.deleted.eq(1))));
    assert.deepEqual(bob.map(([x, title]) => [x.name, title]), [["Bob", null]], "a LEFT JOIN keeps its row: the criterion is the ON's, not the WHERE's");
  });

  test("joinedLoad: the targets filtered inside the eager join, one statement; the parents all there", async () => {
    await seeded();
    const session = ctx.session();
    const writers = await session.scalars(select(TnWriter).where(w.tenant.eq("t1")).options(joinedLoad(TnWriter, "docs"), liveDocs).orderBy(w.id));
    assert.deepEqual(writers.map((x) => [x.name, titles(x.docs)]), [["Ann", ["a"]], ["Bob", ["c"]]]);
    assert.equal(ctx.statements.length, 1);
    const docs = await session.scalars(select(TnDoc).where(d.id.eq(10)).options(joinedLoad(TnDoc, "labels"), liveLabels));
    assert.deepEqual(docs[0]!.labels.map((l) => l.name), ["red"], "many-to-many: the deleted label is not joined");
  });

  test("joinedLoad with LIMIT (the query nested): the criteria inside the subquery and in the eager join's ON; streaming too", async () => {
    await seeded();
    const session = ctx.session();
    const first = await session.scalars(select(TnWriter).options(joinedLoad(TnWriter, "docs"), liveDocs, liveWriters).orderBy(w.id.desc()).limit(2));
    assert.deepEqual(first.map((x) => [x.name, titles(x.docs)]), [["Cy", ["d"]], ["Ann", ["a"]]], "Bob (deleted) is not among the two");
    assert.equal(ctx.statements.length, 1);
    const streamed: string[] = [];
    for await (const doc of session.stream(select(TnDoc).options(liveDocs).orderBy(d.id), { yieldPer: 1 })) streamed.push(doc.title);
    assert.deepEqual(streamed, ["a", "c", "d"]);
  });

  test("selectinLoad: the select-in statement filtered, still exactly 2 statements; many-to-many keeps its link rows", async () => {
    await seeded();
    const session = ctx.session();
    const writers = await session.scalars(select(TnWriter).where(w.tenant.eq("t1")).options(selectinLoad(TnWriter, "docs"), liveDocs).orderBy(w.id));
    assert.deepEqual(writers.map((x) => [x.name, titles(x.docs)]), [["Ann", ["a"]], ["Bob", ["c"]]]);
    assert.equal(ctx.statements.length, 2, ctx.statements.join("\n"));
    assert.match(ctx.statements[1]!, /deleted/i);
    const docs = await session.scalars(select(TnDoc).where(d.id.in([10, 12])).options(selectinLoad(TnDoc, "labels"), liveLabels).orderBy(d.id));
    assert.deepEqual(docs.map((x) => x.labels.map((l) => l.name)), [["red"], []]);
    assert.equal(await ctx.count("tn_doc_labels"), 3, "the link rows are untouched");
  });

  test("lazy loads of the query's objects obey its criteria; a batch of them is one statement", async () => {
    await seeded();
    const session = ctx.session();
    const writers = await session.scalars(select(TnWriter).where(w.tenant.eq("t1")).options(liveDocs).orderBy(w.id));
    assert.deepEqual(writers.map((x) => x.name), ["Ann", "Bob"]);
    ctx.reset();
    const docsOfEach = await Promise.all(writers.map((x) => lazy(x).docs));
    assert.deepEqual(docsOfEach.map(titles), [["a"], ["c"]]);
    assert.equal(ctx.statements.length, 1, "batched: one SELECT for both writers");
    // Loaded by a query without criteria: not filtered.
    const other = ctx.session();
    const [ann] = await other.scalars(select(TnWriter).where(w.id.eq(1)));
    assert.deepEqual(titles(await lazy(ann!).docs), ["a", "b"]);
  });

  test("a many-to-one whose target the criteria exclude loads as null, even with the target in the identity map, and its key is kept", async () => {
    await seeded();
    const session = ctx.session();
    const bob = await session.get(TnWriter, 2);
    assert.equal(bob?.name, "Bob", "in the identity map, loaded without criteria");
    const [c] = await session.scalars(select(TnDoc).where(d.id.eq(12)).options(liveWriters));
    assert.equal(await lazy(c!).writer, null, "the identity map does not answer under criteria");
    c!.title = "c2";
    await session.commit();
    assert.equal(await ctx.count("tn_docs", "id = 12 AND writer_id = 2"), 1, "the flush did not write the null over the key");
  });

  test("session.get: a row the session's criteria exclude is not found; one in the identity map is returned without SQL", async () => {
    await seeded();
    const session = ctx.session({ criteria: [liveDocs] });
    assert.equal(await session.get(TnDoc, 11), undefined);
    const a = await session.get(TnDoc, 10);
    assert.equal(a?.title, "a");
    const outside = ctx.session();
    await outside.execute(update(TnDoc).where(d.id.eq(10)).values({ deleted: 1 }));
    await outside.commit();
    ctx.reset();
    assert.equal(await session.get(TnDoc, 10), a, "the identity map answers (SQLAlchemy's behaviour too)");
    assert.equal(ctx.statements.length, 0);
    await session.commit();
    assert.equal(await session.get(TnDoc, 10), undefined, "expired by the commit: read again, and excluded");
  });

  test("refreshing and expired attributes of an object loaded are not filtered: no false 'row deleted'", async () => {
    await seeded();
    const session = ctx.session({ criteria: [liveDocs] });
    const a = (await session.get(TnDoc, 10))!;
    await session.commit(); // a new transaction reads what the other one commits (MariaDB's REPEATABLE READ)
    const outside = ctx.session();
    await outside.execute(update(TnDoc).where(d.id.eq(10)).values({ deleted: 1, title: "gone" }));
    await outside.commit();
    await session.refresh(a);
    assert.equal(a.deleted, 1, "refreshed from its row, which the criterion excludes now");
    session.expire(a);
    await session.load(a, "title", "deleted");
    assert.equal(a.title, "gone");
    assert.equal(a.deleted, 1);
  });

  test("rows the criteria exclude are not touched by the flush: a list changed keeps them; a parent deleted under them fails on the foreign key, rolled back", async () => {
    await seeded();
    const session = ctx.session({ criteria: [liveDocs] });
    const ann = (await session.get(TnWriter, 1))!;
    assert.deepEqual(titles(await lazy(ann).docs), ["a"]);
    ann.docs = [];
    await session.commit();
    assert.equal(await ctx.count("tn_docs", "writer_id = 1"), 1, "doc b, deleted, still names Ann: only doc a was let go");
    session.delete((await session.get(TnWriter, 1))!);
    await assert.rejects(session.commit(), IntegrityError);
    await session.rollback();
    assert.equal(await ctx.count("tn_writers", "id = 1"), 1, "nothing of the failed flush written");
    assert.deepEqual(titles(await session.scalars(select(TnDoc).orderBy(d.id))), ["a", "c", "d"], "the session is usable");
  });

  test("bulk UPDATE and DELETE through the session: the criteria are ANDed into their WHERE", async () => {
    await seeded();
    const t1 = withLoaderCriteria(TnDoc, (x) => x.tenant.eq("t1"));
    const session = ctx.session({ criteria: [t1, liveDocs, withLoaderCriteria(TnMember, (m) => m.deleted.eq(0))] });
    const changed = await session.execute(update(TnDoc).values({ title: "x" }));
    assert.equal(changed, 2, "docs a and c: not b (deleted), not d (tenant t2)");
    const removed = await session.execute(deleteFrom(TnMember));
    assert.equal(removed, 2);
    await session.commit();
    assert.equal(await ctx.count("tn_docs", "title = 'x'"), 2);
    assert.equal(await ctx.count("tn_docs", "id IN (11, 13) AND title <> 'x'"), 2);
    assert.equal(await ctx.count("tn_members"), 2, "the deleted members are left");
  });

  test("an aliased occurrence: the criterion on the alias's columns", async () => {
    await seeded();
    const session = ctx.session();
    const W = aliased(TnWriter, "w2");
    const w2 = columnsOf(W);
    const rows = await session.execute(select(TnDoc, W).join(W, d.writerId.eq(w2.id)).options(liveWriters).orderBy(d.id));
    assert.deepEqual(rows.map(([doc, by]) => [doc.title, by.name]), [["a", "Ann"], ["b", "Ann"], ["d", "Cy"]]);
    assert.match(ctx.statements[0]!, /["`]w2["`]\.["`]deleted["`]/);
  });

  test("subclasses: a criterion on the base applies to them (includeSubclasses), one on a subclass only to its rows", async () => {
    await seeded();
    const session = ctx.session();
    const m = columnsOf(TnMember);
    const names = async (q: Promise<TnMember[]>) => (await q).map((x) => x.name);
    const onBase = withLoaderCriteria(TnMember, (x) => x.deleted.eq(0));
    assert.deepEqual(await names(session.scalars(select(TnMember).options(onBase).orderBy(m.id))), ["m1", "a1"]);
    assert.deepEqual(await names(session.scalars(select(TnAdmin).options(onBase).orderBy(m.id))), ["a1"]);
    const baseOnly = withLoaderCriteria(TnMember, (x) => x.deleted.eq(0), { includeSubclasses: false });
    assert.deepEqual(await names(session.scalars(select(TnMember).options(baseOnly).orderBy(m.id))), ["m1", "a1", "a2"]);
    const onAdmins = withLoaderCriteria(TnAdmin, (x) => x.deleted.eq(0));
    assert.deepEqual(await names(session.scalars(select(TnMember).options(onAdmins).orderBy(m.id))), ["m1", "m2", "a1"]);
  });

  test("session-wide and per-query criteria add up; a sessionMaker's and its transaction's too", async () => {
    await seeded();
    const t1 = withLoaderCriteria(TnDoc, (x) => x.tenant.eq("t1"));
    const session = ctx.session({ criteria: [t1] });
    assert.deepEqual(titles(await session.scalars(select(TnDoc).orderBy(d.id))), ["a", "b", "c"]);
    assert.deepEqual(titles(await session.scalars(select(TnDoc).options(liveDocs).orderBy(d.id))), ["a", "c"]);
    const [ann] = await session.scalars(select(TnWriter).where(w.id.eq(1)));
    assert.deepEqual(titles(await lazy(ann!).docs), ["a", "b"], "a lazy load obeys the session's criteria");
    const maker = sessionMaker(ctx.engine, { criteria: [t1] });
    const seen = await maker.transaction(async (s) => titles(await s.scalars(select(TnDoc).orderBy(d.id))), { criteria: [liveDocs] });
    assert.deepEqual(seen, ["a", "c"]);
    const plain = maker();
    assert.deepEqual(titles(await plain.scalars(select(TnDoc).orderBy(d.id))), ["a", "b", "c"]);
    await plain.close();
  });

  test("a callback reads its value per statement: no stale SQL or parameter from the statement cache", async () => {
    await seeded();
    let tenant = "t1";
    const session = ctx.session({ criteria: [withLoaderCriteria(TnDoc, (x) => x.tenant.eq(tenant))] });
    assert.deepEqual(titles(await session.scalars(select(TnDoc).orderBy(d.id))), ["a", "b", "c"]);
    assert.equal(await session.get(TnDoc, 13), undefined);
    tenant = "t2";
    assert.deepEqual(titles(await session.scalars(select(TnDoc).orderBy(d.id))), ["d"]);
    assert.equal((await session.get(TnDoc, 13))?.title, "d", "get compiles the same SQL, binds the new tenant");
    // Another shape of criterion on the same statement: other SQL, not the cached text.
    let deletedOnly = false;
    const other = ctx.session({ criteria: [withLoaderCriteria(TnDoc, (x) => (deletedOnly ? x.deleted.eq(1) : x.tenant.eq("t2")))] });
    assert.deepEqual(titles(await other.scalars(select(TnDoc).orderBy(d.id))), ["d"]);
    deletedOnly = true;
    assert.deepEqual(titles(await other.scalars(select(TnDoc).orderBy(d.id))), ["b"]);
    // Once per statement: a joined load is part of its query's statement, a select-in load is one more.
    let calls = 0;
    const counted = withLoaderCriteria(TnDoc, (x) => (calls++, x.deleted.eq(0)));
    await other.scalars(select(TnWriter).options(joinedLoad(TnWriter, "docs"), counted));
    assert.equal(calls, 1);
    await ctx.session().scalars(select(TnWriter).options(selectinLoad(TnWriter, "docs"), counted));
    assert.equal(calls, 3);
  });

  test("bad input: a callback that returns no condition, an unmapped class", async () => {
    await seeded();
    const session = ctx.session();
    const bad = withLoaderCriteria(TnDoc, (() => true) as never);
    await assert.rejects(session.scalars(select(TnDoc).options(bad)), (e: unknown) => e instanceof ArgumentError && /withLoaderCriteria\(TnDoc/.test(e.message));
    class Plain {}
    assert.throws(() => withLoaderCriteria(Plain, () => d.id.eq(1) as never), /not mapped/);
  });
}, { createOnce: true, sqliteFile: true });

export type { Session };
