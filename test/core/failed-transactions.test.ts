/**
 * Transactions an error left failed: PostgreSQL aborts the transaction block (or the innermost
 * savepoint) on any error; MySQL/MariaDB rolls the deadlock victim's whole transaction back;
 * SQLite rolls back on INSERT OR ROLLBACK (and SQLITE_FULL and the like). A failed transaction
 * refuses commit() and statements with TransactionRolledBackError, never sending them, until
 * rollback().
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DBAPIError,
  IntegrityError,
  MetaData,
  TransactionRolledBackError,
  insert,
  integer,
  select,
  sql,
  string,
  table,
  update,
  type Connection,
  type Engine,
} from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const items = table("core_txf_items", metadata, {
  id: integer().primaryKey(),
  name: string(40).notNull().unique(),
});
const tags = table("core_txf_tags", metadata, {
  id: integer().primaryKey(),
  itemId: integer().named("item_id").notNull().references("core_txf_items.id"),
});
const counters = table("core_txf_counters", metadata, {
  id: integer().primaryKey(),
  n: integer().notNull(),
});

forEachDatabase("failed transactions", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const add = (conn: Connection, name: string) => conn.execute(insert(items).values({ name }));
  const committed = async () => (await ctx.engine.execute(select(items.c.name).orderBy(items.c.name))).rows.map((r) => r.name);
  const rolledBack = (e: unknown) => e instanceof TransactionRolledBackError && /rollback\(\)/.test(e.message);
  const pg = ctx.db.name === "postgresql";

  /** An engine whose statements are recorded, to show which reached the database. */
  const recording = (): { engine: Engine; sent: string[] } => {
    const sent: string[] = [];
    return { engine: engineFor(ctx.db, { echo: (statement) => sent.push(statement) }), sent };
  };

  test("a failing statement caught inside a transaction: on PostgreSQL commit() throws and nothing is written", async () => {
    await ctx.engine.execute(insert(items).values({ name: "taken" }));
    // (Another engine would see another in-memory SQLite database.)
    const { engine, sent } = pg ? recording() : { engine: ctx.engine, sent: [] as string[] };
    try {
      await engine.withConnection(async (conn) => {
        const tx = await conn.begin();
        await add(conn, "pending");
        await assert.rejects(add(conn, "taken"), IntegrityError);
        assert.equal(tx.isFailed, pg, "only PostgreSQL aborts the transaction on any error");
        if (!pg) {
          await tx.commit();
          return;
        }
        assert.ok(tx.failureCause instanceof IntegrityError);
        sent.length = 0;
        await assert.rejects(add(conn, "more"), rolledBack);
        await assert.rejects(tx.commit(), rolledBack);
        assert.deepEqual(sent, [], "neither the statement nor COMMIT reached the database");
        assert.equal(tx.isActive, true, "it waits for its rollback");
        await tx.rollback();
        assert.equal(tx.isFailed, true);
        assert.equal(conn.inTransaction, false);
        await add(conn, "after");
      });
    } finally {
      if (engine !== ctx.engine) await engine.dispose();
    }
    assert.deepEqual(await committed(), pg ? ["after", "taken"] : ["pending", "taken"]);
  });

  test("inside a savepoint the failure is the savepoint's: rolling it back recovers, the outer commit writes the rest", async () => {
    await ctx.engine.execute(insert(items).values({ name: "taken" }));
    await ctx.engine.withConnection(async (conn) => {
      const outer = await conn.begin();
      await add(conn, "before");
      const savepoint = await conn.beginNested();
      await add(conn, "inside");
      await assert.rejects(add(conn, "taken"), IntegrityError);
      assert.equal(savepoint.isFailed, pg);
      assert.equal(outer.isFailed, false);
      if (pg) {
        await assert.rejects(outer.commit(), rolledBack, "a failed savepoint inside blocks the outer commit");
        await assert.rejects(savepoint.commit(), rolledBack);
      }
      await savepoint.rollback();
      await add(conn, "after");
      await outer.commit();
    });
    assert.deepEqual(await committed(), ["after", "before", "taken"]);
  });

  test("transaction(fn) whose fn swallowed the error rejects with TransactionRolledBackError and rolls back", { skip: !pg && "only PostgreSQL aborts on any error" }, async () => {
    await ctx.engine.execute(insert(items).values({ name: "taken" }));
    await ctx.engine.withConnection(async (conn) => {
      await assert.rejects(
        conn.transaction(async () => {
          await add(conn, "pending");
          await add(conn, "taken").catch(() => undefined);
          return "done";
        }),
        rolledBack,
      );
      assert.equal(conn.inTransaction, false);
      await add(conn, "after");
    });
    assert.deepEqual(await committed(), ["after", "taken"]);
  });

  test("SQLite: a statement that rolls the transaction back (INSERT OR ROLLBACK) fails it", { skip: ctx.db.name !== "sqlite" && "SQLite syntax" }, async () => {
    await ctx.engine.execute(insert(items).values({ name: "taken" }));
    await ctx.engine.withConnection(async (conn) => {
      const tx = await conn.begin();
      await add(conn, "pending");
      await assert.rejects(conn.execute(sql`INSERT OR ROLLBACK INTO core_txf_items (name) VALUES ('taken')`), IntegrityError);
      assert.equal(tx.isFailed, true, "SQLite reports no transaction open any more");
      // Sent, this would run outside any transaction and be committed at once.
      await assert.rejects(add(conn, "after"), rolledBack);
      await assert.rejects(tx.commit(), rolledBack);
      await tx.rollback();
    });
    assert.deepEqual(await committed(), ["taken"]);
  });

  test("a deadlock fails the victim: on MariaDB its whole transaction (commit throws, its rows are not written), on PostgreSQL its savepoint", { skip: ctx.db.name === "sqlite" && "one in-memory connection" }, async () => {
    await ctx.engine.execute(insert(counters).values([{ id: 1, n: 0 }, { id: 2, n: 0 }]));
    const bump = (conn: Connection, id: number) => conn.execute(update(counters).set({ n: counters.c.n.plus(1) }).where(counters.c.id.eq(id)));
    const first = await ctx.engine.connect();
    const second = await ctx.engine.connect();
    try {
      const txs = [await first.begin(), await second.begin()] as const;
      await add(first, "by-first");
      await add(second, "by-second");
      await bump(first, 1);
      await bump(second, 2);
      const savepoints = [await first.beginNested(), await second.beginNested()] as const;
      // Opposite lock order: each waits for the other; the database picks a victim, and the
      // other goes on once the victim's locks are released (on PostgreSQL, when its transaction ends).
      const attempts = [bump(first, 2), bump(second, 1)];
      const victimIndex = await new Promise<number>((resolve) => attempts.forEach((attempt, i) => attempt.catch(() => resolve(i))));
      const reason = await attempts[victimIndex]!.catch((error: unknown) => error);
      assert.ok(reason instanceof DBAPIError && reason.retryable, `a retryable deadlock error, got ${reason}`);
      const victim = victimIndex === 0 ? first : second;
      const [victimTx, survivorTx] = victimIndex === 0 ? txs : [txs[1], txs[0]];
      const [victimSavepoint, survivorSavepoint] = victimIndex === 0 ? savepoints : [savepoints[1], savepoints[0]];
      assert.equal(victimSavepoint.isFailed, true);

      if (pg) {
        // PostgreSQL aborts only the savepoint: rolling it back recovers the transaction.
        assert.equal(victimTx.isFailed, false);
        await assert.rejects(victimTx.commit(), rolledBack);
        await victimSavepoint.rollback();
        await victimTx.commit();
      } else {
        // MariaDB rolled the victim's whole transaction back, savepoints included.
        assert.equal(victimTx.isFailed, true);
        await victimSavepoint.rollback();
        assert.equal(victimTx.isFailed, true, "rolling back the savepoint does not bring the transaction back");
        // Sent, this would run in autocommit mode: the server has no transaction open any more.
        await assert.rejects(add(victim, "after"), rolledBack);
        await assert.rejects(victimTx.commit(), (e: unknown) => rolledBack(e) && (e as TransactionRolledBackError).retryable);
        await victimTx.rollback();
      }
      await attempts[1 - victimIndex];
      await survivorSavepoint.commit();
      await survivorTx.commit();
      const survivorRow = victimIndex === 0 ? "by-second" : "by-first";
      assert.deepEqual(await committed(), pg ? ["by-first", "by-second"] : [survivorRow]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  test("MariaDB: a lock wait timeout rolls back only the statement (innodb_rollback_on_timeout is off by default)", { skip: ctx.db.name !== "mysql" && "MySQL/MariaDB setting" }, async () => {
    const [{ r: rollbackOnTimeout }] = (await ctx.engine.execute(sql<{ r: number }>`SELECT @@innodb_rollback_on_timeout AS r`)).rows;
    await ctx.engine.execute(insert(counters).values({ id: 1, n: 0 }));
    const holder = await ctx.engine.connect();
    const waiter = await ctx.engine.connect();
    try {
      const held = await holder.begin();
      await holder.execute(update(counters).set({ n: 1 }).where(counters.c.id.eq(1)));
      await waiter.execute(sql`SET SESSION innodb_lock_wait_timeout = 1`);
      const tx = await waiter.begin();
      await add(waiter, "before-timeout");
      await assert.rejects(waiter.execute(update(counters).set({ n: 2 }).where(counters.c.id.eq(1))), (e: unknown) => e instanceof DBAPIError && e.retryable);
      assert.equal(tx.isFailed, Number(rollbackOnTimeout) === 1);
      if (!tx.isFailed) await tx.commit();
      else await tx.rollback();
      await held.rollback();
    } finally {
      await holder.close();
      await waiter.close();
    }
    assert.deepEqual(await committed(), Number(rollbackOnTimeout) === 1 ? [] : ["before-timeout"]);
  });

  test("SQLite: a COMMIT that fails with the transaction still open (a deferred foreign key) leaves it to roll back", { skip: ctx.db.name !== "sqlite" && "SQLite keeps the transaction open" }, async () => {
    await ctx.engine.withConnection(async (conn) => {
      const tx = await conn.begin();
      await conn.execute(sql`PRAGMA defer_foreign_keys = ON`);
      await add(conn, "pending");
      await conn.execute(insert(tags).values({ itemId: 999 }));
      await assert.rejects(tx.commit(), IntegrityError);
      assert.equal(tx.isActive, true, "SQLite has not ended it");
      await tx.rollback();
      await conn.transaction(() => add(conn, "next"));
    });
    assert.deepEqual(await committed(), ["next"]);
  });
});
