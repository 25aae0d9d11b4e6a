/**
 * The SQL of each expression form (operators, combinators, arithmetic, functions, CASE, CAST,
 * subqueries), per dialect, written out. Compile-only: see test/support/assert-compile.ts.
 */
import { describe, test } from "node:test";
import { and, caseWhen, cast, exists, func, literal, not, or, scalarSubquery, select, types } from "../../src/index.js";
import { assertCompile } from "../support/assert-compile.js";
import { items, orders, users } from "../support/compile-schema.js";

const u = users.c;
const o = orders.c;
/** The statement most conditions are tried on. */
const ids = select(u.id);

describe("compiled SQL: expressions", () => {
  test("comparisons: eq, ne, lt, le, gt, ge; several where() conditions are ANDed", () => {
    assertCompile(ids.where(u.id.eq(1), u.id.ne(2), u.id.lt(3), u.id.le(4), u.id.gt(5), u.id.ge(6)), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" = ?) AND ("users"."id" <> ?) AND ("users"."id" < ?) AND ("users"."id" <= ?) AND ("users"."id" > ?) AND ("users"."id" >= ?)', [1, 2, 3, 4, 5, 6]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" = $1) AND ("users"."id" <> $2) AND ("users"."id" < $3) AND ("users"."id" <= $4) AND ("users"."id" > $5) AND ("users"."id" >= $6)', [1, 2, 3, 4, 5, 6]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`id` = ?) AND (`users`.`id` <> ?) AND (`users`.`id` < ?) AND (`users`.`id` <= ?) AND (`users`.`id` > ?) AND (`users`.`id` >= ?)", [1, 2, 3, 4, 5, 6]],
    });
  });

  test("a comparison between two columns binds nothing", () => {
    assertCompile(ids.where(u.age.eq(u.id)), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."age" = "users"."id"', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."age" = "users"."id"', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE `users`.`age` = `users`.`id`", []],
    });
  });

  test("a single condition is not parenthesised", () => {
    assertCompile(ids.where(u.name.eq("ann")), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."name" = ?', ["ann"]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."name" = $1', ["ann"]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE `users`.`name` = ?", ["ann"]],
    });
  });

  test("in and notIn: one placeholder per value", () => {
    assertCompile(ids.where(u.id.in([1, 2, 3]), u.name.notIn(["a", "b"])), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" IN (?, ?, ?)) AND ("users"."name" NOT IN (?, ?))', [1, 2, 3, "a", "b"]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" IN ($1, $2, $3)) AND ("users"."name" NOT IN ($4, $5))', [1, 2, 3, "a", "b"]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`id` IN (?, ?, ?)) AND (`users`.`name` NOT IN (?, ?))", [1, 2, 3, "a", "b"]],
    });
  });

  test("in([]) is always false and notIn([]) always true, on every database", () => {
    assertCompile(ids.where(u.id.in([]), u.id.notIn([])), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE (1 = 0) AND (1 = 1)', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE (1 = 0) AND (1 = 1)', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (1 = 0) AND (1 = 1)", []],
    });
  });

  test("in and notIn a subquery", () => {
    assertCompile(ids.where(u.id.in(select(o.userId).where(o.total.gt("100"))), u.age.notIn(select(o.id))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" IN (SELECT "orders"."user_id" AS "userId" FROM "orders" WHERE "orders"."total" > ?)) AND ("users"."age" NOT IN (SELECT "orders"."id" FROM "orders"))', [100]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" IN (SELECT "orders"."user_id" AS "userId" FROM "orders" WHERE "orders"."total" > $1)) AND ("users"."age" NOT IN (SELECT "orders"."id" FROM "orders"))', ["100"]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`id` IN (SELECT `orders`.`user_id` AS `userId` FROM `orders` WHERE `orders`.`total` > CAST(? AS DECIMAL(65, 30)))) AND (`users`.`age` NOT IN (SELECT `orders`.`id` FROM `orders`))", ["100"]],
    });
  });

  test("isNull and isNotNull", () => {
    assertCompile(ids.where(u.email.isNull(), u.age.isNotNull()), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE ("users"."email" IS NULL) AND ("users"."age" IS NOT NULL)', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE ("users"."email" IS NULL) AND ("users"."age" IS NOT NULL)', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`email` IS NULL) AND (`users`.`age` IS NOT NULL)", []],
    });
  });

  test("like and notLike", () => {
    assertCompile(ids.where(u.name.like("a%"), u.name.notLike("%b")), {
      sqlite: [`SELECT "users"."id" FROM "users" WHERE ("users"."name" LIKE ? ESCAPE '\\') AND ("users"."name" NOT LIKE ? ESCAPE '\\')`, ["a%", "%b"]],
      postgresql: [`SELECT "users"."id" FROM "users" WHERE ("users"."name" LIKE $1 ESCAPE E'\\\\') AND ("users"."name" NOT LIKE $2 ESCAPE E'\\\\')`, ["a%", "%b"]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`name` LIKE ? ESCAPE X'5C') AND (`users`.`name` NOT LIKE ? ESCAPE X'5C')", ["a%", "%b"]],
    });
  });

  test("ilike and notIlike: ILIKE on PostgreSQL, lower() on both sides elsewhere", () => {
    assertCompile(ids.where(u.name.ilike("a%"), u.email.notIlike("%B")), {
      sqlite: [`SELECT "users"."id" FROM "users" WHERE (athanor_lower("users"."name") LIKE athanor_lower(?) ESCAPE '\\') AND (athanor_lower("users"."email") NOT LIKE athanor_lower(?) ESCAPE '\\')`, ["a%", "%B"]],
      postgresql: [`SELECT "users"."id" FROM "users" WHERE ("users"."name" ILIKE $1 ESCAPE E'\\\\') AND ("users"."email" NOT ILIKE $2 ESCAPE E'\\\\')`, ["a%", "%B"]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (lower(`users`.`name`) LIKE lower(?) ESCAPE X'5C') AND (lower(`users`.`email`) NOT LIKE lower(?) ESCAPE X'5C')", ["a%", "%B"]],
    });
  });

  test("between and notBetween", () => {
    assertCompile(ids.where(u.age.between(18, 65), u.score.notBetween(1.5, 2.5)), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE ("users"."age" BETWEEN ? AND ?) AND ("users"."score" NOT BETWEEN ? AND ?)', [18, 65, 1.5, 2.5]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE ("users"."age" BETWEEN $1 AND $2) AND ("users"."score" NOT BETWEEN $3 AND $4)', [18, 65, 1.5, 2.5]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`age` BETWEEN ? AND ?) AND (`users`.`score` NOT BETWEEN ? AND ?)", [18, 65, 1.5, 2.5]],
    });
  });

  test("between two columns", () => {
    assertCompile(ids.where(u.score.between(u.age, u.id)), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."score" BETWEEN "users"."age" AND "users"."id"', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."score" BETWEEN "users"."age" AND "users"."id"', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE `users`.`score` BETWEEN `users`.`age` AND `users`.`id`", []],
    });
  });

  test("or of ands, and not: each operand parenthesised", () => {
    assertCompile(ids.where(or(and(u.id.eq(1), u.name.eq("x")), not(u.age.gt(3)))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE (("users"."id" = ?) AND ("users"."name" = ?)) OR (NOT ("users"."age" > ?))', [1, "x", 3]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE (("users"."id" = $1) AND ("users"."name" = $2)) OR (NOT ("users"."age" > $3))', [1, "x", 3]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE ((`users`.`id` = ?) AND (`users`.`name` = ?)) OR (NOT (`users`.`age` > ?))", [1, "x", 3]],
    });
  });

  test("and() of nothing is true, or() of nothing is false", () => {
    assertCompile(ids.where(and(), or()), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE (1 = 1) AND (1 = 0)', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE (1 = 1) AND (1 = 0)', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (1 = 1) AND (1 = 0)", []],
    });
  });

  test("and/or skip undefined items; one item is just that item", () => {
    assertCompile(ids.where(and(u.id.eq(1), undefined), or(undefined, u.age.lt(2))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" = ?) AND ("users"."age" < ?)', [1, 2]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE ("users"."id" = $1) AND ("users"."age" < $2)', [1, 2]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`id` = ?) AND (`users`.`age` < ?)", [1, 2]],
    });
  });

  test("booleans bind as 1/0 on SQLite and MySQL, true/false on PostgreSQL", () => {
    assertCompile(ids.where(u.active.eq(true), u.active.ne(false)), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE (("users"."active" <> 0) = ?) AND (("users"."active" <> 0) <> ?)', [1, 0]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE ("users"."active" = $1) AND ("users"."active" <> $2)', [true, false]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE ((`users`.`active` <> 0) = ?) AND ((`users`.`active` <> 0) <> ?)", [1, 0]],
    });
  });

  // ---------------------------------------------------------------- arithmetic, concatenation, functions
  test("arithmetic: nested operations are parenthesised", () => {
    assertCompile(select(u.age.plus(1).times(2).minus(u.id).label("x")), {
      sqlite: ['SELECT (("users"."age" + ?) * ?) - "users"."id" AS "x" FROM "users"', [1, 2]],
      postgresql: ['SELECT (("users"."age" + $1) * $2) - "users"."id" AS "x" FROM "users"', [1, 2]],
      mysql: ["SELECT ((`users`.`age` + ?) * ?) - `users`.`id` AS `x` FROM `users`", [1, 2]],
    });
  });

  // Between integers the quotient is truncated everywhere: MySQL's / gave 3.5000 for 7 / 2, SQLite 3.5 for a bound 2 (test/core/numeric-values.test.ts).
  test("dividedBy", () => {
    assertCompile(select(u.age.dividedBy(2).label("half")), {
      sqlite: ['SELECT CAST("users"."age" / ? AS INTEGER) AS "half" FROM "users"', [2]],
      postgresql: ['SELECT "users"."age" / $1 AS "half" FROM "users"', [2]],
      mysql: ["SELECT `users`.`age` DIV ? AS `half` FROM `users`", [2]],
    });
  });

  test("concat: || on SQLite and PostgreSQL, CONCAT() on MySQL", () => {
    assertCompile(select(u.name.concat("!").concat(u.name).label("x")), {
      sqlite: ['SELECT ("users"."name" || ?) || "users"."name" AS "x" FROM "users"', ["!"]],
      postgresql: ['SELECT ("users"."name" || $1) || "users"."name" AS "x" FROM "users"', ["!"]],
      mysql: ["SELECT CONCAT(CONCAT(`users`.`name`, ?), `users`.`name`) AS `x` FROM `users`", ["!"]],
    });
  });

  test("aggregates: count(*), count(DISTINCT x), sum, avg, min, max", () => {
    assertCompile(select(func.count().label("n"), func.count(u.email, { distinct: true }).label("d"), func.sum(u.age).label("s"), func.avg(u.age).label("a"), func.min(u.age).label("lo"), func.max(u.age).label("hi")), {
      sqlite: ['SELECT count(*) AS "n", count(DISTINCT "users"."email") AS "d", sum("users"."age") AS "s", avg(CAST("users"."age" AS REAL)) AS "a", min("users"."age") AS "lo", max("users"."age") AS "hi" FROM "users"', []],
      postgresql: ['SELECT count(*) AS "n", count(DISTINCT "users"."email") AS "d", sum("users"."age") AS "s", avg(CAST("users"."age" AS DOUBLE PRECISION)) AS "a", min("users"."age") AS "lo", max("users"."age") AS "hi" FROM "users"', []],
      mysql: ["SELECT count(*) AS `n`, count(DISTINCT `users`.`email`) AS `d`, sum(`users`.`age`) AS `s`, avg(CAST(`users`.`age` AS DOUBLE)) AS `a`, min(`users`.`age`) AS `lo`, max(`users`.`age`) AS `hi` FROM `users`", []],
    });
  });

  test("scalar functions: lower, upper, length (in characters: char_length, length on SQLite), abs, coalesce, and any function by name", () => {
    assertCompile(select(func.lower(u.name).label("l"), func.upper(u.name).label("up"), func.length(u.name).label("len"), func.abs(u.score).label("ab"), func.coalesce(u.email, u.name, "none").label("c"), func.call("nullif", u.name, "").label("nn")), {
      sqlite: ['SELECT lower("users"."name") AS "l", upper("users"."name") AS "up", length("users"."name") AS "len", abs("users"."score") AS "ab", coalesce("users"."email", "users"."name", ?) AS "c", nullif("users"."name", ?) AS "nn" FROM "users"', ["none", ""]],
      postgresql: ['SELECT lower("users"."name") AS "l", upper("users"."name") AS "up", char_length("users"."name") AS "len", abs("users"."score") AS "ab", coalesce("users"."email", "users"."name", $1) AS "c", nullif("users"."name", $2) AS "nn" FROM "users"', ["none", ""]],
      mysql: ["SELECT lower(`users`.`name`) AS `l`, upper(`users`.`name`) AS `up`, char_length(`users`.`name`) AS `len`, abs(`users`.`score`) AS `ab`, coalesce(`users`.`email`, `users`.`name`, ?) AS `c`, nullif(`users`.`name`, ?) AS `nn` FROM `users`", ["none", ""]],
    });
  });

  test("a function by name is written as given (MySQL would want rand())", () => {
    assertCompile(select(func.call("random").label("r")), {
      sqlite: ['SELECT random() AS "r"', []],
      postgresql: ['SELECT random() AS "r"', []],
      mysql: ["SELECT random() AS `r`", []],
    });
  });

  test("CASE with ELSE", () => {
    assertCompile(select(caseWhen([[u.age.lt(18), "minor"], [u.age.lt(65), "adult"]], "senior").label("grp")), {
      sqlite: ['SELECT CASE WHEN "users"."age" < ? THEN ? WHEN "users"."age" < ? THEN ? ELSE ? END AS "grp" FROM "users"', [18, "minor", 65, "adult", "senior"]],
      postgresql: ['SELECT CASE WHEN "users"."age" < $1 THEN $2 WHEN "users"."age" < $3 THEN $4 ELSE $5 END AS "grp" FROM "users"', [18, "minor", 65, "adult", "senior"]],
      mysql: ["SELECT CASE WHEN `users`.`age` < ? THEN ? WHEN `users`.`age` < ? THEN ? ELSE ? END AS `grp` FROM `users`", [18, "minor", 65, "adult", "senior"]],
    });
  });

  test("CASE without ELSE; results may be columns", () => {
    assertCompile(select(caseWhen([[u.active.eq(true), u.name]]).label("shown")), {
      sqlite: ['SELECT CASE WHEN ("users"."active" <> 0) = ? THEN "users"."name" END AS "shown" FROM "users"', [1]],
      postgresql: ['SELECT CASE WHEN "users"."active" = $1 THEN "users"."name" END AS "shown" FROM "users"', [true]],
      mysql: ["SELECT CASE WHEN (`users`.`active` <> 0) = ? THEN `users`.`name` END AS `shown` FROM `users`", [1]],
    });
  });

  test("CAST to each type's name in the dialect (MySQL has its own CAST targets)", () => {
    assertCompile(select(cast(u.age, types.string()).label("s"), cast(u.name, types.integer()).label("i"), cast(u.id, types.float()).label("f"), cast(u.name, types.boolean()).label("b"), cast(u.name, types.datetime()).label("dt"), cast(u.name, types.numeric(10, 2)).label("n")), {
      sqlite: ['SELECT CAST("users"."age" AS VARCHAR) AS "s", CAST("users"."name" AS INTEGER) AS "i", CAST("users"."id" AS REAL) AS "f", CAST("users"."name" AS BOOLEAN) AS "b", CAST("users"."name" AS TEXT) AS "dt", CAST("users"."name" AS NUMERIC(10, 2)) AS "n" FROM "users"', []],
      postgresql: ['SELECT CAST("users"."age" AS VARCHAR) AS "s", CAST("users"."name" AS INTEGER) AS "i", CAST("users"."id" AS DOUBLE PRECISION) AS "f", CAST("users"."name" AS BOOLEAN) AS "b", CAST("users"."name" AS TIMESTAMP WITHOUT TIME ZONE) AS "dt", CAST("users"."name" AS NUMERIC(10, 2)) AS "n" FROM "users"', []],
      mysql: ["SELECT CAST(`users`.`age` AS CHAR) AS `s`, CAST(`users`.`name` AS SIGNED) AS `i`, CAST(`users`.`id` AS DOUBLE) AS `f`, CAST(`users`.`name` AS UNSIGNED) AS `b`, CAST(`users`.`name` AS DATETIME(6)) AS `dt`, CAST(`users`.`name` AS DECIMAL(10, 2)) AS `n` FROM `users`", []],
    });
  });

  test("CAST to the remaining types", () => {
    assertCompile(select(cast(u.name, types.bigint()).label("bi"), cast(u.age, types.text()).label("t"), cast(u.name, types.date()).label("d"), cast(u.name, types.uuid()).label("id"), cast(u.name, types.binary()).label("bin")), {
      sqlite: ['SELECT CAST("users"."name" AS BIGINT) AS "bi", CAST("users"."age" AS TEXT) AS "t", CAST("users"."name" AS TEXT) AS "d", CAST("users"."name" AS CHAR(36)) AS "id", CAST("users"."name" AS BLOB) AS "bin" FROM "users"', []],
      postgresql: ['SELECT CAST("users"."name" AS BIGINT) AS "bi", CAST("users"."age" AS TEXT) AS "t", CAST("users"."name" AS DATE) AS "d", CAST("users"."name" AS UUID) AS "id", CAST("users"."name" AS BYTEA) AS "bin" FROM "users"', []],
      mysql: ["SELECT CAST(`users`.`name` AS SIGNED) AS `bi`, CAST(`users`.`age` AS CHAR) AS `t`, CAST(`users`.`name` AS DATE) AS `d`, CAST(`users`.`name` AS CHAR) AS `id`, CAST(`users`.`name` AS BINARY) AS `bin` FROM `users`", []],
    });
  });

  test("literal(): a bound value, converted by its type", () => {
    assertCompile(select(literal(1).label("one"), literal("x", types.string()).label("x"), literal(true, types.boolean()).label("t")), {
      sqlite: ['SELECT ? AS "one", ? AS "x", ? AS "t"', [1, "x", 1]],
      postgresql: ['SELECT $1 AS "one", $2 AS "x", $3 AS "t"', [1, "x", true]],
      mysql: ["SELECT ? AS `one`, ? AS `x`, ? AS `t`", [1, "x", 1]],
    });
  });

  // ---------------------------------------------------------------- subqueries
  test("EXISTS correlates to the enclosing query's tables", () => {
    assertCompile(ids.where(exists(select(o.id).where(o.userId.eq(u.id)))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE EXISTS (SELECT "orders"."id" FROM "orders" WHERE "orders"."user_id" = "users"."id")', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE EXISTS (SELECT "orders"."id" FROM "orders" WHERE "orders"."user_id" = "users"."id")', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE EXISTS (SELECT `orders`.`id` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`)", []],
    });
  });

  test("NOT EXISTS", () => {
    assertCompile(ids.where(not(exists(select(o.id).where(o.userId.eq(u.id))))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE NOT EXISTS (SELECT "orders"."id" FROM "orders" WHERE "orders"."user_id" = "users"."id")', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE NOT EXISTS (SELECT "orders"."id" FROM "orders" WHERE "orders"."user_id" = "users"."id")', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE NOT EXISTS (SELECT `orders`.`id` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`)", []],
    });
  });

  test("a correlated scalar subquery in the select list", () => {
    assertCompile(select(u.name, scalarSubquery(select(func.count().label("n")).where(o.userId.eq(u.id))).label("orders")), {
      sqlite: ['SELECT "users"."name", (SELECT count(*) AS "n" FROM "orders" WHERE "orders"."user_id" = "users"."id") AS "orders" FROM "users"', []],
      postgresql: ['SELECT "users"."name", (SELECT count(*) AS "n" FROM "orders" WHERE "orders"."user_id" = "users"."id") AS "orders" FROM "users"', []],
      mysql: ["SELECT `users`.`name`, (SELECT count(*) AS `n` FROM `orders` WHERE `orders`.`user_id` = `users`.`id`) AS `orders` FROM `users`", []],
    });
  });

  test("a scalar subquery on the same table alone is not correlated (it keeps its FROM)", () => {
    assertCompile(ids.where(u.age.gt(scalarSubquery(select(func.avg(u.age).label("a"))))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."age" > (SELECT avg(CAST("users"."age" AS REAL)) AS "a" FROM "users")', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."age" > (SELECT avg(CAST("users"."age" AS DOUBLE PRECISION)) AS "a" FROM "users")', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE `users`.`age` > (SELECT avg(CAST(`users`.`age` AS DOUBLE)) AS `a` FROM `users`)", []],
    });
  });

  test("subqueries nest, each correlating to the queries around it", () => {
    assertCompile(ids.where(exists(select(o.id).where(o.userId.eq(u.id), exists(select(items.c.id).where(items.c.orderId.eq(o.id), items.c.sku.eq(u.name)))))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE EXISTS (SELECT "orders"."id" FROM "orders" WHERE ("orders"."user_id" = "users"."id") AND EXISTS (SELECT "items"."id" FROM "items" WHERE ("items"."order_id" = "orders"."id") AND ("items"."sku" = "users"."name")))', []],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE EXISTS (SELECT "orders"."id" FROM "orders" WHERE ("orders"."user_id" = "users"."id") AND EXISTS (SELECT "items"."id" FROM "items" WHERE ("items"."order_id" = "orders"."id") AND ("items"."sku" = "users"."name")))', []],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE EXISTS (SELECT `orders`.`id` FROM `orders` WHERE (`orders`.`user_id` = `users`.`id`) AND EXISTS (SELECT `items`.`id` FROM `items` WHERE (`items`.`order_id` = `orders`.`id`) AND (`items`.`sku` = `users`.`name`)))", []],
    });
  });
});
