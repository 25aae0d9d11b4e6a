/**
 * A foreign key that takes the row's value while its many-to-one stays loaded: set by a bulk
 * UPDATE the session synchronised, or read again (`expire(obj, ["shelfId"])`, `refresh(obj,
 * ["shelfId"])`) after another transaction moved the row. The many-to-one still named the old
 * object, and the next flush of the object (any change) copied that object's key back: the
 * commit resolved having undone the bulk UPDATE, or the other transaction's move. Such a
 * many-to-one is now unloaded with its key, and read again by the key on next access.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, lazy, sql, update, type SynchronizeSession } from "../../src/index.js";
import { OrderedBase, OrBook, OrShelf } from "./fixtures/ordered.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const b = columnsOf(OrBook);

async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const shelves = [1, 2].map((id) => Object.assign(new OrShelf(), { id }));
  shelves[0]!.books.push(Object.assign(new OrBook(), { id: 1, position: 1 }));
  session.addAll(shelves);
  await session.commit();
  await session.close();
}

/** 1 when book 1 is on shelf 2 with position `position`. */
const moved = (ctx: SessionContext, position: number) => ctx.count("or_books", `id = 1 AND shelf_id = 2 AND position = ${position}`);

forEachDatabaseWithSchema("a foreign key taking the row's value", OrderedBase.metadata, (ctx) => {
  for (const synchronizeSession of ["evaluate", "fetch"] as SynchronizeSession[]) {
    test(`set by a bulk UPDATE (${synchronizeSession}), the many-to-one loaded, then the object changed: the UPDATE stays`, async () => {
      await seed(ctx);
      const session = ctx.session();
      const book = (await session.get(OrBook, 1))!;
      assert.equal((await lazy(book).shelf).id, 1);
      await session.execute(update(OrBook).where(b.id.eq(1)).values({ shelfId: 2 }), { synchronizeSession });
      assert.equal((await lazy(book).shelf).id, 2);
      book.position = 7;
      await session.commit();
      assert.equal(await moved(ctx, 7), 1);
    });
  }

  for (const how of ["expire", "refresh"]) {
    test(`read again (${how}) after another transaction moved the row, then the object changed: the move stays`, async () => {
      await seed(ctx);
      const session = ctx.session({ expireOnCommit: false });
      const book = (await session.get(OrBook, 1))!;
      await lazy(book).shelf;
      await session.commit();
      await ctx.engine.execute(sql`UPDATE or_books SET shelf_id = 2`);
      if (how === "expire") {
        session.expire(book, ["shelfId"]);
        await session.load(book, "shelfId");
      } else await session.refresh(book, ["shelfId"]);
      assert.equal(book.shelfId, 2);
      book.position = 7;
      await session.commit();
      assert.equal(await moved(ctx, 7), 1);
    });
  }
}, { createOnce: true });
