/**
 * The SQL of INSERT, UPDATE and DELETE, per dialect, written out. MariaDB is checked where it
 * differs from MySQL: it has INSERT and DELETE ... RETURNING. Compile-only: see
 * test/support/assert-compile.ts.
 */
import { describe, test } from "node:test";
import { CompileError, MetaData, deleteFrom, exists, func, insert, integer, literal, not, scalarSubquery, select, table, types, update } from "../../src/index.js";
import { assertCompile, raises } from "../support/assert-compile.js";
import { items, orders, users } from "../support/compile-schema.js";

const u = users.c;
const o = orders.c;
const i = items.c;
/** A table whose every column can be left to the database. */
const counters = table("counters", new MetaData(), { id: integer().primaryKey(), hits: integer().notNull().serverDefault(0) });
const placed = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));

describe("compiled SQL: INSERT, UPDATE, DELETE", () => {
  test("INSERT one row: the columns given, plus those with a client-side default", () => {
    assertCompile(insert(users).values({ name: "ann" }), {
      sqlite: ['INSERT INTO "users" ("name", "active") VALUES (?, ?)', ["ann", 1]],
      postgresql: ['INSERT INTO "users" ("name", "active") VALUES ($1, $2)', ["ann", true]],
      mysql: ["INSERT INTO `users` (`name`, `active`) VALUES (?, ?)", ["ann", 1]],
      mariadb: ["INSERT INTO `users` (`name`, `active`) VALUES (?, ?)", ["ann", 1]],
    });
  });

  test("INSERT every column", () => {
    assertCompile(insert(users).values({ id: 7, name: "ann", email: "a@example.com", age: 30, score: 1.5, active: false }), {
      sqlite: ['INSERT INTO "users" ("id", "name", "email", "age", "score", "active") VALUES (?, ?, ?, ?, ?, ?)', [7, "ann", "a@example.com", 30, 1.5, 0]],
      postgresql: ['INSERT INTO "users" ("id", "name", "email", "age", "score", "active") VALUES ($1, $2, $3, $4, $5, $6)', [7, "ann", "a@example.com", 30, 1.5, false]],
      mysql: ["INSERT INTO `users` (`id`, `name`, `email`, `age`, `score`, `active`) VALUES (?, ?, ?, ?, ?, ?)", [7, "ann", "a@example.com", 30, 1.5, 0]],
      mariadb: ["INSERT INTO `users` (`id`, `name`, `email`, `age`, `score`, `active`) VALUES (?, ?, ?, ?, ?, ?)", [7, "ann", "a@example.com", 30, 1.5, 0]],
    });
  });

  test("INSERT several rows: one column list; a column some rows omit is NULL there (or its default)", () => {
    assertCompile(insert(users).values([{ name: "ann", age: 3 }, { name: "bob", email: "b@example.com" }]), {
      sqlite: ['INSERT INTO "users" ("name", "email", "age", "active") VALUES (?, ?, ?, ?), (?, ?, ?, ?)', ["ann", null, 3, 1, "bob", "b@example.com", null, 1]],
      postgresql: ['INSERT INTO "users" ("name", "email", "age", "active") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)', ["ann", null, 3, true, "bob", "b@example.com", null, true]],
      mysql: ["INSERT INTO `users` (`name`, `email`, `age`, `active`) VALUES (?, ?, ?, ?), (?, ?, ?, ?)", ["ann", null, 3, 1, "bob", "b@example.com", null, 1]],
      mariadb: ["INSERT INTO `users` (`name`, `email`, `age`, `active`) VALUES (?, ?, ?, ?), (?, ?, ?, ?)", ["ann", null, 3, 1, "bob", "b@example.com", null, 1]],
    });
  });

  test("INSERT with an expression as a value", () => {
    assertCompile(insert(items).values({ orderId: 1, sku: func.upper(literal("abc", types.string(20))) }), {
      sqlite: ['INSERT INTO "items" ("order_id", "sku", "quantity") VALUES (?, upper(?), ?)', [1, "abc", 1]],
      postgresql: ['INSERT INTO "items" ("order_id", "sku", "quantity") VALUES ($1, upper($2), $3)', [1, "abc", 1]],
      mysql: ["INSERT INTO `items` (`order_id`, `sku`, `quantity`) VALUES (?, upper(?), ?)", [1, "abc", 1]],
      mariadb: ["INSERT INTO `items` (`order_id`, `sku`, `quantity`) VALUES (?, upper(?), ?)", [1, "abc", 1]],
    });
  });

  test("INSERT of a column whose database name differs from its key; dates bound per dialect", () => {
    assertCompile(insert(orders).values({ userId: 1, total: "9.99", placedAt: placed }), {
      sqlite: ['INSERT INTO "orders" ("user_id", "total", "placed_at") VALUES (?, ?, ?)', [1, 9.99, "2024-01-02 03:04:05.006"]],
      postgresql: ['INSERT INTO "orders" ("user_id", "total", "placed_at") VALUES ($1, $2, $3)', [1, "9.99", "2024-01-02T03:04:05.006Z"]],
      mysql: ["INSERT INTO `orders` (`user_id`, `total`, `placed_at`) VALUES (?, ?, ?)", [1, "9.99", "2024-01-02 03:04:05.006000"]],
      mariadb: ["INSERT INTO `orders` (`user_id`, `total`, `placed_at`) VALUES (?, ?, ?)", [1, "9.99", "2024-01-02 03:04:05.006000"]],
    });
  });

  test("INSERT with no values: DEFAULT VALUES, or () VALUES () on MySQL", () => {
    assertCompile(insert(counters).values({}), {
      sqlite: ['INSERT INTO "counters" DEFAULT VALUES', []],
      postgresql: ['INSERT INTO "counters" DEFAULT VALUES', []],
      mysql: ["INSERT INTO `counters` () VALUES ()", []],
      mariadb: ["INSERT INTO `counters` () VALUES ()", []],
    });
  });

  test("INSERT ... RETURNING: on SQLite, PostgreSQL and MariaDB; a CompileError on MySQL", () => {
    assertCompile(insert(users).values({ name: "ann" }).returning(u.id, u.name.label("n")), {
      sqlite: ['INSERT INTO "users" ("name", "active") VALUES (?, ?) RETURNING "id", "name" AS "n"', ["ann", 1]],
      postgresql: ['INSERT INTO "users" ("name", "active") VALUES ($1, $2) RETURNING "id", "name" AS "n"', ["ann", true]],
      mysql: raises(CompileError, /This database does not support INSERT \.\.\. RETURNING; run a SELECT after the INSERT instead\./),
      mariadb: ["INSERT INTO `users` (`name`, `active`) VALUES (?, ?) RETURNING `id`, `name` AS `n`", ["ann", 1]],
    });
  });

  test("INSERT ... RETURNING a whole table, columns under their keys", () => {
    assertCompile(insert(items).values({ orderId: 1, sku: "x" }).returning(items), {
      sqlite: ['INSERT INTO "items" ("order_id", "sku", "quantity") VALUES (?, ?, ?) RETURNING "id", "order_id" AS "orderId", "sku", "quantity"', [1, "x", 1]],
      postgresql: ['INSERT INTO "items" ("order_id", "sku", "quantity") VALUES ($1, $2, $3) RETURNING "id", "order_id" AS "orderId", "sku", "quantity"', [1, "x", 1]],
      mysql: raises(CompileError, /This database does not support INSERT \.\.\. RETURNING; run a SELECT after the INSERT instead\./),
      mariadb: ["INSERT INTO `items` (`order_id`, `sku`, `quantity`) VALUES (?, ?, ?) RETURNING `id`, `order_id` AS `orderId`, `sku`, `quantity`", [1, "x", 1]],
    });
  });

  test("INSERT DEFAULT VALUES ... RETURNING", () => {
    assertCompile(insert(counters).values({}).returning(counters.c.id, counters.c.hits), {
      sqlite: ['INSERT INTO "counters" DEFAULT VALUES RETURNING "id", "hits"', []],
      postgresql: ['INSERT INTO "counters" DEFAULT VALUES RETURNING "id", "hits"', []],
      mysql: raises(CompileError, /This database does not support INSERT \.\.\. RETURNING; run a SELECT after the INSERT instead\./),
      mariadb: ["INSERT INTO `counters` () VALUES () RETURNING `id`, `hits`", []],
    });
  });

  test("INSERT ... SELECT", () => {
    assertCompile(insert(items).fromSelect([i.orderId, i.sku], select(o.id, o.note).where(o.note.isNotNull())), {
      sqlite: ['INSERT INTO "items" ("order_id", "sku") SELECT "orders"."id", "orders"."note" FROM "orders" WHERE "orders"."note" IS NOT NULL', []],
      postgresql: ['INSERT INTO "items" ("order_id", "sku") SELECT "orders"."id", "orders"."note" FROM "orders" WHERE "orders"."note" IS NOT NULL', []],
      mysql: ["INSERT INTO `items` (`order_id`, `sku`) SELECT `orders`.`id`, `orders`.`note` FROM `orders` WHERE `orders`.`note` IS NOT NULL", []],
      mariadb: ["INSERT INTO `items` (`order_id`, `sku`) SELECT `orders`.`id`, `orders`.`note` FROM `orders` WHERE `orders`.`note` IS NOT NULL", []],
    });
  });

  // ---------------------------------------------------------------- UPDATE
  test("UPDATE with WHERE; SET columns are unqualified, SET values may be expressions", () => {
    assertCompile(update(users).set({ name: "bo", age: u.age.plus(1) }).where(u.id.eq(1)), {
      sqlite: ['UPDATE "users" SET "name" = ?, "age" = "age" + ? WHERE "users"."id" = ?', ["bo", 1, 1]],
      postgresql: ['UPDATE "users" SET "name" = $1, "age" = "age" + $2 WHERE "users"."id" = $3', ["bo", 1, 1]],
      mysql: ["UPDATE `users` SET `name` = ?, `age` = `age` + ? WHERE `users`.`id` = ?", ["bo", 1, 1]],
      mariadb: ["UPDATE `users` SET `name` = ?, `age` = `age` + ? WHERE `users`.`id` = ?", ["bo", 1, 1]],
    });
  });

  test("UPDATE without WHERE", () => {
    assertCompile(update(users).set({ active: false }), {
      sqlite: ['UPDATE "users" SET "active" = ?', [0]],
      postgresql: ['UPDATE "users" SET "active" = $1', [false]],
      mysql: ["UPDATE `users` SET `active` = ?", [0]],
      mariadb: ["UPDATE `users` SET `active` = ?", [0]],
    });
  });

  test("UPDATE of columns whose database names differ from their keys", () => {
    assertCompile(update(orders).set({ userId: 2, placedAt: placed }).where(o.id.eq(9), o.userId.eq(1)), {
      sqlite: ['UPDATE "orders" SET "user_id" = ?, "placed_at" = ? WHERE ("orders"."id" = ?) AND ("orders"."user_id" = ?)', [2, "2024-01-02 03:04:05.006", 9, 1]],
      postgresql: ['UPDATE "orders" SET "user_id" = $1, "placed_at" = $2 WHERE ("orders"."id" = $3) AND ("orders"."user_id" = $4)', [2, "2024-01-02T03:04:05.006Z", 9, 1]],
      mysql: ["UPDATE `orders` SET `user_id` = ?, `placed_at` = ? WHERE (`orders`.`id` = ?) AND (`orders`.`user_id` = ?)", [2, "2024-01-02 03:04:05.006000", 9, 1]],
      mariadb: ["UPDATE `orders` SET `user_id` = ?, `placed_at` = ? WHERE (`orders`.`id` = ?) AND (`orders`.`user_id` = ?)", [2, "2024-01-02 03:04:05.006000", 9, 1]],
    });
  });

  test("UPDATE to NULL", () => {
    assertCompile(update(users).set({ email: null, age: null }).where(u.id.eq(1)), {
      sqlite: ['UPDATE "users" SET "email" = ?, "age" = ? WHERE "users"."id" = ?', [null, null, 1]],
      postgresql: ['UPDATE "users" SET "email" = $1, "age" = $2 WHERE "users"."id" = $3', [null, null, 1]],
      mysql: ["UPDATE `users` SET `email` = ?, `age` = ? WHERE `users`.`id` = ?", [null, null, 1]],
      mariadb: ["UPDATE `users` SET `email` = ?, `age` = ? WHERE `users`.`id` = ?", [null, null, 1]],
    });
  });

  test("UPDATE ... RETURNING: SQLite and PostgreSQL only (MariaDB has none either)", () => {
    assertCompile(update(users).set({ name: "bo" }).where(u.id.eq(1)).returning(u.id, u.name), {
      sqlite: ['UPDATE "users" SET "name" = ? WHERE "users"."id" = ? RETURNING "id", "name"', ["bo", 1]],
      postgresql: ['UPDATE "users" SET "name" = $1 WHERE "users"."id" = $2 RETURNING "id", "name"', ["bo", 1]],
      mysql: raises(CompileError, /This database does not support UPDATE \.\.\. RETURNING; run a SELECT after the UPDATE instead\./),
      mariadb: raises(CompileError, /This database does not support UPDATE \.\.\. RETURNING; run a SELECT after the UPDATE instead\./),
    });
  });

  test("UPDATE with correlated subqueries in SET and WHERE: they correlate to the table updated", () => {
    assertCompile(update(users).set({ age: scalarSubquery(select(func.count().label("n")).where(o.userId.eq(u.id))) }).where(exists(select(o.id).where(o.userId.eq(u.id)))), {
      sqlite: ['UPDATE "users" SET "age" = (SELECT count(*) AS "n" FROM "orders" WHERE "orders"."user_id" = "users"."id") WHERE EXISTS (SELECT "orders"."id" FROM "orders" WHERE "orders"."user_id" = "users"."id")', []],
      postgresql: ['UPDATE "users" SET "age" = (SELECT count(*) AS "n" FROM "orders" WHERE "orders"."user_id" = "users"."id") WHERE EXISTS (SELECT "orders"."id" FROM "orders" WHERE "orders"."user_id" = "users"."id")', []],
      mysql: ["UPDATE `users` SET `age` = (SELECT count(*) AS `n` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`) WHERE EXISTS (SELECT `orders`.`id` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`)", []],
      mariadb: ["UPDATE `users` SET `age` = (SELECT count(*) AS `n` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`) WHERE EXISTS (SELECT `orders`.`id` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`)", []],
    });
  });

  test("UPDATE with nothing to set is refused", () => {
    assertCompile(update(users).set({}), {
      sqlite: raises(CompileError, /UPDATE users has no values to set\./),
      postgresql: raises(CompileError, /UPDATE users has no values to set\./),
      mysql: raises(CompileError, /UPDATE users has no values to set\./),
      mariadb: raises(CompileError, /UPDATE users has no values to set\./),
    });
  });

  // ---------------------------------------------------------------- DELETE
  test("DELETE with WHERE", () => {
    assertCompile(deleteFrom(users).where(u.id.eq(1)), {
      sqlite: ['DELETE FROM "users" WHERE "users"."id" = ?', [1]],
      postgresql: ['DELETE FROM "users" WHERE "users"."id" = $1', [1]],
      mysql: ["DELETE FROM `users` WHERE `users`.`id` = ?", [1]],
      mariadb: ["DELETE FROM `users` WHERE `users`.`id` = ?", [1]],
    });
  });

  test("DELETE without WHERE", () => {
    assertCompile(deleteFrom(users), {
      sqlite: ['DELETE FROM "users"', []],
      postgresql: ['DELETE FROM "users"', []],
      mysql: ["DELETE FROM `users`", []],
      mariadb: ["DELETE FROM `users`", []],
    });
  });

  test("DELETE ... RETURNING: on SQLite, PostgreSQL and MariaDB; a CompileError on MySQL", () => {
    assertCompile(deleteFrom(users).where(u.age.lt(18), u.email.isNull()).returning(u.id), {
      sqlite: ['DELETE FROM "users" WHERE ("users"."age" < ?) AND ("users"."email" IS NULL) RETURNING "id"', [18]],
      postgresql: ['DELETE FROM "users" WHERE ("users"."age" < $1) AND ("users"."email" IS NULL) RETURNING "id"', [18]],
      mysql: raises(CompileError, /This database does not support DELETE \.\.\. RETURNING; run a SELECT after the DELETE instead\./),
      mariadb: ["DELETE FROM `users` WHERE (`users`.`age` < ?) AND (`users`.`email` IS NULL) RETURNING `id`", [18]],
    });
  });

  test("DELETE with a subquery on another table", () => {
    assertCompile(deleteFrom(orders).where(o.userId.in(select(u.id).where(u.active.eq(false)))), {
      sqlite: ['DELETE FROM "orders" WHERE "orders"."user_id" IN (SELECT "users"."id" FROM "users" WHERE ("users"."active" <> 0) = ?)', [0]],
      postgresql: ['DELETE FROM "orders" WHERE "orders"."user_id" IN (SELECT "users"."id" FROM "users" WHERE "users"."active" = $1)', [false]],
      mysql: ["DELETE FROM `orders` WHERE `orders`.`user_id` IN (SELECT `users`.`id` FROM `users` WHERE (`users`.`active` <> 0) = ?)", [0]],
      mariadb: ["DELETE FROM `orders` WHERE `orders`.`user_id` IN (SELECT `users`.`id` FROM `users` WHERE (`users`.`active` <> 0) = ?)", [0]],
    });
  });

  test("DELETE with a correlated NOT EXISTS: it correlates to the table deleted from", () => {
    assertCompile(deleteFrom(users).where(not(exists(select(o.id).where(o.userId.eq(u.id))))), {
      sqlite: ['DELETE FROM "users" WHERE NOT EXISTS (SELECT "orders"."id" FROM "orders" WHERE "orders"."user_id" = "users"."id")', []],
      postgresql: ['DELETE FROM "users" WHERE NOT EXISTS (SELECT "orders"."id" FROM "orders" WHERE "orders"."user_id" = "users"."id")', []],
      mysql: ["DELETE FROM `users` WHERE NOT EXISTS (SELECT `orders`.`id` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`)", []],
      mariadb: ["DELETE FROM `users` WHERE NOT EXISTS (SELECT `orders`.`id` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`)", []],
    });
  });
});
