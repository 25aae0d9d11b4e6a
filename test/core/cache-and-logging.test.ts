/**
 * The statement cache compiles a query shape once, whatever its values; and `echo` logs every
 * statement with its parameters.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, createEngine, deleteFrom, insert, integer, select, string, table, update, type Connection } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const pets = table("core_cache_pets", metadata, {
  id: integer().primaryKey(),
  name: string(20).notNull(),
  legs: integer().notNull(),
});

forEachDatabase("statement cache and SQL logging", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [[pets, [{ id: 1, name: "rex", legs: 4 }, { id: 2, name: "tweety", legs: 2 }, { id: 3, name: "nemo", legs: 0 }]]],
  });

  test("the same query shape built twice with different values compiles once and returns each value's rows", async () => {
    const { engine } = ctx;
    const byLegs = (legs: number) => select(pets.c.name).where(pets.c.legs.ge(legs)).orderBy(pets.c.id);
    const before = engine.cache.compilations;
    assert.deepEqual((await engine.execute(byLegs(4))).rows, [{ name: "rex" }]);
    assert.equal(engine.cache.compilations, before + 1);
    assert.deepEqual((await engine.execute(byLegs(2))).rows, [{ name: "rex" }, { name: "tweety" }]);
    assert.deepEqual((await engine.execute(byLegs(0))).rows, [{ name: "rex" }, { name: "tweety" }, { name: "nemo" }]);
    assert.equal(engine.cache.compilations, before + 1, "no recompilation for new values");

    // The cached text is shared; the parameters are each statement's own.
    const a = engine.cache.compile(byLegs(7).node);
    const b = engine.cache.compile(byLegs(8).node);
    assert.equal(a.sql, b.sql);
    assert.deepEqual([a.params, b.params], [[7], [8]]);

    // A different shape compiles again: another operator, or another number of IN values.
    await engine.execute(select(pets.c.name).where(pets.c.legs.lt(4)).orderBy(pets.c.id));
    assert.equal(engine.cache.compilations, before + 2);
    await engine.execute(select(pets.c.name).where(pets.c.id.in([1, 2])));
    await engine.execute(select(pets.c.name).where(pets.c.id.in([3, 1])));
    assert.equal(engine.cache.compilations, before + 3);
    await engine.execute(select(pets.c.name).where(pets.c.id.in([1, 2, 3])));
    assert.equal(engine.cache.compilations, before + 4);
  });

  test("inserts and updates of the same shape are compiled once too", async () => {
    const { engine } = ctx;
    const before = engine.cache.compilations;
    for (const [id, name] of [[10, "a"], [11, "b"], [12, "c"]] as const) {
      await engine.execute(insert(pets).values({ id, name, legs: 1 }));
      await engine.execute(update(pets).set({ legs: pets.c.legs.plus(id) }).where(pets.c.id.eq(id)));
    }
    assert.equal(engine.cache.compilations, before + 2);
    const legs = (await engine.execute(select(pets.c.legs).where(pets.c.id.ge(10)).orderBy(pets.c.id))).rows.map((r) => r.legs);
    assert.deepEqual(legs, [11, 12, 13]);
    await engine.execute(deleteFrom(pets).where(pets.c.id.ge(10)));
  });

  test("echo logs each statement with its parameters", async () => {
    const lines: string[] = [];
    const logged = createEngine(ctx.db.url, { echo: (message) => lines.push(message) });
    try {
      await metadata.createAll(logged); // a fresh in-memory database on SQLite; a no-op elsewhere
      await logged.execute(insert(pets).values({ id: 20, name: "it's \"logged\"", legs: 3 }));
      const rows = (await logged.execute(select(pets.c.name).where(pets.c.id.eq(20)))).rows;
      assert.deepEqual(rows, [{ name: "it's \"logged\"" }]);
      await logged.execute(deleteFrom(pets).where(pets.c.id.eq(20)));
    } finally {
      await logged.dispose();
    }
    const insertLine = lines.find((l) => /^INSERT INTO .core_cache_pets./.test(l));
    assert.ok(insertLine, lines.join("\n"));
    assert.ok(insertLine.includes(`-- params: [20,"it's \\"logged\\"",3]`), insertLine);
    const selectLine = lines.find((l) => /^SELECT .*core_cache_pets/.test(l));
    assert.ok(selectLine?.endsWith("-- params: [20]"), selectLine);
    assert.ok(lines.some((l) => /^DELETE FROM .core_cache_pets. WHERE/.test(l)));
  });
});

forEachDatabase(
  "PostgreSQL prepared statements",
  (ctx) => {
    useSchema(ctx, metadata, { seed: [[pets, [{ id: 1, name: "rex", legs: 4 }]]] });
    const byLegs = (legs: number) => select(pets.c.name).where(pets.c.legs.ge(legs));
    /** The statements prepared on this connection under a name (by the protocol, not PREPARE). */
    const preparedOn = async (conn: Connection) =>
      (await conn.run("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")).rows.map((r) => String((r as { statement: string }).statement));

    test("a statement with parameters is prepared once per connection, then only bound and run", async () => {
      await ctx.engine.withConnection(async (conn) => {
        for (const legs of [0, 2, 4]) await conn.execute(byLegs(legs));
        const prepared = await preparedOn(conn);
        assert.equal(prepared.filter((text) => text.startsWith(`SELECT "core_cache_pets"."name"`)).length, 1, prepared.join("\n"));
        assert.deepEqual((await conn.execute(byLegs(3))).rows, [{ name: "rex" }]);
      });
    });

    test("a column's type changed: through the engine, statements are prepared anew; elsewhere, one error, then they are", async () => {
      const query = (engine: typeof ctx.engine) => engine.withConnection((conn) => conn.run("SELECT * FROM core_plan_t WHERE a = $1", [1]));
      const single = engineFor(ctx.db, { pool: { max: 1 } }); // one connection: the one that prepared
      try {
        await single.withConnection(async (conn) => {
          await conn.run("DROP TABLE IF EXISTS core_plan_t");
          await conn.run("CREATE TABLE core_plan_t (a integer, b integer)");
          await conn.run("INSERT INTO core_plan_t VALUES (1, 2)");
        });
        assert.deepEqual((await query(single)).rows, [{ a: 1, b: 2 }]);
        await single.withConnection((conn) => conn.run("ALTER TABLE core_plan_t ALTER COLUMN b TYPE text"));
        assert.deepEqual((await query(single)).rows, [{ a: 1, b: "2" }], "DDL through the engine forgets the prepared statements");
        await ctx.engine.withConnection((conn) => conn.run("ALTER TABLE core_plan_t ALTER COLUMN b TYPE integer USING b::integer"));
        await assert.rejects(query(single), /cached plan must not change result type/);
        assert.deepEqual((await query(single)).rows, [{ a: 1, b: 2 }], "after the error, the statement is parsed anew");
      } finally {
        await single.withConnection((conn) => conn.run("DROP TABLE IF EXISTS core_plan_t"));
        await single.dispose();
      }
    });

    test("preparedStatements: false (for a pooler in transaction mode) prepares none", async () => {
      const engine = engineFor(ctx.db, { pool: { preparedStatements: false } });
      try {
        await engine.withConnection(async (conn) => {
          for (const legs of [0, 2]) await conn.execute(byLegs(legs));
          assert.deepEqual(await preparedOn(conn), []);
        });
      } finally {
        await engine.dispose();
      }
    });

    test("transactionPooler: true prepares none either, and names each engine's statements apart otherwise", async () => {
      const pooled = engineFor(ctx.db, { transactionPooler: true });
      const named = engineFor(ctx.db, {});
      try {
        await pooled.withConnection(async (conn) => {
          for (const legs of [0, 2]) await conn.execute(byLegs(legs));
          assert.deepEqual(await preparedOn(conn), []);
        });
        await named.withConnection(async (conn) => {
          await conn.execute(byLegs(2));
          const names = (await conn.run("SELECT name FROM pg_prepared_statements WHERE NOT from_sql")).rows.map((r) => String((r as { name: string }).name));
          // Unique to the engine: through a pooler, another engine's "athanor_0" would be run instead.
          assert.ok(names.length > 0 && names.every((n) => /^athanor_[0-9a-f]{8}_\d+$/.test(n)), names.join());
        });
      } finally {
        await pooled.dispose();
        await named.dispose();
      }
    });
  },
  ["postgresql"],
);
