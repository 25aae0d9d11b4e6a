/**
 * The SQL of each join form, per dialect, written out. Compile-only: see
 * test/support/assert-compile.ts.
 */
import { describe, test } from "node:test";
import { CompileError, MetaData, alias, and, func, integer, select, string, table } from "../../src/index.js";
import { assertCompile, raises } from "../support/assert-compile.js";
import { items, orders, users } from "../support/compile-schema.js";

const u = users.c;
const o = orders.c;
const i = items.c;
/** `users` again, as the user who referred another (by age, for want of a column: only the SQL matters). */
const referrer = alias(users, "referrer");
const totals = select(o.userId, func.sum(o.total).label("spent")).groupBy(o.userId).subquery("totals");

const billing = new MetaData();
const accounts = table("accounts", billing, { id: integer().primaryKey(), owner: string(20) }, undefined, { schema: "billing" });
const ledger = table("ledger", billing, { id: integer().primaryKey(), accountId: integer().named("account_id").references("billing.accounts.id") }, undefined, {
  schema: "billing",
});

describe("compiled SQL: joins", () => {
  test("join(): INNER JOIN, the ON clause inferred from the foreign key", () => {
    assertCompile(select(u.name, o.total).join(orders), {
      sqlite: ['SELECT "users"."name", "orders"."total" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      postgresql: ['SELECT "users"."name", "orders"."total" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      mysql: ["SELECT `users`.`name`, `orders`.`total` FROM `users` JOIN `orders` ON `users`.`id` = `orders`.`user_id`", []],
    });
  });

  test("join() with an explicit ON clause", () => {
    assertCompile(select(u.name, o.total).join(orders, o.userId.eq(u.id)), {
      sqlite: ['SELECT "users"."name", "orders"."total" FROM "users" JOIN "orders" ON "orders"."user_id" = "users"."id"', []],
      postgresql: ['SELECT "users"."name", "orders"."total" FROM "users" JOIN "orders" ON "orders"."user_id" = "users"."id"', []],
      mysql: ["SELECT `users`.`name`, `orders`.`total` FROM `users` JOIN `orders` ON `orders`.`user_id` = `users`.`id`", []],
    });
  });

  test("join() with a compound ON clause", () => {
    assertCompile(select(u.name, o.total).join(orders, and(o.userId.eq(u.id), o.total.gt("0"))), {
      sqlite: ['SELECT "users"."name", "orders"."total" FROM "users" JOIN "orders" ON ("orders"."user_id" = "users"."id") AND ("orders"."total" > ?)', [0]],
      postgresql: ['SELECT "users"."name", "orders"."total" FROM "users" JOIN "orders" ON ("orders"."user_id" = "users"."id") AND ("orders"."total" > $1)', ["0"]],
      mysql: ["SELECT `users`.`name`, `orders`.`total` FROM `users` JOIN `orders` ON (`orders`.`user_id` = `users`.`id`) AND (`orders`.`total` > CAST(? AS DECIMAL(65, 30)))", ["0"]],
    });
  });

  test("leftJoin(): LEFT OUTER JOIN", () => {
    assertCompile(select(u.name, o.total).leftJoin(orders), {
      sqlite: ['SELECT "users"."name", "orders"."total" FROM "users" LEFT OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      postgresql: ['SELECT "users"."name", "orders"."total" FROM "users" LEFT OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      mysql: ["SELECT `users`.`name`, `orders`.`total` FROM `users` LEFT OUTER JOIN `orders` ON `users`.`id` = `orders`.`user_id`", []],
    });
  });

  test("rightJoin(): RIGHT OUTER JOIN", () => {
    assertCompile(select(u.name, o.total).rightJoin(orders), {
      sqlite: ['SELECT "users"."name", "orders"."total" FROM "users" RIGHT OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      postgresql: ['SELECT "users"."name", "orders"."total" FROM "users" RIGHT OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      mysql: ["SELECT `users`.`name`, `orders`.`total` FROM `users` RIGHT OUTER JOIN `orders` ON `users`.`id` = `orders`.`user_id`", []],
    });
  });

  test("fullJoin(): FULL OUTER JOIN; MySQL has none and refuses to compile it", () => {
    assertCompile(select(u.name, o.total).fullJoin(orders), {
      sqlite: ['SELECT "users"."name", "orders"."total" FROM "users" FULL OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      postgresql: ['SELECT "users"."name", "orders"."total" FROM "users" FULL OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      mysql: raises(CompileError, /This database has no FULL OUTER JOIN; combine a LEFT and a RIGHT join with UNION\./),
    });
  });

  test("joins chain, each from the table its foreign key links to", () => {
    assertCompile(select(u.name, i.sku).join(orders).join(items), {
      sqlite: ['SELECT "users"."name", "items"."sku" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id" JOIN "items" ON "orders"."id" = "items"."order_id"', []],
      postgresql: ['SELECT "users"."name", "items"."sku" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id" JOIN "items" ON "orders"."id" = "items"."order_id"', []],
      mysql: ["SELECT `users`.`name`, `items`.`sku` FROM `users` JOIN `orders` ON `users`.`id` = `orders`.`user_id` JOIN `items` ON `orders`.`id` = `items`.`order_id`", []],
    });
  });

  test("a join from the referencing side", () => {
    assertCompile(select(i.sku, o.total).join(orders), {
      sqlite: ['SELECT "items"."sku", "orders"."total" FROM "items" JOIN "orders" ON "orders"."id" = "items"."order_id"', []],
      postgresql: ['SELECT "items"."sku", "orders"."total" FROM "items" JOIN "orders" ON "orders"."id" = "items"."order_id"', []],
      mysql: ["SELECT `items`.`sku`, `orders`.`total` FROM `items` JOIN `orders` ON `orders`.`id` = `items`.`order_id`", []],
    });
  });

  test("from() first, then join: the select list need not name the joined table", () => {
    assertCompile(select(u.name).from(users).join(orders).where(o.total.gt("5")), {
      sqlite: ['SELECT "users"."name" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id" WHERE "orders"."total" > ?', [5]],
      postgresql: ['SELECT "users"."name" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id" WHERE "orders"."total" > $1', ["5"]],
      mysql: ["SELECT `users`.`name` FROM `users` JOIN `orders` ON `users`.`id` = `orders`.`user_id` WHERE `orders`.`total` > CAST(? AS DECIMAL(65, 30))", ["5"]],
    });
  });

  test("the same table twice through an alias", () => {
    assertCompile(select(u.name, referrer.c.name.label("referrerName")).leftJoin(referrer, referrer.c.id.eq(u.age)), {
      sqlite: ['SELECT "users"."name", "referrer"."name" AS "referrerName" FROM "users" LEFT OUTER JOIN "users" AS "referrer" ON "referrer"."id" = "users"."age"', []],
      postgresql: ['SELECT "users"."name", "referrer"."name" AS "referrerName" FROM "users" LEFT OUTER JOIN "users" AS "referrer" ON "referrer"."id" = "users"."age"', []],
      mysql: ["SELECT `users`.`name`, `referrer`.`name` AS `referrerName` FROM `users` LEFT OUTER JOIN `users` AS `referrer` ON `referrer`.`id` = `users`.`age`", []],
    });
  });

  test("a subquery joined on an explicit condition", () => {
    assertCompile(select(u.name, totals.c.spent).join(totals, totals.c.userId.eq(u.id)), {
      sqlite: ['SELECT "users"."name", "totals"."spent" FROM "users" JOIN (SELECT "orders"."user_id" AS "userId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."user_id") AS "totals" ON "totals"."userId" = "users"."id"', []],
      postgresql: ['SELECT "users"."name", "totals"."spent" FROM "users" JOIN (SELECT "orders"."user_id" AS "userId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."user_id") AS "totals" ON "totals"."userId" = "users"."id"', []],
      mysql: ["SELECT `users`.`name`, `totals`.`spent` FROM `users` JOIN (SELECT `orders`.`user_id` AS `userId`, sum(`orders`.`total`) AS `spent` FROM `orders` GROUP BY `orders`.`user_id`) AS `totals` ON `totals`.`userId` = `users`.`id`", []],
    });
  });

  test("a table named in WHERE but covered by a join is not added to FROM again", () => {
    assertCompile(select(u.name).join(orders).where(o.note.isNull()), {
      sqlite: ['SELECT "users"."name" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id" WHERE "orders"."note" IS NULL', []],
      postgresql: ['SELECT "users"."name" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id" WHERE "orders"."note" IS NULL', []],
      mysql: ["SELECT `users`.`name` FROM `users` JOIN `orders` ON `users`.`id` = `orders`.`user_id` WHERE `orders`.`note` IS NULL", []],
    });
  });

  test("schema-qualified tables, joined through their foreign key", () => {
    assertCompile(select(accounts.c.owner, ledger.c.id.label("entry")).join(ledger).where(accounts.c.id.eq(1)), {
      sqlite: ['SELECT "billing"."accounts"."owner", "billing"."ledger"."id" AS "entry" FROM "billing"."accounts" JOIN "billing"."ledger" ON "billing"."accounts"."id" = "billing"."ledger"."account_id" WHERE "billing"."accounts"."id" = ?', [1]],
      postgresql: ['SELECT "billing"."accounts"."owner", "billing"."ledger"."id" AS "entry" FROM "billing"."accounts" JOIN "billing"."ledger" ON "billing"."accounts"."id" = "billing"."ledger"."account_id" WHERE "billing"."accounts"."id" = $1', [1]],
      mysql: ["SELECT `billing`.`accounts`.`owner`, `billing`.`ledger`.`id` AS `entry` FROM `billing`.`accounts` JOIN `billing`.`ledger` ON `billing`.`accounts`.`id` = `billing`.`ledger`.`account_id` WHERE `billing`.`accounts`.`id` = ?", [1]],
    });
  });
});
