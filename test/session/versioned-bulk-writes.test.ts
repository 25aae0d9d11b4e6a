/**
 * A bulk UPDATE or an upsert through the session on a versioned model moves the version counter
 * on, as a flush does. It used to leave it as it was (as SQLAlchemy does): another session that
 * had read the row at that version flushed its change with an UPDATE that still matched, and its
 * commit resolved having overwritten the bulk change without a word. Now that flush raises
 * StaleDataError; the session that ran the statement goes on with its own objects.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StaleDataError, columnsOf, func, insert, literal, update, type Session } from "../../src/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const c = columnsOf(SxCounter);

/** `value` added to the row of `hits` on a conflict, in the dialect's form. */
function upsertHits(ctx: SessionContext, value: number) {
  const statement = insert(SxCounter).values({ id: 1, name: "hits", value });
  return ctx.db.name === "mysql"
    ? statement.onDuplicateKeyUpdate({ set: (proposed) => ({ value: statement.table.c.value.plus(proposed.value) }) })
    : statement.onConflictDoUpdate({ target: [statement.table.c.id], set: (proposed) => ({ value: statement.table.c.value.plus(proposed.value) }) });
}

forEachDatabaseWithSchema(
  "bulk writes of a versioned model",
  CounterBase.metadata,
  (ctx) => {
    async function row(): Promise<{ value: number; version: number }> {
      const reader = ctx.session();
      const { value, version } = (await reader.get(SxCounter, 1))!;
      await reader.close();
      return { value, version };
    }

    /** The counter (value 10, version 1), read by a session whose transaction then ends (SQLite: the other may write). */
    async function readBefore(): Promise<{ session: Session; counter: SxCounter }> {
      const seed = ctx.session();
      seed.add(Object.assign(new SxCounter(), { id: 1, name: "hits", value: 10 }));
      await seed.commit();
      const session = ctx.session({ expireOnCommit: false });
      const counter = (await session.get(SxCounter, 1))!;
      await session.commit();
      return { session, counter };
    }

    async function staleAfter(write: (other: Session) => Promise<unknown>, expected: { value: number; version: number }): Promise<void> {
      const { session, counter } = await readBefore();
      const other = ctx.session();
      await write(other);
      await other.commit();
      counter.value = 100;
      await assert.rejects(session.commit(), StaleDataError, "the change made at version 1 no longer applies");
      assert.deepEqual(await row(), expected, "the other session's change is kept");
    }

    test("a flush after another session's bulk UPDATE raises StaleDataError; it used to overwrite the bulk change", async () => {
      await staleAfter((other) => other.execute(update(SxCounter).where(c.id.eq(1)).values({ value: c.value.plus(5) })), { value: 15, version: 2 });
    });

    test("the same with synchronizeSession false", async () => {
      await staleAfter((other) => other.execute(update(SxCounter).where(c.value.gt(0)).values({ value: 20 }), { synchronizeSession: false }), { value: 20, version: 2 });
    });

    test("a flush after another session's upsert raises StaleDataError; it used to overwrite the upsert's change", async () => {
      await staleAfter((other) => other.execute(upsertHits(ctx, 1)), { value: 11, version: 2 });
    });

    test("a counter the statement sets itself is left as set", async () => {
      await readBefore();
      const other = ctx.session();
      await other.execute(update(SxCounter).where(c.id.eq(1)).values({ value: 3, version: 7 }));
      await other.commit();
      assert.deepEqual(await row(), { value: 3, version: 7 });
    });

    test("the session that ran the bulk UPDATE flushes its own objects' later changes", async () => {
      const { session, counter } = await readBefore();
      for (const synchronizeSession of ["evaluate", "fetch"] as const) {
        await session.execute(update(SxCounter).where(c.id.eq(1)).values({ value: c.value.plus(1) }), { synchronizeSession });
        counter.name = `hits ${synchronizeSession}`;
        await session.commit();
      }
      assert.deepEqual(await row(), { value: 12, version: 5 }, "two bulk UPDATEs and two flushes, each moving the counter on");
    });

    for (const synchronizeSession of ["auto", "evaluate", "fetch"] as const) {
      const skip = synchronizeSession === "evaluate" && ctx.db.name === "mysql" && "MariaDB's string comparisons are not evaluated";
      test(`an object read before another session changed its row is not stepped by this session's bulk UPDATE (${synchronizeSession}): its flush is refused`, { skip }, async () => {
        const { session, counter } = await readBefore();
        const other = ctx.session();
        (await other.get(SxCounter, 1))!.name = "renamed elsewhere";
        await other.commit(); // version 2
        // In memory the object still matches (name "hits"), the row no longer does.
        assert.equal(await session.execute(update(SxCounter).where(c.name.eq("hits")).values({ value: 50 }), { synchronizeSession }), 0);
        counter.value = 51; // computed from the 50 the object would show, which no row holds
        await assert.rejects(session.commit(), StaleDataError);
        assert.deepEqual(await row(), { value: 10, version: 2 });
      });
    }

    test("the same with RETURNING of columns only", { skip: ctx.db.name === "mysql" && "MariaDB has no UPDATE ... RETURNING" }, async () => {
      const { session, counter } = await readBefore();
      const other = ctx.session();
      (await other.get(SxCounter, 1))!.name = "renamed elsewhere";
      await other.commit();
      assert.deepEqual(await session.execute(update(SxCounter).where(c.name.eq("hits")).values({ value: 50 }).returning(c.id)), []);
      counter.value = 51;
      await assert.rejects(session.commit(), StaleDataError);
      await session.rollback();
      assert.deepEqual(await row(), { value: 10, version: 2 });
    });

    test("nor when the row still matches: the statement's change is kept, the stale object refused", async () => {
      const { session, counter } = await readBefore();
      const other = ctx.session();
      (await other.get(SxCounter, 1))!.value = 20;
      await other.commit(); // version 2
      assert.equal(await session.execute(update(SxCounter).where(c.name.eq("hits")).values({ value: c.value.plus(1) })), 1);
      counter.name = "from a stale read";
      await assert.rejects(session.commit(), StaleDataError);
      await session.rollback();
      assert.deepEqual(await row(), { value: 20, version: 2 });
    });

    test("an upsert whose WHERE leaves the row alone does not step the session's object: read before another session's change, its flush is refused", { skip: ctx.db.name === "mysql" && "MariaDB's upsert has no WHERE" }, async () => {
      const { session, counter } = await readBefore();
      const other = ctx.session();
      (await other.get(SxCounter, 1))!.name = "renamed elsewhere";
      await other.commit(); // version 2
      const statement = insert(SxCounter).values({ id: 1, name: "hits", value: 1 });
      await session.execute(statement.onConflictDoUpdate({ target: [statement.table.c.id], set: { value: 99 }, where: statement.table.c.value.gt(1000) }));
      counter.value = 11;
      await assert.rejects(session.commit(), StaleDataError);
      await session.rollback();
      assert.deepEqual(await row(), { value: 10, version: 2 });
    });

    test("an upsert proposing the key of the session's object, whose conflict is on another unique key, does not step it", async () => {
      const { session, counter } = await readBefore();
      const other = ctx.session();
      (await other.get(SxCounter, 1))!.value = 20;
      other.add(Object.assign(new SxCounter(), { id: 2, name: "second", value: 0 }));
      await other.commit(); // row 1 at version 2
      const statement = insert(SxCounter).values({ id: 1, name: "second", value: 5 });
      const set = { value: 5 };
      await session.execute(ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [statement.table.c.name], set }));
      counter.name = "from a stale read";
      await assert.rejects(session.commit(), StaleDataError);
      await session.rollback();
      assert.deepEqual(await row(), { value: 20, version: 2 });
    });

    /** An upsert of a new key whose `name` is the row of `hits`: its conflict is on the unique name, not the key. */
    function upsertByName(value: number) {
      const statement = insert(SxCounter).values({ id: 2, name: "hits", value });
      return ctx.db.name === "mysql"
        ? statement.onDuplicateKeyUpdate({ set: (proposed) => ({ value: proposed.value }) })
        : statement.onConflictDoUpdate({ target: [statement.table.c.name], set: (proposed) => ({ value: proposed.value }) });
    }

    test("an upsert whose conflict is on another unique key moves the session's object of the row it updated on: its values and counter, and its later flush is written", async () => {
      const { session, counter } = await readBefore();
      await session.execute(upsertByName(5));
      assert.equal(counter.version, 2, "the row's counter");
      await session.load(counter, "value"); // expired, as the object of a key the upsert proposes
      assert.equal(counter.value, 5, "the row's value");
      counter.name = "renamed";
      await session.commit();
      assert.deepEqual(await row(), { value: 5, version: 3 }, "the upsert's value kept, the flush written after it");
      const reader = ctx.session();
      assert.equal(await reader.get(SxCounter, 2), undefined, "no row inserted");
      await reader.close();
    });

    test("the same when the unique value proposed is an SQL expression (not known before it runs)", async () => {
      const { session, counter } = await readBefore();
      const statement = insert(SxCounter).values({ id: 2, name: func.lower(literal("HITS")), value: 5 });
      await session.execute(
        ctx.db.name === "mysql"
          ? statement.onDuplicateKeyUpdate({ set: (proposed) => ({ value: proposed.value }) })
          : statement.onConflictDoUpdate({ target: [statement.table.c.name], set: (proposed) => ({ value: proposed.value }) }),
      );
      assert.equal(counter.version, 2);
      counter.name = "renamed";
      await session.commit();
      assert.deepEqual(await row(), { value: 5, version: 3 });
    });

    test("the same upsert after another session changed the row: the object's flush is refused", async () => {
      const { session, counter } = await readBefore();
      const other = ctx.session();
      (await other.get(SxCounter, 1))!.value = 20;
      await other.commit(); // version 2
      await session.execute(upsertByName(5));
      counter.value = 21; // computed from the 20 it never saw
      await assert.rejects(session.commit(), StaleDataError);
      await session.rollback();
      assert.deepEqual(await row(), { value: 20, version: 2 });
    });

    test("with RETURNING the session's object shows the row's counter", { skip: ctx.db.name === "mysql" && "MariaDB has no UPDATE ... RETURNING" }, async () => {
      const { session, counter } = await readBefore();
      const [[returned]] = (await session.execute(update(SxCounter).where(c.id.eq(1)).values({ value: 11 }).returning(SxCounter))) as [[SxCounter]];
      assert.equal(returned, counter);
      assert.deepEqual([counter.value, counter.version], [11, 2]);
      counter.name = "renamed";
      await session.commit();
      assert.deepEqual(await row(), { value: 11, version: 3 });
    });

    test("with synchronizeSession false the session's object must be refreshed before it changes again: its flush is refused, not written over", async () => {
      const { session, counter } = await readBefore();
      await session.execute(update(SxCounter).where(c.id.eq(1)).values({ value: 20 }), { synchronizeSession: false });
      counter.name = "renamed";
      await assert.rejects(session.commit(), StaleDataError);
      await session.rollback(); // the bulk UPDATE cannot be written again: the transaction must go
      assert.deepEqual(await row(), { value: 10, version: 1 }, "nothing written");
      await session.execute(update(SxCounter).where(c.id.eq(1)).values({ value: 20 }), { synchronizeSession: false });
      await session.refresh(counter);
      counter.name = "renamed";
      await session.commit();
      assert.deepEqual(await row(), { value: 20, version: 3 });
    });

    test("the session that ran the upsert flushes its own objects' later changes", async () => {
      const { session, counter } = await readBefore();
      await session.execute(upsertHits(ctx, 1));
      counter.name = "renamed";
      await session.commit();
      assert.deepEqual(await row(), { value: 11, version: 3 });
    });
  },
  { createOnce: true, sqliteFile: true },
);
