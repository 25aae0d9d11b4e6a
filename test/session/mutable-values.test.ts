/**
 * Values changed in place, without assigning the attribute: a JSON object's key, a Date's year,
 * a byte of a binary value. The flush compares them with what they were when read and writes
 * the change; `flagModified` writes an attribute unconditionally; a flush with nothing changed
 * sends nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExpiredAttributeError, InvalidRequestError, flagModified, inspect } from "../../src/index.js";
import { DocumentBase, MvDocument } from "./fixtures/documents.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const WHEN = new Date(Date.UTC(2024, 4, 1, 12, 0, 0));

forEachDatabaseWithSchema("values changed in place", DocumentBase.metadata, (ctx) => {
  async function storedDocument(options: { expireOnCommit?: boolean } = {}) {
    const setup = ctx.session();
    const doc = Object.assign(new MvDocument(), { id: 1, title: "t", data: { a: 1, nested: { list: [1, 2] } }, when: WHEN, bytes: new Uint8Array([1, 2, 3]) });
    setup.add(doc);
    await setup.commit();
    await setup.close();
    const session = ctx.session(options);
    const loaded = (await session.get(MvDocument, 1))!;
    ctx.reset();
    return { session, doc: loaded };
  }

  async function reread(c: SessionContext): Promise<MvDocument> {
    const fresh = c.session();
    const doc = (await fresh.get(MvDocument, 1))!;
    await fresh.close();
    return doc;
  }

  test("a JSON object changed in place is written by commit", async () => {
    const { session, doc } = await storedDocument();
    doc.data!.a = 2;
    (doc.data!.nested as { list: number[] }).list.push(3);
    assert.deepEqual(inspect(doc).modified, ["data"], "inspect sees the change before the flush");
    await session.commit();
    assert.deepEqual(ctx.statements.map((s) => s.split(" ")[0]), ["UPDATE"]);
    assert.deepEqual((await reread(ctx)).data, { a: 2, nested: { list: [1, 2, 3] } });
  });

  test("a Date changed in place is written by commit", async () => {
    const { session, doc } = await storedDocument();
    doc.when!.setUTCFullYear(2030);
    await session.commit();
    assert.equal((await reread(ctx)).when!.toISOString(), "2030-05-01T12:00:00.000Z");
  });

  test("bytes changed in place are written by commit", async () => {
    const { session, doc } = await storedDocument();
    doc.bytes![0] = 9;
    await session.commit();
    assert.deepEqual([...(await reread(ctx)).bytes!], [9, 2, 3]);
  });

  test("a value held from before a flush and changed after it is written by the next flush", async () => {
    const { session, doc } = await storedDocument({ expireOnCommit: false });
    const data = doc.data!;
    data.a = 2;
    await session.commit();
    data.a = 3; // no read of doc.data since the commit
    await session.commit();
    assert.equal((await reread(ctx)).data!.a, 3);
    // A new object's value, held by the program, after its INSERT.
    const held = { n: 1 };
    session.add(Object.assign(new MvDocument(), { id: 2, data: held }));
    await session.commit();
    held.n = 2;
    await session.commit();
    const fresh = ctx.session();
    assert.deepEqual((await fresh.get(MvDocument, 2))!.data, { n: 2 });
  });

  test("changing a value in place and then assigning an equal copy still writes it", async () => {
    const { session, doc } = await storedDocument();
    doc.data!.a = 5;
    doc.data = { ...doc.data! }; // the old value, as the flush sees it, is the one before the change
    await session.commit();
    assert.equal((await reread(ctx)).data!.a, 5);
  });

  test("a flush with nothing changed sends no statement, though the values were read", async () => {
    const { session, doc } = await storedDocument({ expireOnCommit: false });
    assert.equal(doc.data!.a, 1);
    assert.equal(doc.when!.getTime(), WHEN.getTime());
    assert.equal(doc.bytes![0], 1);
    await session.flush();
    await session.commit();
    await session.commit();
    assert.deepEqual(ctx.statements, []);
    assert.deepEqual(inspect(doc).modified, []);
  });

  test("values read, expired by commit and read again after a reload are not written", async () => {
    const { session, doc } = await storedDocument();
    assert.equal(doc.data!.a, 1);
    await session.commit(); // expires: the next read reloads every value
    await session.refresh(doc);
    assert.equal(doc.data!.a, 1);
    assert.equal(doc.when!.getTime(), WHEN.getTime());
    await session.commit();
    assert.deepEqual(ctx.statements.filter((s) => !s.startsWith("SELECT")), []);
  });

  test("a change in place survives a failed flush, and the next flush writes it", async () => {
    const { session, doc } = await storedDocument({ expireOnCommit: false });
    doc.data!.a = 42;
    const duplicate = Object.assign(new MvDocument(), { id: 1, title: "same key" });
    session.add(duplicate);
    await assert.rejects(session.flush());
    session.expunge(duplicate);
    await session.commit();
    assert.equal((await reread(ctx)).data!.a, 42);
  });

  test("after a commit that failed, a value read before it and changed in place is still written", async () => {
    const { session, doc } = await storedDocument();
    assert.equal(doc.data!.a, 1);
    const duplicate = Object.assign(new MvDocument(), { id: 1, title: "same key" });
    session.add(duplicate);
    await assert.rejects(session.commit());
    session.expunge(duplicate);
    doc.data!.a = 7;
    await session.commit();
    assert.equal((await reread(ctx)).data!.a, 7);
  });

  test("flagModified writes the attribute, changed or not; its errors name the attribute", async () => {
    const { session, doc } = await storedDocument({ expireOnCommit: false });
    await session.commit(); // its connection goes back (SQLite in memory has one)
    await ctx.engine.withConnection((conn) => conn.run(`UPDATE mv_documents SET title = 'elsewhere'`));
    ctx.reset();
    flagModified(doc, "title");
    assert.deepEqual(inspect(doc).modified, ["title"]);
    await session.commit();
    assert.deepEqual(ctx.statements.map((s) => s.split(" ")[0]), ["UPDATE"]);
    assert.equal((await reread(ctx)).title, "t", "the value in memory was written back");
    assert.throws(() => flagModified(doc, "nope"), (e: unknown) => e instanceof InvalidRequestError && /MvDocument\.nope/.test(String(e)));
    session.expire(doc, ["data"]);
    assert.throws(() => flagModified(doc, "data"), (e: unknown) => e instanceof ExpiredAttributeError && /MvDocument\.data/.test(String(e)));
  });

  test("a change in place of a held reference, never read again, is found after flagModified too", async () => {
    const { session, doc } = await storedDocument();
    const bytes = doc.bytes!;
    bytes[2] = 7;
    flagModified(doc, "bytes");
    await session.commit();
    assert.deepEqual([...(await reread(ctx)).bytes!], [1, 2, 7]);
  });
}, { createOnce: true });
