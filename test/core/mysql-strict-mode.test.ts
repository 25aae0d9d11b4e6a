/**
 * MariaDB/MySQL with a SQL mode that is not strict truncates a string too long for its column (and
 * clamps a number out of range) with only a warning: the write succeeded with another value than
 * the one given. The engine adds STRICT_TRANS_TABLES to each new connection's mode when it has no
 * strict mode, so that such a write fails. The server here is strict by default: the test makes it
 * lax for the moment a new engine connects (the global mode, put back at once). NO_AUTO_VALUE_ON_ZERO
 * is added too, so that a key of 0 is stored as 0 rather than as the next AUTO_INCREMENT number;
 * both are set again after the pool resets a connection (strict mode used to be lost there).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError, MetaData, insert, integer, select, sql, string, table } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const codes = table("core_strict_codes", metadata, {
  id: integer().primaryKey(),
  code: string(5),
  small: integer(),
});

forEachDatabase(
  "a MariaDB server whose SQL mode is not strict",
  (ctx) => {
    useSchema(ctx, metadata, { emptyBeforeEach: true });

    test("a new connection gets strict mode: a string too long or a number out of range fails, nothing is written", async () => {
      const globalMode = String((await ctx.engine.execute(sql<{ m: string }>`SELECT @@GLOBAL.sql_mode AS m`)).rows[0]!.m);
      const lax = engineFor(ctx.db, { pool: { max: 1 } });
      try {
        await ctx.engine.execute(sql`SET GLOBAL sql_mode = ''`);
        let conn;
        try {
          conn = await lax.connect();
        } finally {
          await ctx.engine.execute(sql`SET GLOBAL sql_mode = ${globalMode}`);
        }
        try {
          assert.match(String(await conn.scalar(sql<{ m: string }>`SELECT @@SESSION.sql_mode AS m`)), /STRICT_TRANS_TABLES/);
          // Raw SQL: insert(codes) refuses such values itself (InvalidColumnValueError) before sending them.
          await assert.rejects(conn.execute(sql`INSERT INTO core_strict_codes (id, code) VALUES (1, ${"too long"})`), DataError);
          await assert.rejects(conn.execute(sql`INSERT INTO core_strict_codes (id, code, small) VALUES (2, 'ok', ${2 ** 40})`), DataError);
          // A session's own lax mode is its own business: the engine only sets up new connections.
          await conn.run("SET SESSION sql_mode = ''");
          await conn.execute(sql`INSERT INTO core_strict_codes (id, code) VALUES (3, ${"truncated"})`);
        } finally {
          await conn.close();
        }
      } finally {
        await lax.dispose();
      }
      assert.deepEqual((await ctx.engine.execute(select(codes.c.id, codes.c.code))).rows, [{ id: 3, code: "trunc" }]);
    });

    test("a connection reset on a lax server gets strict mode and NO_AUTO_VALUE_ON_ZERO back (a key of 0 stays 0)", async () => {
      const globalMode = String((await ctx.engine.execute(sql<{ m: string }>`SELECT @@GLOBAL.sql_mode AS m`)).rows[0]!.m);
      const lax = engineFor(ctx.db, { pool: { max: 1 } });
      try {
        await ctx.engine.execute(sql`SET GLOBAL sql_mode = ''`);
        let mode: string;
        try {
          // Changing the mode by SQL text makes the pool reset the session (COM_RESET_CONNECTION:
          // the server's lax mode) before the next use; the engine's setup runs again after it.
          await lax.withConnection((conn) => conn.run("SET SESSION sql_mode = ''"));
          mode = await lax.withConnection(async (conn) => String(await conn.scalar(sql<{ m: string }>`SELECT @@SESSION.sql_mode AS m`)));
        } finally {
          await ctx.engine.execute(sql`SET GLOBAL sql_mode = ${globalMode}`);
        }
        assert.match(mode, /STRICT_TRANS_TABLES/);
        assert.match(mode, /NO_AUTO_VALUE_ON_ZERO/);
        await lax.execute(insert(codes).values({ id: 0, code: "zero" }));
      } finally {
        await lax.dispose();
      }
      assert.deepEqual((await ctx.engine.execute(select(codes.c.id, codes.c.code))).rows, [{ id: 0, code: "zero" }]);
    });
  },
  ["mysql"],
);
