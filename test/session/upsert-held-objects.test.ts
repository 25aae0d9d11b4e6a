/**
 * An upsert through the session without `.returning(Model)` left the session's objects of the
 * rows it updated as they were: the application read values the rows no longer held. They now
 * follow the rows the statement changed (src/orm/session/upsert-sync.ts): exactly those, by the
 * keys its RETURNING gives back, whatever unique key the conflict was on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, datetime, inspect, insert, integer, model, string, type Given, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class UpsertBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    UpItem: UpItem;
    UpReading: UpReading;
    UpCounter: UpCounter;
  }
}

@model("up_items")
class UpItem extends UpsertBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull().unique()) accessor sku!: string;
  @column(string(40).notNull()) accessor name!: string;
  @column(integer().notNull()) accessor qty!: number;
}

/** Keyed by a timestamp: the keys read back could name another object, so the upsert expires instead. */
@model("up_readings")
class UpReading extends UpsertBase {
  @column(datetime().primaryKey()) accessor takenAt!: Given<Date>;
  @column(integer().notNull()) accessor value!: number;
}

/** No unique key but the primary key: on MariaDB the objects read again are those of the keys the rows carry. */
@model("up_counters")
class UpCounter extends UpsertBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull()) accessor hits!: number;
}

type Row = { id: number; sku: string; name: string; qty: number };

/** An upsert adding to `qty` and taking `name`, on `target` (MariaDB: any unique key). */
function upsert(ctx: SessionContext, rows: Row[], target: "id" | "sku" = "id") {
  const statement = insert(UpItem).values(rows);
  const c = statement.table.c;
  const set = (excluded: typeof c) => ({ name: excluded.name, qty: c.qty.plus(excluded.qty) });
  return ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [c[target]], set });
}

async function seed(ctx: SessionContext): Promise<void> {
  const seeding = ctx.session();
  seeding.addAll(["a", "b", "c"].map((sku, i) => Object.assign(new UpItem(), { id: i + 1, sku, name: sku.toUpperCase(), qty: 1 })));
  await seeding.commit();
  await seeding.close();
}

/** A session holding the three items seeded. */
async function seeded(ctx: SessionContext, options?: { autoflush?: boolean }, seeding = true): Promise<{ session: Session; items: UpItem[] }> {
  if (seeding) await seed(ctx);
  const session = ctx.session(options);
  const items = await Promise.all([1, 2, 3].map(async (id) => (await session.get(UpItem, id))!));
  return { session, items };
}

forEachDatabaseWithSchema("upsert: the session's objects of the rows it changed", UpsertBase.metadata, (ctx) => {
  test("by key: the object of an updated row shows its new values, with no query; the others are left loaded", async () => {
    const { session, items } = await seeded(ctx);
    ctx.reset();
    const count = await session.execute(upsert(ctx, [{ id: 1, sku: "a", name: "Apple", qty: 10 }, { id: 4, sku: "d", name: "Date", qty: 4 }]));
    assert.equal(typeof count, "number");
    assert.deepEqual([items[0]!.name, items[0]!.qty], ["Apple", 11]);
    assert.deepEqual([items[1]!.name, items[1]!.qty, inspect(items[1]!).expired], ["B", 1, []]);
    // MariaDB reads the rows after it: RETURNING would change the row count it reports.
    assert.equal(ctx.statements.filter((s) => /^\s*SELECT/i.test(s)).length, ctx.db.name === "mysql" ? 1 : 0);
    await session.commit();
    assert.equal(await ctx.count("up_items", "id = 1 AND name = 'Apple' AND qty = 11"), 1);
  });

  test("a conflict on another unique key: the object of the row that key names follows", async () => {
    const { session, items } = await seeded(ctx);
    await session.execute(upsert(ctx, [{ id: 99, sku: "b", name: "Banana", qty: 5 }], "sku"));
    assert.deepEqual([items[1]!.id, items[1]!.name, items[1]!.qty], [2, "Banana", 6]);
    assert.deepEqual([items[0]!.name, items[2]!.name], ["A", "C"]);
    assert.equal(await session.get(UpItem, 99), undefined);
    await session.commit();
  });

  test("a `where` that leaves the row alone leaves its object alone (PostgreSQL, SQLite)", { skip: ctx.db.name === "mysql" }, async () => {
    const { session, items } = await seeded(ctx);
    const statement = insert(UpItem).values({ id: 1, sku: "a", name: "Apple", qty: 10 });
    const c = statement.table.c;
    await session.execute(statement.onConflictDoUpdate({ target: [c.id], set: { name: "Apple" }, where: c.qty.gt(100) }));
    assert.deepEqual([items[0]!.name, inspect(items[0]!).expired], ["A", []]);
    await session.commit();
  });

  test("the caller's RETURNING gets its own columns; the objects follow all the same", async () => {
    const { session, items } = await seeded(ctx);
    const rows = await session.execute(upsert(ctx, [{ id: 3, sku: "c", name: "Cherry", qty: 2 }]).returning(insert(UpItem).table.c.sku));
    assert.deepEqual(rows, [["c"]]);
    assert.deepEqual([items[2]!.name, items[2]!.qty], ["Cherry", 3]);
    await session.commit();
  });

  test("the row count is the one the statement reports without objects to follow", async () => {
    const statement = () => upsert(ctx, [{ id: 1, sku: "a", name: "Apple", qty: 10 }, { id: 4, sku: "d", name: "Date", qty: 4 }]);
    await seed(ctx);
    const fresh = ctx.session();
    const without = await fresh.execute(statement());
    await fresh.close();
    const { session } = await seeded(ctx, {}, false);
    const withHeld = await session.execute(statement());
    assert.equal(withHeld, without);
  });

  test("autoflush off: a change not flushed is kept and written over the upsert's value; what else it set follows", async () => {
    const { session, items } = await seeded(ctx, { autoflush: false });
    items[0]!.name = "Mine";
    await session.execute(upsert(ctx, [{ id: 1, sku: "a", name: "Apple", qty: 10 }]));
    assert.deepEqual([items[0]!.name, items[0]!.qty], ["Mine", 11]);
    await session.commit();
    assert.equal(await ctx.count("up_items", "id = 1 AND name = 'Mine' AND qty = 11"), 1);
  });

  test("a savepoint's rollback gives the object its values back, as the row has them again", async () => {
    const { session, items } = await seeded(ctx);
    const savepoint = await session.beginNested();
    await session.execute(upsert(ctx, [{ id: 1, sku: "a", name: "Apple", qty: 10 }]));
    assert.equal(items[0]!.qty, 11);
    await savepoint.rollback();
    assert.deepEqual([items[0]!.name, items[0]!.qty], ["A", 1]);
    items[0]!.qty = 2;
    await session.commit();
    assert.equal(await ctx.count("up_items", "id = 1 AND name = 'A' AND qty = 2"), 1);
  });

  test("a timestamp key: what the upsert sets is expired on the model's objects, and read again", async () => {
    const takenAt = new Date("2026-01-02T03:04:05.678Z");
    const seed = ctx.session();
    seed.add(Object.assign(new UpReading(), { takenAt, value: 1 }));
    await seed.commit();
    const session = ctx.session();
    const reading = (await session.get(UpReading, takenAt))!;
    const statement = insert(UpReading).values({ takenAt, value: 5 });
    const c = statement.table.c;
    const set = (excluded: typeof c) => ({ value: c.value.plus(excluded.value) });
    await session.execute(ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [c.takenAt], set }));
    assert.deepEqual(inspect(reading).expired, ["value"]);
    await session.refresh(reading);
    assert.equal(reading.value, 6);
    await session.commit();
  });

  test("a table whose only unique key is its primary key: the objects of the keys given follow", async () => {
    const seeding = ctx.session();
    seeding.addAll([1, 2].map((id) => Object.assign(new UpCounter(), { id, hits: 1 })));
    await seeding.commit();
    await seeding.close();
    const session = ctx.session();
    const [one, two] = [(await session.get(UpCounter, 1))!, (await session.get(UpCounter, 2))!];
    const statement = insert(UpCounter).values([{ id: 1, hits: 5 }, { id: 3, hits: 1 }]);
    const c = statement.table.c;
    const set = (excluded: typeof c) => ({ hits: c.hits.plus(excluded.hits) });
    await session.execute(ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [c.id], set }));
    assert.deepEqual([one.hits, two.hits, inspect(two).expired], [6, 1, []]);
    await session.commit();
    assert.equal(await ctx.count("up_counters", "id = 1 AND hits = 6"), 1);
  });
}, { createOnce: true });
