/**
 * A locking read (`forUpdate()`) of an object that holds a change not flushed (autoflush off): the
 * object keeps its change, as before, but used to be skipped whole, so its other columns showed
 * the values read before the lock. A change computed from them under the lock (`value += 1`)
 * overwrote what another transaction had committed in between, and the commit resolved. The
 * columns without a change now take the row the read locked. A versioned object keeps its version:
 * a change made against an older row still fails the flush with StaleDataError, nothing written.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, StaleDataError, column, columnsOf, integer, lazy, manyToOne, model, oneToMany, select, string, type Rel, type Session } from "../../src/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class LockedBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    LcItem: LcItem;
    LcShelf: LcShelf;
  }
}

@model("lc_shelves")
class LcShelf extends LockedBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("LcItem", { backPopulates: "shelf" }) accessor items!: Rel<LcItem[], "shelf">;
}

@model("lc_items")
class LcItem extends LockedBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor label!: string;
  @column(integer().notNull()) accessor quantity!: number;
  @column(integer().named("shelf_id").references("lc_shelves.id")) accessor shelfId!: number | null;
  @manyToOne("LcShelf", { backPopulates: "items" }) accessor shelf!: Rel<LcShelf | null, "items">;
}

const item = columnsOf(LcItem);
const counter = columnsOf(SxCounter);
const noRowLocks = (ctx: SessionContext) => ctx.db.name === "sqlite" && "SQLite has no row locks";

/** Runs `change` in a session of its own and commits. */
async function elsewhere(ctx: SessionContext, change: (session: Session) => Promise<void>): Promise<void> {
  const other = ctx.session();
  await change(other);
  await other.commit();
  await other.close();
}

forEachDatabaseWithSchema("a locking read of an object with a change not flushed", LockedBase.metadata, (ctx) => {
  test("its change is kept, its other columns are the locked row's: an increment under the lock keeps the other commit's", { skip: noRowLocks(ctx) }, async () => {
    const seed = ctx.session();
    seed.add(Object.assign(new LcItem(), { id: 1, label: "x", quantity: 10 }));
    await seed.commit();
    const session = ctx.session({ autoflush: false });
    const mine = (await session.get(LcItem, 1))!;
    mine.label = "mine";
    await elsewhere(ctx, async (other) => void ((await other.get(LcItem, 1))!.quantity = 11));
    const [locked] = await session.scalars(select(LcItem).where(item.id.eq(1)).forUpdate());
    assert.equal(locked, mine);
    assert.equal(mine.label, "mine", "the change not flushed is kept");
    assert.equal(mine.quantity, 11, "the row the read locked, not the value read before");
    mine.quantity += 1;
    await session.commit();
    const rows = (await ctx.engine.withConnection((conn) => conn.run("SELECT label, quantity FROM lc_items"))).rows;
    assert.deepEqual(rows.map((r: any) => ({ label: r.label, quantity: Number(r.quantity) })), [{ label: "mine", quantity: 12 }]);
  });

  test("a reference it holds as loaded, which the locked row changed, is read again; the commit keeps the move", { skip: noRowLocks(ctx) }, async () => {
    const seed = ctx.session();
    seed.addAll([1, 2].map((id) => Object.assign(new LcShelf(), { id })));
    seed.add(Object.assign(new LcItem(), { id: 1, label: "x", quantity: 10, shelfId: 1 }));
    await seed.commit();
    const session = ctx.session({ autoflush: false });
    const mine = (await session.get(LcItem, 1))!;
    assert.equal((await lazy(mine).shelf)!.id, 1);
    mine.label = "mine";
    await elsewhere(ctx, async (other) => void ((await other.get(LcItem, 1))!.shelfId = 2));
    await session.scalars(select(LcItem).where(item.id.eq(1)).forUpdate());
    assert.equal(mine.shelfId, 2);
    assert.equal((await lazy(mine).shelf)!.id, 2, "the shelf the locked row names");
    await session.commit();
    const rows = (await ctx.engine.withConnection((conn) => conn.run("SELECT label, shelf_id FROM lc_items"))).rows;
    assert.deepEqual(rows.map((r: any) => ({ label: r.label, shelf: Number(r.shelf_id) })), [{ label: "mine", shelf: 2 }]);
  });

  test("a reference assigned and not flushed is kept, and written", { skip: noRowLocks(ctx) }, async () => {
    const seed = ctx.session();
    seed.addAll([1, 2, 3].map((id) => Object.assign(new LcShelf(), { id })));
    seed.add(Object.assign(new LcItem(), { id: 1, label: "x", quantity: 10, shelfId: 1 }));
    await seed.commit();
    const session = ctx.session({ autoflush: false });
    const mine = (await session.get(LcItem, 1))!;
    mine.shelf = (await session.get(LcShelf, 3))!;
    await elsewhere(ctx, async (other) => void ((await other.get(LcItem, 1))!.shelfId = 2));
    await session.scalars(select(LcItem).where(item.id.eq(1)).forUpdate());
    assert.equal(mine.shelf!.id, 3);
    await session.commit();
    const rows = (await ctx.engine.withConnection((conn) => conn.run("SELECT shelf_id FROM lc_items"))).rows;
    assert.deepEqual(rows.map((r: any) => Number(r.shelf_id)), [3]);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("a locking read of a versioned object with a change not flushed", CounterBase.metadata, (ctx) => {
  test("its version stays the one its change was made against: the flush refuses it, the other commit stays", { skip: noRowLocks(ctx) }, async () => {
    const seed = ctx.session();
    seed.add(Object.assign(new SxCounter(), { id: 1, name: "hits", value: 1 }));
    await seed.commit();
    const session = ctx.session({ autoflush: false });
    const mine = (await session.get(SxCounter, 1))!;
    mine.name = "mine";
    await elsewhere(ctx, async (other) => void ((await other.get(SxCounter, 1))!.value = 2));
    await session.scalars(select(SxCounter).where(counter.id.eq(1)).forUpdate());
    assert.equal(mine.value, 2, "the locked row's value");
    assert.equal(mine.version, 1, "the version the change was made against");
    await assert.rejects(session.commit(), StaleDataError);
    await session.rollback();
    const rows = (await ctx.engine.withConnection((conn) => conn.run("SELECT name, value, version FROM sx_counters"))).rows;
    assert.deepEqual(rows.map((r: any) => ({ name: r.name, value: Number(r.value), version: Number(r.version) })), [{ name: "hits", value: 2, version: 2 }]);
  });
}, { createOnce: true });
