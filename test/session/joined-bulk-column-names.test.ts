/**
 * A bulk UPDATE through a class of joined-table inheritance finds the table of each column it sets
 * by the attribute given, not by the column's name: a subclass's table may have a column of the
 * same name as its base's (`name`, `updated_at`, even `version`), under another attribute, and an
 * attribute's column may be named otherwise (`.named(...)`). Found by name, such a SET was refused
 * as ambiguous (`update(Boss)`), read as the subclass's attribute (`update(Staff)` refused setting
 * the base's own `name`), or kept the version counter from moving on. Real rows on every database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, StaleDataError, column, columnsOf, integer, model, select, string, update } from "../../src/index.js";
import { tableRows } from "./fixtures/joined/seed.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class NcBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    NcStaff: Staff;
    NcBoss: Boss;
    NcPet: Pet;
    NcCat: Cat;
  }
}

@model("nc_staff", { name: "NcStaff", polymorphicOn: "kind", polymorphicIdentity: "staff", version: "version" })
class Staff extends NcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(50).notNull()) accessor name!: string;
  @column(string(20).notNull()) accessor kind!: string;
  @column(integer().notNull().default(1)) accessor version!: number;
  @column(integer().named("updated_at")) accessor updatedAt!: number | null;
}

/** Every column of its table but the key has a name the base's table has too, or one unlike its attribute. */
@model("nc_bosses", { name: "NcBoss", polymorphicIdentity: "boss" })
class Boss extends Staff {
  @column(string(50).named("name")) accessor title!: string | null;
  @column(integer().named("updated_at")) accessor reviewedAt!: number | null;
  @column(integer().named("version")) accessor grade!: number | null;
  @column(integer().named("budget_cents")) accessor budget!: number | null;
}

/** Not versioned: "evaluate" tests the WHERE on the objects (a versioned class's rows are read exactly instead). */
@model("nc_pets", { name: "NcPet", polymorphicOn: "kind", polymorphicIdentity: "pet" })
class Pet extends NcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor kind!: string;
  @column(integer().named("updated_at")) accessor updatedAt!: number | null;
}

@model("nc_cats", { name: "NcCat", polymorphicIdentity: "cat" })
class Cat extends Pet {
  @column(integer().named("updated_at")) accessor vetVisit!: number | null;
}

const b = columnsOf(Boss);

/** `rows` in key order (the first value of each): the keys are generated, their order not assumed. */
function byKey(rows: unknown[][]): unknown[][] {
  return [...rows].sort((x, y) => Number(x[0]) - Number(y[0]));
}

forEachDatabaseWithSchema("bulk UPDATE of joined-table classes whose tables share column names", NcBase.metadata, (ctx) => {
  async function seed(): Promise<{ ann: number; bob: number }> {
    const session = ctx.session();
    const ann = Object.assign(new Boss(), { name: "Ann", title: "CEO", updatedAt: 1, reviewedAt: 10, grade: 7, budget: 500 });
    const bob = Object.assign(new Staff(), { name: "Bob", updatedAt: 2 });
    session.addAll([ann, bob]);
    await session.commit();
    const keys = { ann: ann.id, bob: bob.id };
    await session.close();
    ctx.reset();
    return keys;
  }

  test("update(Boss) writes each attribute's own table: the subclass's `name` and `updated_at` in its table, the base's in the base's", async () => {
    const { ann, bob } = await seed();
    const session = ctx.session();
    const boss = (await session.get(Boss, ann))!;
    assert.equal(await session.execute(update(Boss).where(b.title.eq("CEO")).values({ title: "Chair", reviewedAt: 11 })), 1);
    assert.deepEqual([boss.name, boss.title, boss.updatedAt, boss.reviewedAt, boss.version], ["Ann", "Chair", 1, 11, 2]);
    assert.equal(await session.execute(update(Boss).values({ name: "Anne", updatedAt: 3, budget: 600 })), 1);
    assert.deepEqual([boss.name, boss.title, boss.updatedAt, boss.reviewedAt, boss.budget, boss.version], ["Anne", "Chair", 3, 11, 600, 3]);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "nc_staff", "id, name, updated_at, version"), byKey([[ann, "Anne", 3, 3], [bob, "Bob", 2, 1]]));
    assert.deepEqual(await tableRows(ctx, "nc_bosses", "id, name, updated_at, version, budget_cents"), [[ann, "Chair", 11, 7, 600]]);
  });

  test("a subclass column named as the base's version counter is set, and the counter still moves on (a stale object fails)", async () => {
    const { ann, bob } = await seed();
    const other = ctx.session({ expireOnCommit: false });
    const stale = (await other.get(Boss, ann))!;
    await other.commit();
    const session = ctx.session();
    assert.equal(await session.execute(update(Boss).values({ grade: 8 })), 1);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "nc_staff", "id, version"), byKey([[ann, 2], [bob, 1]]));
    assert.deepEqual(await tableRows(ctx, "nc_bosses", "id, version"), [[ann, 8]]);
    stale.title = "Old";
    await assert.rejects(other.commit(), StaleDataError);
    assert.deepEqual(await tableRows(ctx, "nc_bosses", "id, name"), [[ann, "CEO"]]);
  });

  test("update(Staff), the base, sets its own `name` and `updated_at`; the objects of either class follow by attribute", async () => {
    const { ann, bob } = await seed();
    const session = ctx.session();
    const [boss, plain] = [(await session.get(Boss, ann))!, (await session.get(Staff, bob))!];
    assert.equal(await session.execute(update(Staff).values({ name: "X", updatedAt: 9 })), 2);
    assert.deepEqual([boss.name, boss.title, boss.updatedAt, boss.reviewedAt, plain.name, plain.updatedAt], ["X", "CEO", 9, 10, "X", 9]);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "nc_staff", "id, name, updated_at"), byKey([[ann, "X", 9], [bob, "X", 9]]));
    assert.deepEqual(await tableRows(ctx, "nc_bosses", "id, name, updated_at"), [[ann, "CEO", 10]]);
    assert.deepEqual(await ctx.session().scalars(select(b.title)), ["CEO"]);
  });

  test('"evaluate" reads a WHERE on the base\'s table by its own attributes: `updated_at` there is Pet.updatedAt, not Cat.vetVisit', async () => {
    const session = ctx.session();
    const tom = Object.assign(new Cat(), { updatedAt: 1, vetVisit: 5 });
    session.add(tom);
    await session.commit();
    await session.refresh(tom); // loaded: the WHERE is tested on its values
    const p = columnsOf(Pet);
    assert.equal(await session.execute(update(Pet).where(p.updatedAt.eq(1)).values({ updatedAt: 2 }), { synchronizeSession: "evaluate" }), 1);
    assert.deepEqual([tom.updatedAt, tom.vetVisit], [2, 5]);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "nc_pets", "id, updated_at"), [[tom.id, 2]]);
    assert.deepEqual(await tableRows(ctx, "nc_cats", "id, updated_at"), [[tom.id, 5]]);
  });
}, { createOnce: true });
