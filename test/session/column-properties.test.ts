/**
 * Column properties (`@columnProperty`, SQLAlchemy's column_property): a read-only attribute whose
 * value is a SQL expression, selected with the object by every load path (get, scalars, joined,
 * select-in and contains-eager loads, refresh, reloads after expiry, aliases, both kinds of
 * inheritance), deferred on request, usable in queries, never written, expired after a write of
 * its row; misuse is an error naming the class, the attribute and the fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ArgumentError,
  DeclarativeBase,
  ExpiredAttributeError,
  MappingConfigurationError,
  ReadOnlyAttributeError,
  Registry,
  UnloadedAttributeError,
  aliased,
  column,
  columnProperty,
  columnsOf,
  containsEager,
  defer,
  insert,
  inspect,
  integer,
  joinedLoad,
  lazy,
  loadOnly,
  model,
  select,
  selectinLoad,
  string,
  table,
  undefer,
  update,
} from "../../src/index.js";
import { CpEmployee, CpManager, CpOrder, CpTruck, CpUser, CpVehicle, PropertyBase } from "./fixtures/column-properties.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const u = columnsOf(CpUser);
const o = columnsOf(CpOrder);

/** Ada with two orders (5 and 7), Alan with none; an employee, a manager, a vehicle and a truck. */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const ada = Object.assign(new CpUser(), { id: 1, first: "Ada", last: "Lovelace" });
  const alan = Object.assign(new CpUser(), { id: 2, first: "Alan", last: "Turing" });
  session.addAll([ada, alan, Object.assign(new CpOrder(), { id: 1, user: ada, total: 5 }), Object.assign(new CpOrder(), { id: 2, user: ada, total: 7 })]);
  session.addAll([Object.assign(new CpEmployee(), { id: 1, name: "Eve" }), Object.assign(new CpManager(), { id: 2, name: "Max", budget: 10 })]);
  session.addAll([Object.assign(new CpVehicle(), { id: 1, wheels: 2 }), Object.assign(new CpTruck(), { id: 2, wheels: 6, load: 9 })]);
  await session.commit();
  await session.close();
  ctx.reset();
}

/** What a user reads: the computed values, counts as numbers (PostgreSQL's count is a bigint). */
function seen(user: CpUser | undefined): [string, number] {
  return [user!.fullName, Number(user!.orderCount)];
}

forEachDatabaseWithSchema(
  "column properties",
  PropertyBase.metadata,
  (ctx) => {
    test("loaded with the object: get, scalars, a select of several entities", async () => {
      await seed(ctx);
      const session = ctx.session();
      assert.deepEqual(seen(await session.get(CpUser, 1)), ["Ada Lovelace", 2]);
      const users = await session.scalars(select(CpUser).orderBy(u.id));
      assert.deepEqual(users.map(seen), [["Ada Lovelace", 2], ["Alan Turing", 0]]);
      assert.equal(ctx.statements.length, 2, "each in its own SELECT, nothing loaded on access");
      const pairs = await session.execute(select(CpOrder, CpUser).join(CpUser, o.userId.eq(u.id)).orderBy(o.id));
      assert.deepEqual(pairs.map(([order, user]) => [order.id, ...seen(user)]), [[1, "Ada Lovelace", 2], [2, "Ada Lovelace", 2]]);
    });

    test("usable in queries: where, order by, select lists", async () => {
      await seed(ctx);
      const session = ctx.session();
      const busy = await session.scalars(select(CpUser).where(u.orderCount.gt(0)));
      assert.deepEqual(busy.map((user) => user.id), [1]);
      const byName = await session.scalars(select(CpUser).orderBy(u.fullName.desc()));
      assert.deepEqual(byName.map((user) => user.id), [2, 1]);
      const rows = await session.execute(select(u.fullName, u.orderCount, u.spent).orderBy(u.id));
      assert.deepEqual(rows.map(([name, count, spent]) => [name, Number(count), spent === null ? null : Number(spent)]), [["Ada Lovelace", 2, 12], ["Alan Turing", 0, null]]);
    });

    test("eager loads of it from another model: joined, select-in, contains-eager", async () => {
      await seed(ctx);
      for (const option of [joinedLoad(CpOrder, "user"), selectinLoad(CpOrder, "user")]) {
        const session = ctx.session();
        const orders = await session.scalars(select(CpOrder).options(option).orderBy(o.id));
        assert.deepEqual(orders.map((order) => seen(order.user)), [["Ada Lovelace", 2], ["Ada Lovelace", 2]]);
        await session.close();
      }
      const session = ctx.session();
      const users = await session.scalars(select(CpUser).options(joinedLoad(CpUser, "orders")).orderBy(u.id));
      assert.deepEqual(users.map((user) => [...seen(user), user.orders.length]), [["Ada Lovelace", 2, 2], ["Alan Turing", 0, 0]]);
      await session.close();
      const other = ctx.session();
      const contained = await other.scalars(select(CpOrder).join(CpUser, o.userId.eq(u.id)).options(containsEager(CpOrder, "user")).orderBy(o.id));
      assert.deepEqual(contained.map((order) => seen(order.user)), [["Ada Lovelace", 2], ["Ada Lovelace", 2]]);
    });

    test("on an alias: its subquery correlates to the alias, in the select list and in conditions", async () => {
      await seed(ctx);
      const session = ctx.session();
      const other = aliased(CpUser, "u2");
      const a = columnsOf(other);
      // Every user paired with every other: each side's count is its own row's.
      const rows = await session.execute(select(CpUser, other).join(other, a.id.ne(u.id)).orderBy(u.id));
      assert.deepEqual(rows.map(([left, right]) => [...seen(left), ...seen(right)]), [["Ada Lovelace", 2, "Alan Turing", 0], ["Alan Turing", 0, "Ada Lovelace", 2]]);
      const busyOther = await session.execute(select(u.id, a.fullName).join(other, a.id.ne(u.id)).where(a.orderCount.gt(0)));
      assert.deepEqual(busyOther, [[2, "Ada Lovelace"]]);
    });

    test("refresh and expiry: expired by commit, reloaded by the next query or refresh", async () => {
      await seed(ctx);
      const session = ctx.session();
      const ada = (await session.get(CpUser, 1))!;
      await session.commit();
      assert.throws(() => ada.fullName, ExpiredAttributeError);
      // Another session adds an order: the reload counts it.
      const other = ctx.session();
      other.add(Object.assign(new CpOrder(), { id: 3, userId: 1, total: 1 }));
      await other.commit();
      await session.scalars(select(CpUser).where(u.id.eq(1)));
      assert.deepEqual(seen(ada), ["Ada Lovelace", 3]);
      await session.commit(); // its snapshot ends (MariaDB's REPEATABLE READ), and its connection is free (SQLite's one)
      const more = ctx.session();
      more.add(Object.assign(new CpOrder(), { id: 4, userId: 1, total: 1 }));
      await more.commit();
      await session.refresh(ada);
      assert.deepEqual(seen(ada), ["Ada Lovelace", 4]);
    });

    test("read-only: an assignment is refused naming the class and the attribute; never written, never a change", async () => {
      await seed(ctx);
      const session = ctx.session();
      const ada = (await session.get(CpUser, 1))!;
      assert.throws(
        () => {
          ada.fullName = "Countess";
        },
        (error: unknown) =>
          error instanceof ReadOnlyAttributeError && error.model === "CpUser" && error.attribute === "fullName" && /CpUser\.fullName is a column property \(@columnProperty\)/.test(error.message),
      );
      assert.equal(ada.fullName, "Ada Lovelace", "nothing changed");
      assert.deepEqual(inspect(ada).modified, []);
      assert.throws(() => insert(CpUser).values([{ id: 9, first: "a", last: "b", fullName: "x" }] as never), /'fullName' is not a column attribute of CpUser/);
      assert.throws(() => update(CpUser).set({ orderCount: 3 } as never), /'orderCount' is not a column attribute of CpUser/);
    });

    test("a flush that writes the row expires it: never a stale value; the next load reads the new one", async () => {
      await seed(ctx);
      const session = ctx.session({ expireOnCommit: false });
      const ada = (await session.get(CpUser, 1))!;
      ada.first = "Augusta";
      ctx.reset();
      await session.flush();
      assert.equal(ctx.statements.length, 1);
      assert.match(ctx.statements[0]!, /^UPDATE .cp_users. SET .first. = /);
      assert.doesNotMatch(ctx.statements[0]!, /fullName|count/);
      assert.throws(() => ada.fullName, (error: unknown) => error instanceof ExpiredAttributeError && /CpUser\.fullName was expired \(a column property expires when its row is written/.test(error.message));
      assert.equal(ada.first, "Augusta", "the columns stay loaded");
      await session.scalars(select(CpUser).where(u.id.eq(1)));
      assert.deepEqual(seen(ada), ["Augusta Lovelace", 2]);
      // A new object: computed by the database once it has a row, read by the next load.
      const grace = Object.assign(new CpUser(), { id: 3, first: "Grace", last: "Hopper" });
      session.add(grace);
      await session.commit();
      assert.throws(() => grace.orderCount, ExpiredAttributeError);
      await session.refresh(grace);
      assert.deepEqual(seen(grace), ["Grace Hopper", 0]);
    });

    test("a failed flush leaves the session usable: the property expired, the row as it was after rollback", async () => {
      await seed(ctx);
      const session = ctx.session();
      const ada = (await session.get(CpUser, 1))!;
      ada.first = "Augusta";
      session.add(Object.assign(new CpOrder(), { id: 1, userId: 1, total: 3 })); // the key is taken: the flush fails after the UPDATE
      await assert.rejects(session.flush());
      assert.throws(() => ada.fullName, ExpiredAttributeError, "computed from a row the database undid");
      await session.rollback();
      const [again] = await session.scalars(select(CpUser).where(u.id.eq(1)).forUpdate());
      assert.equal(again, ada);
      assert.deepEqual(seen(ada), ["Ada Lovelace", 2]);
    });

    test("a bulk UPDATE through the session expires it on the objects whose rows it changed", async () => {
      await seed(ctx);
      const session = ctx.session({ expireOnCommit: false });
      const [ada, alan] = await session.scalars(select(CpUser).orderBy(u.id));
      await session.execute(update(CpUser).set({ last: "King" }).where(u.id.eq(1)));
      assert.throws(() => ada!.fullName, ExpiredAttributeError);
      assert.equal(alan!.fullName, "Alan Turing", "a row it did not change keeps its value");
      await session.refresh(ada!);
      assert.equal(ada!.fullName, "Ada King");
    });

    test("merge without load copies its loaded value as it copies the columns; one not loaded stays so", async () => {
      await seed(ctx);
      const loading = ctx.session();
      const cached = (await loading.get(CpUser, 1))!;
      await loading.close(); // detached, as a cache holds it
      const session = ctx.session();
      ctx.reset();
      const merged = await session.merge(cached, { load: false });
      assert.equal(ctx.statements.length, 0);
      assert.deepEqual(seen(merged), ["Ada Lovelace", 2]);
      assert.throws(() => merged.spent, UnloadedAttributeError);
    });

    test("deferred: left out until undefer, session.load or lazy()", async () => {
      await seed(ctx);
      const session = ctx.session();
      const ada = (await session.get(CpUser, 1))!;
      assert.doesNotMatch(ctx.statements.join("\n"), /sum/);
      assert.throws(() => ada.spent, (error: unknown) => error instanceof UnloadedAttributeError && error.model === "CpUser" && error.attribute === "spent");
      await session.load(ada, "spent");
      assert.equal(Number(ada.spent), 12);
      const [alan] = await session.scalars(select(CpUser).where(u.id.eq(2)));
      assert.equal(await lazy(alan!).spent, null);
      await session.close();
      const other = ctx.session();
      const aliasedUser = aliased(CpUser, "buyer");
      const users = await other.scalars(select(CpUser).options(undefer(CpUser, "spent")).orderBy(u.id));
      assert.deepEqual(users.map((user) => (user.spent === null ? null : Number(user.spent))), [12, null]);
      const rows = await other.execute(select(aliasedUser).options(undefer(aliasedUser, "spent")).where(columnsOf(aliasedUser).id.eq(1)));
      assert.equal(Number(rows[0]![0].spent), 12);
      await other.close();
      // A property the mapping loads, left out by a query's options: loaded when asked for.
      const third = ctx.session();
      ctx.reset();
      const [light] = await third.scalars(select(CpUser).where(u.id.eq(1)).options(defer(CpUser, "orderCount")));
      assert.doesNotMatch(ctx.statements[0]!, /count/);
      assert.throws(() => (light as CpUser).orderCount, UnloadedAttributeError, "typed out too");
      assert.equal(light!.fullName, "Ada Lovelace");
      assert.equal(Number(await lazy(light as CpUser).orderCount), 2);
      const [only] = await third.scalars(select(CpUser).where(u.id.eq(2)).options(loadOnly(CpUser, "first")));
      assert.throws(() => (only as CpUser).fullName, UnloadedAttributeError);
    });

    test("inheritance: declared on the base, loaded with every class of a single-table and a joined-table hierarchy", async () => {
      await seed(ctx);
      const session = ctx.session();
      const staff = await session.scalars(select(CpEmployee).orderBy(columnsOf(CpEmployee).id));
      assert.deepEqual(staff.map((e) => [e.constructor.name, e.shout]), [["CpEmployee", "EVE"], ["CpManager", "MAX"]]);
      const managers = await session.scalars(select(CpManager));
      assert.deepEqual(managers.map((m) => m.shout), ["MAX"]);
      assert.deepEqual(await session.execute(select(columnsOf(CpManager).shout)), [["MAX"]]);
      const vehicles = await session.scalars(select(CpVehicle).orderBy(columnsOf(CpVehicle).id));
      assert.deepEqual(vehicles.map((v) => [v.constructor.name, Number(v.doubled)]), [["CpVehicle", 4], ["CpTruck", 12]]);
      const truck = (await session.scalars(select(CpTruck)))[0]!;
      truck.wheels = 8;
      await session.flush();
      assert.throws(() => truck.doubled, ExpiredAttributeError);
      await session.refresh(truck, ["doubled"]);
      assert.equal(Number(truck.doubled), 16, "refreshed by name: on the joined tables");
      const manager = (await session.get(CpManager, 2))!;
      manager.name = "Maxine";
      await session.flush();
      await session.load(manager, "shout");
      assert.equal(manager.shout, "MAXINE");
    });
  },
  { createOnce: true },
);

test("misconfiguration: a failing expression at configure, a subclass's own property, a name that is a column's", () => {
  class BrokenBase extends DeclarativeBase {}
  @model("cp_broken")
  class CpBroken extends BrokenBase {
    @column(integer().primaryKey()) accessor id!: number;
    @columnProperty((c) => (c as unknown as Record<string, typeof c.id>).missing!.plus(1)) accessor next!: number;
  }
  assert.throws(
    () => BrokenBase.registry.configure(),
    (error: unknown) =>
      error instanceof MappingConfigurationError &&
      error.problems.length === 1 &&
      error.problems[0]!.model === "CpBroken" &&
      error.problems[0]!.attribute === "next" &&
      /CpBroken maps no column 'missing'/.test(error.problems[0]!.message),
  );
  assert.throws(() => columnsOf(CpBroken), MappingConfigurationError, "still refused until fixed");

  class SubBase extends DeclarativeBase {}
  @model("cp_people", { polymorphicOn: "kind", polymorphicIdentity: "person" })
  class CpPerson extends SubBase {
    @column(integer().primaryKey()) accessor id!: number;
    @column(string(10).notNull()) accessor kind!: string;
    @column(string(10).notNull()) accessor name!: string;
  }
  assert.throws(() => {
    @model({ polymorphicIdentity: "pupil" })
    class CpPupil extends CpPerson {
      @column(string(10)) accessor grade!: string | null;
      @columnProperty((c) => c.name.concat("!")) accessor loud!: string;
    }
    return CpPupil;
  }, (error: unknown) => error instanceof ArgumentError && /@columnProperty on CpPupil\.loud: a subclass cannot declare column properties .* Declare it on CpPerson/.test(error.message));
  assert.deepEqual(CpPerson.metadata.table("cp_people")!.columnList.map((c) => c.name), ["id", "kind", "name"], "the table as it was");

  class ClashBase extends DeclarativeBase {}
  assert.throws(() => {
    @model("cp_clash")
    class CpClash extends ClashBase {
      @column(integer().primaryKey()) accessor id!: number;
      @column(string(10).notNull()) @columnProperty((c) => c.name) accessor name!: string;
    }
    return CpClash;
  }, /'name' has two mapping decorators \(a column and a property\)/);
});

test("on a class that is not mapped: reading or assigning it names the fix", () => {
  class LooseBase extends DeclarativeBase {}
  class Loose extends LooseBase {
    @columnProperty(() => columnsOf(CpUser).first) accessor label!: string;
  }
  assert.throws(() => new Loose().label, /@columnProperty on Loose\.label: Loose is not mapped, so it has no rows to compute label from: decorate it with @model/);
  class Imperative {
    @columnProperty(() => columnsOf(CpUser).first) accessor label!: string;
  }
  const registry = new Registry();
  registry.mapImperatively(Imperative, table("cp_imperative", registry.metadata, { id: integer().primaryKey() }));
  assert.throws(() => new Imperative().label, /@columnProperty on Imperative\.label: registry\.mapImperatively\(\) reads no decorators\. Give it in the mapping instead: mapImperatively\(Imperative, table, \{ properties: \{ label: columnProperty\(\.\.\.\) \} \}\)/);
});
