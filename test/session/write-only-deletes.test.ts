/**
 * Write-only collections (`lazy: "writeOnly"`) and the other ways a session meets them: a parent
 * deleted with `passiveDeletes` (left to the database's ON DELETE, nothing read), a detached
 * parent merged with changes queued, a savepoint rolled back, a new parent's `select()`, and the
 * declarations configuration refuses.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DeclarativeBase,
  MappingConfigurationError,
  Registry,
  WriteOnlyCollection,
  WriteOnlyCollectionError,
  column,
  columnsOf,
  integer,
  manyToMany,
  manyToOne,
  model,
  oneToMany,
  select,
  string,
  table,
  type Rel,
} from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class WdBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    WdFeed: WdFeed;
    WdItem: WdItem;
    WdLog: WdLog;
    WdLine: WdLine;
  }
}

@model("wd_feeds")
class WdFeed extends WdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("WdItem", { backPopulates: "feed", lazy: "writeOnly", cascade: "all, delete-orphan", passiveDeletes: true })
  accessor items!: Rel<WriteOnlyCollection<WdItem>, "feed">;
}

@model("wd_items")
class WdItem extends WdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor title!: string;
  @column(integer().named("feed_id").notNull().references("wd_feeds.id", { onDelete: "cascade" })) accessor feedId!: number;
  @manyToOne("WdFeed", { backPopulates: "items" }) accessor feed!: Rel<WdFeed, "items">;
}

/** Without a back-reference: the flush sets and clears the lines' key from the log's side. */
@model("wd_logs")
class WdLog extends WdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("WdLine", { lazy: "writeOnly" }) accessor lines!: WriteOnlyCollection<WdLine>;
}

@model("wd_lines")
class WdLine extends WdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("log_id").references("wd_logs.id")) accessor logId!: number | null;
}

function item(id: number): WdItem {
  return Object.assign(new WdItem(), { id, title: `i${id}` });
}

async function ids(ctx: SessionContext, query: string): Promise<number[]> {
  const result = await ctx.engine.withConnection((conn) => conn.run(query));
  return (result.rows as Record<string, unknown>[]).map((row) => Number(Object.values(row)[0]));
}

async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const one = Object.assign(new WdFeed(), { id: 1 });
  const two = Object.assign(new WdFeed(), { id: 2 });
  one.items.addAll([item(1), item(2), item(3)]);
  two.items.add(item(4));
  session.addAll([one, two]);
  await session.commit();
  await session.close();
}

/** Log 1 with lines 1 and 2. */
async function seedLog(ctx: SessionContext): Promise<void> {
  const setup = ctx.session();
  const log = Object.assign(new WdLog(), { id: 1 });
  log.lines.addAll([1, 2].map((id) => Object.assign(new WdLine(), { id })));
  setup.add(log);
  await setup.commit();
  await setup.close();
}

forEachDatabaseWithSchema("write-only collections: deletes, merge, savepoints", WdBase.metadata, (ctx) => {
  test("deleting the parent with passiveDeletes reads no member: the database's ON DELETE CASCADE removes them", async () => {
    await seed(ctx);
    const session = ctx.session();
    const feed = (await session.get(WdFeed, 1))!;
    ctx.reset();
    session.delete(feed);
    await session.commit();
    assert.ok(!ctx.statements.some((s) => /^SELECT/i.test(s) && /wd_items/.test(s)), `no SELECT of the items: ${ctx.statements.join("\n")}`);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wd_items ORDER BY id"), [4]);
  });

  test("a queued member of a parent deleted with passiveDeletes is deleted with it, never inserted", async () => {
    await seed(ctx);
    const session = ctx.session();
    const feed = (await session.get(WdFeed, 1))!;
    feed.items.add(item(9));
    session.delete(feed);
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wd_items ORDER BY id"), [4]);
  });

  test("setting the many-to-one adds to the parent without loading its write-only side", async () => {
    await seed(ctx);
    const session = ctx.session();
    const feed = (await session.get(WdFeed, 2))!;
    const moved = (await session.get(WdItem, 3))!;
    ctx.reset();
    moved.feed = feed;
    const fresh = item(5);
    fresh.feed = feed;
    session.add(fresh);
    await session.commit();
    assert.ok(!ctx.statements.some((s) => /^SELECT/i.test(s)), `no SELECT: ${ctx.statements.join("\n")}`);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wd_items WHERE feed_id = 2 ORDER BY id"), [3, 4, 5]);
  });

  test("a detached parent merged with members queued: they are queued on the session's parent and written once", async () => {
    await seed(ctx);
    const first = ctx.session();
    const detached = (await first.get(WdFeed, 2))!;
    await first.close();
    detached.items.add(item(6));
    const second = ctx.session();
    await second.merge(detached);
    await second.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wd_items WHERE feed_id = 2 ORDER BY id"), [4, 6]);
  });

  test("a savepoint rolled back drops the members queued in it, and keeps those queued before", async () => {
    await seed(ctx);
    const session = ctx.session();
    const feed = (await session.get(WdFeed, 2))!;
    feed.items.add(item(7));
    const savepoint = await session.beginNested();
    feed.items.add(item(8));
    await session.flush();
    await savepoint.rollback();
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wd_items WHERE feed_id = 2 ORDER BY id"), [4, 7]);
  });

  // The removal of a member not queued before sets what the list counts as committed after the
  // savepoint has copied the parent; the copy put back kept that, and the outer commit wrote the
  // removal the rollback had undone (a cleared key), or failed on a NOT NULL one.
  for (const flushed of [false, true]) {
    test(`a member removed in a savepoint rolled back${flushed ? " after a flush" : ""} stays: the outer commit neither clears its key nor deletes it`, async () => {
      await seed(ctx);
      await seedLog(ctx);
      const session = ctx.session();
      const [persistentLog] = await session.scalars(select(WdLog));
      const [line] = await session.scalars(select(WdLine).where(columnsOf(WdLine).id.eq(1)));
      const feed = (await session.get(WdFeed, 1))!;
      const two = (await session.get(WdItem, 2))!;
      const savepoint = await session.beginNested();
      persistentLog!.lines.remove(line!); // its key cleared by a flush
      feed.items.remove(two); // delete-orphan: deleted by a flush
      if (flushed) await session.flush();
      await savepoint.rollback();
      await session.commit();
      assert.deepEqual(await ids(ctx, "SELECT id FROM wd_lines WHERE log_id = 1 ORDER BY id"), [1, 2]);
      assert.deepEqual(await ids(ctx, "SELECT id FROM wd_items WHERE feed_id = 1 ORDER BY id"), [1, 2, 3]);
    });
  }

  test("without a back-reference: members added and removed on a persistent parent are written from its side", async () => {
    await seedLog(ctx);
    const session = ctx.session();
    const [persistent] = await session.scalars(select(WdLog));
    const [first] = await session.scalars(select(WdLine).where(columnsOf(WdLine).id.eq(1)));
    persistent!.lines.remove(first!);
    persistent!.lines.add(Object.assign(new WdLine(), { id: 3 }));
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wd_lines WHERE log_id = 1 ORDER BY id"), [2, 3]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wd_lines WHERE log_id IS NULL"), [1]);
    assert.deepEqual((await session.scalars(persistent!.lines.select().orderBy(columnsOf(WdLine).id))).map((line) => line.id), [2, 3]);
  });

  test("select() of a parent not flushed yet is refused with the fix", () => {
    const feed = Object.assign(new WdFeed(), {});
    assert.throws(() => feed.items.select(), (error: unknown) => error instanceof WriteOnlyCollectionError && /flush it first/.test(error.message));
  });
}, { createOnce: true });

test("configuration refuses lazy: \"writeOnly\" on a many-to-one, and on a many-to-many over a mapped association table", () => {
  const registry = new Registry();
  const groups = table("wc_groups", registry.metadata, { id: integer().primaryKey() });
  const people = table("wc_people", registry.metadata, { id: integer().primaryKey() });
  const memberships = table("wc_memberships", registry.metadata, {
    groupId: integer().named("group_id").references("wc_groups.id").primaryKey(),
    personId: integer().named("person_id").references("wc_people.id").primaryKey(),
  });
  class Group {}
  class Person {}
  class Membership {}
  registry.mapImperatively(Group, groups, { properties: { people: manyToMany("Person" as never, { secondary: "wc_memberships", lazy: "writeOnly" }) } });
  registry.mapImperatively(Person, people);
  registry.mapImperatively(Membership, memberships, {
    properties: { group: manyToOne("Group" as never, { lazy: "writeOnly" }), person: manyToOne("Person" as never) },
  });
  assert.throws(
    () => registry.configure(),
    (error: unknown) =>
      error instanceof MappingConfigurationError &&
      /Membership\.group: lazy: "writeOnly" is for a collection/.test(error.message) &&
      /Group\.people: a write-only many-to-many over Membership/.test(error.message),
  );
});
