/**
 * A duplicate key refused by the database is reported as a duplicate of the primary key or of
 * another unique constraint (`IntegrityError.duplicate`). On PostgreSQL that was guessed from the
 * constraint's name (`<table>_pkey`, the name of an unnamed primary key): a primary key named by
 * the MetaData's naming convention (`pk_<table>`) was reported as "unique", and a unique
 * constraint whose name happens to end in `_pkey` as the primary key. The flush now looks the
 * constraint up in the tables' metadata. MariaDB ('PRIMARY') and SQLite (its result code) name
 * the primary key exactly; they are checked here all the same.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, MetaData, Registry, insert, integer, lazy, manyToMany, string, table, unique } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const registry = new Registry({ metadata: new MetaData({ namingConvention: { pk: "pk_{table_name}" } }) });
const items = table("dk_items", registry.metadata, { id: integer().primaryKey(), sku: string(20) }, (c) => [
  // Named as PostgreSQL names an unnamed primary key: the name alone took it for the key.
  unique([c.sku], { name: "dk_items_sku_pkey" }),
]);
const tags = table("dk_tags", registry.metadata, { id: integer().primaryKey() });
const itemTags = table("dk_item_tags", registry.metadata, {
  itemId: integer().named("item_id").primaryKey().references("dk_items.id"),
  tagId: integer().named("tag_id").primaryKey().references("dk_tags.id"),
});
class Item {
  declare id: number;
  declare sku: string | null;
  declare tags: Tag[];
}
class Tag {
  declare id: number;
}
registry.mapImperatively(Item, items, { properties: { tags: manyToMany("Tag" as never, { secondary: "dk_item_tags" }) } });
registry.mapImperatively(Tag, tags);

forEachDatabaseWithSchema("a duplicate key of a named primary key or unique constraint", registry.metadata, (ctx) => {
  /** The flush's error, which must be an IntegrityError; the session rolled back after it. */
  async function refused(session: ReturnType<typeof ctx.session>): Promise<IntegrityError> {
    const error = await session.flush().then(
      () => assert.fail("flushed"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof IntegrityError, String(error));
    await session.rollback();
    return error;
  }

  test("a row whose key is taken: a duplicate of the primary key", async () => {
    await ctx.engine.execute(insert(items).values({ id: 1, sku: "a" }));
    const session = ctx.session();
    session.add(Object.assign(new Item(), { id: 1, sku: "b" }));
    const error = await refused(session);
    assert.equal(error.duplicate, "primaryKey"); // was "unique" on PostgreSQL
    // The name as the database reports it: MariaDB's primary key is PRIMARY whatever the DDL said.
    assert.equal(error.constraint, { sqlite: undefined, postgresql: "pk_dk_items", mysql: "PRIMARY" }[ctx.db.name]);
    session.add(Object.assign(new Item(), { id: 2, sku: "b" }));
    await session.commit(); // usable after the rollback
    assert.equal(await ctx.count("dk_items"), 2);
  });

  test("a row whose unique value is taken: a duplicate of the unique constraint, whatever its name", async () => {
    await ctx.engine.execute(insert(items).values({ id: 1, sku: "a" }));
    const session = ctx.session();
    session.add(Object.assign(new Item(), { id: 2, sku: "a" }));
    assert.equal((await refused(session)).duplicate, "unique"); // was "primaryKey" on PostgreSQL
    assert.equal(await ctx.count("dk_items"), 1);
  });

  test("a link row a statement beside the session wrote first: a duplicate of the link table's primary key", async () => {
    await ctx.engine.execute(insert(items).values({ id: 1, sku: "a" }));
    await ctx.engine.execute(insert(tags).values({ id: 7 }));
    const session = ctx.session();
    const item = (await session.get(Item, 1))!;
    const list = await lazy(item).tags;
    await session.execute(insert(itemTags).values({ itemId: 1, tagId: 7 })); // the loaded list does not show it
    list.push((await session.get(Tag, 7))!);
    assert.equal((await refused(session)).duplicate, "primaryKey"); // was "unique" on PostgreSQL
    assert.equal(await ctx.count("dk_item_tags"), 0); // the rollback took the statement's row too
  });
}, { createOnce: true, sqliteFile: true });
