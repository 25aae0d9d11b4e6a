/**
 * Programs that test/session/random-bulk-statements.test.ts found failing, shrunk, as plain tests:
 * an expired column assigned the value it had read (dropped), or its key (named by the value read); version counters a bulk UPDATE or an
 * upsert moved on, left moved by a rollback (a false StaleDataError); "evaluate" refused on a
 * versioned model; changes not flushed (autoflush off) overwritten by a bulk UPDATE, or refused
 * for after a savepoint's rollback had undone them; a pending DELETE left at the old counter.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, columnsOf, deleteFrom, insert, integer, model, sql, string, update, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class RgBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    RgItem: RgItem;
    RgVItem: RgVItem;
  }
}

@model("rg_items")
class RgItem extends RgBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor note!: string;
}

@model("rg_vitems", { version: "version" })
class RgVItem extends RgBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor code!: string;
  @column(integer().notNull()) accessor qty!: number;
  @column(string(20).notNull()) accessor note!: string;
  @column(integer().notNull().default(1)) accessor version!: number;
}

forEachDatabaseWithSchema(
  "bulk statements and the unit of work: shrunk programs",
  RgBase.metadata,
  (ctx) => {
    const rows = async (table: string) => (await ctx.engine.execute(sql<Record<string, unknown>>`SELECT * FROM ${sql.raw(table)}`)).rows;

    test("an expired attribute assigned the value it read before another transaction changed it is written; the assignment was lost", async () => {
      const session = ctx.session();
      const item = Object.assign(new RgItem(), { id: 1, note: "x" });
      session.add(item);
      await session.commit(); // expires the object, which keeps the value it read
      await ctx.engine.execute(sql`UPDATE rg_items SET note = 'y'`);
      item.note = "x";
      await session.commit();
      assert.deepEqual(await rows("rg_items"), [{ id: 1, note: "x" }]);
    });

    test("an expired key assigned: the UPDATE names the row by the key it read, another row keeps its values", async () => {
      const session = ctx.session();
      session.add(Object.assign(new RgItem(), { id: 1, note: "one" }));
      const item = Object.assign(new RgItem(), { id: 2, note: "two" });
      session.add(item);
      await session.commit(); // expires both, which keep the values they read
      item.id = 3;
      item.note = "three";
      await session.commit();
      assert.deepEqual((await rows("rg_items")).map((r) => [Number(r.id), r.note]).sort(), [[1, "one"], [3, "three"]]);
      const other = ctx.session();
      const first = (await other.get(RgItem, 1))!;
      await other.commit(); // expires it
      first.id = 3; // the key of another row: refused by the database (it named row 3 and "moved" it onto itself)
      await assert.rejects(other.commit());
      await other.rollback();
      await other.close();
      assert.deepEqual((await rows("rg_items")).map((r) => [Number(r.id), r.note]).sort(), [[1, "one"], [3, "three"]]);
    });

    /** Item 6, committed, held by the session that added it: expired by the commit, or `read` again. */
    async function heldItem(read: boolean): Promise<{ session: Session; item: RgVItem }> {
      const session = ctx.session();
      const item = Object.assign(new RgVItem(), { id: 6, code: "c6", qty: 6, note: "new" });
      session.add(item);
      await session.commit();
      if (read) await session.get(RgVItem, 6);
      return { session, item };
    }

    /** `statement` run in a savepoint, the transaction rolled back, then a change of the item committed. */
    async function changedAfterRollback(read: boolean, statement: (session: Session) => Promise<unknown>): Promise<void> {
      const { session, item } = await heldItem(read);
      await session.beginNested();
      await statement(session);
      await session.rollback();
      item.note = "c";
      await session.commit();
      assert.deepEqual(await rows("rg_vitems"), [{ id: 6, code: "c6", qty: 6, note: "c", version: 2 }]);
    }

    test("a versioned object a rolled-back bulk UPDATE followed flushes its next change; it failed with StaleDataError", async () => {
      await changedAfterRollback(false, (session) => session.execute(update(RgVItem).where(columnsOf(RgVItem).code.eq("c6")).values({ qty: 5 })));
    });

    test("the same after an upsert: its counter's step is undone by the rollback", async () => {
      await changedAfterRollback(true, (session) => {
        const statement = insert(RgVItem).values({ id: 6, code: "c6", qty: 1, note: "up" });
        const c = statement.table.c;
        return session.execute(ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set: { qty: 1 } }) : statement.onConflictDoUpdate({ target: [c.id], set: { qty: 1 } }));
      });
    });

    test('"evaluate" on a versioned model takes any WHERE: its rows are read exactly; a WHERE it could not evaluate was refused', async () => {
      const { session, item } = await heldItem(true);
      const c = columnsOf(RgVItem);
      // A string's order is not evaluated anywhere (the collation orders text), nor on MariaDB any string comparison.
      for (const where of [c.code.gt("c"), c.code.eq("c6")]) {
        assert.equal(await session.execute(update(RgVItem).where(where).values({ qty: c.qty.plus(1) }), { synchronizeSession: "evaluate" }), 1);
      }
      assert.equal(item.version, 3, "the object followed both statements");
      item.note = "c";
      await session.commit();
      assert.deepEqual(await rows("rg_vitems"), [{ id: 6, code: "c6", qty: 8, note: "c", version: 4 }]);
    });

    /** A bulk UPDATE of the items with qty over 6 (item 8), setting `note`. */
    const moving = (note: string) => update(RgVItem).where(columnsOf(RgVItem).qty.gt(6)).values({ note });

    /**
     * Item 8, then for each way a session that runs a bulk UPDATE of it (in a savepoint for a way
     * ending so) and takes the object of its row (`objectOf`; `first` runs before any savepoint),
     * rolls back, and commits a change of that object: the row must take it at the next counter.
     */
    async function counterPutBack<W extends string>(ways: readonly W[], objectOf: (session: Session, statement: ReturnType<typeof moving>, way: W) => Promise<RgVItem>, first?: (session: Session, way: W) => Promise<unknown>): Promise<void> {
      const seed = ctx.session();
      seed.add(Object.assign(new RgVItem(), { id: 8, code: "c8", qty: 9, note: "new" }));
      await seed.commit();
      let version = 1;
      for (const way of ways) {
        const session = ctx.session();
        await first?.(session, way);
        const savepoint = way.endsWith("savepoint") ? await session.beginNested() : undefined;
        const item = await objectOf(session, moving(way.slice(0, 20)), way);
        assert.equal(item.version, version + 1, way);
        await (savepoint ? savepoint.rollback() : session.rollback());
        item.qty = 10 + version;
        await session.commit();
        version++;
        assert.deepEqual(await rows("rg_vitems"), [{ id: 8, code: "c8", qty: 9 + version, note: "new", version }], way);
        await session.close();
      }
    }

    test("an object read after a bulk UPDATE moved its row's counter takes the counter back on rollback; its next flush failed with StaleDataError", async () => {
      await counterPutBack(["get", "returning", "savepoint", "returning in a savepoint"], async (session, statement, way) =>
        // RETURNING makes the object of the row; MariaDB has no UPDATE ... RETURNING.
        way.startsWith("returning") && ctx.db.name !== "mysql" ? (await session.execute(statement.returning(RgVItem)))[0]![0] : (await session.execute(statement), (await session.get(RgVItem, 8))!),
      );
    });

    test("synchronizeSession false with RETURNING: the objects returned take their counter back on rollback; their next flush failed with StaleDataError", async (t) => {
      if (ctx.db.name === "mysql") return t.skip("MariaDB has no UPDATE ... RETURNING");
      await counterPutBack(
        ["not held", "held", "held, in a savepoint"],
        async (session, statement) => (await session.execute(statement.returning(RgVItem), { synchronizeSession: false }))[0]![0],
        (session, way) => (way === "not held" ? Promise.resolve() : session.get(RgVItem, 8)),
      );
    });

    test("the same after an upsert of a row the session held no object of", async () => {
      await (await heldItem(false)).session.close();
      const session = ctx.session();
      const statement = insert(RgVItem).values({ id: 6, code: "c6", qty: 1, note: "up" });
      const c = statement.table.c;
      await session.execute(ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set: { qty: 1 } }) : statement.onConflictDoUpdate({ target: [c.id], set: { qty: 1 } }));
      const item = (await session.get(RgVItem, 6))!;
      assert.equal(item.version, 2);
      await session.rollback();
      item.note = "c";
      await session.commit();
      assert.deepEqual(await rows("rg_vitems"), [{ id: 6, code: "c6", qty: 6, note: "c", version: 2 }]);
    });

    test("autoflush off: a change not flushed to a column a bulk UPDATE sets is kept and written; it was dropped", async () => {
      const c = columnsOf(RgVItem);
      const seed = ctx.session();
      seed.addAll([1, 2].map((id) => Object.assign(new RgVItem(), { id, code: `c${id}`, qty: 3, note: "x" })));
      await seed.commit();
      for (const synchronizeSession of ["auto", "evaluate", "fetch"] as const) {
        const session = ctx.session({ autoflush: false });
        const [one, two] = [(await session.get(RgVItem, 1))!, (await session.get(RgVItem, 2))!];
        one.qty = 7;
        two.note = "mine";
        await session.execute(update(RgVItem).where(c.id.in([1, 2])).values({ qty: c.qty.plus(1), note: "bulk" }), { synchronizeSession });
        assert.deepEqual([one.qty, two.note], [7, "mine"], synchronizeSession);
        await session.commit();
        const got = (await rows("rg_vitems")).sort((a, b) => Number(a.id) - Number(b.id)).map((r) => [r.qty, r.note]);
        assert.deepEqual(got, [[7, "bulk"], [4, "mine"]], synchronizeSession);
        await session.close();
        await ctx.engine.execute(sql`UPDATE rg_vitems SET qty = 3, note = 'x'`);
      }
    });

    test("autoflush off: an object deleted and not flushed whose row a bulk UPDATE changed is deleted by the flush; it failed with StaleDataError", async () => {
      const seed = ctx.session();
      seed.add(Object.assign(new RgVItem(), { id: 5, code: "c5", qty: 1, note: "a" }));
      await seed.commit();
      const session = ctx.session({ autoflush: false });
      session.delete((await session.get(RgVItem, 5))!);
      const c = columnsOf(RgVItem);
      assert.equal(await session.execute(update(RgVItem).where(c.note.eq("a")).values({ note: "b" })), 1);
      await session.commit();
      assert.deepEqual(await rows("rg_vitems"), []);
    });

    test('autoflush off: synchronizeSession false after a savepoint\'s rollback undid a change: no change is left to drop, and the statement runs; it was refused', async () => {
      const session = ctx.session({ autoflush: false });
      const item = Object.assign(new RgVItem(), { id: 8, code: "c8", qty: 4, note: "new" });
      session.add(item);
      const savepoint = await session.beginNested();
      item.qty = 3;
      await savepoint.rollback();
      const c = columnsOf(RgVItem);
      assert.equal(await session.execute(deleteFrom(RgVItem).where(c.note.eq("a")), { synchronizeSession: false }), 0);
      await session.commit();
      assert.deepEqual(await rows("rg_vitems"), [{ id: 8, code: "c8", qty: 4, note: "new", version: 1 }]);
    });

    test("autoflush off: an upsert of a versioned row whose object holds a change not flushed: the change is kept, the other columns it set are read again; they showed the old values", async () => {
      await (await heldItem(false)).session.close();
      const reader = ctx.session({ autoflush: false, expireOnCommit: false });
      const item = (await reader.get(RgVItem, 6))!;
      item.note = "mine";
      const statement = insert(RgVItem).values({ id: 6, code: "c6", qty: 1, note: "up" });
      const c = statement.table.c;
      const set = { qty: c.qty.plus(10), note: "up" };
      await reader.execute(ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [c.id], set }));
      await reader.load(item, "qty");
      assert.deepEqual([item.qty, item.note, item.version], [16, "mine", 2]);
      await reader.commit();
      assert.deepEqual(await rows("rg_vitems"), [{ id: 6, code: "c6", qty: 16, note: "mine", version: 3 }]);
    });
  },
  { createOnce: true },
);
