/**
 * MySQL/MariaDB commit the open transaction before DDL, LOCK TABLES, TRUNCATE and a few other
 * statements (even one that then fails, unless it could not be parsed), and each statement after
 * it commits as it runs. A Core transaction that ran such SQL text used to resolve its
 * `rollback()` as though it had undone its work, all of it committed. It now refuses: the error
 * says nothing was rolled back. (A session's transaction refuses the statement itself.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, MetaData, insert, integer, sql, table } from "../../src/index.js";
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
