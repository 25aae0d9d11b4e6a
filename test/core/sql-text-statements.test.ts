/**
 * What the engine decides from SQL text (a statement that would end the open transaction behind
 * its back is refused; one that changes the session has the connection reset before the pool
 * hands it on) reads every statement of the text, past its comments. It read only the text's
 * first characters: a comment in front (`/* app:checkout *\/ COMMIT`, `-- note`), MySQL's
 * executable comments (mysqldump's `/*!40101 SET SQL_MODE='' *\/`) or a second statement
 * (PostgreSQL runs text without parameters as a script) hid it. A COMMIT so hidden ran, and the
 * transaction's rollback() then resolved with the rows committed; a hidden SET, a `SELECT ...
 * INTO TEMP` table or a MySQL user variable went on to the next user of the connection (a lax
 * sql_mode, another time_zone, a search_path, a 1 ms statement_timeout, a secret).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, MetaData, createEngine, insert, integer, select, sql, table, type Engine } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const metadata = new MetaData();
const items = table("core_sql_text_items", metadata, {
  id: integer().primaryKey(),
});

forEachDatabaseWithSchema("SQL text read statement by statement", metadata, (ctx) => {
  const count = async () => Number((await ctx.engine.execute(sql`SELECT count(*) AS n FROM core_sql_text_items`)).one().n);

  const hiddenCommits = ["/* app:checkout */ COMMIT", "-- a note\nCOMMIT", "SELECT 1; COMMIT", ...(ctx.db.name === "mysql" ? ["# a note\nCOMMIT", "/*!40101 COMMIT */"] : [])];
  for (const text of hiddenCommits) {
    test(`${JSON.stringify(text)} in a transaction is refused, and the rollback undoes its rows`, async () => {
      await ctx.engine.execute(sql`DELETE FROM core_sql_text_items`);
      const conn = await ctx.engine.connect();
      try {
        const tx = await conn.begin();
        await conn.execute(insert(items).values({ id: 1 }));
        // MySQL/MariaDB and SQLite refuse text of several statements themselves, unrun.
        await assert.rejects(conn.run(text), ctx.db.name === "postgresql" || !text.includes(";") ? InvalidRequestError : Error);
        await conn.execute(insert(items).values({ id: 2 }));
        await tx.rollback();
      } finally {
        await conn.close();
      }
      assert.equal(await count(), 0, "rollback() resolved: no row may be left committed");
    });
  }

  test("SQL text streamed in a transaction is checked as execute() checks it: a COMMIT is refused (MariaDB ran it)", async () => {
    await ctx.engine.execute(sql`DELETE FROM core_sql_text_items`);
    const conn = await ctx.engine.connect();
    try {
      const tx = await conn.begin();
      await conn.execute(insert(items).values({ id: 1 }));
      await assert.rejects(async () => {
        for await (const row of conn.stream(sql`COMMIT`)) void row;
      }, InvalidRequestError);
      await tx.rollback();
    } finally {
      await conn.close();
    }
    assert.equal(await count(), 0, "rollback() resolved: no row may be left committed");
  });

  /** Runs `text` on the pool's one connection (streamed, or run), gives it back, and reads `probe` on it again. */
  async function nextUserSees(text: string, probe: string, streamed = false): Promise<[unknown, unknown]> {
    const engine: Engine = createEngine(ctx.db.url, { pool: { max: 1 } });
    try {
      const before = (await engine.execute(sql.raw(probe))).one();
      if (!streamed) await engine.withConnection((conn) => conn.run(text));
      else {
        // SQLite refuses to stream a PRAGMA, but only once it took effect (some act as they are prepared).
        await engine.withConnection(async (conn) => {
          for await (const row of conn.stream(sql.raw(text))) void row;
        }).catch(() => undefined);
      }
      return [before, (await engine.execute(sql.raw(probe))).one()];
    } finally {
      await engine.dispose();
    }
  }

  const leaks: Record<string, [text: string, probe: string][]> = {
    sqlite: [
      ["/* tag */ PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys"],
      // The in-memory database's one connection is kept (it holds the data): its session is put back as it was.
      ["PRAGMA ignore_check_constraints = ON", "PRAGMA ignore_check_constraints"],
      ["PRAGMA recursive_triggers = ON", "PRAGMA recursive_triggers"],
      ["CREATE TEMP TABLE core_sql_text_left (a INT)", "SELECT count(*) AS n FROM sqlite_temp_master"],
    ],
    postgresql: [
      ["/* tag */ SET search_path TO pg_catalog", "SHOW search_path"],
      ["-- a note\nSET statement_timeout = 1", "SHOW statement_timeout"],
      ["SELECT 1; SET search_path TO pg_catalog", "SHOW search_path"],
      ["SELECT 1 AS x INTO TEMP TABLE core_sql_text_left", "SELECT count(*) AS n FROM pg_class WHERE relname = 'core_sql_text_left'"],
    ],
    mysql: [
      ["/*!40101 SET SQL_MODE = '' */", "SELECT @@session.sql_mode AS m"],
      ["# a note\nSET time_zone = '+05:00'", "SELECT @@session.time_zone AS tz"],
      ["/* tag */ SET time_zone = '+05:00'", "SELECT @@session.time_zone AS tz"],
      ["SELECT @secret := 'pw'", "SELECT @secret AS s"],
      ["SELECT 'pw' INTO @secret", "SELECT @secret AS s"],
      // mysql2 took latin1 for the connection's (the server says so) and kept it after the reset, which
      // put the server back to utf8mb4: every later user's text went as latin1 ('é😀' read back as '�=').
      ["SET NAMES latin1", "SELECT 'é😀' AS v, @@character_set_client AS c"],
      // COM_RESET_CONNECTION keeps the current database: the next user's tables were another database's.
      ["USE mysql", "SELECT DATABASE() AS d"],
    ],
  };
  for (const [text, probe] of leaks[ctx.db.name] ?? []) {
    test(`${JSON.stringify(text)}: the next user of the connection gets it as it was`, async () => {
      const [before, after] = await nextUserSees(text, probe);
      assert.deepEqual(after, before);
    });
  }

  if (ctx.db.name === "mysql") {
    test("an engine URL naming no database: a USE does not go on to the next user of the connection (the reset keeps the current database)", async () => {
      const url = new URL(ctx.db.url);
      const database = decodeURIComponent(url.pathname.slice(1));
      url.pathname = "/";
      const engine = createEngine(url.toString(), { pool: { max: 1 } });
      try {
        await engine.withConnection((conn) => conn.run(`USE \`${database}\``));
        const after = (await engine.execute(sql`SELECT DATABASE() AS d`)).one();
        assert.deepEqual(after, { d: null }, "the next user's unqualified tables would be another database's");
        // The pool goes on serving: the connection was discarded, not broken for the next user.
        assert.deepEqual((await engine.execute(sql`SELECT 1 AS one`)).one(), { one: 1 });
      } finally {
        await engine.dispose();
      }
    });
  }

  const streamedLeaks: Record<string, [text: string, probe: string]> = {
    sqlite: ["PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys"],
    mysql: ["SET time_zone = '+05:00'", "SELECT @@session.time_zone AS tz"],
  };
  const streamed = streamedLeaks[ctx.db.name];
  if (streamed !== undefined) {
    test(`${JSON.stringify(streamed[0])} streamed: the next user of the connection gets it as it was`, async () => {
      const [before, after] = await nextUserSees(streamed[0], streamed[1], true);
      assert.deepEqual(after, before);
    });
  }

  if (ctx.db.name === "postgresql") {
    test("text of several statements reads as its last one's result (it failed after all had run)", async () => {
      const result = await ctx.engine.execute(sql`SELECT 1 AS a; SELECT 2 AS b`);
      assert.deepEqual(result.rows, [{ b: 2 }]);
    });
  }

  test("a body of statements (a PostgreSQL BEGIN ATOMIC function, a MariaDB trigger) is one statement: its END is not refused", async () => {
    const [create, drop] =
      ctx.db.name === "postgresql"
        ? ["CREATE FUNCTION core_sql_text_f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END", "DROP FUNCTION core_sql_text_f"]
        : ctx.db.name === "mysql"
          ? ["CREATE TRIGGER core_sql_text_t BEFORE INSERT ON core_sql_text_items FOR EACH ROW BEGIN SET NEW.id = NEW.id + 1000; END", "DROP TRIGGER core_sql_text_t"]
          : ["CREATE TRIGGER core_sql_text_t AFTER INSERT ON core_sql_text_items BEGIN SELECT 1; END", "DROP TRIGGER core_sql_text_t"];
    await ctx.engine.withConnection(async (conn) => {
      const tx = await conn.begin();
      await conn.run(create);
      await tx.rollback().catch(() => undefined); // MariaDB committed it (DDL): rollback() says so
    });
    if (ctx.db.name === "mysql") await ctx.engine.execute(sql.raw(drop)); // elsewhere rolled back with the transaction
  });

  test("quotes and comments that only look like statements change nothing", async () => {
    const text = ctx.db.name === "mysql" ? "SELECT '; COMMIT', \"-- x\", `a;b` FROM (SELECT 1 AS `a;b`) s" : `SELECT '; COMMIT', 1 AS "a;b" /* ; COMMIT */`;
    await ctx.engine.transaction(async (conn) => {
      await conn.run(text); // not refused: no COMMIT is run
      await conn.execute(insert(items).values({ id: 10 }));
    });
    assert.equal((await ctx.engine.execute(select(items.c.id).where(items.c.id.eq(10)))).rows.length, 1);
  });
});
