/**
 * The SQL of the report pieces, per dialect: window functions, aggregate FILTER, DISTINCT ON,
 * LIKE ... ESCAPE, set operations and LATERAL joins; where a database lacks the feature,
 * compiling raises UnsupportedFeatureError naming the feature and the database. Compile-only;
 * reports.test.ts runs them on the servers.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ArgumentError, CompileError, UnsupportedFeatureError, escapeLike, except, exceptAll, func, intersect, intersectAll, select, union, unionAll } from "../../src/index.js";
import { assertCompile, compileOn, raises } from "../support/assert-compile.js";
import { orders, users } from "../support/compile-schema.js";
import { cursorAfter, planPage } from "../../src/core/statements/keyset.js";

const unsupported = (feature: string, db: string) => raises(UnsupportedFeatureError, new RegExp(`^${feature.replace(/[()]/g, "\\$&")} is not supported by this dialect \\(${db}\\)`));

describe("compiled SQL: window functions", () => {
  test("rowNumber().over({ partitionBy, orderBy }), and an aggregate over an empty window", () => {
    const rn = func.rowNumber().over({ partitionBy: users.c.age, orderBy: [users.c.name.desc(), users.c.id] });
    assertCompile(select(users.c.id, rn.label("rn"), func.sum(users.c.score).over().label("total")), {
      sqlite: ['SELECT "users"."id", row_number() OVER (PARTITION BY "users"."age" ORDER BY "users"."name" DESC, "users"."id" ASC) AS "rn", sum("users"."score") OVER () AS "total" FROM "users"', []],
      postgresql: ['SELECT "users"."id", row_number() OVER (PARTITION BY "users"."age" ORDER BY "users"."name" DESC, "users"."id" ASC) AS "rn", sum("users"."score") OVER () AS "total" FROM "users"', []],
      mysql: ["SELECT `users`.`id`, row_number() OVER (PARTITION BY `users`.`age` ORDER BY `users`.`name` DESC, `users`.`id` ASC) AS `rn`, sum(`users`.`score`) OVER () AS `total` FROM `users`", []],
      mariadb: ["SELECT `users`.`id`, row_number() OVER (PARTITION BY `users`.`age` ORDER BY `users`.`name` DESC, `users`.`id` ASC) AS `rn`, sum(`users`.`score`) OVER () AS `total` FROM `users`", []],
    });
  });

  test("lag with an offset, ntile with a bound bucket count; NULLS LAST in the window is emulated on MySQL", () => {
    assertCompile(select(func.lag(users.c.name, 2).over({ orderBy: users.c.age.asc().nullsLast() }).label("prev"), func.ntile(4).over({ orderBy: users.c.id }).label("q")), {
      sqlite: ['SELECT lag("users"."name", ?) OVER (ORDER BY "users"."age" ASC NULLS LAST) AS "prev", ntile(?) OVER (ORDER BY "users"."id" ASC) AS "q" FROM "users"', [2, 4]],
      postgresql: ['SELECT lag("users"."name", $1) OVER (ORDER BY "users"."age" ASC NULLS LAST) AS "prev", ntile($2) OVER (ORDER BY "users"."id" ASC) AS "q" FROM "users"', [2, 4]],
      mysql: ["SELECT lag(`users`.`name`, ?) OVER (ORDER BY `users`.`age` IS NULL ASC, `users`.`age` ASC) AS `prev`, ntile(?) OVER (ORDER BY `users`.`id` ASC) AS `q` FROM `users`", [2, 4]],
    });
  });

  test("the window is part of the statement cache key", () => {
    const a = select(func.rank().over({ orderBy: users.c.id }).label("r"));
    const b = select(func.rank().over({ orderBy: users.c.id.desc() }).label("r"));
    const c = select(func.rank().over({ partitionBy: users.c.age, orderBy: users.c.id }).label("r"));
    const d = select(func.denseRank().over({ orderBy: users.c.id }).label("r"));
    const sqls = new Set([a, b, c, d].map((q) => compileOn("postgresql", q).sql));
    assert.equal(sqls.size, 4);
  });
});

describe("compiled SQL: aggregate FILTER", () => {
  test("FILTER (WHERE ...) on PostgreSQL and SQLite, also under OVER; MySQL and MariaDB raise", () => {
    const q = select(func.count().filter(users.c.active.eq(true)).label("n"), func.sum(users.c.age).filter(users.c.age.gt(3)).over({ partitionBy: users.c.name }).label("s"));
    assertCompile(q, {
      sqlite: ['SELECT count(*) FILTER (WHERE ("users"."active" <> 0) = ?) AS "n", sum("users"."age") FILTER (WHERE "users"."age" > ?) OVER (PARTITION BY "users"."name") AS "s" FROM "users"', [1, 3]],
      postgresql: ['SELECT count(*) FILTER (WHERE "users"."active" = $1) AS "n", sum("users"."age") FILTER (WHERE "users"."age" > $2) OVER (PARTITION BY "users"."name") AS "s" FROM "users"', [true, 3]],
      mysql: unsupported("FILTER (WHERE ...)", "MySQL/MariaDB"),
      mariadb: unsupported("FILTER (WHERE ...)", "MariaDB 10.11"),
    });
  });

  test("the filter is part of the cache key: filtered and plain counts differ", () => {
    assert.notEqual(compileOn("sqlite", select(func.count().label("n"))).sql, compileOn("sqlite", select(func.count().filter(users.c.active.eq(true)).label("n"))).sql);
  });

  test("the error names the feature and the database", () => {
    assert.throws(() => compileOn("mariadb", select(func.count().filter(users.c.active.eq(true)).label("n"))), (e: unknown) => {
      assert.ok(e instanceof UnsupportedFeatureError && e instanceof CompileError);
      assert.equal(e.feature, "FILTER (WHERE ...)");
      assert.equal(e.dialect, "MariaDB 10.11");
      return true;
    });
  });
});

describe("compiled SQL: DISTINCT ON", () => {
  test("PostgreSQL only", () => {
    assertCompile(select(orders.c.userId, orders.c.id).distinctOn(orders.c.userId).orderBy(orders.c.userId, orders.c.placedAt.desc()), {
      sqlite: unsupported("DISTINCT ON", "SQLite"),
      postgresql: ['SELECT DISTINCT ON ("orders"."user_id") "orders"."user_id" AS "userId", "orders"."id" FROM "orders" ORDER BY "orders"."user_id" ASC, "orders"."placed_at" DESC', []],
      mysql: unsupported("DISTINCT ON", "MySQL/MariaDB"),
      mariadb: unsupported("DISTINCT ON", "MariaDB 10.11"),
    });
  });

  test("an ORDER BY that does not start with the DISTINCT ON expressions is refused before the server sees it", () => {
    const q = select(orders.c.userId, orders.c.id).distinctOn(orders.c.userId).orderBy(orders.c.placedAt.desc());
    assert.throws(() => compileOn("postgresql", q), (e: unknown) => e instanceof CompileError && /first ORDER BY items must be the DISTINCT ON/.test(e.message));
  });

  test("DISTINCT ON is part of the cache key; distinctOn() with nothing removes it", () => {
    const base = select(orders.c.userId).orderBy(orders.c.userId);
    assert.notEqual(compileOn("postgresql", base).sql, compileOn("postgresql", base.distinctOn(orders.c.userId)).sql);
    assert.equal(compileOn("postgresql", base.distinctOn(orders.c.userId).distinctOn()).sql, compileOn("postgresql", base).sql);
  });
});

describe("compiled SQL: LIKE ... ESCAPE", () => {
  test("like/ilike with { escape }, and contains/startsWith/endsWith, which escape the text", () => {
    const q = select(users.c.id).where(users.c.name.like(`${escapeLike("50%_off")}%`, { escape: "\\" }), users.c.email.contains("a_b"), users.c.name.ilike("x!%", { escape: "!" }));
    assertCompile(q, {
      sqlite: [`SELECT "users"."id" FROM "users" WHERE ("users"."name" LIKE ? ESCAPE '\\') AND ("users"."email" LIKE ? ESCAPE '\\') AND (athanor_lower("users"."name") LIKE athanor_lower(?) ESCAPE '!')`, ["50\\%\\_off%", "%a\\_b%", "x!%"]],
      postgresql: [`SELECT "users"."id" FROM "users" WHERE ("users"."name" LIKE $1 ESCAPE E'\\\\') AND ("users"."email" LIKE $2 ESCAPE E'\\\\') AND ("users"."name" ILIKE $3 ESCAPE '!')`, ["50\\%\\_off%", "%a\\_b%", "x!%"]],
      // MySQL string literals take backslash escapes: '\\' is one backslash.
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`name` LIKE ? ESCAPE X'5C') AND (`users`.`email` LIKE ? ESCAPE X'5C') AND (lower(`users`.`name`) LIKE lower(?) ESCAPE '!')", ["50\\%\\_off%", "%a\\_b%", "x!%"]],
    });
  });

  test("escapeLike escapes %, _ and the escape character; an escape must be one character", () => {
    assert.equal(escapeLike("100%_\\x"), "100\\%\\_\\\\x");
    assert.equal(escapeLike("a!b%", "!"), "a!!b!%");
    assert.throws(() => escapeLike("x", "ab"), ArgumentError);
    assert.throws(() => users.c.name.like("x", { escape: "" }), ArgumentError);
  });

  test("the escape character is part of the cache key", () => {
    assert.notEqual(compileOn("sqlite", select(users.c.id).where(users.c.name.like("a", { escape: "!" }))).sql, compileOn("sqlite", select(users.c.id).where(users.c.name.like("a", { escape: "#" }))).sql);
  });
});

describe("compiled SQL: UNION, INTERSECT, EXCEPT", () => {
  test("the first query names the columns; ORDER BY and LIMIT of the whole by output column; a member with its own LIMIT is parenthesised (SQLite: read from a subquery)", () => {
    const q = union(select(users.c.id, users.c.name), select(orders.c.userId, orders.c.note).orderBy(orders.c.id).limit(2)).orderBy(users.c.name.desc(), "id").limit(5);
    assertCompile(q, {
      sqlite: ['SELECT "users"."id", "users"."name" FROM "users" UNION SELECT * FROM (SELECT "orders"."user_id" AS "userId", "orders"."note" FROM "orders" ORDER BY "orders"."id" ASC LIMIT ?) ORDER BY "name" DESC, "id" ASC LIMIT ?', [2, 5]],
      postgresql: ['SELECT "users"."id", "users"."name" FROM "users" UNION (SELECT "orders"."user_id" AS "userId", "orders"."note" FROM "orders" ORDER BY "orders"."id" ASC LIMIT $1) ORDER BY "name" DESC, "id" ASC LIMIT $2', [2, 5]],
      mysql: ["SELECT `users`.`id`, `users`.`name` FROM `users` UNION (SELECT `orders`.`user_id` AS `userId`, `orders`.`note` FROM `orders` ORDER BY `orders`.`id` ASC LIMIT ?) ORDER BY `name` DESC, `id` ASC LIMIT ?", [2, 5]],
    });
  });

  test("INTERSECT and EXCEPT everywhere; their ALL forms raise on SQLite", () => {
    const a = select(users.c.id);
    const b = select(orders.c.userId);
    assertCompile(intersect(a, b), {
      sqlite: ['SELECT "users"."id" FROM "users" INTERSECT SELECT "orders"."user_id" AS "userId" FROM "orders"', []],
      postgresql: ['SELECT "users"."id" FROM "users" INTERSECT SELECT "orders"."user_id" AS "userId" FROM "orders"', []],
      mysql: ["SELECT `users`.`id` FROM `users` INTERSECT SELECT `orders`.`user_id` AS `userId` FROM `orders`", []],
    });
    assertCompile(exceptAll(a, b), {
      sqlite: unsupported("EXCEPT ALL", "SQLite"),
      postgresql: ['SELECT "users"."id" FROM "users" EXCEPT ALL SELECT "orders"."user_id" AS "userId" FROM "orders"', []],
      mysql: ["SELECT `users`.`id` FROM `users` EXCEPT ALL SELECT `orders`.`user_id` AS `userId` FROM `orders`", []],
      mariadb: ["SELECT `users`.`id` FROM `users` EXCEPT ALL SELECT `orders`.`user_id` AS `userId` FROM `orders`", []],
    });
    assertCompile(intersectAll(a, b), {
      sqlite: unsupported("INTERSECT ALL", "SQLite"),
      postgresql: ['SELECT "users"."id" FROM "users" INTERSECT ALL SELECT "orders"."user_id" AS "userId" FROM "orders"', []],
      mysql: ["SELECT `users`.`id` FROM `users` INTERSECT ALL SELECT `orders`.`user_id` AS `userId` FROM `orders`", []],
    });
  });

  test("a nested set operation is a parenthesised member (SQLite: a subquery)", () => {
    assertCompile(except(select(users.c.id), unionAll(select(orders.c.userId), select(orders.c.id))), {
      sqlite: ['SELECT "users"."id" FROM "users" EXCEPT SELECT * FROM (SELECT "orders"."user_id" AS "userId" FROM "orders" UNION ALL SELECT "orders"."id" FROM "orders")', []],
      postgresql: ['SELECT "users"."id" FROM "users" EXCEPT (SELECT "orders"."user_id" AS "userId" FROM "orders" UNION ALL SELECT "orders"."id" FROM "orders")', []],
      mysql: ["SELECT `users`.`id` FROM `users` EXCEPT (SELECT `orders`.`user_id` AS `userId` FROM `orders` UNION ALL SELECT `orders`.`id` FROM `orders`)", []],
    });
  });

  test("a boolean column of a set operation is selected as its truth where booleans are integers (not in a UNION ALL alone)", () => {
    const active = (id: number) => select(users.c.id, users.c.active).where(users.c.id.eq(id));
    assertCompile(union(active(1), active(2)), {
      sqlite: ['SELECT "users"."id", ("users"."active" <> 0) AS "active" FROM "users" WHERE "users"."id" = ? UNION SELECT "users"."id", ("users"."active" <> 0) AS "active" FROM "users" WHERE "users"."id" = ?', [1, 2]],
      postgresql: ['SELECT "users"."id", "users"."active" FROM "users" WHERE "users"."id" = $1 UNION SELECT "users"."id", "users"."active" FROM "users" WHERE "users"."id" = $2', [1, 2]],
      mysql: ["SELECT `users`.`id`, (`users`.`active` <> 0) AS `active` FROM `users` WHERE `users`.`id` = ? UNION SELECT `users`.`id`, (`users`.`active` <> 0) AS `active` FROM `users` WHERE `users`.`id` = ?", [1, 2]],
    });
    assertCompile(unionAll(active(1), active(2)), {
      sqlite: ['SELECT "users"."id", "users"."active" FROM "users" WHERE "users"."id" = ? UNION ALL SELECT "users"."id", "users"."active" FROM "users" WHERE "users"."id" = ?', [1, 2]],
      postgresql: ['SELECT "users"."id", "users"."active" FROM "users" WHERE "users"."id" = $1 UNION ALL SELECT "users"."id", "users"."active" FROM "users" WHERE "users"."id" = $2', [1, 2]],
      mysql: ["SELECT `users`.`id`, `users`.`active` FROM `users` WHERE `users`.`id` = ? UNION ALL SELECT `users`.`id`, `users`.`active` FROM `users` WHERE `users`.`id` = ?", [1, 2]],
    });
  });

  test("a boolean column IN (SELECT a boolean column): both sides as their truth where booleans are integers", () => {
    assertCompile(select(users.c.id).where(users.c.active.in(select(users.c.active).where(users.c.id.eq(1)))), {
      sqlite: ['SELECT "users"."id" FROM "users" WHERE ("users"."active" <> 0) IN (SELECT ("users"."active" <> 0) AS "active" FROM "users" WHERE "users"."id" = ?)', [1]],
      postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."active" IN (SELECT "users"."active" FROM "users" WHERE "users"."id" = $1)', [1]],
      mysql: ["SELECT `users`.`id` FROM `users` WHERE (`users`.`active` <> 0) IN (SELECT (`users`.`active` <> 0) AS `active` FROM `users` WHERE `users`.`id` = ?)", [1]],
    });
  });

  test("queries of different widths, a single query and an unknown ORDER BY key are refused when built", () => {
    assert.throws(() => union(select(users.c.id), select(users.c.id, users.c.name)), /query 2 has 2 columns, the first has 1/);
    assert.throws(() => union(select(users.c.id)), /at least two queries/);
    assert.throws(() => union(select(users.c.id), select(orders.c.id)).orderBy("nope" as "id"), /no output column "nope"/);
    assert.throws(() => union(select(users.c.id), select(orders.c.id)).orderBy(users.c.name), /output columns/);
  });
});

describe("compiled SQL: LATERAL", () => {
  test("JOIN LATERAL on PostgreSQL, correlated to the tables before it, ON TRUE by default; SQLite and MariaDB raise", () => {
    const latest = select(orders.c.id, orders.c.total).where(orders.c.userId.eq(users.c.id)).orderBy(orders.c.placedAt.desc()).limit(3).lateral("latest");
    assertCompile(select(users.c.name, latest.c.total).join(latest), {
      sqlite: unsupported("LATERAL", "SQLite"),
      postgresql: ['SELECT "users"."name", "latest"."total" FROM "users" JOIN LATERAL (SELECT "orders"."id", "orders"."total" FROM "orders" WHERE "orders"."user_id" = "users"."id" ORDER BY "orders"."placed_at" DESC LIMIT $1) AS "latest" ON TRUE', [3]],
      mysql: unsupported("LATERAL", "MySQL/MariaDB"),
      mariadb: unsupported("LATERAL", "MariaDB 10.11"),
    });
  });

  test("lateral is part of the cache key", () => {
    const sub = select(orders.c.id).where(orders.c.userId.eq(users.c.id));
    const [s1, s2] = [sub.subquery("s"), sub.lateral("s")];
    const plain = select(users.c.name, s1.c.id).join(s1, s1.c.id.eq(users.c.id));
    const lateral = select(users.c.name, s2.c.id).join(s2, s2.c.id.eq(users.c.id));
    assert.notEqual(compileOn("postgresql", plain).sql, compileOn("postgresql", lateral).sql);
  });
});

describe("compiled SQL: a keyset page", () => {
  // SQLite stores decimals as numbers: the cursor's "12.50" is bound as 12.5 there.
  test("the key columns are added, the cursor's values bound by their column's type, the first key a range, LIMIT one more than the page", () => {
    const q = select(orders.c.id).orderBy(orders.c.total.desc(), orders.c.id);
    const cursor = cursorAfter(planPage(q, { limit: 2 }), ["12.50", 7]);
    assertCompile(planPage(q, { limit: 2, after: cursor }).statement, {
      sqlite: ['SELECT "orders"."id", "orders"."total" AS "_keyset_0", "orders"."id" AS "_keyset_1" FROM "orders" WHERE ("orders"."total" <= ?) AND (("orders"."total" < ?) OR (("orders"."total" = ?) AND ("orders"."id" > ?))) ORDER BY "orders"."total" DESC, "orders"."id" ASC LIMIT ?', [12.5, 12.5, 12.5, 7, 3]],
      postgresql: ['SELECT "orders"."id", "orders"."total" AS "_keyset_0", "orders"."id" AS "_keyset_1" FROM "orders" WHERE ("orders"."total" <= $1) AND (("orders"."total" < $2) OR (("orders"."total" = $3) AND ("orders"."id" > $4))) ORDER BY "orders"."total" DESC, "orders"."id" ASC LIMIT $5', ["12.50", "12.50", "12.50", 7, 3]],
      mysql: ["SELECT `orders`.`id`, `orders`.`total` AS `_keyset_0`, `orders`.`id` AS `_keyset_1` FROM `orders` WHERE (`orders`.`total` <= CAST(? AS DECIMAL(65, 30))) AND ((`orders`.`total` < CAST(? AS DECIMAL(65, 30))) OR ((`orders`.`total` = CAST(? AS DECIMAL(65, 30))) AND (`orders`.`id` > ?))) ORDER BY `orders`.`total` DESC, `orders`.`id` ASC LIMIT ?", ["12.50", "12.50", "12.50", 7, 3]],
    });
  });
});
