/**
 * The SQL common table expressions compile to, per dialect: the WITH clause at the top of the
 * statement, each CTE once, after those it reads; `WITH RECURSIVE` with its column list; on
 * MariaDB, which takes no WITH before UPDATE or DELETE, inside the subquery that reads it.
 * Compile-only; the same statements run on every database in cte.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, CompileError, MetaData, UnsupportedFeatureError, deleteFrom, func, integer, literal, select, table, text, types, update } from "../../src/index.js";
import { StatementCache } from "../../src/core/compiler/statement-cache.js";
import { assertCompile, compileDialects, compileOn, raises } from "../support/assert-compile.js";
import { orders, users } from "../support/compile-schema.js";

const staff = table("staff", new MetaData(), { id: integer().primaryKey(), managerId: integer().named("manager_id"), name: text() });
const big = select(orders.c.userId, func.sum(orders.c.total).label("spent")).groupBy(orders.c.userId).having(func.sum(orders.c.total).gt(100)).cte("big");
/** Everyone under a top manager, three levels down at most. */
const anchor = select(staff.c.id, literal(0, types.integer()).label("depth")).where(staff.c.managerId.isNull()).cte("chain", { recursive: true });
const chain = anchor.unionAll(select(staff.c.id, anchor.c.depth.plus(1).label("depth")).join(anchor, staff.c.managerId.eq(anchor.c.id)).where(anchor.c.depth.lt(3)));

describe("compiled SQL: common table expressions", () => {
  test("a CTE joined: WITH at the top, read by its name", () => {
    assertCompile(select(users.c.name, big.c.spent).join(big, big.c.userId.eq(users.c.id)), {
      sqlite: ['WITH "big" AS (SELECT "orders"."user_id" AS "userId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."user_id" HAVING sum("orders"."total") > ?) SELECT "users"."name", "big"."spent" FROM "users" JOIN "big" ON "big"."userId" = "users"."id"', [100]],
      postgresql: ['WITH "big" AS (SELECT "orders"."user_id" AS "userId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."user_id" HAVING sum("orders"."total") > $1) SELECT "users"."name", "big"."spent" FROM "users" JOIN "big" ON "big"."userId" = "users"."id"', [100]],
      mysql: ["WITH `big` AS (SELECT `orders`.`user_id` AS `userId`, sum(`orders`.`total`) AS `spent` FROM `orders` GROUP BY `orders`.`user_id` HAVING sum(`orders`.`total`) > CAST(? AS DECIMAL(65, 30))) SELECT `users`.`name`, `big`.`spent` FROM `users` JOIN `big` ON `big`.`userId` = `users`.`id`", [100]],
    });
  });

  test("a CTE read by another and by a subquery is written once, before the one reading it", () => {
    const bigIds = select(big.c.userId).cte("big_ids");
    assertCompile(select(users.c.name).where(users.c.id.in(select(bigIds.c.userId)), users.c.id.notIn(select(big.c.userId).where(big.c.spent.gt(1000)))), {
      sqlite: ['WITH "big" AS (SELECT "orders"."user_id" AS "userId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."user_id" HAVING sum("orders"."total") > ?), "big_ids" AS (SELECT "big"."userId" FROM "big") SELECT "users"."name" FROM "users" WHERE ("users"."id" IN (SELECT "big_ids"."userId" FROM "big_ids")) AND ("users"."id" NOT IN (SELECT "big"."userId" FROM "big" WHERE "big"."spent" > ?))', [100,1000]],
      postgresql: ['WITH "big" AS (SELECT "orders"."user_id" AS "userId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."user_id" HAVING sum("orders"."total") > $1), "big_ids" AS (SELECT "big"."userId" FROM "big") SELECT "users"."name" FROM "users" WHERE ("users"."id" IN (SELECT "big_ids"."userId" FROM "big_ids")) AND ("users"."id" NOT IN (SELECT "big"."userId" FROM "big" WHERE "big"."spent" > $2))', [100,1000]],
      mysql: ["WITH `big` AS (SELECT `orders`.`user_id` AS `userId`, sum(`orders`.`total`) AS `spent` FROM `orders` GROUP BY `orders`.`user_id` HAVING sum(`orders`.`total`) > CAST(? AS DECIMAL(65, 30))), `big_ids` AS (SELECT `big`.`userId` FROM `big`) SELECT `users`.`name` FROM `users` WHERE (`users`.`id` IN (SELECT `big_ids`.`userId` FROM `big_ids`)) AND (`users`.`id` NOT IN (SELECT `big`.`userId` FROM `big` WHERE `big`.`spent` > CAST(? AS DECIMAL(65, 30))))", [100,1000]],
    });
  });

  test("WITH RECURSIVE names its columns; PostgreSQL casts the anchor's typed values", () => {
    assertCompile(select(staff.c.name, chain.c.depth).join(chain, chain.c.id.eq(staff.c.id)), {
      sqlite: ['WITH RECURSIVE "chain"("id", "depth") AS (SELECT "staff"."id", ? AS "depth" FROM "staff" WHERE "staff"."manager_id" IS NULL UNION ALL SELECT "staff"."id", "chain"."depth" + ? AS "depth" FROM "staff" JOIN "chain" ON "staff"."manager_id" = "chain"."id" WHERE "chain"."depth" < ?) SELECT "staff"."name", "chain"."depth" FROM "staff" JOIN "chain" ON "chain"."id" = "staff"."id"', [0,1,3]],
      postgresql: ['WITH RECURSIVE "chain"("id", "depth") AS (SELECT "staff"."id", CAST($1 AS INTEGER) AS "depth" FROM "staff" WHERE "staff"."manager_id" IS NULL UNION ALL SELECT "staff"."id", "chain"."depth" + $2 AS "depth" FROM "staff" JOIN "chain" ON "staff"."manager_id" = "chain"."id" WHERE "chain"."depth" < $3) SELECT "staff"."name", "chain"."depth" FROM "staff" JOIN "chain" ON "chain"."id" = "staff"."id"', [0,1,3]],
      mysql: ["WITH RECURSIVE `chain`(`id`, `depth`) AS (SELECT `staff`.`id`, ? AS `depth` FROM `staff` WHERE `staff`.`manager_id` IS NULL UNION ALL SELECT `staff`.`id`, `chain`.`depth` + ? AS `depth` FROM `staff` JOIN `chain` ON `staff`.`manager_id` = `chain`.`id` WHERE `chain`.`depth` < ?) SELECT `staff`.`name`, `chain`.`depth` FROM `staff` JOIN `chain` ON `chain`.`id` = `staff`.`id`", [0,1,3]],
    });
  });

  test("a DELETE reading a CTE: WITH before it, or on MariaDB inside the subquery", () => {
    assertCompile(deleteFrom(staff).where(staff.c.id.in(select(chain.c.id))), {
      sqlite: ['WITH RECURSIVE "chain"("id", "depth") AS (SELECT "staff"."id", ? AS "depth" FROM "staff" WHERE "staff"."manager_id" IS NULL UNION ALL SELECT "staff"."id", "chain"."depth" + ? AS "depth" FROM "staff" JOIN "chain" ON "staff"."manager_id" = "chain"."id" WHERE "chain"."depth" < ?) DELETE FROM "staff" WHERE "staff"."id" IN (SELECT "chain"."id" FROM "chain")', [0,1,3]],
      postgresql: ['WITH RECURSIVE "chain"("id", "depth") AS (SELECT "staff"."id", CAST($1 AS INTEGER) AS "depth" FROM "staff" WHERE "staff"."manager_id" IS NULL UNION ALL SELECT "staff"."id", "chain"."depth" + $2 AS "depth" FROM "staff" JOIN "chain" ON "staff"."manager_id" = "chain"."id" WHERE "chain"."depth" < $3) DELETE FROM "staff" WHERE "staff"."id" IN (SELECT "chain"."id" FROM "chain")', [0,1,3]],
      mysql: ["DELETE FROM `staff` WHERE `staff`.`id` IN (WITH RECURSIVE `chain`(`id`, `depth`) AS (SELECT `staff`.`id`, ? AS `depth` FROM `staff` WHERE `staff`.`manager_id` IS NULL UNION ALL SELECT `staff`.`id`, `chain`.`depth` + ? AS `depth` FROM `staff` JOIN `chain` ON `staff`.`manager_id` = `chain`.`id` WHERE `chain`.`depth` < ?) SELECT `chain`.`id` FROM `chain`)", [0,1,3]],
    });
    const sql = compileOn("mariadb", update(staff).set({ name: "x" }).where(staff.c.id.in(select(chain.c.id)))).sql;
    assert.match(sql, /^UPDATE `staff` SET `name` = \? WHERE `staff`.`id` IN \(WITH RECURSIVE `chain`/);
  });

  test("two different CTEs of one name, a CTE reading itself unless recursive, an untyped value in a recursive CTE on PostgreSQL: typed errors", () => {
    const other = select(users.c.id.label("userId")).cte("big");
    const both = select(users.c.name).where(users.c.id.in(select(big.c.userId)), users.c.id.in(select(other.c.userId)));
    const twice = raises(CompileError, /Two different CTEs are both named big/);
    assertCompile(both, { sqlite: twice, postgresql: twice, mysql: twice });
    const plain = select(staff.c.id).cte("loop");
    const loop = plain.unionAll(select(staff.c.id).join(plain, staff.c.managerId.eq(plain.c.id)));
    const itself = raises(CompileError, /CTE loop reads itself: make it recursive with cte\("loop", \{ recursive: true \}\)/);
    assertCompile(select(loop.c.id), { sqlite: itself, postgresql: itself, mysql: itself });
    const untyped = select(staff.c.id, literal(0).label("depth")).cte("walk", { recursive: true });
    const walk = untyped.unionAll(select(staff.c.id, untyped.c.depth.plus(1).label("depth")).join(untyped, staff.c.managerId.eq(untyped.c.id)));
    // SQLite and MariaDB type the column by the value bound; PostgreSQL would read it as text.
    for (const dialect of ["sqlite", "mysql"] as const) assert.deepEqual(compileOn(dialect, select(walk.c.id)).params, [0, 1]);
    assert.throws(() => compileOn("postgresql", select(walk.c.id)), (error: unknown) => error instanceof CompileError && /Column depth of recursive CTE walk selects a value of no known type.*literal\(0, types.integer\(\)\)/.test(error.message));
  });

  test("a CTE under an alias: written once, read as `name AS alias`", () => {
    const other = big.alias("other");
    const sql = compileOn("postgresql", select(big.c.userId, other.c.userId.label("peer")).from(big).join(other, other.c.spent.eq(big.c.spent))).sql;
    assert.equal(sql.match(/"big" AS \(/g)?.length, 1, sql);
    assert.match(sql, / FROM "big" JOIN "big" AS "other" ON "other"."spent" = "big"."spent"$/);
  });

  test("a data-modifying CTE (PostgreSQL): its write in the WITH, its parameters first; elsewhere refused", () => {
    const gone = deleteFrom(orders).where(orders.c.total.eq(0)).returning(orders.c.id, orders.c.userId.label("owner")).cte("gone");
    const refused = raises(UnsupportedFeatureError, /DELETE in a WITH clause \(CTE gone\) is not supported by this dialect/);
    assertCompile(update(users).set({ name: "x" }).where(users.c.id.in(select(gone.c.owner))), {
      sqlite: refused,
      postgresql: ['WITH "gone" AS (DELETE FROM "orders" WHERE "orders"."total" = $1 RETURNING "id", "user_id" AS "owner") UPDATE "users" SET "name" = $2 WHERE "users"."id" IN (SELECT "gone"."owner" FROM "gone")', [0, "x"]],
      mysql: refused,
    });
    const raised = update(users).set({ age: 1 }).returning(users.c.id).cte("raised");
    const { sql } = compileOn("postgresql", select(func.count().label("n")).from(raised).where(raised.c.id.in(select(gone.c.owner))));
    assert.match(sql, /^WITH "raised" AS \(UPDATE "users" SET "age" = \$1 RETURNING "id"\), "gone" AS \(DELETE FROM "orders" WHERE "orders"."total" = \$2 RETURNING "id", "user_id" AS "owner"\) SELECT count\(\*\) AS "n" FROM "raised"/);
    // Statements that differ only in their CTE's write are cached apart.
    const cache = new StatementCache(compileDialects.postgresql);
    const a = cache.compile(select(gone.c.id).node).sql;
    const b = cache.compile(select(deleteFrom(orders).returning(orders.c.id).cte("gone").c.id).node).sql;
    assert.notEqual(a, b);
  });

  test("a recursive member with another number of columns is refused when built", () => {
    assert.throws(
      () => anchor.unionAll(select(staff.c.id, anchor.c.depth.plus(1).label("depth"), staff.c.name).join(anchor, staff.c.managerId.eq(anchor.c.id)) as never),
      (error: unknown) => error instanceof ArgumentError && /chain.unionAll\(\): member 1 has 3 columns, the CTE has 2/.test(error.message),
    );
  });
});
