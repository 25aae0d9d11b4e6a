/**
 * `insert(t).values(rows).returning([...], { sortByParameterOrder: true })`: RETURNING's rows in
 * the order of the rows given, through the Engine, a Connection and the ORM bulk insert. Paired
 * by the keys the rows give (one statement), by the order the database generates keys in
 * (MariaDB's AUTO_INCREMENT, a PostgreSQL sequence, either way: one statement), or one row per
 * statement (SQLite's generated keys, a key not returned, an upsert). A statement whose rows cannot
 * be paired is refused and leaves nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, InvalidRequestError, ArgumentError, column, inspect, insert, integer, model, select, sql, string, table, columnsOf, type Session } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class RoBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    RoItem: RoItem;
  }
}

/** A generated integer key (IDENTITY on PostgreSQL, AUTO_INCREMENT on MariaDB, the rowid on SQLite). */
@model("ro_items")
class RoItem extends RoBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor name!: string;
  @column(string(20).notNull().default("new")) accessor status!: string;
}

/** A key the rows give (text, so that sorting by it would not be the order given). */
const codes = table("ro_codes", RoBase.metadata, {
  code: string(10).primaryKey(),
  name: string(40).notNull(),
});

/** A key of two columns, both given. */
const pairs = table("ro_pairs", RoBase.metadata, {
  shelf: integer().primaryKey(),
  slot: string(10).primaryKey(),
  name: string(40).notNull(),
});

const items = columnsOf(RoItem);

/** Names in an order no sort of keys or names gives back. */
const NAMES = Array.from({ length: 40 }, (_, i) => `n${(i * 17) % 40}`);

async function raw(ctx: SessionContext, text: string): Promise<void> {
  await ctx.engine.withConnection((conn) => conn.run(text));
}

/** The INSERT statements into `table` recorded since the last reset. */
function inserts(ctx: SessionContext, table: string): number {
  return ctx.statements.filter((s) => /^INSERT INTO\W+/i.test(s) && s.includes(table)).length;
}

/** Each returned row names the row that has its key in the database (read by `session`, in its transaction, if given). */
async function assertOwnRows(ctx: SessionContext, rows: readonly { id: number; name: string }[], session?: Session): Promise<void> {
  const query = sql<{ id: number; name: string }>`SELECT id, name FROM ro_items`;
  const result = session ? await session.execute(query) : await ctx.engine.execute(query);
  const stored = new Map(result.rows.map((row) => [Number(row.id), row.name]));
  for (const row of rows) assert.equal(stored.get(Number(row.id)), row.name, `key ${row.id}`);
}

forEachDatabaseWithSchema(
  "insert ... returning with sortByParameterOrder",
  RoBase.metadata,
  (ctx) => {
    const generatedInOneStatement = ctx.db.name !== "sqlite";

    test("generated keys, through the engine: row i is the row given i-th (one statement where keys follow the rows, else one per row)", async () => {
      ctx.reset();
      const { rows } = await ctx.engine.execute(insert(RoItem).values(NAMES.map((name) => ({ name }))).returning([items.id, items.name], { sortByParameterOrder: true }));
      assert.deepEqual(rows.map((row) => row.name), NAMES);
      await assertOwnRows(ctx, rows);
      assert.equal(inserts(ctx, "ro_items"), generatedInOneStatement ? 1 : NAMES.length);
    });

    test("PostgreSQL: a sequence that counts down: sorted its way, one statement", { skip: ctx.db.name !== "postgresql" }, async () => {
      await raw(ctx, "ALTER SEQUENCE ro_items_id_seq INCREMENT -1 MINVALUE -1000000 MAXVALUE -1 START -1 RESTART -1");
      ctx.reset();
      const { rows } = await ctx.engine.execute(insert(RoItem).values(NAMES.map((name) => ({ name }))).returning([items.id, items.name], { sortByParameterOrder: true }));
      assert.deepEqual(rows.map((row) => row.name), NAMES);
      assert.ok(rows.every((row, i) => row.id < 0 && (i === 0 || row.id < rows[i - 1]!.id)), "the keys count down in the order of the rows");
      await assertOwnRows(ctx, rows);
      assert.equal(inserts(ctx, "ro_items"), 1);
    });

    test("PostgreSQL: a key whose default is a sequence of no column: one row per statement", { skip: ctx.db.name !== "postgresql" }, async () => {
      for (const statement of [
        "DROP SEQUENCE IF EXISTS ro_free",
        "CREATE SEQUENCE ro_free INCREMENT -7 MINVALUE -1000000 MAXVALUE 0 START 0",
        "ALTER TABLE ro_items ALTER COLUMN id DROP IDENTITY",
        "ALTER TABLE ro_items ALTER COLUMN id SET DEFAULT nextval('ro_free')",
      ]) {
        await raw(ctx, statement);
      }
      ctx.reset();
      const { rows } = await ctx.engine.execute(insert(RoItem).values(NAMES.map((name) => ({ name }))).returning([items.id, items.name], { sortByParameterOrder: true }));
      assert.deepEqual(rows.map((row) => row.name), NAMES);
      await assertOwnRows(ctx, rows);
      assert.equal(inserts(ctx, "ro_items"), NAMES.length);
    });

    test("keys the rows give: paired by them in one statement, on every database; the other row shapes too", async () => {
      const given = ["m", "c", "x", "a", "q", "b"];
      ctx.reset();
      const statement = insert(codes).values(given.map((code) => ({ code, name: `name-${code}` }))).returning([codes.c.name, codes.c.code], { sortByParameterOrder: true });
      const rows = await ctx.engine.withConnection(async (conn) => (await conn.execute(statement)).rows);
      assert.deepEqual(rows, given.map((code) => ({ name: `name-${code}`, code })));
      assert.equal(inserts(ctx, "ro_codes"), 1);
      const more = ["z", "d", "k"];
      const arrays = await ctx.engine.withConnection(async (conn) => (await conn.execute(insert(codes).values(more.map((code) => ({ code, name: code }))).returning([codes.c.code, codes.c.name], { sortByParameterOrder: true }), { rowShape: "arrays" })).rows);
      assert.deepEqual(arrays, more.map((code) => [code, code]));
    });

    test("a key of two columns the rows give: paired by both, in one statement", async () => {
      const given: [number, string][] = [[2, "b"], [1, "b"], [2, "a"], [10, "a"], [1, "a"]];
      ctx.reset();
      const { rows } = await ctx.engine.execute(
        insert(pairs).values(given.map(([shelf, slot]) => ({ shelf, slot, name: `${shelf}${slot}` }))).returning([pairs.c.name, pairs.c.slot, pairs.c.shelf], { sortByParameterOrder: true }),
      );
      assert.deepEqual(rows.map((row) => row.name), given.map(([shelf, slot]) => `${shelf}${slot}`));
      assert.equal(inserts(ctx, "ro_pairs"), 1);
    });

    test("the key not returned: one row per statement, in order", async () => {
      ctx.reset();
      const { rows } = await ctx.engine.execute(insert(RoItem).values(NAMES.slice(0, 5).map((name) => ({ name }))).returning([items.name, items.status], { sortByParameterOrder: true }));
      assert.deepEqual(rows, NAMES.slice(0, 5).map((name) => ({ name, status: "new" })));
      assert.equal(inserts(ctx, "ro_items"), 5);
    });

    test("through engine.stream and conn.stream: the same pairing and order as execute (the key not returned: one statement per row)", async () => {
      ctx.reset();
      const streamed: { name: string; status: string }[] = [];
      for await (const row of ctx.engine.stream(insert(RoItem).values(NAMES.slice(0, 5).map((name) => ({ name }))).returning([items.name, items.status], { sortByParameterOrder: true }))) streamed.push(row);
      assert.deepEqual(streamed, NAMES.slice(0, 5).map((name) => ({ name, status: "new" })));
      assert.equal(inserts(ctx, "ro_items"), 5);
      const given = ["s3", "s1", "s2"];
      const codesStreamed = await ctx.engine.withConnection(async (conn) => {
        const rows: { code: string }[] = [];
        for await (const row of conn.stream(insert(codes).values(given.map((code) => ({ code, name: code }))).returning([codes.c.code], { sortByParameterOrder: true }), { yieldPer: 2 })) rows.push(row);
        return rows;
      });
      assert.deepEqual(codesStreamed.map((row) => row.code), given);
    });

    test("through engine.stream, more rows than one statement's parameters: chunked as execute does, every row returned", async () => {
      const count = 33_000; // two parameters a row: past every database's limit
      const streamed: string[] = [];
      for await (const row of ctx.engine.stream(insert(codes).values(Array.from({ length: count }, (_, i) => ({ code: `t${i}`, name: "t" }))).returning(codes.c.code))) streamed.push(row.code);
      assert.equal(streamed.length, count);
      assert.equal(new Set(streamed).size, count);
    });

    test("more rows than one statement's parameters: each chunk paired, all in order", async () => {
      const count = 33_000; // two parameters a row: past 65,535 (PostgreSQL, MariaDB) and 32,766 (SQLite)
      const given = Array.from({ length: count }, (_, i) => `k${(i * 7919) % count}`);
      ctx.reset();
      const { rows } = await ctx.engine.execute(insert(codes).values(given.map((code) => ({ code, name: code }))).returning([codes.c.code], { sortByParameterOrder: true }));
      assert.equal(rows.length, count);
      assert.ok(rows.every((row, i) => row.code === given[i]));
      assert.ok(inserts(ctx, "ro_codes") >= 2);
    });

    test("an upsert: one row per statement (its row may be an existing one); a row it skips refuses the statement, nothing kept", async () => {
      await ctx.engine.execute(insert(codes).values({ code: "b", name: "old" }));
      ctx.reset();
      const rows = insert(codes).values([{ code: "c", name: "new c" }, { code: "b", name: "new b" }, { code: "a", name: "new a" }]);
      const upsert = (
        ctx.db.name === "mysql"
          ? rows.onDuplicateKeyUpdate({ set: (excluded) => ({ name: excluded.name }) })
          : rows.onConflictDoUpdate({ target: [codes.c.code], set: (excluded) => ({ name: excluded.name }) })
      ).returning([codes.c.code, codes.c.name], { sortByParameterOrder: true });
      assert.deepEqual((await ctx.engine.execute(upsert)).rows, [{ code: "c", name: "new c" }, { code: "b", name: "new b" }, { code: "a", name: "new a" }]);
      assert.equal(inserts(ctx, "ro_codes"), 3);
      assert.equal(await ctx.count("ro_codes"), 3);
      // MariaDB's "do nothing" updates the row to itself, and returns it.
      if (ctx.db.name === "mysql") return;
      const skipping = insert(codes).values([{ code: "d", name: "d" }, { code: "b", name: "skipped" }]).onConflictDoNothing({ target: [codes.c.code] }).returning([codes.c.code], { sortByParameterOrder: true });
      await assert.rejects(ctx.engine.execute(skipping), (error: Error) => error instanceof InvalidRequestError && /row 1 returned 0 rows/.test(error.message) && /Nothing was kept/.test(error.message));
      assert.equal(await ctx.count("ro_codes"), 3, "row d rolled back with the statement");
    });

    test("INSERT ... SELECT: refused, naming the option", async () => {
      const statement = insert(codes).fromSelect([codes.c.code, codes.c.name], select(codes.c.code, codes.c.name)).returning([codes.c.code], { sortByParameterOrder: true });
      await assert.rejects(ctx.engine.execute(statement), (error: Error) => error instanceof ArgumentError && /sortByParameterOrder/.test(error.message));
    });

    test("the ORM bulk insert: objects of the identity map, tuple i for the row given i-th; a rollback takes them out", async () => {
      const session = ctx.session();
      ctx.reset();
      const returned = await session.execute(insert(RoItem).returning([RoItem, items.name.label("given")], { sortByParameterOrder: true }), NAMES.map((name) => ({ name })));
      assert.deepEqual(returned.map(([item, name]) => [item.name, name]), NAMES.map((name) => [name, name]));
      assert.ok(returned.every(([item]) => inspect(item).status === "persistent" && item.status === "new"));
      assert.equal(await session.get(RoItem, returned[3]![0].id), returned[3]![0]);
      await assertOwnRows(ctx, returned.map(([item]) => item), session);
      assert.equal(inserts(ctx, "ro_items"), generatedInOneStatement ? 1 : NAMES.length);
      await session.rollback();
      assert.equal(inspect(returned[0]![0]).status, "transient");
      assert.equal(await ctx.count("ro_items"), 0);
    });
  },
  { createOnce: true },
);
