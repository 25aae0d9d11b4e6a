/**
 * Values are bound, never spliced into the SQL: awkward strings (quotes, backslashes, LIKE
 * wildcards, unicode, SQL-looking text, NUL) round-trip unchanged through INSERT, WHERE and
 * UPDATE, and the compiled SQL text never contains them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError, MetaData, binary, insert, integer, select, sql, string, table, text, update } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const texts = table("core_par_texts", metadata, {
  id: integer().primaryKey(),
  short: string(200),
  long: text(),
  bytes: binary(),
});

const awkward: Record<string, string> = {
  "single quote": "O'Reilly's 'quoted'",
  "double quote": 'say "hi" ""',
  backslash: "C:\\path\\to\\file \\' \\\\ \\n",
  "percent and underscore": "100% of_the _% %_ \\%",
  emoji: "smile 😀 family 👨‍👩‍👧 flag 🇳🇴",
  cjk: "漢字かなカナ한국어",
  "combining marks": "e\u0301 a\u0308 n\u0303 Z̤͔ͧ̑",
  "SQL-looking": "'; DROP TABLE core_par_texts; --",
  "comment and semicolon": "x /* y */ -- z; SELECT 1",
  "question mark and dollar": "? $1 :name @p1 %s",
  "newlines and tabs": "line1\nline2\r\n\tindented",
  empty: "",
  "leading and trailing spaces": "  padded  ",
};
const withNul = "before\u0000after\u0000";

forEachDatabase("parameters", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });

  test("awkward strings round-trip through insert, where (eq and in) and update", async () => {
    const { engine } = ctx;
    const entries = Object.entries(awkward);
    await engine.execute(insert(texts).values(entries.map(([, value], i) => ({ id: i + 1, short: value, long: value }))));
    for (const [label, value] of entries) {
      const found = await engine.execute(select(texts.c.short, texts.c.long).where(texts.c.short.eq(value), texts.c.long.in([value, "other"])));
      assert.deepEqual(found.rows, [{ short: value, long: value }], label);
    }
    // Back through UPDATE ... SET and a WHERE on the old value.
    for (const [label, value] of entries) {
      const changed = `${value}|${value}`;
      const result = await engine.execute(update(texts).set({ long: changed }).where(texts.c.short.eq(value)));
      assert.equal(result.rowCount, 1, label);
      assert.equal((await engine.execute(select(texts.c.long).where(texts.c.short.eq(value)))).one().long, changed, label);
    }
    assert.equal((await engine.execute(select(texts.c.id))).rows.length, entries.length, "the table is still there, every row in it");
  });

  test("`%` and `_` in a bound value are plain characters to =, wildcards only in like()", async () => {
    await ctx.engine.execute(insert(texts).values([{ id: 1, short: "100%" }, { id: 2, short: "1000" }, { id: 3, short: "a_b" }, { id: 4, short: "axb" }]));
    const eq = async (value: string) => (await ctx.engine.execute(select(texts.c.id).where(texts.c.short.eq(value)))).rows.map((r) => r.id);
    assert.deepEqual(await eq("100%"), [1]);
    assert.deepEqual(await eq("a_b"), [3]);
    const like = async (pattern: string) =>
      (await ctx.engine.execute(select(texts.c.id).where(texts.c.short.like(pattern)).orderBy(texts.c.id))).rows.map((r) => r.id);
    assert.deepEqual(await like("100%"), [1, 2]);
    assert.deepEqual(await like("a_b"), [3, 4]);
  });

  test("the sql tag binds interpolated values too", async () => {
    const value = awkward["SQL-looking"]!;
    const stmt = sql<string>`SELECT ${value} AS v`;
    assert.ok(!ctx.engine.cache.compile(stmt.node).sql.includes("DROP"));
    const row = (await ctx.engine.execute(stmt)).one() as { v: unknown };
    assert.equal(row.v, value);
  });

  test("the compiled SQL never contains the values: they travel as parameters", () => {
    for (const value of [...Object.values(awkward).filter(Boolean), withNul]) {
      const compiled = ctx.engine.cache.compile(select(texts.c.id).where(texts.c.short.eq(value)).node);
      assert.ok(!compiled.sql.includes(value), compiled.sql);
      assert.deepEqual(compiled.params, [value]);
      const insertCompiled = ctx.engine.cache.compile(insert(texts).values({ short: value, long: "x" }).node);
      assert.ok(!insertCompiled.sql.includes(value), insertCompiled.sql);
      assert.deepEqual(insertCompiled.params, [value, "x"]);
    }
  });

  test("NUL bytes round-trip through a binary() column", async () => {
    const bytes = new Uint8Array([0, 0, 65, 0, 255, 0]);
    await ctx.engine.execute(insert(texts).values({ id: 1, bytes }));
    const row = (await ctx.engine.execute(select(texts.c.bytes).where(texts.c.id.eq(1)))).one();
    assert.deepEqual([...row.bytes!], [...bytes]);
    const byValue = await ctx.engine.execute(select(texts.c.id).where(texts.c.bytes.eq(bytes)));
    assert.deepEqual(byValue.rows, [{ id: 1 }]);
    // A string with NUL characters, as UTF-8 bytes.
    await ctx.engine.execute(insert(texts).values({ id: 2, bytes: new TextEncoder().encode(withNul) }));
    const back = (await ctx.engine.execute(select(texts.c.bytes).where(texts.c.id.eq(2)))).one();
    assert.equal(new TextDecoder().decode(back.bytes!), withNul);
  });

  test("NUL characters in strings: kept by SQLite and MariaDB; PostgreSQL refuses with a DataError naming the fix", async () => {
    const attempt = ctx.engine.execute(insert(texts).values({ id: 1, short: withNul, long: withNul }));
    if (ctx.db.name === "postgresql") {
      await assert.rejects(attempt, (e: Error) => e instanceof DataError && /cannot hold NUL/.test(e.message) && /binary\(\) column/.test(e.message));
      return;
    }
    await attempt;
    const row = (await ctx.engine.execute(select(texts.c.short, texts.c.long).where(texts.c.short.eq(withNul)))).one();
    assert.equal(row.short, withNul);
    assert.equal(row.long, withNul);
    assert.equal(row.short!.length, withNul.length);
  });
});
