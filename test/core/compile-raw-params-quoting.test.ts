/**
 * The SQL of the `sql` template tag, parameter numbering and conversion, and identifier quoting,
 * per dialect, written out. Compile-only: see test/support/assert-compile.ts.
 */
import { describe, test } from "node:test";
import { MetaData, alias, bigint, binary, date, datetime, deleteFrom, func, insert, integer, json, numeric, select, sql, string, table, text, update } from "../../src/index.js";
import { assertCompile } from "../support/assert-compile.js";
import { users } from "../support/compile-schema.js";

const u = users.c;
/** Reserved words and awkward characters as names. */
const odd = table("select", new MetaData(), {
  from: integer().primaryKey(),
  order: string(10),
  quoted: text().named('say "hi"'),
  backtick: text().named("back`tick"),
  spaced: integer().named("has space"),
  mixed: integer().named("MixedCase"),
});
const group = alias(odd, "group");
const twelve = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const values = table("typed_values", new MetaData(), {
  id: integer().primaryKey(),
  big: bigint(),
  day: date(),
  at: datetime(),
  atTz: datetime({ timezone: true }),
  doc: json(),
  bytes: binary(),
  price: numeric(10, 2),
});
const fragment = sql`${7}`;

describe("compiled SQL: the sql tag, parameters, quoting", () => {
  test("the sql tag: text as written, no parameters", () => {
    assertCompile(sql`SELECT 1`, {
      sqlite: ['SELECT 1', []],
      postgresql: ['SELECT 1', []],
      mysql: ["SELECT 1", []],
    });
  });

  test("the sql tag: interpolated values are bound parameters, numbered per dialect", () => {
    assertCompile(sql`SELECT * FROM users WHERE id = ${5} AND name = ${"x"}`, {
      sqlite: ['SELECT * FROM users WHERE id = ? AND name = ?', [5, "x"]],
      postgresql: ['SELECT * FROM users WHERE id = $1 AND name = $2', [5, "x"]],
      mysql: ["SELECT * FROM users WHERE id = ? AND name = ?", [5, "x"]],
    });
  });

  test("the sql tag: interpolated columns are rendered qualified and quoted for the dialect", () => {
    assertCompile(sql`SELECT ${u.name} FROM users WHERE ${u.id} > ${3}`, {
      sqlite: ['SELECT "users"."name" FROM users WHERE "users"."id" > ?', [3]],
      postgresql: ['SELECT "users"."name" FROM users WHERE "users"."id" > $1', [3]],
      mysql: ["SELECT `users`.`name` FROM users WHERE `users`.`id` > ?", [3]],
    });
  });

  test("the sql tag: fragments and expressions nest", () => {
    assertCompile(sql`SELECT count(*) FROM users WHERE ${sql`age > ${18}`} AND ${u.name.like("a%")}`, {
      sqlite: [`SELECT count(*) FROM users WHERE age > ? AND "users"."name" LIKE ? ESCAPE '\\'`, [18, "a%"]],
      postgresql: [`SELECT count(*) FROM users WHERE age > $1 AND "users"."name" LIKE $2 ESCAPE E'\\\\'`, [18, "a%"]],
      mysql: ["SELECT count(*) FROM users WHERE age > ? AND `users`.`name` LIKE ? ESCAPE X'5C'", [18, "a%"]],
    });
  });

  test("the sql tag: the same fragment twice binds its value twice", () => {
    assertCompile(sql`SELECT ${fragment} + ${fragment}`, {
      sqlite: ['SELECT ? + ?', [7, 7]],
      postgresql: ['SELECT $1 + $2', [7, 7]],
      mysql: ["SELECT ? + ?", [7, 7]],
    });
  });

  test("the sql tag: booleans, dates and nulls are bound as the driver takes them", () => {
    assertCompile(sql`SELECT ${true}, ${new Date(0)}, ${null}`, {
      sqlite: ['SELECT ?, ?, ?', [1, "1970-01-01 00:00:00", null]],
      postgresql: ['SELECT $1, $2, $3', [true, "1970-01-01T00:00:00.000Z", null]],
      mysql: ["SELECT ?, ?, ?", [1, "1970-01-01 00:00:00.000000", null]],
    });
  });

  test("sql.raw(): text only", () => {
    assertCompile(sql.raw("SELECT 42"), {
      sqlite: ['SELECT 42', []],
      postgresql: ['SELECT 42', []],
      mysql: ["SELECT 42", []],
    });
  });

  test("a sql fragment as a condition and as a select item", () => {
    assertCompile(select(u.id, sql<number>`${u.age} % 2`.label("parity")).where(sql<boolean>`${u.age} % 2 = ${0}`), {
      sqlite: ['SELECT "users"."id", "users"."age" % 2 AS "parity" FROM "users" WHERE "users"."age" % 2 = ?', [0]],
      postgresql: ['SELECT "users"."id", "users"."age" % 2 AS "parity" FROM "users" WHERE "users"."age" % 2 = $1', [0]],
      mysql: ["SELECT `users`.`id`, `users`.`age` % 2 AS `parity` FROM `users` WHERE `users`.`age` % 2 = ?", [0]],
    });
  });

  // ---------------------------------------------------------------- parameters
  test("PostgreSQL numbers placeholders past 9; the others repeat ?", () => {
    assertCompile(select(u.id).where(u.id.in(twelve)), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."id" IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."id" IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE `users`.`id` IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
    });
  });

  test("parameters are numbered in SQL text order, whatever order the builder calls came in", () => {
    assertCompile(select(u.age.plus(1).label("a")).offset(5).limit(4).orderBy(u.age).having(func.count().gt(3)).groupBy(u.age).where(u.id.eq(2)), {
      sqlite: ['SELECT "users"."age" + ? AS "a" FROM "users" WHERE "users"."id" = ? GROUP BY "users"."age" HAVING count(*) > ? ORDER BY "users"."age" ASC LIMIT ? OFFSET ?', [1, 2, 3, 4, 5]],
      postgresql: ['SELECT "users"."age" + $1 AS "a" FROM "users" WHERE "users"."id" = $2 GROUP BY "users"."age" HAVING count(*) > $3 ORDER BY "users"."age" ASC LIMIT $4 OFFSET $5', [1, 2, 3, 4, 5]],
      mysql: ["SELECT `users`.`age` + ? AS `a` FROM `users` WHERE `users`.`id` = ? GROUP BY `users`.`age` HAVING count(*) > ? ORDER BY `users`.`age` ASC LIMIT ? OFFSET ?", [1, 2, 3, 4, 5]],
    });
  });

  test("the same condition used twice binds its value twice", () => {
    assertCompile(select(u.id).where(u.id.eq(1), u.id.eq(1)), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" = ?) AND ("users"."id" = ?)', [1, 1]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" = $1) AND ("users"."id" = $2)', [1, 1]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`id` = ?) AND (`users`.`id` = ?)", [1, 1]],
    });
  });

  test("values are converted by column type for each driver", () => {
    assertCompile(insert(values).values({ big: 9007199254740993n, day: "2024-02-29", at: new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 500)), atTz: new Date(Date.UTC(2024, 1, 29, 12, 0, 0)), doc: { a: [1, "two"] }, price: "12.50" }), {
      sqlite: ['INSERT INTO "typed_values" ("big", "day", "at", "atTz", "doc", "price") VALUES (?, ?, ?, ?, ?, ?)', [9007199254740993n, "2024-02-29", "2024-02-29 12:00:00.500", "2024-02-29 12:00:00", "{\"a\":[1,\"two\"]}", 12.5]],
      postgresql: ['INSERT INTO "typed_values" ("big", "day", "at", "atTz", "doc", "price") VALUES ($1, $2, $3, $4, $5, $6)', ["9007199254740993", "2024-02-29", "2024-02-29T12:00:00.500Z", "2024-02-29T12:00:00.000Z", "{\"a\":[1,\"two\"]}", "12.50"]],
      mysql: ["INSERT INTO `typed_values` (`big`, `day`, `at`, `atTz`, `doc`, `price`) VALUES (?, ?, ?, ?, ?, ?)", ["9007199254740993", "2024-02-29", "2024-02-29 12:00:00.500000", "2024-02-29 12:00:00.000000", "{\"a\":[1,\"two\"]}", "12.50"]],
    });
  });

  // ---------------------------------------------------------------- quoting
  test("reserved words as table, column and alias names are quoted everywhere", () => {
    assertCompile(select(group.c.order.label("where")).where(group.c.from.eq(1)), {
      sqlite: ['SELECT "group"."order" AS "where" FROM "select" AS "group" WHERE "group"."from" = ?', [1]],
      postgresql: ['SELECT "group"."order" AS "where" FROM "select" AS "group" WHERE "group"."from" = $1', [1]],
      mysql: ["SELECT `group`.`order` AS `where` FROM `select` AS `group` WHERE `group`.`from` = ?", [1]],
    });
  });

  test("quotes inside names are doubled in the dialect's quoting character; spaces and case kept", () => {
    assertCompile(select(odd).where(odd.c.order.eq("x")).orderBy(odd.c.from), {
      sqlite: ['SELECT "select"."from", "select"."order", "select"."say ""hi""" AS "quoted", "select"."back`tick" AS "backtick", "select"."has space" AS "spaced", "select"."MixedCase" AS "mixed" FROM "select" WHERE "select"."order" = ? ORDER BY "select"."from" ASC', ["x"]],
      postgresql: ['SELECT "select"."from", "select"."order", "select"."say ""hi""" AS "quoted", "select"."back`tick" AS "backtick", "select"."has space" AS "spaced", "select"."MixedCase" AS "mixed" FROM "select" WHERE "select"."order" = $1 ORDER BY "select"."from" ASC', ["x"]],
      mysql: ["SELECT `select`.`from`, `select`.`order`, `select`.`say \"hi\"` AS `quoted`, `select`.`back``tick` AS `backtick`, `select`.`has space` AS `spaced`, `select`.`MixedCase` AS `mixed` FROM `select` WHERE `select`.`order` = ? ORDER BY `select`.`from` ASC", ["x"]],
    });
  });

  test("odd names in INSERT", () => {
    assertCompile(insert(odd).values({ from: 1, order: "o", quoted: "q", backtick: "b" }), {
      sqlite: ['INSERT INTO "select" ("from", "order", "say ""hi""", "back`tick") VALUES (?, ?, ?, ?)', [1, "o", "q", "b"]],
      postgresql: ['INSERT INTO "select" ("from", "order", "say ""hi""", "back`tick") VALUES ($1, $2, $3, $4)', [1, "o", "q", "b"]],
      mysql: ["INSERT INTO `select` (`from`, `order`, `say \"hi\"`, `back``tick`) VALUES (?, ?, ?, ?)", [1, "o", "q", "b"]],
    });
  });

  test("odd names in UPDATE SET", () => {
    assertCompile(update(odd).set({ order: "y", spaced: 2 }).where(odd.c.mixed.eq(1)), {
      sqlite: ['UPDATE "select" SET "order" = ?, "has space" = ? WHERE "select"."MixedCase" = ?', ["y", 2, 1]],
      postgresql: ['UPDATE "select" SET "order" = $1, "has space" = $2 WHERE "select"."MixedCase" = $3', ["y", 2, 1]],
      mysql: ["UPDATE `select` SET `order` = ?, `has space` = ? WHERE `select`.`MixedCase` = ?", ["y", 2, 1]],
    });
  });

  test("odd names in DELETE", () => {
    assertCompile(deleteFrom(odd).where(odd.c.quoted.isNull()), {
      sqlite: ['DELETE FROM "select" WHERE "select"."say ""hi""" IS NULL', []],
      postgresql: ['DELETE FROM "select" WHERE "select"."say ""hi""" IS NULL', []],
      mysql: ["DELETE FROM `select` WHERE `select`.`say \"hi\"` IS NULL", []],
    });
  });
});
