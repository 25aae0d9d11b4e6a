/**
 * Joins whose ON clause is inferred from foreign keys (inner and left, from either side, chained,
 * self-referential through alias(), composite keys), and the errors when it cannot be: two
 * candidate keys (AmbiguousForeignKeysError naming both) or none (NoForeignKeysError).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AmbiguousForeignKeysError,
  MetaData,
  NoForeignKeysError,
  alias,
  foreignKey,
  integer,
  primaryKey,
  select,
  string,
  table,
  type Executable,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const users = table("core_join_users", metadata, {
  id: integer().primaryKey(),
  name: string(20).notNull(),
  managerId: integer().named("manager_id").references("core_join_users.id"),
});
const orders = table("core_join_orders", metadata, {
  id: integer().primaryKey(),
  userId: integer().named("user_id").notNull().references("core_join_users.id"),
  total: integer().notNull(),
});
const lines = table("core_join_lines", metadata, {
  id: integer().primaryKey(),
  orderId: integer().named("order_id").notNull().references("core_join_orders.id"),
  sku: string(10).notNull(),
});
// Two foreign keys to users: a join between messages and users is ambiguous.
const messages = table("core_join_messages", metadata, {
  id: integer().primaryKey(),
  senderId: integer().named("sender_id").notNull().references("core_join_users.id"),
  recipientId: integer().named("recipient_id").notNull().references("core_join_users.id"),
  body: string(50).notNull(),
});
// No foreign key to anything.
const notes = table("core_join_notes", metadata, { id: integer().primaryKey(), userName: string(20).named("user_name"), text: string(50) });
// A composite key and a composite foreign key to it.
const rooms = table(
  "core_join_rooms",
  metadata,
  { building: string(5).notNull(), number: integer().notNull(), seats: integer().notNull() },
  (c) => [primaryKey(c.building, c.number)],
);
const bookings = table(
  "core_join_bookings",
  metadata,
  { id: integer().primaryKey(), building: string(5).notNull(), room: integer().notNull(), who: string(20).notNull() },
  (c) => [foreignKey([c.building, c.room], "core_join_rooms", ["building", "number"])],
);

forEachDatabase("joins", (ctx) => {
  useSchema(ctx, metadata, {
    seed: [
      [users, [
        { id: 1, name: "boss", managerId: null },
        { id: 2, name: "ann", managerId: 1 },
        { id: 3, name: "bob", managerId: 1 },
        { id: 4, name: "cy", managerId: 2 },
      ]],
      [orders, [
        { id: 10, userId: 2, total: 5 },
        { id: 11, userId: 2, total: 7 },
        { id: 12, userId: 3, total: 9 },
      ]],
      [lines, [
        { id: 100, orderId: 10, sku: "pen" },
        { id: 101, orderId: 10, sku: "ink" },
        { id: 102, orderId: 12, sku: "pad" },
      ]],
      [messages, [
        { id: 1, senderId: 2, recipientId: 3, body: "hi bob" },
        { id: 2, senderId: 3, recipientId: 2, body: "hi ann" },
        { id: 3, senderId: 1, recipientId: 2, body: "meeting" },
      ]],
      [notes, [{ id: 1, userName: "ann", text: "likes tea" }]],
      [rooms, [{ building: "A", number: 1, seats: 4 }, { building: "A", number: 2, seats: 8 }, { building: "B", number: 1, seats: 20 }]],
      [bookings, [{ id: 1, building: "A", room: 2, who: "ann" }, { id: 2, building: "B", room: 1, who: "bob" }]],
    ],
  });
  const rows = async <R>(stmt: Executable<R>): Promise<R[]> => (await ctx.engine.execute(stmt)).rows;

  test("join inferred from the foreign key, from either side", async () => {
    const fromUsers = await rows(select(users.c.name, orders.c.total).join(orders).orderBy(orders.c.id));
    const expected = [
      { name: "ann", total: 5 },
      { name: "ann", total: 7 },
      { name: "bob", total: 9 },
    ];
    assert.deepEqual(fromUsers, expected);
    const fromOrders = await rows(select(orders.c.total, users.c.name).join(users).orderBy(orders.c.id));
    assert.deepEqual(fromOrders, expected.map(({ name, total }) => ({ total, name })));
    // With explicit FROM items.
    const explicit = await rows(select(users.c.name, orders.c.total).from(orders).join(users).orderBy(orders.c.id));
    assert.deepEqual(explicit, expected);
  });

  test("leftJoin keeps rows without a match, from either side", async () => {
    const left = await rows(select(users.c.name, orders.c.id.label("orderId")).leftJoin(orders).orderBy(users.c.id, orders.c.id));
    assert.deepEqual(left, [
      { name: "boss", orderId: null },
      { name: "ann", orderId: 10 },
      { name: "ann", orderId: 11 },
      { name: "bob", orderId: 12 },
      { name: "cy", orderId: null },
    ]);
    const fromOrders = await rows(select(orders.c.id, lines.c.sku).leftJoin(lines).orderBy(orders.c.id, lines.c.id));
    assert.deepEqual(fromOrders, [
      { id: 10, sku: "pen" },
      { id: 10, sku: "ink" },
      { id: 11, sku: null },
      { id: 12, sku: "pad" },
    ]);
    const reverse = await rows(select(lines.c.sku, orders.c.total).from(lines).leftJoin(orders).orderBy(lines.c.id));
    assert.deepEqual(reverse, [
      { sku: "pen", total: 5 },
      { sku: "ink", total: 5 },
      { sku: "pad", total: 9 },
    ]);
  });

  test("chained joins each find their key among the tables already joined", async () => {
    const result = await rows(select(users.c.name, lines.c.sku).join(orders).join(lines).orderBy(lines.c.id));
    assert.deepEqual(result, [
      { name: "ann", sku: "pen" },
      { name: "ann", sku: "ink" },
      { name: "bob", sku: "pad" },
    ]);
    const backwards = await rows(select(lines.c.sku, users.c.name).from(lines).join(orders).join(users).orderBy(lines.c.id));
    assert.deepEqual(backwards, result.map(({ name, sku }) => ({ sku, name })));
  });

  test("self-referential join through alias(): the joined alias is the side holding the foreign key", async () => {
    // users -> reports: each user with the users whose manager_id points at them.
    const report = alias(users, "report");
    const reports = await rows(select(users.c.name, report.c.name.label("report")).join(report).orderBy(report.c.id));
    assert.deepEqual(reports, [
      { name: "boss", report: "ann" },
      { name: "boss", report: "bob" },
      { name: "ann", report: "cy" },
    ]);
    // alias -> users: the joined table holds the key, so the alias is the manager.
    const manager = alias(users, "manager");
    const managers = await rows(select(manager.c.name.label("manager"), users.c.name).from(manager).join(users).orderBy(users.c.id));
    assert.deepEqual(managers, [
      { manager: "boss", name: "ann" },
      { manager: "boss", name: "bob" },
      { manager: "ann", name: "cy" },
    ]);
    // And a left join from users to their manager, with an explicit condition.
    const withManager = await rows(
      select(users.c.name, manager.c.name.label("manager")).leftJoin(manager, users.c.managerId.eq(manager.c.id)).orderBy(users.c.id),
    );
    assert.deepEqual(withManager.map((r) => r.manager), [null, "boss", "boss", "ann"]);
  });

  test("a composite foreign key joins on every column", async () => {
    const result = await rows(select(bookings.c.who, rooms.c.seats).join(rooms).orderBy(bookings.c.id));
    assert.deepEqual(result, [
      { who: "ann", seats: 8 },
      { who: "bob", seats: 20 },
    ]);
    const sqlText = ctx.engine.cache.compile(select(bookings.c.who, rooms.c.seats).join(rooms).node).sql;
    assert.match(sqlText, /ON .*building.* = .*building.* AND .*number.* = .*room/);
  });

  test("two foreign keys between the tables: AmbiguousForeignKeysError names both; an explicit on resolves it", async () => {
    let error: unknown;
    try {
      select(messages.c.body, users.c.name).join(users);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof AmbiguousForeignKeysError, String(error));
    assert.match(error.message, /sender_id/);
    assert.match(error.message, /recipient_id/);
    assert.match(error.message, /core_join_messages/);
    assert.throws(() => select(users.c.name, messages.c.body).join(messages), AmbiguousForeignKeysError, "from the other side too");

    const sent = await rows(select(messages.c.body, users.c.name).join(users, messages.c.senderId.eq(users.c.id)).orderBy(messages.c.id));
    assert.deepEqual(sent.map((r) => r.name), ["ann", "bob", "boss"]);
    const received = await rows(select(messages.c.body, users.c.name).join(users, messages.c.recipientId.eq(users.c.id)).orderBy(messages.c.id));
    assert.deepEqual(received.map((r) => r.name), ["bob", "ann", "ann"]);
    // Both at once, through an alias.
    const recipient = alias(users, "recipient");
    const both = await rows(
      select(users.c.name.label("from"), recipient.c.name.label("to"), messages.c.body)
        .from(messages)
        .join(users, messages.c.senderId.eq(users.c.id))
        .join(recipient, messages.c.recipientId.eq(recipient.c.id))
        .orderBy(messages.c.id),
    );
    assert.deepEqual(both, [
      { from: "ann", to: "bob", body: "hi bob" },
      { from: "bob", to: "ann", body: "hi ann" },
      { from: "boss", to: "ann", body: "meeting" },
    ]);
  });

  test("no foreign key between the tables: NoForeignKeysError; an explicit on resolves it", async () => {
    assert.throws(
      () => select(notes.c.text, users.c.name).join(users),
      (e: Error) => e instanceof NoForeignKeysError && /core_join_notes/.test(e.message) && /core_join_users/.test(e.message),
    );
    const joined = await rows(select(notes.c.text, users.c.id).join(users, notes.c.userName.eq(users.c.name)));
    assert.deepEqual(joined, [{ text: "likes tea", id: 2 }]);
  });
});
