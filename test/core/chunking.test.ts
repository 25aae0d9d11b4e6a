/**
 * Statements over the database's bind-parameter limit (PostgreSQL and MySQL 65,535, SQLite
 * 32,766): a multi-row INSERT or upsert run through `execute` is split into chunks that fit, run
 * all-or-nothing, with row counts and RETURNING rows combined; a long IN list is bound as one
 * array parameter. Statements are counted with the engine's echo.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { CompileError, MetaData, datetime, deleteFrom, func, insert, integer, or, select, string, table, type Engine } from "../../src/index.js";
import { assertCompile, raises } from "../support/assert-compile.js";
import { users } from "../support/compile-schema.js";
import { engineFor, testDatabases } from "../support/databases.js";

const metadata = new MetaData();
/** Seven parameters a row: 10,000 rows are 70,000 parameters, over every database's limit. */
const wide = table("core_chunk_wide", metadata, {
  id: integer().primaryKey(),
  a: integer().notNull(),
  b: integer().notNull(),
  c: integer().notNull(),
  d: integer().notNull(),
  e: integer().notNull(),
  label: string(20).notNull(),
});
const w = wide.c;
const events = table("core_chunk_events", metadata, { id: integer().primaryKey(), at: datetime().notNull() });

const ROWS = 10_000;
const rowsOf = (bump: number, count = ROWS) =>
  Array.from({ length: count }, (_, i) => ({ id: i + 1, a: i + bump, b: 2, c: 3, d: 4, e: 5, label: `row ${i + 1}` }));

describe("compiled SQL: a long IN list in a statement over the parameter limit is one array parameter", () => {
  const values = Array.from({ length: 70_000 }, (_, i) => i);
  test("IN and NOT IN", () => {
    assertCompile(select(users.c.id).where(users.c.id.in(values)), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."id" IN (SELECT value FROM json_each(?))', [JSON.stringify(values)]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."id" = ANY(CAST($1 AS INTEGER[]))', [values]],
      mysql: [
        "SELECT `users`.`id` FROM `users` WHERE `users`.`id` IN (SELECT `v` FROM JSON_TABLE(?, '$[*]' COLUMNS (`v` INT PATH '$')) AS `packed`)",
        [JSON.stringify(values)],
      ],
    });
    assertCompile(select(users.c.id).where(users.c.name.notIn(values.map(String))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."name" NOT IN (SELECT value FROM json_each(?))', [JSON.stringify(values.map(String))]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."name" <> ALL(CAST($1 AS TEXT[]))', [values.map(String)]],
      mysql: [
        "SELECT `users`.`id` FROM `users` WHERE `users`.`name` NOT IN (SELECT JSON_UNQUOTE(JSON_QUOTE(`v`)) FROM JSON_TABLE(?, '$[*]' COLUMNS (`v` VARCHAR(51) PATH '$')) AS `packed`)",
        [JSON.stringify(values.map(String))],
      ],
    });
  });

  test("a list that fits stays a list of placeholders", () => {
    assertCompile(select(users.c.id).where(users.c.id.in([1, 2])), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."id" IN (?, ?)', [1, 2]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."id" IN ($1, $2)', [1, 2]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE `users`.`id` IN (?, ?)", [1, 2]],
    });
  });

  test("a statement still over the limit is refused when compiling, saying why", () => {
    // Comparisons, unlike an IN list, cannot be packed into one parameter.
    const stmt = select(users.c.id).where(or(...Array.from({ length: 70_000 }, (_, i) => users.c.id.eq(i))));
    const tooMany = (limit: number) => raises(CompileError, new RegExp(`70000 bind parameters, more than the database allows \\(${limit}\\)`));
    assertCompile(stmt, { sqlite: tooMany(32766), postgresql: tooMany(65535), mysql: tooMany(65535) });
  });
});

for (const db of await testDatabases()) {
  describe(`chunking [${db.name}]`, { skip: db.skip }, () => {
    const statements: string[] = [];
    let engine: Engine;
    const inserts = () => statements.filter((sql) => sql.startsWith("INSERT")).length;
    const mysql = db.name === "mysql";
    const perChunk = () => Math.floor(engine.dialect.capabilities.maxParameters / 7);

    before(async () => {
      engine = engineFor(db, { echo: (message) => statements.push(message) });
      await metadata.dropAll(engine);
      await metadata.createAll(engine);
    });
    beforeEach(async () => {
      await engine.execute(deleteFrom(wide));
      await engine.execute(deleteFrom(events));
      statements.length = 0;
    });
    after(async () => {
      await metadata.dropAll(engine);
      await engine.dispose();
    });

    test("a 10,000-row insert runs in chunks of the parameter limit; the row count is the total", async () => {
      const result = await engine.execute(insert(wide).values(rowsOf(0)));
      assert.equal(result.rowCount, ROWS);
      assert.equal(inserts(), Math.ceil(ROWS / perChunk()));
      assert.ok(inserts() >= 2);
      const [row] = (await engine.execute(select(func.count(w.id).label("n"), func.sum(w.a).label("a")).from(wide))).rows;
      assert.deepEqual([Number(row!.n), Number(row!.a)], [ROWS, (ROWS * (ROWS - 1)) / 2]);
    });

    test("a 10,000-row bulk upsert in one call updates every existing row and inserts the new ones", async () => {
      await engine.execute(insert(wide).values(rowsOf(0, ROWS / 2)));
      statements.length = 0;
      const stmt = mysql
        ? insert(wide).values(rowsOf(1000)).onDuplicateKeyUpdate({ set: (ex) => ({ a: ex.a, label: ex.label }) })
        : insert(wide).values(rowsOf(1000)).onConflictDoUpdate({ target: w.id, set: (ex) => ({ a: ex.a, label: ex.label }) });
      await engine.execute(stmt);
      assert.equal(inserts(), Math.ceil(ROWS / perChunk()));
      const [row] = (await engine.execute(select(func.count(w.id).label("n"), func.min(w.a).label("lo"), func.max(w.a).label("hi")).from(wide))).rows;
      assert.deepEqual([Number(row!.n), Number(row!.lo), Number(row!.hi)], [ROWS, 1000, 1000 + ROWS - 1]);
    });

    test("RETURNING rows of the chunks are combined, in order", async (t) => {
      if (!engine.dialect.capabilities.insertReturning) return t.skip("no INSERT ... RETURNING on this server");
      await engine.execute(insert(wide).values(rowsOf(0, 10)));
      const stmt = mysql
        ? insert(wide).values(rowsOf(5)).onDuplicateKeyUpdate({ set: (ex) => ({ a: ex.a }) })
        : insert(wide).values(rowsOf(5)).onConflictDoUpdate({ target: [w.id], set: (ex) => ({ a: ex.a }) });
      const result = await engine.execute(stmt.returning(w.id, w.a));
      assert.equal(result.rows.length, ROWS);
      assert.deepEqual(
        result.rows.map((r) => [r.id, r.a]),
        rowsOf(5).map((r) => [r.id, r.a]),
      );
    });

    test("a chunked insert is all-or-nothing: a duplicate key in its last chunk leaves no row", async () => {
      const rows = rowsOf(0);
      rows[ROWS - 1] = { ...rows[ROWS - 1]!, id: 1 };
      await assert.rejects(engine.execute(insert(wide).values(rows)));
      assert.equal(inserts(), Math.ceil(ROWS / perChunk()));
      const [row] = (await engine.execute(select(func.count(w.id).label("n")).from(wide))).rows;
      assert.equal(Number(row!.n), 0);
    });

    test("inside a transaction a failed chunked insert undoes only itself (a savepoint)", async () => {
      const conn = await engine.connect();
      try {
        await conn.transaction(async () => {
          await conn.execute(insert(wide).values(rowsOf(0, 3)));
          const rows = rowsOf(0).map((r) => ({ ...r, id: r.id + 100 }));
          rows[ROWS - 1] = { ...rows[ROWS - 1]!, id: 101 };
          await assert.rejects(conn.execute(insert(wide).values(rows)));
          assert.equal(Number(await conn.scalar(select(func.count(w.id)))), 3);
        });
      } finally {
        await conn.close();
      }
    });

    const inCount = db.name === "sqlite" ? 40_000 : 70_000;
    test(`an IN list of ${inCount} values returns the right rows, and NOT IN the others`, async () => {
      await engine.execute(insert(wide).values(Array.from({ length: 100 }, (_, i) => ({ id: (i + 1) * 1000, a: i, b: 0, c: 0, d: 0, e: 0, label: `k${i}` }))));
      statements.length = 0;
      // 1..inCount: the keys 1000, 2000, ... up to inCount are among them.
      const keys = Array.from({ length: inCount }, (_, i) => i + 1);
      const found = (await engine.execute(select(w.id).where(w.id.in(keys)).orderBy(w.id))).rows.map((r) => r.id);
      assert.deepEqual(found, Array.from({ length: inCount / 1000 }, (_, i) => (i + 1) * 1000));
      const others = (await engine.execute(select(w.id).where(w.id.notIn(keys)).orderBy(w.id))).rows.map((r) => r.id);
      assert.deepEqual(others, Array.from({ length: 100 - inCount / 1000 }, (_, i) => (i + 1 + inCount / 1000) * 1000));
      const labels = keys.map((k) => `k${k - 1}`);
      const byLabel = (await engine.execute(select(w.id).where(w.label.in(labels)))).rows;
      assert.equal(byLabel.length, 100);
      assert.equal(statements.length, 3);
    });

    test(`a long IN list of dates is bound in each database's date format`, async () => {
      const day = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 60_000 + 123);
      await engine.execute(insert(events).values(Array.from({ length: 50 }, (_, i) => ({ id: i + 1, at: day(i * 1000) }))));
      const wanted = Array.from({ length: inCount }, (_, i) => day(i));
      const found = (await engine.execute(select(events.c.id).where(events.c.at.in(wanted)).orderBy(events.c.id))).rows.map((r) => r.id);
      assert.deepEqual(found, Array.from({ length: Math.min(50, inCount / 1000) }, (_, i) => i + 1));
    });
  });
}
