/**
 * Write-only collections (`lazy: "writeOnly"`, SQLAlchemy's `WriteOnlyMapped`): a one-to-many and a
 * many-to-many never loaded, changed with add/remove (written by the next flush), read with
 * `select()`, changed in bulk with `insert()`/`update()`/`delete()`; refused as a list.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { promisify } from "node:util";
import {
  DeclarativeBase,
  WriteOnlyCollection,
  WriteOnlyCollectionError,
  column,
  columnsOf,
  containsEager,
  integer,
  joinedLoad,
  lazy,
  manyToMany,
  manyToOne,
  model,
  oneToMany,
  raiseLoad,
  select,
  selectinLoad,
  string,
  table,
  type Rel,
} from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class WoBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    WoUser: WoUser;
    WoEvent: WoEvent;
    WoNote: WoNote;
    WoTag: WoTag;
  }
}

table("wo_user_tags", WoBase.metadata, {
  userId: integer().named("user_id").references("wo_users.id").primaryKey(),
  tagId: integer().named("tag_id").references("wo_tags.id").primaryKey(),
});

@model("wo_users")
class WoUser extends WoBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(30).notNull()) accessor name!: string;
  // Events belong to their user: deleted with it, and when taken out of the collection.
  @oneToMany("WoEvent", { backPopulates: "user", lazy: "writeOnly", cascade: "all, delete-orphan", orderBy: [{ attr: "id", direction: "desc" }] })
  accessor events!: Rel<WriteOnlyCollection<WoEvent>, "user">;
  // Notes outlive their user: its key is cleared.
  @oneToMany("WoNote", { backPopulates: "user", lazy: "writeOnly" }) accessor notes!: Rel<WriteOnlyCollection<WoNote>, "user">;
  @manyToMany("WoTag", { secondary: "wo_user_tags", backPopulates: "users", lazy: "writeOnly" }) accessor tags!: Rel<WriteOnlyCollection<WoTag>, "users">;
}

@model("wo_events")
class WoEvent extends WoBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(30).notNull()) accessor kind!: string;
  @column(integer().named("user_id").notNull().references("wo_users.id")) accessor userId!: number;
  @manyToOne("WoUser", { backPopulates: "events" }) accessor user!: Rel<WoUser, "events">;
}

@model("wo_notes")
class WoNote extends WoBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(30).notNull()) accessor text!: string;
  @column(integer().named("user_id").references("wo_users.id")) accessor userId!: number | null;
  @manyToOne("WoUser", { backPopulates: "notes" }) accessor user!: Rel<WoUser | null, "notes">;
}

@model("wo_tags")
class WoTag extends WoBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(30).notNull()) accessor label!: string;
  @manyToMany("WoUser", { secondary: "wo_user_tags", backPopulates: "tags" }) accessor users!: Rel<WoUser[], "tags">;
}

const e = columnsOf(WoEvent);

function event(id: number, kind = `k${id}`): WoEvent {
  return Object.assign(new WoEvent(), { id, kind });
}

async function ids(ctx: SessionContext, query: string): Promise<number[]> {
  const result = await ctx.engine.withConnection((conn) => conn.run(query));
  return (result.rows as Record<string, unknown>[]).map((row) => Number(Object.values(row)[0]));
}

/** User 1 with events 1..3, notes 1..2 and tags 1..2; user 2 with event 4; tag 3 unlinked. */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const ann = Object.assign(new WoUser(), { id: 1, name: "ann" });
  const bob = Object.assign(new WoUser(), { id: 2, name: "bob" });
  ann.events.addAll([event(1), event(2), event(3)]);
  bob.events.add(event(4));
  ann.notes.addAll([Object.assign(new WoNote(), { id: 1, text: "a" }), Object.assign(new WoNote(), { id: 2, text: "b" })]);
  const tags = [1, 2, 3].map((id) => Object.assign(new WoTag(), { id, label: `t${id}` }));
  ann.tags.addAll([tags[0]!, tags[1]!]);
  session.addAll([ann, bob, tags[2]!]);
  await session.commit();
  await session.close();
}

forEachDatabaseWithSchema("write-only collections", WoBase.metadata, (ctx) => {
  test("a new parent's queued members are written by the flush, and select() reads them in the relationship's order", async () => {
    await seed(ctx);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_events WHERE user_id = 1 ORDER BY id"), [1, 2, 3]);
    assert.deepEqual(await ids(ctx, "SELECT tag_id FROM wo_user_tags WHERE user_id = 1 ORDER BY tag_id"), [1, 2]);
    const session = ctx.session();
    const ann = (await session.get(WoUser, 1))!;
    assert.deepEqual((await session.scalars(ann.events.select())).map((x) => x.id), [3, 2, 1]);
    assert.deepEqual((await session.scalars(ann.events.select().where(e.kind.ne("k2")).limit(1))).map((x) => x.id), [3]);
    assert.deepEqual((await session.scalars(ann.tags.select().orderBy(columnsOf(WoTag).id))).map((x) => x.label), ["t1", "t2"]);
    const streamed: number[] = [];
    for await (const x of session.stream(ann.events.select())) streamed.push(x.id);
    assert.deepEqual(streamed, [3, 2, 1]);
  });

  test("add and remove on a persistent parent write only what changed, without loading the collection", async () => {
    await seed(ctx);
    const session = ctx.session();
    const ann = (await session.get(WoUser, 1))!;
    const [two] = await session.scalars(select(WoEvent).where(e.id.eq(2)));
    const [tag1, tag3] = await session.scalars(select(WoTag).where(columnsOf(WoTag).id.in([1, 3])).orderBy(columnsOf(WoTag).id));
    ctx.reset();
    ann.events.add(event(5));
    ann.events.remove(two!); // delete-orphan: deleted
    ann.tags.add(tag3!);
    ann.tags.remove(tag1!);
    await session.commit();
    assert.ok(!ctx.statements.some((s) => /^SELECT/i.test(s)), `no SELECT: ${ctx.statements.join("\n")}`);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_events WHERE user_id = 1 ORDER BY id"), [1, 3, 5]);
    assert.deepEqual(await ids(ctx, "SELECT tag_id FROM wo_user_tags WHERE user_id = 1 ORDER BY tag_id"), [2, 3]);
  });

  test("removing a member without delete-orphan clears its foreign key; the many-to-one side works as usual", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [ann, bob] = await session.scalars(select(WoUser).orderBy(columnsOf(WoUser).id));
    const [one, two] = await session.scalars(select(WoNote).orderBy(columnsOf(WoNote).id));
    ann!.notes.remove(one!);
    two!.user = bob!; // the many-to-one: bob's write-only side stays unloaded
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_notes WHERE user_id IS NULL"), [1]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_notes WHERE user_id = 2"), [2]);
  });

  test("insert(), update() and delete() are bulk statements scoped to the parent", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [ann] = await session.scalars(select(WoUser).where(columnsOf(WoUser).id.eq(1)));
    await session.execute(ann!.events.insert(), [{ id: 10, kind: "bulk" }, { id: 11, kind: "bulk" }]);
    await session.execute(ann!.events.update().values({ kind: "seen" }).where(e.id.le(2)));
    await session.execute(ann!.tags.update().values({ label: "mine" }));
    await session.execute(ann!.events.delete().where(e.id.eq(3)));
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_events WHERE user_id = 1 ORDER BY id"), [1, 2, 10, 11]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_events WHERE kind = 'seen' ORDER BY id"), [1, 2]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_events WHERE user_id = 2"), [4]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_tags WHERE label = 'mine' ORDER BY id"), [1, 2]);
    assert.throws(() => ann!.tags.insert(), WriteOnlyCollectionError);
  });

  test("read as a list, assigned, or loaded: refused with WriteOnlyCollectionError naming the class, the attribute and select()", async () => {
    await seed(ctx);
    const session = ctx.session();
    const ann = (await session.get(WoUser, 1))!;
    const refused = (error: unknown) =>
      error instanceof WriteOnlyCollectionError && error.model === "WoUser" && error.attribute === "events" && /WoUser\.events/.test(error.message) && /select\(\)|add\(/.test(error.message);
    assert.throws(() => [...(ann.events as unknown as Iterable<unknown>)], refused);
    assert.throws(() => (ann.events as unknown as unknown[]).length, refused);
    assert.throws(() => (ann.events as unknown as unknown[]).map((x) => x), refused);
    assert.throws(() => ((ann as unknown as { events: unknown }).events = []), refused);
    await assert.rejects(lazy(ann).events as Promise<unknown>, refused);
    await assert.rejects(session.scalars(select(WoUser).options(selectinLoad(WoUser, "events" as never))), refused);
    await assert.rejects(session.scalars(select(WoUser).options(joinedLoad(WoUser, "events" as never))), refused);
    await assert.rejects(session.scalars(select(WoUser).join(WoEvent).options(containsEager(WoUser, "events" as never))), refused);
    await assert.rejects(session.load(ann, "events" as never), refused);
    // A wildcard passes it by: the query runs, and the attribute is still the collection.
    const [again] = await session.scalars(select(WoUser).where(columnsOf(WoUser).id.eq(1)).options(raiseLoad("*")));
    assert.ok(again!.events instanceof WriteOnlyCollection);
  });

  test("a flush that fails rolls back and leaves the queued adds pending; fixed, the next commit writes them once", async () => {
    await seed(ctx);
    const session = ctx.session();
    const ann = (await session.get(WoUser, 1))!;
    const clash = event(4); // event 4 is bob's: the INSERT fails on its key
    ann.events.addAll([event(6), clash]);
    await assert.rejects(session.flush());
    await session.rollback();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_events WHERE user_id = 1 ORDER BY id"), [1, 2, 3]);
    const again = ctx.session();
    const ann2 = (await again.get(WoUser, 1))!;
    const pendingClash = event(7);
    ann2.events.addAll([event(6), pendingClash]);
    const conflicting = Object.assign(new WoNote(), { id: 1, text: "dup" }); // note 1 exists: fails the same flush
    again.add(conflicting);
    await assert.rejects(again.flush());
    // The failed flush left the work pending: take out the bad object, flush again.
    again.expunge(conflicting);
    await again.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_events WHERE user_id = 1 ORDER BY id"), [1, 2, 3, 6, 7]);
  });

  test("docs/large-collections.md's example, examples/large-collections.ts, runs and prints what the guide says", { timeout: 120_000 }, async () => {
    const args = ["--import", "tsx", "examples/large-collections.ts", ...(ctx.db.name === "sqlite" ? [] : [ctx.db.url])];
    const { stdout } = await promisify(execFile)(process.execPath, args, { encoding: "utf8" });
    const printed = stdout.trim().split("\n");
    assert.deepEqual(printed, [
      "readings: 1001, latest: 99, 49, 48",
      "bulk: 2 inserted, 21 set to 0, 41 deleted; now 962",
      "iterating: WriteOnlyCollectionError",
      "deleting the sensor: 0 SELECT, 1 DELETE of its alerts",
      "after deleting the sensor: 0 readings, 0 alerts",
      "a held alert of the deleted sensor: detached, 0 alerts left",
    ]);
    const guide = readFileSync("docs/large-collections.md", "utf8");
    for (const line of printed) assert.ok(guide.includes(line), `the guide shows: ${line}`);
  });

  test("deleting the parent without passiveDeletes: delete-orphan members are deleted, other members lose their key, links go", async () => {
    await seed(ctx);
    const session = ctx.session();
    const ann = (await session.get(WoUser, 1))!;
    ann.events.add(event(8));
    session.delete(ann);
    await session.commit();
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_events ORDER BY id"), [4]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_notes WHERE user_id IS NULL ORDER BY id"), [1, 2]);
    assert.deepEqual(await ids(ctx, "SELECT COUNT(*) FROM wo_user_tags"), [0]);
    assert.deepEqual(await ids(ctx, "SELECT id FROM wo_users"), [2]);
  });
}, { createOnce: true });
