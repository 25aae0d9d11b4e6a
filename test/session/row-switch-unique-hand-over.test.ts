/**
 * A new object taking over a deleted object's row (a row switch: same primary key, written with
 * an UPDATE) and a unique value another row of the flush gives up. The switch's UPDATE ran before
 * the flush's other UPDATEs, so it collided with the value not yet given up: IntegrityError,
 * where a plain INSERT taking the same value is ordered after the giver (unique-order.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "../../src/index.js";
import { BsBook, BulkSyncBase } from "./fixtures/bulk-sync.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a row switch taking a unique value another row gives up", BulkSyncBase.metadata, (ctx) => {
  const book = (id: number, code: string) => Object.assign(new BsBook(), { id, code, title: `Book ${code}`, price: 10, shelfId: null });
  const rows = async () => (await ctx.engine.execute(sql<{ id: number; code: string }>`SELECT id, code FROM bs_books ORDER BY id`)).rows.map((r) => `${r.id}:${r.code}`);

  test("the giver is updated first, then the row switched (was: IntegrityError)", async () => {
    const seed = ctx.session();
    seed.addAll([book(1, "C1"), book(2, "C2")]);
    await seed.commit();
    const session = ctx.session();
    const [first, second] = [(await session.get(BsBook, 1))!, (await session.get(BsBook, 2))!];
    session.delete(first);
    session.add(book(1, "C2"));
    second.code = "C9";
    await session.commit();
    assert.deepEqual(await rows(), ["1:C2", "2:C9"]);
  });

  test("the other way round still works: the switched row gives its value up to an updated row", async () => {
    const seed = ctx.session();
    seed.addAll([book(1, "C1"), book(2, "C2")]);
    await seed.commit();
    const session = ctx.session();
    const [first, second] = [(await session.get(BsBook, 1))!, (await session.get(BsBook, 2))!];
    session.delete(first);
    session.add(book(1, "C8"));
    second.code = "C1";
    await session.commit();
    assert.deepEqual(await rows(), ["1:C8", "2:C1"]);
  });
}, { createOnce: true });
