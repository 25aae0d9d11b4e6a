/**
 * `col.inValues(keys)` and `tupleInValues([a, b], tuples)`: a list bound as one parameter (an
 * array on PostgreSQL, JSON read with json_each on SQLite and JSON_TABLE on MySQL/MariaDB), so
 * the SQL text is the same for 3 keys and 70,000, and no list reaches the parameter limit.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MetaData, bigint, deleteFrom, insert, integer, select, sql, string, table, tupleInValues, uuid, type Engine } from "../../src/index.js";
import { assertCompile, compileOn, type CompileDialect } from "../support/assert-compile.js";
import { engineFor, testDatabases } from "../support/databases.js";

const metadata = new MetaData();
const items = table("core_inv_items", metadata, {
  id: integer().primaryKey(),
  code: string(20).notNull(),
  big: bigint().notNull(),
  token: uuid().notNull(),
});
const pairs = table("core_inv_pairs", metadata, {
  a: integer().primaryKey(),
  b: string(10).primaryKey(),
  n: integer().notNull(),
});
const words = table("core_inv_words", metadata, { id: integer().primaryKey(), w: string(10).notNull() });
const c = items.c;

const ROWS = 3_000;
const tokenOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
/** Beyond 2^53: JSON numbers would lose the last digits. */
const bigOf = (i: number) => 9_007_199_254_740_993n + BigInt(i);
const codeOf = (i: number) => `code-${i}`;
const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

describe("compiled SQL of inValues: one text whatever the number of keys", () => {
  test("one column", () => {
    assertCompile(select(c.id).from(items).where(c.id.inValues([1, null, 3])), {
      sqlite: ['SELECT "core_inv_items"."id" FROM "core_inv_items" WHERE "core_inv_items"."id" IN (SELECT value FROM json_each(?))', ["[1,3]"]],
      postgresql: ['SELECT "core_inv_items"."id" FROM "core_inv_items" WHERE "core_inv_items"."id" = ANY(CAST($1 AS INTEGER[]))', [[1, 3]]],
      mysql: [
        "SELECT `core_inv_items`.`id` FROM `core_inv_items` WHERE `core_inv_items`.`id` IN (SELECT `v0` FROM JSON_TABLE(?, '$[*]' COLUMNS (`v0` INT PATH '$')) AS `packed`)",
        ["[1,3]"],
      ],
    });
  });

  test("tuples", () => {
    assertCompile(select(pairs.c.n).from(pairs).where(tupleInValues([pairs.c.a, pairs.c.b], [[1, "x"], [2, null], [3, "y"]])), {
      sqlite: [
        'SELECT "core_inv_pairs"."n" FROM "core_inv_pairs" WHERE ("core_inv_pairs"."a", "core_inv_pairs"."b") IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))',
        ['[[1,"x"],[3,"y"]]'],
      ],
      postgresql: [
        'SELECT "core_inv_pairs"."n" FROM "core_inv_pairs" WHERE ("core_inv_pairs"."a", "core_inv_pairs"."b") IN (SELECT * FROM unnest(CAST($1 AS INTEGER[]), CAST($2 AS TEXT[])))',
        [[1, 3], ["x", "y"]],
      ],
      mysql: [
        "SELECT `core_inv_pairs`.`n` FROM `core_inv_pairs` WHERE (`core_inv_pairs`.`a`, `core_inv_pairs`.`b`) IN (SELECT `v0`, JSON_UNQUOTE(JSON_QUOTE(`v1`)) FROM JSON_TABLE(?, '$[*]' COLUMNS (`v0` INT PATH '$[0]', `v1` VARCHAR(11) PATH '$[1]')) AS `packed`)",
        ['[[1,"x"],[3,"y"]]'],
      ],
    });
  });

  test("3 keys and 3,000 keys compile to the same SQL", () => {
    for (const dialect of ["sqlite", "postgresql", "mysql"] as CompileDialect[]) {
      const few = compileOn(dialect, select(c.id).from(items).where(c.id.inValues(range(3))));
      const many = compileOn(dialect, select(c.id).from(items).where(c.id.inValues(range(3000))));
      assert.equal(few.sql, many.sql, dialect);
      assert.equal(few.params.length, 1);
      const fewPairs = compileOn(dialect, select(pairs.c.n).from(pairs).where(tupleInValues([pairs.c.a, pairs.c.b], [[1, "x"]])));
      const manyPairs = compileOn(dialect, select(pairs.c.n).from(pairs).where(tupleInValues([pairs.c.a, pairs.c.b], range(3000).map((i) => [i, `k${i}`]))));
      assert.equal(fewPairs.sql, manyPairs.sql, dialect);
    }
  });
});

for (const db of await testDatabases()) {
  describe(`inValues [${db.name}]`, { skip: db.skip }, () => {
    const statements: string[] = [];
    let engine: Engine;
    const ids = async (where: Parameters<ReturnType<typeof select>["where"]>[0]) =>
      (await engine.execute(select(c.id).from(items).where(where).orderBy(c.id))).rows.map((r) => r.id);

    before(async () => {
      engine = engineFor(db, { echo: (message) => statements.push(message) });
      await metadata.dropAll(engine);
      await metadata.createAll(engine);
      await engine.execute(insert(items).values(range(ROWS).map((i) => ({ id: i, code: codeOf(i), big: bigOf(i), token: tokenOf(i) }))));
      await engine.execute(insert(pairs).values(range(200).map((i) => ({ a: i % 20, b: `b${i}`, n: i }))));
    });
    after(async () => {
      await metadata.dropAll(engine);
      await engine.dispose();
    });

    test("integer, text, bigint beyond 2^53 and uuid keys find their rows; NULLs are left out; an empty list is false", async () => {
      const wanted = [5, 17, 2999, 3000];
      assert.deepEqual(await ids(c.id.inValues([...wanted, null, 999_999])), wanted);
      assert.deepEqual(await ids(c.code.inValues(wanted.map(codeOf))), wanted);
      assert.deepEqual(await ids(c.big.inValues(wanted.map(bigOf))), wanted);
      assert.deepEqual(await ids(c.token.inValues(wanted.map(tokenOf))), wanted);
      assert.deepEqual(await ids(c.id.inValues([])), []);
      assert.deepEqual(await ids(c.id.inValues([null])), []);
      // A string longer than the column's is not cut to one that matches.
      assert.deepEqual(await ids(c.code.inValues([`${codeOf(5)}${"x".repeat(40)}`])), []);
      // Nor a UUID followed by more text (MariaDB's CHAR(36) cut it to the UUID); PostgreSQL refuses it.
      const tokens = await engine.execute(select(c.id).from(items).where(c.token.inValues([`${tokenOf(5)}x`]))).then((r) => r.rows.map((row) => row.id), () => []);
      assert.deepEqual(tokens, []);
    });

    test("text compared under the column's collation, as `=` compares it, not the database's default (MariaDB)", { skip: db.name === "mysql" ? false : "one collation for all text here" }, async () => {
      // A table whose collation is not the database's: a JSON_TABLE column took the database's,
      // which won over the column's, so a select-in matched other rows than `=` did.
      const [{ collation }] = (await engine.execute(sql<{ collation: string }>`SELECT @@collation_database AS collation`)).rows as [{ collation: string }];
      const other = collation.endsWith("_bin") ? "utf8mb4_general_ci" : "utf8mb4_bin";
      const codes = table("core_inv_codes", new MetaData(), { id: integer().primaryKey(), code: string(10).notNull() });
      await engine.execute(sql.raw(`CREATE TABLE core_inv_codes (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL) COLLATE ${other}`));
      try {
        await engine.execute(insert(codes).values([{ id: 1, code: "abc" }, { id: 2, code: "ABC" }, { id: 3, code: "x" }]));
        const matched = async (where: Parameters<ReturnType<typeof select>["where"]>[0]) =>
          (await engine.execute(select(codes.c.id).from(codes).where(where).orderBy(codes.c.id))).rows.map((r) => r.id);
        const asEquals = await matched(codes.c.code.in(["abc"]));
        assert.deepEqual(asEquals, other === "utf8mb4_bin" ? [1] : [1, 2]);
        assert.deepEqual(await matched(codes.c.code.inValues(["abc"])), asEquals);
      } finally {
        await engine.execute(sql.raw("DROP TABLE core_inv_codes"));
      }
    });

    test("an in() list past the parameter limit (bound as one array) does not cut a longer string to one that matches", async () => {
      // MariaDB read such a list into a JSON_TABLE column of the column's own VARCHAR(10).
      await engine.execute(insert(words).values([{ id: 1, w: "abcdefghij" }, { id: 2, w: "other" }]));
      try {
        const filler = range(66_000).map((i) => `f${i}`);
        const matched = async (where: Parameters<ReturnType<typeof select>["where"]>[0]) => (await engine.execute(select(words.c.id).from(words).where(where).orderBy(words.c.id))).rows.map((r) => r.id);
        assert.deepEqual(await matched(words.c.w.in([...filler, "abcdefghijk"])), []);
        assert.deepEqual(await matched(words.c.w.notIn([...filler, "abcdefghijk"])), [1, 2]);
        assert.deepEqual(await matched(words.c.w.in([...filler, "abcdefghij"])), [1]);
      } finally {
        await engine.execute(deleteFrom(words));
      }
    });

    test("composite keys: (a, b) IN tuples, tuples with a NULL left out", async () => {
      const rows = await engine.execute(
        select(pairs.c.n).from(pairs).where(tupleInValues([pairs.c.a, pairs.c.b], [[1, "b1"], [2, "b22"], [3, null], [4, "b5"]])).orderBy(pairs.c.n),
      );
      assert.deepEqual(rows.rows.map((r) => r.n), [1, 22]);
    });

    test("3 keys and 3,000 keys run the same statement text; 70,000 keys (over any parameter limit) run as one", async () => {
      statements.length = 0;
      assert.equal((await ids(c.id.inValues(range(3)))).length, 3);
      assert.equal((await ids(c.id.inValues(range(3000)))).length, 3000);
      const keys = range(70_000);
      assert.equal((await ids(c.id.inValues(keys))).length, ROWS);
      const selects = statements.filter((s) => s.startsWith("SELECT")).map((s) => s.split("\n")[0]);
      assert.equal(selects.length, 3);
      assert.equal(new Set(selects).size, 1);
    });
  });
}
