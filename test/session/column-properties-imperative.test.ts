/**
 * Column properties of an imperatively mapped class: `columnProperty(...)` in `mapImperatively`'s
 * `properties`, loaded, queried, deferred, read-only and expired as on a `@model` class.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ExpiredAttributeError,
  ReadOnlyAttributeError,
  Registry,
  UnloadedAttributeError,
  columnProperty,
  columnsOf,
  func,
  integer,
  scalarSubquery,
  select,
  string,
  table,
  undefer,
} from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const registry = new Registry();
const people = table("cpi_people", registry.metadata, { id: integer().primaryKey(), first: string(50).notNull(), last: string(50).notNull() });
const orders = table("cpi_orders", registry.metadata, { id: integer().primaryKey(), personId: integer().named("person_id").notNull().references("cpi_people.id"), total: integer().notNull() });

class CpiPerson {
  declare id: number;
  declare first: string;
  declare last: string;
  declare fullName: string;
  declare orderCount: number | null;
  declare spent: number | null;
}
class CpiOrder {
  declare id: number;
  declare personId: number;
  declare total: number;
}

registry.mapImperatively(CpiOrder, orders);
registry.mapImperatively(CpiPerson, people, {
  properties: {
    fullName: columnProperty<CpiPerson, string>((c) => c.first.concat(" ").concat(c.last)),
    orderCount: columnProperty<CpiPerson, number | null>((c) => scalarSubquery(select(func.count().label("n")).from(orders).where(orders.c.personId.eq(c.id)))),
    spent: columnProperty<CpiPerson, number | null>((c) => scalarSubquery(select(func.sum(orders.c.total).label("s")).from(orders).where(orders.c.personId.eq(c.id))), { deferred: true }),
  },
});

const make = <T extends object>(cls: new () => T, values: Partial<T>): T => Object.assign(new cls(), values);

forEachDatabaseWithSchema("column properties of an imperatively mapped class", registry.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    session.addAll([make(CpiPerson, { id: 1, first: "Ada", last: "Lovelace" }), make(CpiPerson, { id: 2, first: "Alan", last: "Turing" })]);
    await session.flush();
    session.addAll([make(CpiOrder, { id: 1, personId: 1, total: 5 }), make(CpiOrder, { id: 2, personId: 1, total: 7 })]);
    await session.commit();
    await session.close();
  }

  test("loaded by get and queries, usable in where and orderBy, deferred until undefer", async () => {
    await seed();
    const session = ctx.session();
    const ada = (await session.get(CpiPerson, 1))!;
    assert.equal(ada.fullName, "Ada Lovelace");
    assert.equal(Number(ada.orderCount), 2);
    assert.throws(() => ada.spent, UnloadedAttributeError);
    const c = columnsOf(CpiPerson);
    const buyers = await session.scalars(select(CpiPerson).where(c.orderCount.gt(0)).orderBy(c.fullName));
    assert.deepEqual(buyers.map((p) => p.fullName), ["Ada Lovelace"]);
    const [withSpent] = await session.scalars(select(CpiPerson).where(c.id.eq(1)).options(undefer(CpiPerson, "spent")));
    assert.equal(Number(withSpent!.spent), 12);
  });

  test("read-only, and expired by a write of its row until reloaded", async () => {
    await seed();
    const session = ctx.session();
    const alan = (await session.get(CpiPerson, 2))!;
    assert.throws(() => {
      alan.fullName = "Someone";
    }, ReadOnlyAttributeError);
    alan.first = "A. M.";
    await session.flush();
    assert.throws(() => alan.fullName, ExpiredAttributeError);
    await session.refresh(alan);
    assert.equal(alan.fullName, "A. M. Turing");
  });
});

test("a column property whose key is a column's is refused", () => {
  const other = new Registry();
  const things = table("cpi_things", other.metadata, { id: integer().primaryKey(), name: string(10) });
  class Thing {
    declare id: number;
    declare name: string;
  }
  assert.throws(() => {
    other.mapImperatively(Thing, things, { properties: { name: columnProperty<Thing, string | null>((c) => c.name) } });
    other.configure();
  }, /name is also a mapped column/);
});
