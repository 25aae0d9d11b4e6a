/**
 * Rows of one flush that hand unique values on (a unique column, the primary key): the row giving
 * a value up is updated before the row taking it, whatever order they were changed in (it failed
 * with an IntegrityError, or passed, by the order of the assignments). Rows that exchange values
 * collide in any order: the IntegrityError says which and how to write it, the flush is rolled
 * back and its changes are pending again (unique-order.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, columnsOf, inspect, select, sql, type Session } from "../../src/index.js";
import { BsBook, BulkSyncBase } from "./fixtures/bulk-sync.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const b = columnsOf(BsBook);

forEachDatabaseWithSchema("unique values handed on in one flush", BulkSyncBase.metadata, (ctx) => {
  /** Books 1..3 with codes C1..C3, in a new session. */
  async function seeded(): Promise<{ session: Session; books: BsBook[] }> {
    const seed = ctx.session();
    seed.addAll([1, 2, 3].map((id) => Object.assign(new BsBook(), { id, code: `C${id}`, title: `Book ${id}`, price: id, shelfId: null })));
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    return { session, books: await session.scalars(select(BsBook).orderBy(b.id)) };
  }
  const codes = async () => (await ctx.engine.execute(sql<{ id: number; code: string }>`SELECT id, code FROM bs_books ORDER BY id`)).rows.map((r) => `${r.id}:${r.code}`);

  for (const order of ["taker first", "giver first"]) {
    test(`a unique value handed on along a chain (${order}): the giver is updated first`, async () => {
      const { session, books } = await seeded();
      const [one, two, three] = books as [BsBook, BsBook, BsBook];
      if (order === "taker first") {
        one.code = "C2"; // takes book 2's code, which book 2 gives up below
        two.code = "C3";
        three.code = "C9";
      } else {
        three.code = "C9";
        two.code = "C3";
        one.code = "C2";
      }
      await session.commit();
      assert.deepEqual(await codes(), ["1:C2", "2:C3", "3:C9"]);
    });
  }

  test("primary keys handed on along a chain: committed, and the identity map files each object under its new key", async () => {
    const { session, books } = await seeded();
    const [one, two, three] = books as [BsBook, BsBook, BsBook];
    one.id = 2;
    two.id = 3;
    three.id = 4;
    await session.flush();
    assert.equal(await session.get(BsBook, 2), one);
    assert.equal(await session.get(BsBook, 4), three);
    await session.commit();
    assert.deepEqual(await codes(), ["2:C1", "3:C2", "4:C3"]);
  });

  for (const attr of ["code", "id"] as const) {
    test(`two rows exchanging their ${attr}: IntegrityError naming both and the way to write it; rolled back, the changes pending; two flushes write it`, async () => {
      const { session, books } = await seeded();
      const [one, two] = books as [BsBook, BsBook];
      const [a, b2] = attr === "code" ? ["C1", "C2"] : [1, 2];
      (one as any)[attr] = b2;
      (two as any)[attr] = a;
      await assert.rejects(session.commit(), (e: Error) => {
        assert.ok(e instanceof IntegrityError, String(e));
        assert.match(e.message, new RegExp(`BsBook \\(id=1\\), BsBook \\(id=2\\) exchange values of ${attr} \\(unique\\) in this flush`));
        assert.match(e.message, /give one of them a value no row holds and flush, then the value it takes/);
        return true;
      });
      assert.deepEqual(await codes(), ["1:C1", "2:C2", "3:C3"], "nothing written");
      assert.deepEqual(inspect(one).modified, [attr], "the change is pending again");
      (one as any)[attr] = attr === "code" ? "tmp" : 99;
      await session.flush();
      (one as any)[attr] = b2;
      await session.commit();
      assert.deepEqual(await codes(), ["1:C2", "2:C1", "3:C3"]);
    });
  }
}, { createOnce: true });
