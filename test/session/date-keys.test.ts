/**
 * A primary key whose values are objects (a `datetime()` key's Date, a `binary()` key's bytes)
 * names one object per row, as any other key does. The identity map compared such keys by
 * identity: every row read made a new Date, found no object and made another, so two queries
 * returned two objects for one row (a change made on the first was not seen by the second), a
 * collection loaded for such parents was empty, and a composite key holding a Date compared it
 * by `String(date)`, without its milliseconds, so two rows a millisecond apart were one object.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, select, selectinLoad, joinedLoad } from "../../src/index.js";
import { DatedBase, DkBlob, DkNote, DkReading, DkShift } from "./fixtures/dated.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const NOON = new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 250));
const LATER = new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 251));

forEachDatabaseWithSchema("keys that are Dates or bytes", DatedBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    for (const [at, label] of [[NOON, "noon"], [LATER, "later"]] as const) {
      const reading = Object.assign(new DkReading(), { at: new Date(at), label });
      reading.notes.push(Object.assign(new DkNote(), { id: at === NOON ? 1 : 3 }), Object.assign(new DkNote(), { id: at === NOON ? 2 : 4 }));
      session.add(reading);
      session.add(Object.assign(new DkShift(), { room: 7, at: new Date(at), label }));
    }
    session.add(Object.assign(new DkBlob(), { code: new Uint8Array([1, 2, 3, 4]), label: "blob" }));
    await session.commit();
    await session.close();
  }

  test("a datetime key: two queries, get and a change made in between see one object", async () => {
    await seed();
    const session = ctx.session({ autoflush: false });
    const r = columnsOf(DkReading);
    const [first] = await session.scalars(select(DkReading).where(r.label.eq("noon")));
    first!.label = "changed in memory";
    const [second] = await session.scalars(select(DkReading).where(r.at.eq(NOON)));
    assert.equal(second, first, "the second query's object is the first one");
    assert.equal(second!.label, "changed in memory");
    assert.equal(await session.get(DkReading, new Date(NOON)), first, "get by an equal Date");
  });

  test("a datetime key: the collections of its parents are loaded with their members (select-in, joined)", async () => {
    await seed();
    const r = columnsOf(DkReading);
    for (const option of [selectinLoad(DkReading, "notes"), joinedLoad(DkReading, "notes")]) {
      const session = ctx.session();
      const readings = await session.scalars(select(DkReading).options(option).orderBy(r.at));
      assert.deepEqual(readings.map((x) => x.notes.map((n) => n.id)), [[1, 2], [3, 4]]);
      await session.close();
    }
    const session = ctx.session();
    const notes = await session.scalars(select(DkNote).options(selectinLoad(DkNote, "reading")).orderBy(columnsOf(DkNote).id));
    assert.deepEqual(notes.map((n) => n.reading.label), ["noon", "noon", "later", "later"]);
    assert.equal(notes[0]!.reading, notes[1]!.reading);
  });

  test("a composite key with a Date: rows a millisecond apart are two objects", async () => {
    await seed();
    const session = ctx.session();
    const shifts = await session.scalars(select(DkShift).orderBy(columnsOf(DkShift).at));
    assert.deepEqual(shifts.map((s) => s.label), ["noon", "later"]);
    assert.notEqual(shifts[0], shifts[1]);
    assert.equal((await session.get(DkShift, [7, new Date(LATER)]))?.label, "later");
  });

  test("a binary key: two queries see one object", async () => {
    await seed();
    const session = ctx.session();
    const [first] = await session.scalars(select(DkBlob));
    const [second] = await session.scalars(select(DkBlob));
    assert.equal(second, first);
    assert.equal(await session.get(DkBlob, new Uint8Array([1, 2, 3, 4])), first);
  });
}, { createOnce: true });
