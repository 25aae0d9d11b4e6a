/**
 * `containsEager` trusts the query's own JOIN to follow the relationship. A document with an author
 * and an editor (two keys to one table) queried through the editor's join, with
 * `containsEager(Doc, "author")`, showed the editor as `doc.author` while `doc.authorId` named the
 * author; and the next flush of the document (any column changed) copied the editor's key into
 * `author_id`, the commit resolving. A one-to-many filled so showed another parent's children.
 * Each joined row is now checked against the relationship's keys, as the database returned them:
 * a row the relationship would not join is refused with `ArgumentError`, before anything is loaded.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, DeclarativeBase, and, column, columnsOf, containsEager, integer, manyToOne, model, oneToMany, select, sql, string, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";
import { LkBin, LkWarehouse, WarehouseBase } from "./fixtures/warehouse.js";

class WjBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    WjPerson: WjPerson;
    WjDoc: WjDoc;
  }
}

@model("wj_people")
class WjPerson extends WjBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @oneToMany("WjDoc", { backPopulates: "author", foreignKeys: ["author_id"] }) accessor written!: Rel<WjDoc[], "author">;
}

@model("wj_docs")
class WjDoc extends WjBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor title!: string;
  @column(integer().named("author_id").references("wj_people.id")) accessor authorId!: number | null;
  @column(integer().named("editor_id").notNull().references("wj_people.id")) accessor editorId!: number;
  @manyToOne("WjPerson", { backPopulates: "written", foreignKeys: ["author_id"] }) accessor author!: Rel<WjPerson | null, "written">;
  @manyToOne("WjPerson", { foreignKeys: ["editor_id"] }) accessor editor!: WjPerson;
}

const d = columnsOf(WjDoc);
const p = columnsOf(WjPerson);

/** Ann (1) wrote doc 1, edited by Ed (2); Ed wrote doc 2, edited by Ann. */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  session.addAll([Object.assign(new WjPerson(), { id: 1, name: "Ann" }), Object.assign(new WjPerson(), { id: 2, name: "Ed" })]);
  await session.flush();
  session.addAll([
    Object.assign(new WjDoc(), { id: 1, title: "one", authorId: 1, editorId: 2 }),
    Object.assign(new WjDoc(), { id: 2, title: "two", authorId: 2, editorId: 1 }),
  ]);
  await session.commit();
  await session.close();
}

const authors = async (ctx: SessionContext) =>
  (await ctx.engine.execute(sql<{ id: number; author_id: number }>`SELECT id, author_id FROM wj_docs ORDER BY id`)).rows.map((r) => [Number(r.id), Number(r.author_id)]);

const refused = (option: string) => (error: unknown) => error instanceof ArgumentError && error.message.startsWith(option) && /does not follow/.test(error.message);

forEachDatabaseWithSchema("containsEager through a JOIN the relationship would not make", WjBase.metadata, (ctx) => {
  test("a many-to-one filled from the editor's join is refused; the author is not shown as the editor, nor written over", async () => {
    await seed(ctx);
    const session = ctx.session();
    const query = select(WjDoc).join(WjPerson, d.editorId.eq(p.id)).where(p.name.eq("Ed")).options(containsEager(WjDoc, "author"));
    await assert.rejects(session.scalars(query), refused('containsEager(WjDoc, "author")'));
    // The session goes on: the document, read plainly, keeps its author, and a change to it is written alone.
    const doc = (await session.get(WjDoc, 1))!;
    doc.title = "changed";
    await session.commit();
    assert.deepEqual(await authors(ctx), [[1, 1], [2, 2]]);
  });

  test("a one-to-many filled from the editor's join is refused: another author's documents are not shown as hers", async () => {
    await seed(ctx);
    const session = ctx.session();
    const query = select(WjPerson).join(WjDoc, d.editorId.eq(p.id)).where(p.id.eq(1)).options(containsEager(WjPerson, "written"));
    await assert.rejects(session.scalars(query), refused('containsEager(WjPerson, "written")'));
  });

  test("the relationship's own join loads, an outer join and a filtered condition included", async () => {
    await seed(ctx);
    const session = ctx.session();
    const docs = await session.scalars(select(WjDoc).join(WjPerson, d.authorId.eq(p.id)).orderBy(d.id).options(containsEager(WjDoc, "author")));
    assert.deepEqual(docs.map((doc) => doc.author!.name), ["Ann", "Ed"]);
    const people = await session.scalars(
      select(WjPerson).leftJoin(WjDoc, and(d.authorId.eq(p.id), d.title.eq("two"))).orderBy(p.id).options(containsEager(WjPerson, "written")),
    );
    assert.deepEqual(people.map((person) => person.written.map((doc) => doc.id)), [[], [2]]);
  });

  test("an object the session holds with a key another transaction changed since: the row's key is checked, not the object's", async () => {
    await seed(ctx);
    const session = ctx.session({ expireOnCommit: false });
    const doc = (await session.get(WjDoc, 1))!;
    await session.commit();
    await ctx.engine.execute(sql`UPDATE wj_docs SET author_id = 2 WHERE id = 1`);
    const [same] = await session.scalars(select(WjDoc).join(WjPerson, d.authorId.eq(p.id)).where(d.id.eq(1)).options(containsEager(WjDoc, "author")));
    assert.equal(same, doc);
    assert.equal(doc.author!.name, "Ed", "the author the row names now");
  });
}, { createOnce: true });

const bin = columnsOf(LkBin);
const warehouse = columnsOf(LkWarehouse);

forEachDatabaseWithSchema("containsEager of a composite key through a JOIN on part of it", WarehouseBase.metadata, (ctx) => {
  test("joined on the country alone: refused; on the whole key: each bin its warehouse", async () => {
    const session = ctx.session();
    const [de1, de2] = [1, 2].map((code) => Object.assign(new LkWarehouse(), { country: "DE", code }));
    de1!.bins.push(Object.assign(new LkBin(), { id: 1 }));
    de2!.bins.push(Object.assign(new LkBin(), { id: 2 }));
    session.addAll([de1!, de2!]);
    await session.commit();
    const partly = select(LkBin).join(LkWarehouse, bin.country.eq(warehouse.country)).options(containsEager(LkBin, "warehouse"));
    await assert.rejects(session.scalars(partly), refused('containsEager(LkBin, "warehouse")'));
    const whole = select(LkBin).join(LkWarehouse, and(bin.country.eq(warehouse.country), bin.code.eq(warehouse.code))).orderBy(bin.id);
    const bins = await session.scalars(whole.options(containsEager(LkBin, "warehouse")));
    assert.deepEqual(bins.map((b) => [b.id, b.warehouse.code]), [[1, 1], [2, 2]]);
  });
}, { createOnce: true });
