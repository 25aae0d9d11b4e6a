/**
 * Values changed in place (a JSON object's contents, a Date, bytes) inside a savepoint that is
 * rolled back: the objects go back to what they held when the savepoint began, and the outer
 * commit does not write the change. It used to: the flush finds such changes by comparing the
 * value with its image, but no event told the savepoint, so its copy (taken at the next
 * assignment or flush, or never) held the changed value itself, and the commit after the
 * rollback wrote the change the rollback had undone in the database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DocumentBase, MvDocument } from "./fixtures/documents.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const WHEN = new Date(Date.UTC(2024, 4, 1, 12, 0, 0));

forEachDatabaseWithSchema("values changed in place inside a rolled-back savepoint", DocumentBase.metadata, (ctx) => {
  async function stored() {
    const setup = ctx.session();
    setup.add(Object.assign(new MvDocument(), { id: 1, title: "t", data: { tags: ["a"] }, when: WHEN, bytes: new Uint8Array([1, 2, 3]) }));
    await setup.commit();
    await setup.close();
    const session = ctx.session({ expireOnCommit: false });
    return { session, doc: (await session.get(MvDocument, 1))! };
  }

  async function reread(): Promise<MvDocument> {
    const fresh = ctx.session();
    const doc = (await fresh.get(MvDocument, 1))!;
    await fresh.close();
    return doc;
  }

  const change = (doc: MvDocument) => {
    (doc.data!.tags as string[]).push("b");
    doc.when!.setUTCFullYear(2030);
    doc.bytes![0] = 9;
  };

  const assertOriginal = (doc: MvDocument, where: string) => {
    assert.deepEqual(doc.data, { tags: ["a"] }, `${where}: data`);
    assert.equal(doc.when!.getTime(), WHEN.getTime(), `${where}: when`);
    assert.deepEqual([...doc.bytes!], [1, 2, 3], `${where}: bytes`);
  };

  test("changed in place and flushed inside the savepoint: the rollback restores them, the commit writes nothing of it", async () => {
    const { session, doc } = await stored();
    const wasBuffer = Buffer.isBuffer(doc.bytes);
    const savepoint = await session.beginNested();
    change(doc);
    await session.flush();
    await savepoint.rollback();
    assertOriginal(doc, "in memory");
    assert.equal(Buffer.isBuffer(doc.bytes), wasBuffer, "bytes read as a Buffer stay one");
    await session.commit();
    assertOriginal(await reread(), "in the database");
  });

  test("changed in place inside the savepoint, rolled back before any flush: restored, not written", async () => {
    const { session, doc } = await stored();
    const savepoint = await session.beginNested();
    change(doc);
    await savepoint.rollback();
    assertOriginal(doc, "in memory");
    await session.commit();
    assertOriginal(await reread(), "in the database");
  });

  test("another attribute assigned first, the values changed in place after: both restored", async () => {
    const { session, doc } = await stored();
    const savepoint = await session.beginNested();
    doc.title = "x";
    change(doc);
    await session.flush();
    await savepoint.rollback();
    assert.equal(doc.title, "t");
    assertOriginal(doc, "in memory");
    await session.commit();
    const again = await reread();
    assert.equal(again.title, "t");
    assertOriginal(again, "in the database");
  });

  test("two savepoints deep: the change of the outer one is kept, the inner one's undone", async () => {
    const { session, doc } = await stored();
    const outer = await session.beginNested();
    (doc.data!.tags as string[]).push("outer");
    const inner = await session.beginNested(); // flushes the outer change
    (doc.data!.tags as string[]).push("inner");
    await session.flush();
    await inner.rollback();
    assert.deepEqual(doc.data, { tags: ["a", "outer"] });
    await outer.commit();
    await session.commit();
    assert.deepEqual((await reread()).data, { tags: ["a", "outer"] });
  });

  test("a change in place inside a savepoint that commits is written", async () => {
    const { session, doc } = await stored();
    const savepoint = await session.beginNested();
    (doc.data!.tags as string[]).push("b");
    await savepoint.commit();
    await session.commit();
    assert.deepEqual((await reread()).data, { tags: ["a", "b"] });
  });
}, { createOnce: true });
