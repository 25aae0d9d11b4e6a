/**
 * A connection given back to the pool inside a transaction the engine did not begin (SQL text:
 * `BEGIN`, `START TRANSACTION`, MariaDB's `SET autocommit = 0`) must not be handed on with it. It
 * used to be: the next user's statement "in autocommit" resolved inside that transaction, not
 * committed, and the next user's transaction committed the first user's abandoned writes with
 * its own. The pool now rolls such a transaction back (SQLite) or discards the connection. So
 * is a connection closed while a MariaDB stream holds it: handed on mid-result, the next user's
 * statements waited behind the rest of the rows, for ever.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, ResourceClosedError, createEngine, insert, integer, select, sql, string, table, type Engine } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const metadata = new MetaData();
const items = table("core_pool_reset_items", metadata, {
  id: integer().primaryKey(),
  name: string(40).notNull(),
});

forEachDatabaseWithSchema("a connection returned inside a transaction", metadata, (ctx) => {
  /** What another connection sees: the committed rows. */
  const committed = async () => (await ctx.engine.execute(select(items.c.name).orderBy(items.c.id))).rows.map((r) => r.name);

  async function abandonAndReuse(engine: Engine, opening: string): Promise<void> {
    const first = await engine.connect();
    await first.execute(sql.raw(opening));
    await first.execute(insert(items).values({ id: 1, name: "abandoned" }));
    await first.close(); // never committed: its writes must go
    await engine.execute(insert(items).values({ id: 2, name: "autocommit" }));
    assert.deepEqual(await committed(), ["autocommit"], "the next user's statement committed on its own");
    await engine.transaction((conn) => conn.execute(insert(items).values({ id: 3, name: "transaction" })));
    assert.deepEqual(await committed(), ["autocommit", "transaction"], "the abandoned row was not committed with the next transaction");
  }

  test("a connection closed in the middle of a stream is not handed on mid-result: the next user's statements run", async () => {
    await ctx.engine.execute(insert(items).values(Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `row ${i}` }))));
    const engine = createEngine(ctx.db.url, { pool: { max: 1 } });
    try {
      for (const inTransaction of [false, true]) {
        const conn = await engine.connect();
        if (inTransaction) await conn.begin();
        const rows = conn.stream(select(items), { yieldPer: 2 })[Symbol.asyncIterator]();
        await rows.next(); // MariaDB: the rest of the result is still on its way, the connection busy with it
        await conn.close();
        let timer: NodeJS.Timeout | undefined;
        const next = engine.execute(insert(items).values({ id: inTransaction ? 100 : 101, name: "next" })).then(() => "ran");
        const outcome = await Promise.race([next, new Promise((resolve) => (timer = setTimeout(() => resolve("still waiting"), 3000)))]);
        clearTimeout(timer);
        assert.equal(outcome, "ran", "the next user's statement waited behind the abandoned stream");
        await rows.next(); // the second row of the batch already read
        await assert.rejects(rows.next(), ResourceClosedError, "the abandoned loop learns its connection is closed, rather than ending early");
      }
      assert.equal((await committed()).filter((name) => name === "next").length, 2);
    } finally {
      await engine.dispose();
    }
  });

  const openings = ctx.db.name === "mysql" ? ["START TRANSACTION", "BEGIN", "SET autocommit = 0"] : ["BEGIN"];
  for (const opening of openings) {
    test(`${opening} in SQL text, then close(): the next user of the connection does not inherit the transaction`, async () => {
      // One connection: the next user gets the same one back, unless the pool discarded it.
      const engine = createEngine(ctx.db.url, { pool: { max: 1 } });
      try {
        await abandonAndReuse(engine, opening);
        await ctx.engine.execute(sql`DELETE FROM core_pool_reset_items`);
        await abandonAndReuse(engine, opening); // once more: the connection after the first reset is sound
      } finally {
        await engine.dispose();
      }
    });
  }

  test("a temporary table of the same name, left by SQL text: the next user's writes reach the real table, not the temporary one", async () => {
    const engine = createEngine(ctx.db.url, { pool: { max: 1 } });
    try {
      const first = await engine.connect();
      // Every database looks for an unqualified name among the session's temporary tables first.
      await first.run(`CREATE TEMPORARY TABLE core_pool_reset_items (id INTEGER PRIMARY KEY, name VARCHAR(40))`);
      await first.close();
      await engine.execute(insert(items).values({ id: 1, name: "next user" }));
      assert.deepEqual(await committed(), ["next user"], "the row went to a temporary table, gone with the session");
    } finally {
      await engine.dispose();
    }
  });

  test("a setting changed by SQL text does not reach the next user of the connection", async () => {
    const engine = createEngine(ctx.db.url, { pool: { max: 1 } });
    const [change, read, original] =
      ctx.db.name === "postgresql"
        ? ["SET statement_timeout = 1234", "SHOW statement_timeout", "0"]
        : ctx.db.name === "mysql"
          ? ["SET SESSION sql_mode = ''", "SELECT @@SESSION.sql_mode AS m", undefined]
          : ["PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys", "1"];
    const current = async () => String(Object.values((await engine.withConnection((conn) => conn.run(read))).rows[0] as object)[0]);
    try {
      const before = original ?? (await current());
      await engine.withConnection((conn) => conn.run(change));
      assert.equal(await current(), before);
      if (ctx.db.name === "mysql") assert.match(before, /STRICT_TRANS_TABLES/);
    } finally {
      await engine.dispose();
    }
    if (ctx.db.name !== "sqlite") return;
    // An in-memory database's one connection is kept (it holds the data): foreign keys come back on.
    const memory = createEngine("sqlite://:memory:");
    try {
      await memory.withConnection((conn) => conn.run("PRAGMA foreign_keys = OFF"));
      assert.equal((await memory.withConnection((conn) => conn.run("PRAGMA foreign_keys"))).rows[0]!.foreign_keys, 1);
    } finally {
      await memory.dispose();
    }
  });

  test("a setting changed inside a procedure (CALL) or a DO block does not reach the next user of the connection", { skip: ctx.db.name === "sqlite" ? "SQLite has no procedures" : false }, async () => {
    const engine = createEngine(ctx.db.url, { pool: { max: 1 } });
    const [create, call, read, drop] =
      ctx.db.name === "postgresql"
        ? [
            "CREATE OR REPLACE PROCEDURE core_pool_reset_lax() LANGUAGE plpgsql AS $$ BEGIN PERFORM set_config('statement_timeout', '1234', false); END $$",
            "CALL core_pool_reset_lax()",
            "SHOW statement_timeout",
            "DROP PROCEDURE IF EXISTS core_pool_reset_lax",
          ]
        : // MariaDB restores sql_mode after a routine, not the time zone (TIMESTAMP values would read shifted).
          ["CREATE PROCEDURE core_pool_reset_lax() SET SESSION time_zone = '+05:00'", "CALL core_pool_reset_lax()", "SELECT @@SESSION.time_zone AS z", "DROP PROCEDURE IF EXISTS core_pool_reset_lax"];
    const current = async () => String(Object.values((await engine.withConnection((conn) => conn.run(read))).rows[0] as object)[0]);
    try {
      await engine.withConnection((conn) => conn.run(drop));
      await engine.withConnection((conn) => conn.run(create));
      const before = await current();
      await engine.withConnection((conn) => conn.run(call));
      assert.equal(await current(), before, "the procedure's setting reached the next user");
      if (ctx.db.name === "postgresql") {
        await engine.withConnection((conn) => conn.run("DO $$ BEGIN EXECUTE 'SET statement_timeout = 999'; END $$"));
        assert.equal(await current(), before, "the DO block's setting reached the next user");
      }
    } finally {
      await engine.withConnection((conn) => conn.run(drop));
      await engine.dispose();
    }
  });

  test("PostgreSQL: RESET, DISCARD ALL or DEALLOCATE in SQL text: the next user has the engine's settings, and named statements are prepared again", { skip: ctx.db.name !== "postgresql" && "PostgreSQL's statements" }, async () => {
    // DISCARD ALL and DEALLOCATE dropped the statements pg had prepared under names: each later
    // run of one failed ("prepared statement ... does not exist"), on that connection for good.
    // RESET undid the engine's own settings (connectStatements; TimeZone UTC) for the next user.
    const engine = createEngine(ctx.db.url, { pool: { max: 1, connectStatements: ["SET statement_timeout = 4321"] } });
    const named = sql<{ n: number }>`SELECT ${1}::int + 1 AS n`; // a parameter: prepared under a name
    const timeout = async () => String((await engine.withConnection((conn) => conn.run("SHOW statement_timeout"))).rows[0]!.statement_timeout);
    try {
      for (const text of ["DISCARD ALL", "DEALLOCATE ALL", "RESET statement_timeout", "RESET ALL"]) {
        assert.equal((await engine.execute(named)).rows[0]!.n, 2); // prepared on the one connection
        await engine.withConnection(async (conn) => {
          await conn.run(text);
          assert.equal((await conn.execute(named)).rows[0]!.n, 2, `${text}: the same checkout`);
        });
        assert.equal((await engine.execute(named)).rows[0]!.n, 2, `${text}: the next checkout`);
        assert.equal(await timeout(), "4321ms", `${text}: the next user's settings`);
      }
    } finally {
      await engine.dispose();
    }
  });

  test("pool.connectStatements: each connection's settings, put back after SQL text changed them; a failing one fails connect()", async () => {
    const [setting, change, read, wanted] =
      ctx.db.name === "postgresql"
        ? ["SET statement_timeout = 4321", "SET statement_timeout = 1", "SHOW statement_timeout", "4321ms"]
        : ctx.db.name === "mysql"
          ? ["SET SESSION innodb_lock_wait_timeout = 7", "SET SESSION innodb_lock_wait_timeout = 1", "SELECT @@SESSION.innodb_lock_wait_timeout AS t", "7"]
          : ["PRAGMA cache_size = -4321", "PRAGMA cache_size = -1", "PRAGMA cache_size", "-4321"];
    const engine = createEngine(ctx.db.url, { pool: { max: 1, connectStatements: [setting] } });
    const current = async () => String(Object.values((await engine.withConnection((conn) => conn.run(read))).rows[0] as object)[0]);
    try {
      assert.equal(await current(), wanted);
      await engine.withConnection((conn) => conn.run(change));
      assert.equal(await current(), wanted);
    } finally {
      await engine.dispose();
    }
    const broken = createEngine(ctx.db.url, { pool: { max: 1, connectStatements: ["SET no_such_setting_athanor = 1"] } });
    try {
      await assert.rejects(broken.connect(), (e: unknown) => e instanceof Error && /no_such_setting_athanor|syntax|unknown/i.test(e.message));
    } finally {
      await broken.dispose();
    }
  });
}, { createOnce: true, sqliteFile: true });
