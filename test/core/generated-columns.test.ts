/**
 * Generated (computed) columns, `.generatedAs(sql\`...\`)`: the DDL each dialect writes for them,
 * `createAll` on every database, and statements that never write them: a value given to
 * `insert().values()`, `update().set()` or an upsert's `set` is refused before anything is sent
 * (it used to be written, and the database refused the statement, or on MariaDB in non-strict
 * mode ignored the value with a warning).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CompileError, GeneratedColumnError, MetaData, ArgumentError, insert, integer, numeric, select, sql, string, table, text, update } from "../../src/index.js";
import { compileDialects } from "../support/assert-compile.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const lines = table("core_generated_lines", metadata, {
  id: integer().primaryKey(),
  price: numeric(12, 2).notNull(),
  qty: integer().notNull(),
  total: numeric(12, 2).notNull().generatedAs(sql`price * qty`),
  code: string(20).notNull(),
});
const l = lines.c;

/** The same table with a virtual column: SQLite and MariaDB only. */
const virtualMetadata = new MetaData();
const notes = table("core_generated_notes", virtualMetadata, {
  id: integer().primaryKey(),
  body: text().notNull(),
  shout: text().generatedAs(sql`upper(body)`, { stored: false }),
});

describe("compiled DDL: generated columns", () => {
  const ddl = (dialect: "sqlite" | "postgresql" | "mysql", t = lines) => compileDialects[dialect].createDdlCompiler().createTable(t);

  test("GENERATED ALWAYS AS (...) STORED on each dialect; no NOT NULL on MariaDB, which refuses it", () => {
    assert.match(ddl("sqlite"), /"total" NUMERIC\(12, 2\) GENERATED ALWAYS AS \(price \* qty\) STORED NOT NULL,/);
    assert.match(ddl("postgresql"), /"total" NUMERIC\(12, 2\) GENERATED ALWAYS AS \(price \* qty\) STORED NOT NULL,/);
    assert.match(ddl("mysql"), /`total` DECIMAL\(12, 2\) GENERATED ALWAYS AS \(price \* qty\) STORED,/);
  });

  test("a virtual column: VIRTUAL on SQLite and MariaDB; refused on PostgreSQL, which has none", () => {
    assert.match(ddl("sqlite", notes as never), /"shout" TEXT GENERATED ALWAYS AS \(upper\(body\)\) VIRTUAL/);
    assert.match(ddl("mysql", notes as never), /`shout` LONGTEXT GENERATED ALWAYS AS \(upper\(body\)\) VIRTUAL/);
    assert.throws(() => ddl("postgresql", notes as never), (e: unknown) => e instanceof CompileError && /'shout': PostgreSQL has no virtual generated columns/.test(e.message));
  });

  test("a generated column with a default or as the primary key is refused when declared", () => {
    const md = new MetaData();
    assert.throws(
      () => table("g_bad", md, { id: integer().primaryKey(), a: integer(), b: integer().default(1).generatedAs(sql`a + 1`) }),
      (e: unknown) => e instanceof ArgumentError && /g_bad\.b: a generated column \(\.generatedAs\(\)\) cannot also have \.default\(\)/.test(e.message),
    );
    assert.throws(() => table("g_bad2", md, { id: integer().primaryKey().generatedAs(sql`1`) }), /cannot also have \.primaryKey\(\)/);
  });
});

forEachDatabase("generated columns", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const rows = async () => (await ctx.engine.execute(select(l.id, l.total).orderBy(l.id))).rows;

  test("the database computes the column on INSERT and UPDATE", async () => {
    await ctx.engine.execute(insert(lines).values([{ id: 1, price: "2.50", qty: 4, code: "a" }, { id: 2, price: "1.00", qty: 1, code: "b" }]));
    assert.deepEqual(await rows(), [{ id: 1, total: "10.00" }, { id: 2, total: "1.00" }]);
    await ctx.engine.execute(update(lines).set({ qty: 6 }).where(l.id.eq(1)));
    assert.deepEqual(await rows(), [{ id: 1, total: "15.00" }, { id: 2, total: "1.00" }]);
  });

  test("a value for it is refused by insert(), update().set() and an upsert's set, before anything is sent", async () => {
    await ctx.engine.execute(insert(lines).values({ id: 1, price: "2.50", qty: 4, code: "a" }));
    const refused = (statement: string) => (e: unknown) =>
      e instanceof GeneratedColumnError && e.column === "total" && e.message.startsWith(`${statement}: 'total' is a generated column (core_generated_lines.total`);
    // @ts-expect-error a generated column is not in the insert row type
    assert.throws(() => insert(lines).values({ id: 2, price: "1.00", qty: 1, code: "b", total: "99.00" }), refused("insert(core_generated_lines)"));
    // @ts-expect-error nor in update().set()
    assert.throws(() => update(lines).set({ total: "99.00" }), refused("update(core_generated_lines).set()"));
    const upsert = insert(lines).values({ id: 1, price: "2.50", qty: 4, code: "a" });
    const what = ctx.db.name === "mysql" ? "onDuplicateKeyUpdate" : "onConflictDoUpdate";
    assert.throws(
      () =>
        ctx.db.name === "mysql"
          ? // @ts-expect-error nor in an upsert's set
            upsert.onDuplicateKeyUpdate({ set: { total: "99.00" } })
          : // @ts-expect-error nor in an upsert's set
            upsert.onConflictDoUpdate({ target: l.id, set: { total: "99.00" } }),
      refused(`insert(core_generated_lines).${what}()`),
    );
    assert.deepEqual(await rows(), [{ id: 1, total: "10.00" }]);
  });

  test("an upsert that updates the columns it is computed from recomputes it", async () => {
    await ctx.engine.execute(insert(lines).values({ id: 1, price: "2.50", qty: 4, code: "a" }));
    const upsert = insert(lines).values({ id: 1, price: "3.00", qty: 4, code: "a" });
    await ctx.engine.execute(
      ctx.db.name === "mysql" ? upsert.onDuplicateKeyUpdate({ set: (ex) => ({ price: ex.price }) }) : upsert.onConflictDoUpdate({ target: l.id, set: (ex) => ({ price: ex.price }) }),
    );
    assert.deepEqual(await rows(), [{ id: 1, total: "12.00" }]);
  });
});

forEachDatabase(
  "virtual generated columns",
  (ctx) => {
    useSchema(ctx, virtualMetadata, { emptyBeforeEach: true });
    test("a virtual column is computed on read", async () => {
      await ctx.engine.execute(insert(notes).values({ id: 1, body: "hello" }));
      assert.deepEqual((await ctx.engine.execute(select(notes.c.shout))).rows, [{ shout: "HELLO" }]);
    });
  },
  ["sqlite", "mysql"],
);
