/**
 * Transactions: begin/commit/rollback, the transaction(fn) helpers, savepoints, recovery after a
 * failed statement (PostgreSQL's "current transaction is aborted"), and isolation levels.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  IntegrityError,
  InvalidRequestError,
  MetaData,
  TransactionRolledBackError,
  func,
  insert,
  integer,
  select,
  sql,
  string,
  table,
  type Connection,
  type IsolationLevel,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const items = table("core_tx_items", metadata, {
  id: integer().primaryKey(),
  name: string(40).notNull().unique(),
});

forEachDatabase("transactions", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const add = (conn: Connection, name: string) => conn.execute(insert(items).values({ name }));
  /** The committed names, read on a fresh connection. */
  const committed = async () => (await ctx.engine.execute(select(items.c.name).orderBy(items.c.name))).rows.map((r) => r.name);
  const countOn = (conn: Connection) => conn.scalar(select(func.count().label("n")).from(items));

  test("begin() + rollback() discards; begin() + commit() keeps", async () => {
    const conn = await ctx.engine.connect();
    try {
      const tx = await conn.begin();
      assert.equal(conn.inTransaction, true);
      await add(conn, "discarded");
      assert.equal(await countOn(conn), 1, "visible inside the transaction");
      await tx.rollback();
      assert.equal(tx.isActive, false);
      assert.equal(conn.inTransaction, false);
      assert.equal(await countOn(conn), 0);

      const tx2 = await conn.begin();
      await add(conn, "kept");
      await tx2.commit();
      await assert.rejects(tx2.commit(), InvalidRequestError, "a transaction ends once");
    } finally {
      await conn.close();
    }
    assert.deepEqual(await committed(), ["kept"]);
  });

  test("closing a connection rolls back its open transaction", async () => {
    const conn = await ctx.engine.connect();
    await conn.begin();
    await add(conn, "abandoned");
    await conn.close();
    assert.deepEqual(await committed(), []);
  });

  test("transaction(fn) commits when fn resolves, rolls back and rethrows when it throws", async () => {
    const value = await ctx.engine.transaction(async (conn) => {
      await add(conn, "one");
      await add(conn, "two");
      return 42;
    });
    assert.equal(value, 42);
    assert.deepEqual(await committed(), ["one", "two"]);

    const failure = new Error("boom");
    await assert.rejects(
      ctx.engine.transaction(async (conn) => {
        await add(conn, "three");
        throw failure;
      }),
      (e) => e === failure,
    );
    assert.deepEqual(await committed(), ["one", "two"]);

    // The same on a connection, with a database error as the failure.
    await ctx.engine.withConnection(async (conn) => {
      await assert.rejects(
        conn.transaction(async () => {
          await add(conn, "four");
          await add(conn, "one");
        }),
        IntegrityError,
      );
      assert.equal(conn.inTransaction, false);
      assert.equal(await countOn(conn), 2, "the connection is usable and 'four' is gone");
    });
  });

  test("a savepoint rollback undoes only the inner work; the outer transaction commits", async () => {
    await ctx.engine.withConnection(async (conn) => {
      const outer = await conn.begin();
      await add(conn, "outer-1");
      const inner = await conn.beginNested();
      assert.equal(inner.isNested, true);
      await add(conn, "inner");
      await inner.rollback();
      await add(conn, "outer-2");
      const kept = await conn.beginNested();
      await add(conn, "inner-kept");
      await kept.commit();
      // transaction(fn) inside a transaction is a savepoint too.
      await assert.rejects(
        conn.transaction(async () => {
          await add(conn, "inner-failed");
          throw new Error("undo");
        }),
        /undo/,
      );
      await outer.commit();
    });
    assert.deepEqual(await committed(), ["inner-kept", "outer-1", "outer-2"]);
  });

  test("after a failed statement, rollback() leaves the connection usable", async () => {
    await ctx.engine.execute(insert(items).values({ name: "taken" }));
    await ctx.engine.withConnection(async (conn) => {
      const tx = await conn.begin();
      await add(conn, "pending");
      await assert.rejects(add(conn, "taken"), IntegrityError);
      if (ctx.db.name === "postgresql") {
        // PostgreSQL refuses everything until the transaction ends: refused here, before sending.
        await assert.rejects(countOn(conn), (e: Error) => e instanceof TransactionRolledBackError && e.cause instanceof IntegrityError);
      }
      await tx.rollback();
      assert.equal(await countOn(conn), 1);
      await add(conn, "after");
    });
    assert.deepEqual(await committed(), ["after", "taken"]);
  });

  test("a savepoint rolled back after a failed statement recovers the outer transaction", async () => {
    await ctx.engine.execute(insert(items).values({ name: "taken" }));
    await ctx.engine.withConnection(async (conn) => {
      const outer = await conn.begin();
      await add(conn, "before");
      const savepoint = await conn.beginNested();
      await assert.rejects(add(conn, "taken"), IntegrityError);
      await savepoint.rollback();
      await add(conn, "after");
      await outer.commit();
    });
    assert.deepEqual(await committed(), ["after", "before", "taken"]);
  });

  test("SQL text that would begin or end a transaction is refused inside one, before it is sent; the Transaction still says what the database did", async () => {
    const conn = await ctx.engine.connect();
    try {
      const tx = await conn.begin();
      await add(conn, "inside");
      for (const text of ["COMMIT", " commit work", "END", "ROLLBACK", "BEGIN", "SAVEPOINT s1", "RELEASE SAVEPOINT s1"]) {
        await assert.rejects(conn.run(text), (e: unknown) => e instanceof InvalidRequestError && /behind the back/.test(e.message), text);
      }
      await assert.rejects(conn.execute(sql`COMMIT`), InvalidRequestError);
      assert.equal(tx.isActive, true);
      await tx.rollback();
      // Outside a transaction the text is the application's own to run.
      await conn.run(ctx.db.name === "mysql" ? "START TRANSACTION" : "BEGIN");
      await conn.run("ROLLBACK");
    } finally {
      await conn.close();
    }
    assert.deepEqual(await committed(), [], "the insert was not committed by the refused COMMIT");
  });

  test("beginNested() outside a transaction is refused", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await assert.rejects(conn.beginNested(), InvalidRequestError);
    });
  });

  const levels: IsolationLevel[] = ["read uncommitted", "read committed", "repeatable read", "serializable"];

  test("every isolation level is accepted", async () => {
    for (const isolationLevel of levels) {
      await ctx.engine.transaction((conn) => add(conn, isolationLevel.replace(" ", "-")), { isolationLevel });
    }
    assert.equal((await committed()).length, 4);
    if (ctx.db.name === "postgresql") {
      for (const isolationLevel of levels) {
        const reported = await ctx.engine.transaction(
          async (conn) => (await conn.execute(sql`SHOW transaction_isolation`)).rows[0] as { transaction_isolation: string },
          { isolationLevel },
        );
        assert.equal(reported.transaction_isolation, isolationLevel);
      }
    }
  });

  test("read committed sees another connection's commit; repeatable read does not", { skip: ctx.db.name === "sqlite" && "one in-memory connection" }, async () => {
    const seen = async (isolationLevel: IsolationLevel) => {
      const reader = await ctx.engine.connect();
      const writer = await ctx.engine.connect();
      try {
        return await reader.transaction(
          async () => {
            const before = await countOn(reader);
            await add(writer, `by-writer-${isolationLevel.replace(" ", "-")}`);
            return [before, await countOn(reader)];
          },
          { isolationLevel },
        );
      } finally {
        await reader.close();
        await writer.close();
      }
    };
    assert.deepEqual(await seen("read committed"), [0, 1]);
    assert.deepEqual(await seen("repeatable read"), [1, 1]);
    assert.equal((await committed()).length, 2);
  });
});
