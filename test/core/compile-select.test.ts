/**
 * The SQL each SELECT form compiles to, per dialect, written out: a compiler change shows up here
 * as a readable diff. Compile-only (no server): see test/support/assert-compile.ts. Expressions and
 * operators are in compile-expressions, joins in compile-joins.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { alias, ArgumentError, CompileError, func, literal, select, types, UnsupportedFeatureError } from "../../src/index.js";
import { StatementCache } from "../../src/core/compiler/statement-cache.js";
import { mysqlDialect } from "../../src/dialects/mysql/dialect.js";
import { assertCompile, compileOn, raises } from "../support/assert-compile.js";
import { orders, users } from "../support/compile-schema.js";

/** `users` under another name. */
const u2 = alias(users, "u");
const totals = select(orders.c.userId, func.sum(orders.c.total).label("spent")).groupBy(orders.c.userId).subquery("totals");

describe("compiled SQL: SELECT", () => {
  test("columns are qualified by their table; FROM is inferred from them", () => {
    assertCompile(select(users.c.id, users.c.name), {
      sqlite: ['SELECT "users"."id", "users"."name" FROM "users"', []],
      postgresql: ['SELECT "users"."id", "users"."name" FROM "users"', []],
      mysql: ["SELECT `users`.`id`, `users`.`name` FROM `users`", []],
    });
  });

  test("a whole table selects every column, in declaration order", () => {
    assertCompile(select(users), {
      sqlite: ['SELECT "users"."id", "users"."name", "users"."email", "users"."age", "users"."score", "users"."active" FROM "users"', []],
      postgresql: ['SELECT "users"."id", "users"."name", "users"."email", "users"."age", "users"."score", "users"."active" FROM "users"', []],
      mysql: ["SELECT `users`.`id`, `users`.`name`, `users`.`email`, `users`.`age`, `users`.`score`, `users`.`active` FROM `users`", []],
    });
  });

  test("a column whose database name differs from its key is selected AS the key", () => {
    assertCompile(select(orders.c.id, orders.c.userId, orders.c.placedAt), {
      sqlite: ['SELECT "orders"."id", "orders"."user_id" AS "userId", "orders"."placed_at" AS "placedAt" FROM "orders"', []],
      postgresql: ['SELECT "orders"."id", "orders"."user_id" AS "userId", "orders"."placed_at" AS "placedAt" FROM "orders"', []],
      mysql: ["SELECT `orders`.`id`, `orders`.`user_id` AS `userId`, `orders`.`placed_at` AS `placedAt` FROM `orders`", []],
    });
  });

  test("labels name expressions; a column keeps its own name unless relabelled", () => {
    assertCompile(select(users.c.name.label("who"), users.c.age.plus(1).label("nextAge")), {
      sqlite: ['SELECT "users"."name" AS "who", "users"."age" + ? AS "nextAge" FROM "users"', [1]],
      postgresql: ['SELECT "users"."name" AS "who", "users"."age" + $1 AS "nextAge" FROM "users"', [1]],
      mysql: ["SELECT `users`.`name` AS `who`, `users`.`age` + ? AS `nextAge` FROM `users`", [1]],
    });
  });

  test("unlabelled expressions are named col_0, col_1, ... in the order they come", () => {
    assertCompile(select(users.c.age.plus(1), func.count()), {
      sqlite: ['SELECT "users"."age" + ? AS "col_0", count(*) AS "col_1" FROM "users"', [1]],
      postgresql: ['SELECT "users"."age" + $1 AS "col_0", count(*) AS "col_1" FROM "users"', [1]],
      mysql: ["SELECT `users`.`age` + ? AS `col_0`, count(*) AS `col_1` FROM `users`", [1]],
    });
  });

  test("addColumns extends the select list; its unlabelled items are numbered from the current column count", () => {
    assertCompile(select(users.c.id).addColumns(users.c.name, users.c.age.times(2)), {
      sqlite: ['SELECT "users"."id", "users"."name", "users"."age" * ? AS "col_1" FROM "users"', [2]],
      postgresql: ['SELECT "users"."id", "users"."name", "users"."age" * $1 AS "col_1" FROM "users"', [2]],
      mysql: ["SELECT `users`.`id`, `users`.`name`, `users`.`age` * ? AS `col_1` FROM `users`", [2]],
    });
  });

  test("an aliased table is selected FROM table AS alias, its columns qualified by the alias", () => {
    assertCompile(select(u2.c.id, u2.c.name).where(u2.c.id.eq(3)), {
      sqlite: ['SELECT "u"."id", "u"."name" FROM "users" AS "u" WHERE "u"."id" = ?', [3]],
      postgresql: ['SELECT "u"."id", "u"."name" FROM "users" AS "u" WHERE "u"."id" = $1', [3]],
      mysql: ["SELECT `u`.`id`, `u`.`name` FROM `users` AS `u` WHERE `u`.`id` = ?", [3]],
    });
  });

  test("DISTINCT", () => {
    assertCompile(select(users.c.name).distinct(), {
      sqlite: ['SELECT DISTINCT "users"."name" FROM "users"', []],
      postgresql: ['SELECT DISTINCT "users"."name" FROM "users"', []],
      mysql: ["SELECT DISTINCT `users`.`name` FROM `users`", []],
    });
  });

  test("distinct(false) takes DISTINCT away again", () => {
    assertCompile(select(users.c.name).distinct().distinct(false), {
      sqlite: ['SELECT "users"."name" FROM "users"', []],
      postgresql: ['SELECT "users"."name" FROM "users"', []],
      mysql: ["SELECT `users`.`name` FROM `users`", []],
    });
  });

  test("explicit from() for a select list with no column: count(*)", () => {
    assertCompile(select(func.count().label("n")).from(users), {
      sqlite: ['SELECT count(*) AS "n" FROM "users"', []],
      postgresql: ['SELECT count(*) AS "n" FROM "users"', []],
      mysql: ["SELECT count(*) AS `n` FROM `users`", []],
    });
  });

  test("two tables with no join: both in FROM, in first-seen order (a cross join)", () => {
    assertCompile(select(users.c.name, orders.c.total), {
      sqlite: ['SELECT "users"."name", "orders"."total" FROM "users", "orders"', []],
      postgresql: ['SELECT "users"."name", "orders"."total" FROM "users", "orders"', []],
      mysql: ["SELECT `users`.`name`, `orders`.`total` FROM `users`, `orders`", []],
    });
  });

  test("a table named only in WHERE is added to FROM", () => {
    assertCompile(select(users.c.name).where(orders.c.userId.eq(users.c.id)), {
      sqlite: ['SELECT "users"."name" FROM "users", "orders" WHERE "orders"."user_id" = "users"."id"', []],
      postgresql: ['SELECT "users"."name" FROM "users", "orders" WHERE "orders"."user_id" = "users"."id"', []],
      mysql: ["SELECT `users`.`name` FROM `users`, `orders` WHERE `orders`.`user_id` = `users`.`id`", []],
    });
  });

  test("no table at all: no FROM clause", () => {
    assertCompile(select(literal(1, types.integer()).label("one")), {
      sqlite: ['SELECT ? AS "one"', [1]],
      postgresql: ['SELECT $1 AS "one"', [1]],
      mysql: ["SELECT ? AS `one`", [1]],
    });
  });

  test("a subquery in FROM, its columns read by label", () => {
    assertCompile(select(totals.c.userId, totals.c.spent).where(totals.c.spent.gt("10")), {
      sqlite: ['SELECT "totals"."userId", "totals"."spent" FROM (SELECT "orders"."user_id" AS "userId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."user_id") AS "totals" WHERE "totals"."spent" > ?', [10]],
      postgresql: ['SELECT "totals"."userId", "totals"."spent" FROM (SELECT "orders"."user_id" AS "userId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."user_id") AS "totals" WHERE "totals"."spent" > $1', ["10"]],
      mysql: ["SELECT `totals`.`userId`, `totals`.`spent` FROM (SELECT `orders`.`user_id` AS `userId`, sum(`orders`.`total`) AS `spent` FROM `orders` GROUP BY `orders`.`user_id`) AS `totals` WHERE `totals`.`spent` > CAST(? AS DECIMAL(65, 30))", ["10"]],
    });
  });

  // ---------------------------------------------------------------- ORDER BY, LIMIT, OFFSET, FOR UPDATE
  test("ORDER BY: a bare expression is ASC; asc() and desc()", () => {
    assertCompile(select(users.c.id).orderBy(users.c.name, users.c.age.desc(), users.c.id.asc()), {
      sqlite: ['SELECT "users"."id" FROM "users" ORDER BY "users"."name" ASC, "users"."age" DESC, "users"."id" ASC', []],
      postgresql: ['SELECT "users"."id" FROM "users" ORDER BY "users"."name" ASC, "users"."age" DESC, "users"."id" ASC', []],
      mysql: ["SELECT `users`.`id` FROM `users` ORDER BY `users`.`name` ASC, `users`.`age` DESC, `users`.`id` ASC", []],
    });
  });

  test("ORDER BY an expression", () => {
    assertCompile(select(users.c.id).orderBy(func.lower(users.c.name).desc()), {
      sqlite: ['SELECT "users"."id" FROM "users" ORDER BY lower("users"."name") DESC', []],
      postgresql: ['SELECT "users"."id" FROM "users" ORDER BY lower("users"."name") DESC', []],
      mysql: ["SELECT `users`.`id` FROM `users` ORDER BY lower(`users`.`name`) DESC", []],
    });
  });

  test("NULLS FIRST / LAST: native on SQLite and PostgreSQL, an IS NULL sort key first on MySQL", () => {
    assertCompile(select(users.c.id).orderBy(users.c.email.asc().nullsFirst(), users.c.age.desc().nullsLast()), {
      sqlite: ['SELECT "users"."id" FROM "users" ORDER BY "users"."email" ASC NULLS FIRST, "users"."age" DESC NULLS LAST', []],
      postgresql: ['SELECT "users"."id" FROM "users" ORDER BY "users"."email" ASC NULLS FIRST, "users"."age" DESC NULLS LAST', []],
      mysql: ["SELECT `users`.`id` FROM `users` ORDER BY `users`.`email` IS NULL DESC, `users`.`email` ASC, `users`.`age` IS NULL ASC, `users`.`age` DESC", []],
    });
  });

  test("LIMIT is a bound parameter", () => {
    assertCompile(select(users.c.id).limit(10), {
      sqlite: ['SELECT "users"."id" FROM "users" LIMIT ?', [10]],
      postgresql: ['SELECT "users"."id" FROM "users" LIMIT $1', [10]],
      mysql: ["SELECT `users`.`id` FROM `users` LIMIT ?", [10]],
    });
  });

  test("LIMIT and OFFSET", () => {
    assertCompile(select(users.c.id).limit(10).offset(20), {
      sqlite: ['SELECT "users"."id" FROM "users" LIMIT ? OFFSET ?', [10, 20]],
      postgresql: ['SELECT "users"."id" FROM "users" LIMIT $1 OFFSET $2', [10, 20]],
      mysql: ["SELECT `users`.`id` FROM `users` LIMIT ? OFFSET ?", [10, 20]],
    });
  });

  test("OFFSET alone: SQLite and MySQL need a LIMIT, given as 'no limit'", () => {
    assertCompile(select(users.c.id).offset(20), {
      sqlite: ['SELECT "users"."id" FROM "users" LIMIT -1 OFFSET ?', [20]],
      postgresql: ['SELECT "users"."id" FROM "users" OFFSET $1', [20]],
      mysql: ["SELECT `users`.`id` FROM `users` LIMIT 18446744073709551615 OFFSET ?", [20]],
    });
  });

  test("limit(undefined) removes the LIMIT", () => {
    assertCompile(select(users.c.id).limit(10).limit(undefined), {
      sqlite: ['SELECT "users"."id" FROM "users"', []],
      postgresql: ['SELECT "users"."id" FROM "users"', []],
      mysql: ["SELECT `users`.`id` FROM `users`", []],
    });
  });

  test("FOR UPDATE; SQLite, which locks the whole database, leaves it out", () => {
    assertCompile(select(users.c.id).where(users.c.id.eq(1)).forUpdate(), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."id" = ?', [1]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."id" = $1 FOR UPDATE', [1]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE `users`.`id` = ? FOR UPDATE", [1]],
    });
  });

  test("FOR UPDATE comes after LIMIT", () => {
    assertCompile(select(users.c.id).orderBy(users.c.id).limit(1).forUpdate(), {
      sqlite: ['SELECT "users"."id" FROM "users" ORDER BY "users"."id" ASC LIMIT ?', [1]],
      postgresql: ['SELECT "users"."id" FROM "users" ORDER BY "users"."id" ASC LIMIT $1 FOR UPDATE', [1]],
      mysql: ["SELECT `users`.`id` FROM `users` ORDER BY `users`.`id` ASC LIMIT ? FOR UPDATE", [1]],
    });
  });

  test("FOR UPDATE OF locks the rows of the tables named; MariaDB has no OF and locks every table read", () => {
    const stmt = select(users.c.id, orders.c.id.label("orderId")).from(users).leftJoin(orders).forUpdate({ of: users });
    const from = 'FROM "users" LEFT OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"';
    const mysqlFrom = "FROM `users` LEFT OUTER JOIN `orders` ON `users`.`id` = `orders`.`user_id`";
    assertCompile(stmt, {
      sqlite: [`SELECT "users"."id", "orders"."id" AS "orderId" ${from}`, []],
      postgresql: [`SELECT "users"."id", "orders"."id" AS "orderId" ${from} FOR UPDATE OF "users"`, []],
      mysql: [`SELECT \`users\`.\`id\`, \`orders\`.\`id\` AS \`orderId\` ${mysqlFrom} FOR UPDATE`, []],
      mariadb: [`SELECT \`users\`.\`id\`, \`orders\`.\`id\` AS \`orderId\` ${mysqlFrom} FOR UPDATE`, []],
      mysql8: [`SELECT \`users\`.\`id\`, \`orders\`.\`id\` AS \`orderId\` ${mysqlFrom} FOR UPDATE OF \`users\``, []],
    });
  });

  test("FOR UPDATE of the nullable side of an outer join: refused before it is sent on PostgreSQL, naming forUpdate({ of }); locked elsewhere", () => {
    const outer = select(users.c.id, orders.c.id.label("orderId")).from(users).leftJoin(orders);
    const mysqlSql = "SELECT `users`.`id`, `orders`.`id` AS `orderId` FROM `users` LEFT OUTER JOIN `orders` ON `users`.`id` = `orders`.`user_id` FOR UPDATE";
    assertCompile(outer.forUpdate(), {
      sqlite: ['SELECT "users"."id", "orders"."id" AS "orderId" FROM "users" LEFT OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      postgresql: raises(ArgumentError, /^forUpdate\(\): PostgreSQL cannot lock the rows of 'orders', on the nullable side of an outer join\. Name the tables whose rows to lock: forUpdate\(\{ of: \[\.\.\.\] \}\) \(here 'users'\)/),
      mysql: [mysqlSql, []],
      mysql8: [mysqlSql, []],
    });
    assertCompile(outer.forUpdate({ of: [users, orders] }), {
      sqlite: ['SELECT "users"."id", "orders"."id" AS "orderId" FROM "users" LEFT OUTER JOIN "orders" ON "users"."id" = "orders"."user_id"', []],
      postgresql: raises(ArgumentError, /^forUpdate\(\{ of \}\): PostgreSQL cannot lock the rows of 'orders'.*Leave it out of `of`/),
      mysql: [mysqlSql, []],
    });
  });

  test("FOR UPDATE OF an alias names the alias; of several, each; forUpdate(false) removes it", () => {
    const stmt = select(u2.c.id).from(u2).join(orders, orders.c.userId.eq(u2.c.id)).forUpdate({ of: [u2, orders] });
    assertCompile(stmt, {
      sqlite: ['SELECT "u"."id" FROM "users" AS "u" JOIN "orders" ON "orders"."user_id" = "u"."id"', []],
      postgresql: ['SELECT "u"."id" FROM "users" AS "u" JOIN "orders" ON "orders"."user_id" = "u"."id" FOR UPDATE OF "u", "orders"', []],
      mysql: ["SELECT `u`.`id` FROM `users` AS `u` JOIN `orders` ON `orders`.`user_id` = `u`.`id` FOR UPDATE", []],
      mysql8: ["SELECT `u`.`id` FROM `users` AS `u` JOIN `orders` ON `orders`.`user_id` = `u`.`id` FOR UPDATE OF `u`, `orders`", []],
    });
    assertCompile(stmt.forUpdate(false), {
      sqlite: ['SELECT "u"."id" FROM "users" AS "u" JOIN "orders" ON "orders"."user_id" = "u"."id"', []],
      postgresql: ['SELECT "u"."id" FROM "users" AS "u" JOIN "orders" ON "orders"."user_id" = "u"."id"', []],
      mysql: ["SELECT `u`.`id` FROM `users` AS `u` JOIN `orders` ON `orders`.`user_id` = `u`.`id`", []],
    });
  });

  test("FOR UPDATE OF a table the query does not read is refused on every database (MariaDB would lock others)", () => {
    const refused = raises(CompileError, /forUpdate\(\{ of \}\): orders is not in the query's FROM/);
    assertCompile(select(users.c.id).forUpdate({ of: orders }), { sqlite: refused, postgresql: refused, mysql: refused, mariadb: refused });
    assert.throws(() => select(users.c.id).forUpdate({ of: [] }), (e: unknown) => e instanceof ArgumentError && /name at least one/.test(e.message));
  });

  test("FOR UPDATE NOWAIT and SKIP LOCKED, after OF; SQLite leaves the clause out; MariaDB before 10.6 refuses them", () => {
    const stmt = select(users.c.id).orderBy(users.c.id).limit(1);
    assertCompile(stmt.forUpdate({ skipLocked: true }), {
      sqlite: ['SELECT "users"."id" FROM "users" ORDER BY "users"."id" ASC LIMIT ?', [1]],
      postgresql: ['SELECT "users"."id" FROM "users" ORDER BY "users"."id" ASC LIMIT $1 FOR UPDATE SKIP LOCKED', [1]],
      mysql: ["SELECT `users`.`id` FROM `users` ORDER BY `users`.`id` ASC LIMIT ? FOR UPDATE SKIP LOCKED", [1]],
      mariadb: ["SELECT `users`.`id` FROM `users` ORDER BY `users`.`id` ASC LIMIT ? FOR UPDATE SKIP LOCKED", [1]],
    });
    const joined = select(u2.c.id).from(u2).join(orders, orders.c.userId.eq(u2.c.id)).forUpdate({ of: u2, nowait: true });
    assertCompile(joined, {
      sqlite: ['SELECT "u"."id" FROM "users" AS "u" JOIN "orders" ON "orders"."user_id" = "u"."id"', []],
      postgresql: ['SELECT "u"."id" FROM "users" AS "u" JOIN "orders" ON "orders"."user_id" = "u"."id" FOR UPDATE OF "u" NOWAIT', []],
      mysql: ["SELECT `u`.`id` FROM `users` AS `u` JOIN `orders` ON `orders`.`user_id` = `u`.`id` FOR UPDATE NOWAIT", []],
      mysql8: ["SELECT `u`.`id` FROM `users` AS `u` JOIN `orders` ON `orders`.`user_id` = `u`.`id` FOR UPDATE OF `u` NOWAIT", []],
    });
    // Same shape, another wait: not the same cached SQL.
    assert.notEqual(compileOn("postgresql", stmt.forUpdate({ nowait: true })).sql, compileOn("postgresql", stmt.forUpdate({ skipLocked: true })).sql);
    assert.equal(compileOn("postgresql", stmt.forUpdate({ nowait: true }).forUpdate()).sql, 'SELECT "users"."id" FROM "users" ORDER BY "users"."id" ASC LIMIT $1 FOR UPDATE');
    for (const [version, clause] of [["10.5.20-MariaDB", "SKIP LOCKED"], ["5.7.44", "NOWAIT"]] as const) {
      const compiler = new StatementCache(mysqlDialect(version));
      const lock = clause === "NOWAIT" ? { nowait: true } : { skipLocked: true };
      assert.throws(() => compiler.compile(stmt.forUpdate(lock).node), (e: unknown) => e instanceof UnsupportedFeatureError && e.feature === `FOR UPDATE ${clause}` && /upgrade to MariaDB 10\.6\+/.test(e.message));
    }
    assert.throws(() => stmt.forUpdate({ nowait: true, skipLocked: true }), (e: unknown) => e instanceof ArgumentError && /nowait and skipLocked exclude each other/.test(e.message));
  });

  // ---------------------------------------------------------------- GROUP BY, HAVING
  test("GROUP BY and HAVING; several having() conditions are ANDed", () => {
    assertCompile(select(orders.c.userId, func.count().label("n")).groupBy(orders.c.userId).having(func.count().gt(2), func.sum(orders.c.total).lt("1000")), {
      sqlite: ['SELECT "orders"."user_id" AS "userId", count(*) AS "n" FROM "orders" GROUP BY "orders"."user_id" HAVING (count(*) > ?) AND (sum("orders"."total") < ?)', [2, 1000]],
      postgresql: ['SELECT "orders"."user_id" AS "userId", count(*) AS "n" FROM "orders" GROUP BY "orders"."user_id" HAVING (count(*) > $1) AND (sum("orders"."total") < $2)', [2, "1000"]],
      mysql: ["SELECT `orders`.`user_id` AS `userId`, count(*) AS `n` FROM `orders` GROUP BY `orders`.`user_id` HAVING (count(*) > ?) AND (sum(`orders`.`total`) < CAST(? AS DECIMAL(65, 30)))", [2, "1000"]],
    });
  });

  test("GROUP BY several expressions", () => {
    assertCompile(select(users.c.name, users.c.age, func.count().label("n")).groupBy(users.c.name, users.c.age), {
      sqlite: ['SELECT "users"."name", "users"."age", count(*) AS "n" FROM "users" GROUP BY "users"."name", "users"."age"', []],
      postgresql: ['SELECT "users"."name", "users"."age", count(*) AS "n" FROM "users" GROUP BY "users"."name", "users"."age"', []],
      mysql: ["SELECT `users`.`name`, `users`.`age`, count(*) AS `n` FROM `users` GROUP BY `users`.`name`, `users`.`age`", []],
    });
  });

  test("every clause at once, parameters numbered in the order they appear", () => {
    assertCompile(select(users.c.name, func.count(orders.c.id).label("n")).join(orders).where(users.c.active.eq(true)).groupBy(users.c.name).having(func.count(orders.c.id).ge(1)).orderBy(users.c.name.desc()).limit(5).offset(10).distinct(), {
      sqlite: ['SELECT DISTINCT "users"."name", count("orders"."id") AS "n" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id" WHERE ("users"."active" <> 0) = ? GROUP BY "users"."name" HAVING count("orders"."id") >= ? ORDER BY "users"."name" DESC LIMIT ? OFFSET ?', [1, 1, 5, 10]],
      postgresql: ['SELECT DISTINCT "users"."name", count("orders"."id") AS "n" FROM "users" JOIN "orders" ON "users"."id" = "orders"."user_id" WHERE "users"."active" = $1 GROUP BY "users"."name" HAVING count("orders"."id") >= $2 ORDER BY "users"."name" DESC LIMIT $3 OFFSET $4', [true, 1, 5, 10]],
      mysql: ["SELECT DISTINCT `users`.`name`, count(`orders`.`id`) AS `n` FROM `users` JOIN `orders` ON `users`.`id` = `orders`.`user_id` WHERE (`users`.`active` <> 0) = ? GROUP BY `users`.`name` HAVING count(`orders`.`id`) >= ? ORDER BY `users`.`name` DESC LIMIT ? OFFSET ?", [1, 1, 5, 10]],
    });
  });
});
