/**
 * `session.merge()` of an object whose row the session's loader criteria exclude (another
 * tenant's): the load by key did not find the row, so the merge made a new object and the flush
 * failed on the duplicate key, or (a detached object) reported the row deleted. It now raises
 * `ExcludedRowError` naming the model and the key, before anything is merged; the row is never
 * written and the session stays usable.
 *
 * Tenant t1: writer Ann (1), doc a (10). Tenant t2: writer Cy (3), doc d (13).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExcludedRowError, columnsOf, select, selectinLoad, withLoaderCriteria } from "../../src/index.js";
import { TenancyBase, TnDoc, TnWriter } from "./fixtures/tenancy.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const t1Docs = withLoaderCriteria(TnDoc, (x) => x.tenant.eq("t1"));
const excludedDoc13 = (e: unknown) => e instanceof ExcludedRowError && /merge\(TnDoc\).*id=13.*loader criteria/s.test(e.message);

forEachDatabaseWithSchema("merge of a row the loader criteria exclude", TenancyBase.metadata, (ctx) => {
  async function seeded(): Promise<void> {
    const setup = ctx.session();
    const ann = Object.assign(new TnWriter(), { id: 1, tenant: "t1", name: "Ann" });
    const cy = Object.assign(new TnWriter(), { id: 3, tenant: "t2", name: "Cy" });
    setup.addAll([Object.assign(new TnDoc(), { id: 10, tenant: "t1", title: "a", writer: ann }), Object.assign(new TnDoc(), { id: 13, tenant: "t2", title: "d", writer: cy })]);
    await setup.commit();
    await setup.close();
  }

  /** t2's doc d, read by a session without criteria, which is then closed. */
  async function seededThenDetached(): Promise<TnDoc> {
    await seeded();
    const reader = ctx.session();
    const theirs = (await reader.get(TnDoc, 13))!;
    await reader.close();
    return theirs;
  }

  test("a new object of an excluded row's key: refused, nothing written; the session goes on", async () => {
    await seeded();
    const session = ctx.session({ criteria: [t1Docs] });
    await assert.rejects(session.merge(Object.assign(new TnDoc(), { id: 13, tenant: "t1", title: "taken over" })), excludedDoc13);
    const mine = await session.merge(Object.assign(new TnDoc(), { id: 10, tenant: "t1", title: "a2" }));
    assert.equal(mine.title, "a2");
    await session.commit();
    assert.equal(await ctx.count("tn_docs", "id = 13 AND tenant = 't2' AND title = 'd'"), 1);
    assert.equal(await ctx.count("tn_docs", "id = 10 AND title = 'a2'"), 1);
  });

  test("a detached object of the row, changed: refused, with missing: \"insert\" too", async () => {
    const theirs = await seededThenDetached();
    theirs.title = "overwritten";
    const session = ctx.session({ criteria: [t1Docs] });
    await assert.rejects(session.merge(theirs), excludedDoc13);
    await assert.rejects(session.merge(theirs, { missing: "insert" }), excludedDoc13);
    await session.commit();
    assert.equal(await ctx.count("tn_docs", "id = 13 AND title = 'd'"), 1);
  });

  test("load: false cannot know the criteria keep the row: refused where they filter the model", async () => {
    const theirs = await seededThenDetached();
    const session = ctx.session({ criteria: [t1Docs] });
    await assert.rejects(session.merge(theirs, { load: false }), (e: unknown) => e instanceof ExcludedRowError && /load: false.*id=13/s.test(e.message));
    await session.commit();
    assert.equal(await ctx.count("tn_docs", "id = 13 AND title = 'd'"), 1);
  });

  test("load: false along the merge cascade: a parent of a model the criteria do not filter, listing a child of one they do, is refused whole, nothing merged", async () => {
    await seeded();
    const reader = ctx.session();
    const [cached] = await reader.scalars(select(TnWriter).where(columnsOf(TnWriter).id.eq(1)).options(selectinLoad(TnWriter, "docs")));
    await reader.close();
    const other = ctx.session();
    (await other.get(TnWriter, 1))!.name = "Ann B";
    await other.commit();
    const session = ctx.session({ criteria: [t1Docs] });
    await assert.rejects(session.merge(cached!, { load: false }), (e: unknown) => e instanceof ExcludedRowError && /merge\(TnDoc, \{ load: false \}\).*id=10.*load: true/s.test((e as Error).message));
    // Merged, the cached writer would be the session's, and get() would answer it without a SELECT.
    assert.equal((await session.get(TnWriter, 1))!.name, "Ann B", "the parent was not merged either");
    await session.commit();
    assert.equal(await ctx.count("tn_docs", "id = 10 AND title = 'a'"), 1);
  });

  test("load: false of a model the criteria do not filter, with no cascade to one they do, is merged", async () => {
    await seeded();
    const reader = ctx.session();
    const cached = (await reader.get(TnWriter, 1))!;
    await reader.close();
    const session = ctx.session({ criteria: [t1Docs] });
    const merged = await session.merge(cached, { load: false });
    assert.equal(merged.name, "Ann");
    merged.name = "Ann C";
    await session.commit();
    assert.equal(await ctx.count("tn_writers", "id = 1 AND name = 'Ann C'"), 1);
  });

  test("along the merge cascade: a kept parent listing an excluded child is refused whole, nothing merged", async () => {
    await seeded();
    const session = ctx.session({ criteria: [t1Docs] });
    const theirs = Object.assign(new TnDoc(), { id: 13, tenant: "t1", title: "taken over" });
    await assert.rejects(session.merge(Object.assign(new TnWriter(), { id: 1, tenant: "t1", name: "Ann B", docs: [theirs] })), excludedDoc13);
    assert.equal((await session.get(TnWriter, 1))!.name, "Ann", "the parent's change was not merged either");
    await session.commit();
    assert.equal(await ctx.count("tn_writers", "id = 1 AND name = 'Ann'"), 1);
    assert.equal(await ctx.count("tn_docs", "id = 13 AND writer_id = 3 AND title = 'd'"), 1);
  });
}, { createOnce: true });
