/**
 * A JSON column compared with a value matched different rows on each database: PostgreSQL's JSONB
 * compares documents (key order, spacing and 1 against 1.0 aside), SQLite and MariaDB the stored
 * text (MariaDB under its collation). Comparing documents is now refused before anything is sent,
 * naming the column and the ways that work; a value inside the document compares alike.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, MetaData, integer, json, select, sql, table } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const docs = table("core_json_comparisons", metadata, {
  id: integer().primaryKey().autoincrement(false),
  doc: json(),
});
const doc = docs.c.doc;

/** The same document as PostgreSQL reads it, written by other programs in three spellings. */
const STORED = ['{"a": 1, "b": "X"}', '{"b":"X","a":1}', '{"a": 1.0, "b": "x"}'];

forEachDatabase("json comparisons", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });

  const refused = (op: string) => (e: unknown) =>
    e instanceof ArgumentError && e.message.startsWith(`${op} on the json() column core_json_comparisons.doc:`) && /value inside the document/.test(e.message);

  test("eq, ne, in, inValues, between and ordering on a json() column are refused, naming the column and the way that works", async () => {
    for (const [i, text] of STORED.entries()) await ctx.engine.execute(sql`INSERT INTO core_json_comparisons (id, doc) VALUES (${i + 1}, ${text})`);
    const value = { a: 1, b: "X" };
    assert.throws(() => select(docs.c.id).where(doc.eq(value)), refused("="));
    assert.throws(() => doc.ne(value), refused("<>"));
    assert.throws(() => doc.lt(value), refused("<"));
    assert.throws(() => doc.in([value]), refused("IN"));
    assert.throws(() => doc.notIn([value]), refused("NOT IN"));
    assert.throws(() => doc.inValues([value]), refused("inValues"));
    assert.throws(() => doc.between(value, value), refused("BETWEEN"));
    // The way that works: a value inside the document, compared as text, matches alike everywhere.
    const b = ctx.db.name === "mysql" ? sql.raw("JSON_VALUE(doc, '$.b') COLLATE utf8mb4_bin") : sql.raw("doc ->> 'b'");
    const ids = await ctx.engine.execute(sql<{ id: number }>`SELECT id FROM core_json_comparisons WHERE ${b} = ${"X"} ORDER BY id`);
    assert.deepEqual(ids.rows.map((r) => Number(r.id)), [1, 2]);
  });
});
