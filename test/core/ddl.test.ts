/**
 * DDL round trip: createAll/dropAll in foreign-key order (including a table declared before the
 * table it references, and a cycle between two tables), checkFirst, and what the database itself
 * reports through the inspector.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DatabaseError, IntegrityError, MetaData, integer, select, string, table, text, insert, update, sql } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

// Orders is declared before the customers table it references.
const shop = new MetaData();
const orders = table("core_ddl_orders", shop, {
  id: integer().primaryKey(),
  customerId: integer().named("customer_id").notNull().references("core_ddl_customers.id"),
  note: text(),
});
const customers = table("core_ddl_customers", shop, {
  id: integer().primaryKey(),
  name: string(40).notNull(),
  email: string(80),
});

// A cycle: each table references the other.
const cycle = new MetaData();
const teams = table("core_ddl_teams", cycle, {
  id: integer().primaryKey(),
  name: string(40).notNull(),
  captainId: integer().named("captain_id").references("core_ddl_players.id"),
});
const players = table("core_ddl_players", cycle, {
  id: integer().primaryKey(),
  name: string(40).notNull(),
  teamId: integer().named("team_id").references("core_ddl_teams.id"),
});

const ddlNames = (names: string[]) => names.filter((n) => n.startsWith("core_ddl_")).sort();

test("sortedTables puts a referenced table before the table that references it, whatever the declaration order", () => {
  assert.deepEqual(
    shop.sortedTables.map((t) => t.name),
    ["core_ddl_customers", "core_ddl_orders"],
  );
  const { order, cyclic } = cycle.dependencyOrder();
  assert.equal(order.length, 2);
  assert.equal(cyclic.length, 1, "one foreign key of the cycle is created after both tables");
});

forEachDatabase("DDL", (ctx) => {
  test("createAll creates tables in foreign-key order; the inspector shows them, their columns and nullability", async () => {
    const { engine } = ctx;
    await shop.dropAll(engine);
    await cycle.dropAll(engine);
    await shop.createAll(engine);
    const inspector = engine.inspect();
    assert.deepEqual(ddlNames(await inspector.tableNames()), ["core_ddl_customers", "core_ddl_orders"]);
    assert.equal(await inspector.hasTable("core_ddl_orders"), true);

    const described = await inspector.describeTable("core_ddl_orders");
    assert.ok(described);
    assert.deepEqual(
      described.columns.map((c) => [c.name, c.nullable]),
      [
        ["id", false],
        ["customer_id", false],
        ["note", true],
      ],
    );
    const customerColumns = (await inspector.describeTable("core_ddl_customers"))!.columns;
    assert.deepEqual(
      customerColumns.map((c) => [c.name, c.nullable]),
      [
        ["id", false],
        ["name", false],
        ["email", true],
      ],
    );
    assert.match(customerColumns[1]!.type, /char/i, "string(40) is a VARCHAR");
    assert.equal(await inspector.describeTable("core_ddl_missing"), undefined);

    // The foreign key exists: a row pointing nowhere is refused, one pointing at a customer is not.
    await assert.rejects(engine.execute(insert(orders).values({ customerId: 42 })), IntegrityError);
    await engine.execute(insert(customers).values({ id: 7, name: "Ann" }));
    await engine.execute(insert(orders).values({ customerId: 7, note: "first" }));
    const rows = (await engine.execute(select(customers.c.name, orders.c.note).join(orders))).rows;
    assert.deepEqual(rows, [{ name: "Ann", note: "first" }]);

    await shop.dropAll(engine);
    assert.deepEqual(ddlNames(await inspector.tableNames()), []);
  });

  test("checkFirst (the default) makes createAll and dropAll idempotent; without it they fail", async () => {
    const { engine } = ctx;
    await shop.createAll(engine);
    await shop.createAll(engine);
    await shop.createAll(engine, { checkFirst: true });
    assert.deepEqual(ddlNames(await engine.inspect().tableNames()), ["core_ddl_customers", "core_ddl_orders"]);
    await assert.rejects(shop.createAll(engine, { checkFirst: false }), DatabaseError);

    await shop.dropAll(engine);
    await shop.dropAll(engine);
    assert.deepEqual(ddlNames(await engine.inspect().tableNames()), []);
    await assert.rejects(shop.dropAll(engine, { checkFirst: false }), DatabaseError);

    // Only the missing table is created when the other exists.
    await shop.createAll(engine);
    await engine.execute(sql.raw("DROP TABLE core_ddl_orders"));
    assert.deepEqual(ddlNames(await engine.inspect().tableNames()), ["core_ddl_customers"]);
    await shop.createAll(engine);
    assert.deepEqual(ddlNames(await engine.inspect().tableNames()), ["core_ddl_customers", "core_ddl_orders"]);
    await shop.dropAll(engine);
  });

  test("a cycle between two tables creates, holds rows in both directions, enforces both keys and drops", async () => {
    const { engine } = ctx;
    await cycle.createAll(engine);
    assert.deepEqual(ddlNames(await engine.inspect().tableNames()), ["core_ddl_players", "core_ddl_teams"]);

    await engine.execute(insert(teams).values({ id: 1, name: "Reds" }));
    await engine.execute(insert(players).values({ id: 10, name: "Kim", teamId: 1 }));
    await engine.execute(update(teams).set({ captainId: 10 }).where(teams.c.id.eq(1)));
    const rows = (await engine.execute(select(teams.c.name, players.c.name.label("captain")).join(players, teams.c.captainId.eq(players.c.id)))).rows;
    assert.deepEqual(rows, [{ name: "Reds", captain: "Kim" }]);

    await assert.rejects(engine.execute(update(teams).set({ captainId: 99 }).where(teams.c.id.eq(1))), IntegrityError);
    await assert.rejects(engine.execute(insert(players).values({ id: 11, name: "Lee", teamId: 99 })), IntegrityError);

    // Dropping works with rows still pointing at each other.
    await cycle.dropAll(engine);
    assert.deepEqual(ddlNames(await engine.inspect().tableNames()), []);
    await cycle.dropAll(engine);
  });
});

// A table in another schema, with an index: on SQLite, an attached database.
const billing = new MetaData();
const invoices = table("core_ddl_invoices", billing, { id: integer().primaryKey(), number: string(20).notNull().index() }, undefined, {
  schema: "core_ddl_billing",
});

forEachDatabase(
  "DDL in an attached schema",
  (ctx) => {
    test("createAll makes a schema-qualified table's index in that schema (SQLite names the index, not the table, with it)", async () => {
      const { engine } = ctx;
      await engine.execute(sql.raw("ATTACH DATABASE ':memory:' AS core_ddl_billing"));
      await billing.createAll(engine);
      await engine.execute(insert(invoices).values({ number: "A-1" }));
      assert.deepEqual((await engine.execute(select(invoices.c.number))).rows, [{ number: "A-1" }]);
      const indexes = await engine.execute(sql.raw("SELECT name FROM core_ddl_billing.sqlite_master WHERE type = 'index' ORDER BY name"));
      assert.deepEqual(indexes.rows, [{ name: "ix_core_ddl_invoices_number" }]);
      await billing.dropAll(engine, { checkFirst: false });
    });
  },
  ["sqlite"],
);
