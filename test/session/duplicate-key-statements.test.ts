/**
 * A duplicate key refused on a statement run outside a flush (`engine.execute(insert(table)...)`,
 * an UPDATE, an upsert, `session.execute(insert(Model)...)`) says which key it is of
 * (`IntegrityError.duplicate`). A flush read the constraint's name in the tables' metadata, but
 * these statements kept PostgreSQL's guess from the name alone: a primary key named by the naming
 * convention (`pk_<table>`) read "unique", a unique constraint named `..._pkey` read "primaryKey".
 * The connection now reads it by the metadata of the table the statement names. MariaDB
 * ('PRIMARY') and SQLite (its result code) were exact; they are checked here all the same.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, MetaData, Registry, insert, integer, string, table, unique, update } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const registry = new Registry({ metadata: new MetaData({ namingConvention: { pk: "pk_{table_name}" } }) });
const items = table("dks_items", registry.metadata, { id: integer().primaryKey(), sku: string(20) }, (c) => [
  // Named as PostgreSQL names an unnamed primary key: the name alone took it for the key.
  unique([c.sku], { name: "dks_items_sku_pkey" }),
]);
class Item {
  declare id: number;
  declare sku: string | null;
}
registry.mapImperatively(Item, items);

forEachDatabaseWithSchema("a duplicate key of a named key, refused on a statement", registry.metadata, (ctx) => {
  /** The IntegrityError `run` rejects with. */
  async function refused(run: () => Promise<unknown>): Promise<IntegrityError> {
    const error = await run().then(
      () => assert.fail("the statement ran"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof IntegrityError, String(error));
    return error;
  }
  const seed = () => ctx.engine.execute(insert(items).values([{ id: 1, sku: "a" }, { id: 2, sku: "b" }]));

  test("engine.execute(insert(table)): a taken key is the primary key, a taken sku the unique constraint", async () => {
    await seed();
    const key = await refused(() => ctx.engine.execute(insert(items).values({ id: 1, sku: "c" })));
    assert.equal(key.duplicate, "primaryKey"); // was "unique" on PostgreSQL
    assert.equal(key.constraint, { sqlite: undefined, postgresql: "pk_dks_items", mysql: "PRIMARY" }[ctx.db.name]);
    assert.equal((await refused(() => ctx.engine.execute(insert(items).values({ id: 3, sku: "a" })))).duplicate, "unique"); // was "primaryKey" on PostgreSQL
    assert.equal(await ctx.count("dks_items"), 2);
  });

  test("an UPDATE and an upsert onto a taken sku: the unique constraint", async () => {
    await seed();
    const updated = await refused(() => ctx.engine.execute(update(items).set({ sku: "a" }).where(items.c.id.eq(2))));
    assert.equal(updated.duplicate, "unique"); // was "primaryKey" on PostgreSQL
    // Row 2 is there: the upsert updates it onto row 1's sku.
    const upsert =
      ctx.db.name === "mysql"
        ? insert(items).values({ id: 2, sku: "z" }).onDuplicateKeyUpdate({ set: { sku: "a" } })
        : insert(items).values({ id: 2, sku: "z" }).onConflictDoUpdate({ target: items.c.id, set: { sku: "a" } });
    assert.equal((await refused(() => ctx.engine.execute(upsert))).duplicate, "unique");
    assert.equal(await ctx.count("dks_items", "sku = 'b'"), 1, "row 2 unchanged");
  });

  test("a multi-row INSERT run in chunks: the primary key", async () => {
    await seed();
    const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: i + 3, sku: `s${i}` }));
    rows.push({ id: 1, sku: "last" });
    const error = await refused(() => ctx.engine.execute(insert(items).values(rows)));
    assert.equal(error.duplicate, "primaryKey"); // was "unique" on PostgreSQL
    assert.equal(await ctx.count("dks_items"), 2, "no chunk kept");
  });

  test("session.execute(insert(Model)) and update(Model): read the same way, the session usable after its rollback", async () => {
    await seed();
    const session = ctx.session();
    assert.equal((await refused(() => session.execute(insert(Item).values({ id: 1, sku: "c" })))).duplicate, "primaryKey"); // was "unique" on PostgreSQL
    await session.rollback();
    assert.equal((await refused(() => session.execute(update(Item).set({ sku: "a" }).where(items.c.id.eq(2))))).duplicate, "unique");
    await session.rollback();
    await session.execute(insert(Item).values({ id: 3, sku: "c" }));
    await session.commit();
    assert.equal(await ctx.count("dks_items"), 3);
  });

  test("session.execute(update(Model)) whose changed rows come back by RETURNING (synchronizeSession \"fetch\", returning()): the unique constraint", async () => {
    await seed();
    const session = ctx.session();
    const fetched = await refused(() => session.execute(update(Item).set({ sku: "a" }).where(items.c.id.eq(2)), { synchronizeSession: "fetch" }));
    assert.equal(fetched.duplicate, "unique"); // was "primaryKey" on PostgreSQL
    await session.rollback();
    if (ctx.db.name !== "mysql") { // MariaDB has no UPDATE ... RETURNING
      const returned = await refused(() => session.execute(update(Item).set({ sku: "a" }).where(items.c.id.eq(2)).returning(items.c.id)));
      assert.equal(returned.duplicate, "unique"); // was "primaryKey" on PostgreSQL
      await session.rollback();
    }
    assert.equal(await ctx.count("dks_items", "sku = 'b'"), 1, "row 2 unchanged");
  });
}, { createOnce: true, sqliteFile: true });
