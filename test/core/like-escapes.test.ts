/**
 * A LIKE pattern's `%`, `_` and backslash mean the same on every database. PostgreSQL and MariaDB
 * take a backslash as LIKE's escape by default, SQLite as a plain character: `like("a\\%")`
 * matched 'a%' on the first two and 'a\xyz' on SQLite. And on MariaDB under NO_BACKSLASH_ESCAPES
 * (a server setting) `startsWith`, `endsWith`, `contains` failed ("Incorrect arguments to
 * ESCAPE": the literal '\\' is two characters there). Every LIKE now says `ESCAPE` (backslash
 * unless `{ escape }` names another), spelled so that every sql_mode reads it alike.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, MetaData, escapeLike, integer, select, string, table, type Connection, type Expression } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const words = table("core_likeesc_words", metadata, {
  id: integer().primaryKey(),
  w: string(20).notNull(),
});
const c = words.c;
const seed = [
  { id: 1, w: "a%b" },
  { id: 2, w: "a_b" },
  { id: 3, w: "a\\b" },
  { id: 4, w: "axb" },
  { id: 5, w: "a\\%b" },
  { id: 6, w: "A%B" },
];

/** Each pattern and the rows it matches: the same on every database and in every sql_mode. */
const cases: readonly (readonly [string, Expression<boolean>, readonly number[]])[] = [
  ["like a\\%b", c.w.like("a\\%b"), [1]],
  ["like a\\_b", c.w.like("a\\_b"), [2]],
  ["like a\\\\b", c.w.like("a\\\\b"), [3]],
  ["like a\\\\%", c.w.like("a\\\\%"), [3, 5]],
  ["like a_b", c.w.like("a_b"), [1, 2, 3, 4]],
  ["like a%b", c.w.like("a%b"), [1, 2, 3, 4, 5]],
  ["notLike a\\%b", c.w.notLike("a\\%b"), [2, 3, 4, 5, 6]],
  ["like a!%b escape !", c.w.like("a!%b", { escape: "!" }), [1]],
  ["ilike a\\%b", c.w.ilike("a\\%b"), [1, 6]],
  ["notIlike a\\%b", c.w.notIlike("a\\%b"), [2, 3, 4, 5]],
  ["like escapeLike(a\\%)%", c.w.like(`${escapeLike("a\\%")}%`), [5]],
  ["contains \\", c.w.contains("\\"), [3, 5]],
  ["contains %", c.w.contains("%"), [1, 5, 6]],
  ["startsWith a_", c.w.startsWith("a_"), [2]],
  ["endsWith \\%b", c.w.endsWith("\\%b"), [5]],
];

forEachDatabase("LIKE escapes", (ctx) => {
  useSchema(ctx, metadata, { seed: [[words, seed]] });
  const ids = async (conn: Connection, where: Expression<boolean>) =>
    (await conn.execute(select(c.id).where(where).orderBy(c.id))).rows.map((r) => r.id);

  test("%, _ and backslash in a pattern match the same rows on every database", async () => {
    await ctx.engine.withConnection(async (conn) => {
      for (const [name, where, expected] of cases) assert.deepEqual(await ids(conn, where), expected, name);
    });
  });

  test("MariaDB under NO_BACKSLASH_ESCAPES: the same rows", { skip: ctx.db.name === "mysql" ? false : "a MariaDB sql_mode" }, async () => {
    // Its own engine: a statement prepared in the default mode keeps that mode's reading.
    const engine = engineFor(ctx.db, { pool: { connectStatements: ["SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')"] } });
    try {
      await engine.withConnection(async (conn) => {
        assert.match(String((await conn.run("SELECT @@SESSION.sql_mode AS m")).rows[0]!["m"]), /NO_BACKSLASH_ESCAPES/);
        for (const [name, where, expected] of cases) assert.deepEqual(await ids(conn, where), expected, name);
      });
    } finally {
      await engine.dispose();
    }
  });

  test("a pattern ending in its lone escape character is ArgumentError (PostgreSQL refused it, MariaDB and SQLite read it apart)", () => {
    assert.throws(() => c.w.like("a\\"), (e: unknown) => e instanceof ArgumentError && /ends with its escape character/.test((e as Error).message));
    assert.throws(() => c.w.like("a!", { escape: "!" }), ArgumentError);
    assert.throws(() => c.w.ilike("aE%", { escape: "E" }), (e: unknown) => e instanceof ArgumentError && /cannot be the escape/.test((e as Error).message));
    c.w.like("a\\\\"); // an escaped backslash is fine
  });

  test("an escape character outside ASCII is ArgumentError: MariaDB ignored it under a binary collation, and matched other rows", async () => {
    // MariaDB (utf8mb4_bin): 'a%b' LIKE 'a😀%b' ESCAPE '😀' is false, 'a😀b' true: the escape read as itself.
    for (const escape of ["😀", "é", "€"]) {
      assert.throws(() => c.w.like(`a${escape}%b`, { escape }), (e: unknown) => e instanceof ArgumentError && /ASCII/.test((e as Error).message), escape);
      assert.throws(() => escapeLike("a%b", escape), ArgumentError);
    }
    assert.deepEqual(await ctx.engine.withConnection((conn) => ids(conn, c.w.like("a~%b", { escape: "~" }))), [1]); // ASCII is fine
  });
});
