/**
 * MySQL/MariaDB commit the open transaction before DDL, LOCK TABLES, TRUNCATE and a few other
 * statements (even one that then fails, unless it could not be parsed), and each statement after
 * it commits as it runs. A Core transaction that ran such SQL text used to resolve its
 * `rollback()` as though it had undone its work, all of it committed. It now refuses: the error
 * says nothing was rolled back. (A session's transaction refuses the statement itself.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ImplicitlyCommittedError, InvalidRequestError, MetaData, TransactionRolledBackError, insert, integer, sql, table } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const items = table("core_implicit_items", metadata, { id: integer().primaryKey() });

forEachDatabase(
  "statements that commit a MySQL/MariaDB transaction implicitly",
  (ctx) => {
    useSchema(ctx, metadata, { emptyBeforeEach: true });
    const count = async () => Number((await ctx.engine.execute(sql`SELECT count(*) AS n FROM core_implicit_items`)).one().n);

    const committing = [
      ["CREATE TABLE core_implicit_made (a INT)", "DROP TABLE IF EXISTS core_implicit_made"],
      ["TRUNCATE TABLE core_implicit_missing", undefined], // fails (no such table), after the commit
      ["/* tag */ LOCK TABLES core_implicit_items WRITE", "UNLOCK TABLES"],
    ] as const;
    for (const [text, undo] of committing) {
      test(`${JSON.stringify(text)}: rollback() says nothing was rolled back, rather than resolve`, async () => {
        const conn = await ctx.engine.connect();
        try {
          const tx = await conn.begin();
          await conn.execute(insert(items).values({ id: 1 }));
          await conn.run(text).catch(() => undefined);
          if (undo !== undefined) await conn.run(undo);
          await assert.rejects(tx.rollback(), (e: unknown) => e instanceof InvalidRequestError && /Nothing was rolled back/.test(e.message));
          assert.equal(tx.isActive, false);
        } finally {
          await conn.close();
        }
        assert.equal(await count(), 1, "the row is committed, as the error says");
      });
    }

    test("UNLOCK TABLES without LOCK TABLES commits nothing: rollback() undoes the transaction", async () => {
      const conn = await ctx.engine.connect();
      try {
        const tx = await conn.begin();
        await conn.execute(insert(items).values({ id: 1 }));
        await conn.run("UNLOCK TABLES");
        await tx.rollback();
      } finally {
        await conn.close();
      }
      assert.equal(await count(), 0);
    });

    test("one that fails as the transaction's first write committed nothing: transaction(fn) rethrows its error, and rolls back", async () => {
      // createAll without checkFirst on a table that exists: the CREATE TABLE fails, nothing before it.
      await ctx.engine.execute(sql`CREATE TABLE IF NOT EXISTS core_implicit_made (a INT)`);
      try {
        const failed = await ctx.engine
          .transaction(async (conn) => {
            await conn.run("CREATE TABLE core_implicit_made (a INT)");
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        assert.ok(!(failed instanceof ImplicitlyCommittedError), `the CREATE TABLE's own error, not ${(failed as Error).name}`);
        assert.match((failed as Error).message, /already exists/);
      } finally {
        await ctx.engine.execute(sql`DROP TABLE IF EXISTS core_implicit_made`);
      }
    });

    test("one the server could not parse commits nothing: rollback() undoes the transaction", async () => {
      const conn = await ctx.engine.connect();
      try {
        const tx = await conn.begin();
        await conn.execute(insert(items).values({ id: 1 }));
        await assert.rejects(conn.run("CREATE TABLE core_implicit_bad (a INT"));
        await tx.rollback();
      } finally {
        await conn.close();
      }
      assert.equal(await count(), 0);
    });

    // The rollback's refusal used to be swallowed: the caller saw only fn's error, and believed
    // nothing was written while the row was committed.
    test("engine.transaction(fn): fn throws after one ran; the error says nothing was rolled back, with fn's error as its cause", async () => {
      const boom = new Error("boom");
      try {
        await assert.rejects(
          ctx.engine.transaction(async (conn) => {
            await conn.execute(insert(items).values({ id: 1 }));
            await conn.run("CREATE TABLE core_implicit_made (a INT)");
            throw boom;
          }),
          (e: unknown) => e instanceof ImplicitlyCommittedError && e.cause === boom && /Nothing was rolled back/.test(e.message) && /boom/.test(e.message) && /CREATE TABLE core_implicit_made/.test(e.statement),
        );
      } finally {
        await ctx.engine.execute(sql`DROP TABLE IF EXISTS core_implicit_made`);
      }
      assert.equal(await count(), 1, "the row is committed, as the error says");
    });

    test("conn.transaction(fn) whose commit is refused after one ran (the connection lost): the error says what is committed", async () => {
      await ctx.engine.execute(insert(items).values({ id: 2 }));
      const conn = await ctx.engine.connect();
      try {
        await assert.rejects(
          conn.transaction(async (c) => {
            await c.execute(insert(items).values({ id: 1 }));
            await c.run("/* tag */ LOCK TABLES core_implicit_items WRITE");
            await c.run("UNLOCK TABLES");
            // The connection lost (closed here): the transaction is failed, and its commit refused.
            c.invalidate("test");
          }),
          (e: unknown) => e instanceof ImplicitlyCommittedError && e.cause instanceof TransactionRolledBackError && !/Nothing in it was committed/.test(e.message),
        );
      } finally {
        await conn.close();
      }
      assert.equal(await count(), 2, "the row is committed, as the error says");
    });

    // Connection.close() dropped its rollback's refusal: the caller saw "boom" alone, and believed nothing was written.
    test("engine.withConnection(fn): fn begins, writes, runs one and throws; the error says nothing was rolled back, with fn's error as its cause", async () => {
      const boom = new Error("boom");
      try {
        await assert.rejects(
          ctx.engine.withConnection(async (c) => {
            await c.begin();
            await c.run("INSERT INTO core_implicit_items (id) VALUES (1)");
            await c.run("CREATE TABLE core_implicit_made (a INT)");
            throw boom;
          }),
          (e: unknown) =>
            e instanceof ImplicitlyCommittedError && e.cause === boom && /Nothing was rolled back/.test(e.message) && /closing the connection .*boom/.test(e.message) && /CREATE TABLE core_implicit_made/.test(e.statement),
        );
      } finally {
        await ctx.engine.execute(sql`DROP TABLE IF EXISTS core_implicit_made`);
      }
      assert.equal(await count(), 1, "the row is committed, as the error says");
    });

    test("engine.withConnection(fn) that resolves with such a transaction left open, and conn.close(): ImplicitlyCommittedError, the connection returned", async () => {
      try {
        await assert.rejects(
          ctx.engine.withConnection(async (c) => {
            await c.begin();
            await c.run("INSERT INTO core_implicit_items (id) VALUES (1)");
            await c.run("CREATE TABLE core_implicit_made (a INT)");
            return "done";
          }),
          (e: unknown) => e instanceof ImplicitlyCommittedError && e.cause === undefined && /Nothing was rolled back/.test(e.message),
        );
        const conn = await ctx.engine.connect();
        await conn.begin();
        await conn.execute(insert(items).values({ id: 2 }));
        await conn.run("DROP TABLE core_implicit_made");
        await assert.rejects(conn.close(), ImplicitlyCommittedError);
        assert.equal(conn.closed, true, "returned to the pool all the same");
      } finally {
        await ctx.engine.execute(sql`DROP TABLE IF EXISTS core_implicit_made`);
      }
      assert.equal(await count(), 2, "both rows are committed, as the errors say");
    });

    test("engine.withConnection(fn) whose transaction left open committed nothing: fn's error alone, rolled back", async () => {
      const boom = new Error("boom");
      await assert.rejects(
        ctx.engine.withConnection(async (c) => {
          await c.begin();
          await c.run("INSERT INTO core_implicit_items (id) VALUES (1)");
          await c.run("UNLOCK TABLES"); // commits nothing without LOCK TABLES
          throw boom;
        }),
        (e: unknown) => e === boom,
      );
      assert.equal(await count(), 0);
    });

    test("a transaction that ran one commits as before", async () => {
      await ctx.engine.transaction(async (conn) => {
        await conn.execute(insert(items).values({ id: 1 }));
        await conn.run("CREATE TABLE core_implicit_made (a INT)");
      });
      await ctx.engine.execute(sql`DROP TABLE core_implicit_made`);
      assert.equal(await count(), 1);
    });
  },
  ["mysql"],
);
