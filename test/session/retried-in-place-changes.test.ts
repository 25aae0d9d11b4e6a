/**
 * `sessionMaker().transaction(fn)` retried, with an object loaded outside `fn`, added in it and
 * changed in place there (a JSON list pushed to, a date moved, bytes overwritten): the retry must
 * apply `fn`'s change once. Changes made in place while the object was detached, before `fn`, are
 * written once too. A rollback used to keep the in-place change of the failed attempt, and the
 * retry made it again: `tags.push("x")` was committed as ["a", "x", "x"].
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, binary, column, createEngine, datetime, integer, json, model, sessionMaker, sql, string } from "../../src/index.js";
import { asAnotherRequest } from "../support/another-request.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class InPlaceBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    IpDoc: IpDoc;
  }
}

@model("ip_docs", { version: "version" })
class IpDoc extends InPlaceBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @column(json<string[]>().notNull()) accessor tags!: string[];
  @column(datetime().notNull()) accessor due!: Date;
  @column(binary(4).notNull()) accessor bits!: Uint8Array;
  @column(integer().notNull().default(1)) accessor version!: number;
}

const JAN_1 = new Date(Date.UTC(2026, 0, 1, 12));
const DAY = 86_400_000;

forEachDatabaseWithSchema("retried transactions: values changed in place", InPlaceBase.metadata, (ctx) => {
  async function seedAndDetach(): Promise<IpDoc> {
    const seed = ctx.session({ expireOnCommit: false });
    seed.addAll([
      Object.assign(new IpDoc(), { id: 1, name: "doc", tags: ["a"], due: new Date(JAN_1), bits: new Uint8Array([1, 2, 3, 4]) }),
      Object.assign(new IpDoc(), { id: 2, name: "other", tags: [], due: new Date(JAN_1), bits: new Uint8Array([0, 0, 0, 0]) }),
    ]);
    await seed.commit();
    const doc = (await seed.get(IpDoc, 1))!;
    // Read while persistent: the values are watched for changes in place.
    void [doc.tags, doc.due, doc.bits];
    await seed.close();
    return doc;
  }

  async function stored(): Promise<{ tags: unknown; due: number; bits: number[] }> {
    const check = ctx.session();
    const doc = (await check.get(IpDoc, 1))!;
    const row = { tags: doc.tags, due: doc.due.getTime(), bits: [...doc.bits] };
    await check.close();
    return row;
  }

  /**
   * Runs `change` in a retried transaction whose first attempt fails after `doc` was changed:
   * PostgreSQL and MariaDB at the flush (StaleDataError: another transaction moved row 2 on after
   * this one read it); SQLite, which locks the whole file, once the flush has written, when another
   * connection's write meets the lock (SQLITE_BUSY; its engine waits 50 ms, not 5 s).
   */
  async function retried(doc: IpDoc, change: (doc: IpDoc) => void): Promise<number> {
    const sqlite = ctx.db.name === "sqlite";
    const other = sqlite ? createEngine(ctx.db.url, { pool: { busyTimeoutMs: 50 } }) : ctx.engine;
    let attempts = 0;
    try {
      await sessionMaker(ctx.engine).transaction(async (session) => {
        attempts++;
        session.add(doc);
        change(doc);
        const row2 = (await session.get(IpDoc, 2))!;
        row2.name = `other ${attempts}`;
        if (sqlite) await session.flush();
        // Another request's write (outside fn's context, or it would count as fn's own commit).
        if (attempts === 1) await asAnotherRequest(() => other.execute(sql`UPDATE ip_docs SET version = version + 1 WHERE id = 2`));
        await session.flush();
      });
    } finally {
      if (sqlite) await other.dispose();
    }
    return attempts;
  }

  test("a JSON list pushed to, a date moved and bytes overwritten in fn: the retry writes each change once", async () => {
    const doc = await seedAndDetach();
    const attempts = await retried(doc, (d) => {
      d.tags.push("x");
      d.due.setTime(d.due.getTime() + DAY);
      d.bits[0] = d.bits[0]! + 10;
    });
    assert.equal(attempts, 2);
    assert.deepEqual(await stored(), { tags: ["a", "x"], due: JAN_1.getTime() + DAY, bits: [11, 2, 3, 4] });
  });

  test("changed in place while detached, then again in fn: both changes written, each once", async () => {
    const doc = await seedAndDetach();
    doc.tags.push("b");
    doc.due.setTime(doc.due.getTime() + 2 * DAY);
    doc.bits[1] = 20;
    const attempts = await retried(doc, (d) => {
      d.tags.push("x");
      d.due.setTime(d.due.getTime() + DAY);
      d.bits[0] = d.bits[0]! + 10;
    });
    assert.equal(attempts, 2);
    assert.deepEqual(await stored(), { tags: ["a", "b", "x"], due: JAN_1.getTime() + 3 * DAY, bits: [11, 20, 3, 4] });
  });

  test("JSON, a date and bytes assigned anew in fn: the retry writes each once", async () => {
    const doc = await seedAndDetach();
    doc.tags.push("b");
    const attempts = await retried(doc, (d) => {
      d.tags = [...d.tags, "x"];
      d.due = new Date(d.due.getTime() + DAY);
      d.bits = d.bits.map((b) => b + 1);
    });
    assert.equal(attempts, 2);
    assert.deepEqual(await stored(), { tags: ["a", "b", "x"], due: JAN_1.getTime() + DAY, bits: [2, 3, 4, 5] });
  });

  test("changed in place while detached only (fn assigns another attribute): the detached change is written once", async () => {
    const doc = await seedAndDetach();
    doc.tags.push("b");
    const attempts = await retried(doc, (d) => {
      d.name = "renamed";
    });
    assert.equal(attempts, 2);
    assert.deepEqual((await stored()).tags, ["a", "b"]);
  });

  test("session.rollback() of a transaction that changed a rejoined object's list in place: the object leaves as it came", async () => {
    const doc = await seedAndDetach();
    doc.tags.push("b");
    const session = ctx.session();
    session.add(doc);
    doc.tags.push("x");
    await session.flush();
    await session.rollback();
    assert.deepEqual(doc.tags, ["a", "b"]);
    assert.deepEqual((await stored()).tags, ["a"]);
    const again = ctx.session();
    again.add(doc);
    await again.commit();
    assert.deepEqual((await stored()).tags, ["a", "b"]);
  });
}, { sqliteFile: true });
