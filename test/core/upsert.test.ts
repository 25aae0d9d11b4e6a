/**
 * Upsert in Core: `onConflictDoUpdate` / `onConflictDoNothing` (PostgreSQL, SQLite) and
 * `onDuplicateKeyUpdate` (MySQL, MariaDB). First the SQL each dialect renders, or the
 * UnsupportedCompilationError it raises; then the effect on real rows on every database.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ArgumentError,
  MetaData,
  UnsupportedCompilationError,
  insert,
  integer,
  select,
  string,
  table,
  type Executable,
} from "../../src/index.js";
import { StatementCache } from "../../src/core/compiler/statement-cache.js";
import { assertCompile, compileDialects, compileOn, raises } from "../support/assert-compile.js";
import { users } from "../support/compile-schema.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const u = users.c;

describe("compiled SQL: upsert", () => {
  test("ON CONFLICT DO UPDATE from the proposed row, with a WHERE on the existing one", () => {
    const stmt = insert(users)
      .values({ id: 1, name: "ann" })
      .onConflictDoUpdate({ target: [u.id], set: (excluded) => ({ name: excluded.name, age: u.age.plus(1) }), where: u.active.eq(true) });
    const unsupported = raises(UnsupportedCompilationError, /not supported by this dialect.*onDuplicateKeyUpdate/);
    assertCompile(stmt, {
      sqlite: [
        'INSERT INTO "users" ("id", "name", "active") VALUES (?, ?, ?) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name", "age" = "users"."age" + ? WHERE ("users"."active" <> 0) = ?',
        [1, "ann", 1, 1, 1],
      ],
      postgresql: [
        'INSERT INTO "users" ("id", "name", "active") VALUES ($1, $2, $3) ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name", "age" = "users"."age" + $4 WHERE "users"."active" = $5',
        [1, "ann", true, 1, true],
      ],
      mysql: unsupported,
      mariadb: unsupported,
    });
  });

  test("ON CONFLICT DO NOTHING, with and without a target; MySQL only without one", () => {
    assertCompile(insert(users).values({ id: 1, name: "ann" }).onConflictDoNothing({ target: u.id }), {
      sqlite: ['INSERT INTO "users" ("id", "name", "active") VALUES (?, ?, ?) ON CONFLICT ("id") DO NOTHING', [1, "ann", 1]],
      postgresql: ['INSERT INTO "users" ("id", "name", "active") VALUES ($1, $2, $3) ON CONFLICT ("id") DO NOTHING', [1, "ann", true]],
      mysql: raises(UnsupportedCompilationError, /cannot restrict an upsert to a conflict target.*without a target/),
    });
    assertCompile(insert(users).values({ id: 1, name: "ann" }).onConflictDoNothing(), {
      sqlite: ['INSERT INTO "users" ("id", "name", "active") VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [1, "ann", 1]],
      postgresql: ['INSERT INTO "users" ("id", "name", "active") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [1, "ann", true]],
      mysql: ["INSERT INTO `users` (`id`, `name`, `active`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `id` = `id`", [1, "ann", 1]],
    });
  });

  test("ON DUPLICATE KEY UPDATE with VALUES(col); refused where the dialect has ON CONFLICT instead", () => {
    const stmt = insert(users)
      .values([{ id: 1, name: "ann" }, { id: 2, name: "bob" }])
      .onDuplicateKeyUpdate({ set: (excluded) => ({ name: excluded.name, score: 0.5 }) });
    const unsupported = raises(UnsupportedCompilationError, /onDuplicateKeyUpdate\(\).*not supported by this dialect.*onConflictDoUpdate/);
    assertCompile(stmt, {
      sqlite: unsupported,
      postgresql: unsupported,
      mysql: [
        "INSERT INTO `users` (`id`, `name`, `active`) VALUES (?, ?, ?), (?, ?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `score` = ?",
        [1, "ann", 1, 2, "bob", 1, 0.5],
      ],
    });
  });

  test("RETURNING after the upsert clause; MySQL has none, MariaDB 10.5+ has it", () => {
    const stmt = insert(users).values({ id: 1, name: "ann" }).onDuplicateKeyUpdate({ set: { name: "x" } }).returning(u.id, u.name);
    assertCompile(stmt, {
      sqlite: raises(UnsupportedCompilationError, /not supported by this dialect/),
      postgresql: raises(UnsupportedCompilationError, /not supported by this dialect/),
      mysql: raises(Error, /RETURNING/),
      mariadb: ["INSERT INTO `users` (`id`, `name`, `active`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `name` = ? RETURNING `id`, `name`", [1, "ann", 1, "x"]],
    });
    const pg = insert(users).values({ id: 1, name: "ann" }).onConflictDoUpdate({ target: u.id, set: { name: "x" } }).returning(u.id);
    assert.equal(compileOn("postgresql", pg).sql, 'INSERT INTO "users" ("id", "name", "active") VALUES ($1, $2, $3) ON CONFLICT ("id") DO UPDATE SET "name" = $4 RETURNING "id"');
  });

  test("INSERT ... SELECT with ON CONFLICT: SQLite needs a WHERE so that ON is not read as a join's", () => {
    const stmt = insert(users).fromSelect([u.id, u.name], select(u.id, u.name)).onConflictDoNothing({ target: [u.id] });
    assert.equal(compileOn("sqlite", stmt).sql, 'INSERT INTO "users" ("id", "name") SELECT "users"."id", "users"."name" FROM "users" WHERE 1 = 1 ON CONFLICT ("id") DO NOTHING');
    assert.equal(compileOn("postgresql", stmt).sql, 'INSERT INTO "users" ("id", "name") SELECT "users"."id", "users"."name" FROM "users" ON CONFLICT ("id") DO NOTHING');
  });

  test("statements differing only in the upsert clause have different cache keys", () => {
    // One cache for all: a fingerprint that left out part of the clause would hand back another's SQL.
    const cache = new StatementCache(compileDialects.sqlite);
    const base = insert(users).values({ id: 1, name: "ann" });
    const statements = [
      base,
      base.onConflictDoNothing(),
      base.onConflictDoNothing({ target: u.id }),
      base.onConflictDoNothing({ target: u.name }),
      base.onConflictDoNothing({ target: [u.id, u.name] }),
      base.onConflictDoUpdate({ target: u.id, set: { name: "x" } }),
      base.onConflictDoUpdate({ target: u.id, set: { email: "x" } }),
      base.onConflictDoUpdate({ target: u.id, set: (ex) => ({ name: ex.name }) }),
      base.onConflictDoUpdate({ target: u.id, set: (ex) => ({ email: ex.name }) }),
      base.onConflictDoUpdate({ target: u.id, set: (ex) => ({ email: ex.email }) }),
      base.onConflictDoUpdate({ target: u.id, set: { name: "x" }, where: u.active }),
      base.onConflictDoUpdate({ target: u.id, set: { name: "x" }, where: (ex) => ex.active }),
    ];
    const texts = statements.map((stmt) => cache.compile(stmt.node).sql);
    assert.equal(new Set(texts).size, texts.length, texts.join("\n"));
    const mysqlCache = new StatementCache(compileDialects.mysql);
    const odku = [base.onConflictDoNothing(), base.onDuplicateKeyUpdate({ set: { id: 1 } }), base.onDuplicateKeyUpdate({ set: (ex) => ({ id: ex.id }) })];
    assert.equal(new Set(odku.map((stmt) => mysqlCache.compile(stmt.node).sql)).size, 3);
  });

  test("bad options are refused when building, naming the table and the fix", () => {
    const other = table("others", new MetaData(), { id: integer().primaryKey() });
    assert.throws(
      () => insert(users).values({ id: 1, name: "a" }).onConflictDoUpdate({ target: [other.c.id as never], set: { name: "x" } }),
      (e: unknown) => e instanceof ArgumentError && /target must be columns of users.*got others\.id/.test(e.message),
    );
    assert.throws(
      () => insert(users).values({ id: 1, name: "a" }).onConflictDoUpdate({ target: [], set: { name: "x" } }),
      (e: unknown) => e instanceof ArgumentError && /needs a target/.test(e.message),
    );
    assert.throws(
      () => insert(users).values({ id: 1, name: "a" }).onConflictDoUpdate({ target: u.id, set: {} }),
      (e: unknown) => e instanceof ArgumentError && /set has no columns.*onConflictDoNothing/.test(e.message),
    );
    assert.throws(
      () => insert(users).values({ id: 1, name: "a" }).onConflictDoUpdate({ target: u.id, set: { nmae: "x" } as never }),
      (e: unknown) => e instanceof ArgumentError && /unknown column 'nmae'/.test(e.message),
    );
    assert.throws(
      () => insert(users).values({ id: 1, name: "a" }).onConflictDoNothing().onConflictDoNothing(),
      (e: unknown) => e instanceof ArgumentError && /already has an upsert clause/.test(e.message),
    );
  });
});

const metadata = new MetaData();
const stock = table("core_upsert_stock", metadata, {
  sku: string(20).primaryKey(),
  name: string(40).notNull(),
  qty: integer().notNull(),
  version: integer().notNull().default(1),
});

forEachDatabase("upsert", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });
  const s = stock.c;
  const rows = async () => (await ctx.engine.execute(select(s.sku, s.name, s.qty, s.version).orderBy(s.sku))).rows;
  const seed = () => ctx.engine.execute(insert(stock).values([{ sku: "a", name: "apple", qty: 1 }, { sku: "b", name: "pear", qty: 2 }]));
  const mysql = ctx.db.name === "mysql";

  /** The dialect's insert-or-update of `qty` (adding to the stock) and `name`. */
  const addStock = (values: NonNullable<(typeof stock)["__insert"]>[]): Executable =>
    mysql
      ? insert(stock).values(values).onDuplicateKeyUpdate({ set: (ex) => ({ name: ex.name, qty: s.qty.plus(ex.qty), version: s.version.plus(1) }) })
      : insert(stock).values(values).onConflictDoUpdate({ target: [s.sku], set: (ex) => ({ name: ex.name, qty: s.qty.plus(ex.qty), version: s.version.plus(1) }) });

  test("insert-or-update: new keys are inserted, existing rows updated from the proposed row", async () => {
    await seed();
    await ctx.engine.execute(addStock([{ sku: "a", name: "Apple", qty: 10 }, { sku: "c", name: "cherry", qty: 3 }]));
    assert.deepEqual(await rows(), [
      { sku: "a", name: "Apple", qty: 11, version: 2 },
      { sku: "b", name: "pear", qty: 2, version: 1 },
      { sku: "c", name: "cherry", qty: 3, version: 1 },
    ]);
  });

  test("insert-or-ignore: conflicting rows are skipped, the others inserted", async () => {
    await seed();
    const stmt = insert(stock).values([{ sku: "a", name: "Apple", qty: 10 }, { sku: "c", name: "cherry", qty: 3 }]);
    const result = await ctx.engine.execute(mysql ? stmt.onConflictDoNothing() : stmt.onConflictDoNothing({ target: s.sku }));
    // MySQL counts the skipped row as matched by its no-op update (the driver asks for found rows).
    assert.equal(result.rowCount, mysql ? 2 : 1);
    assert.deepEqual(await rows(), [
      { sku: "a", name: "apple", qty: 1, version: 1 },
      { sku: "b", name: "pear", qty: 2, version: 1 },
      { sku: "c", name: "cherry", qty: 3, version: 1 },
    ]);
  });

  test("a WHERE on the update leaves existing rows that do not match it alone", { skip: mysql && "MySQL's upsert has no WHERE" }, async () => {
    await seed();
    const stmt = insert(stock)
      .values([{ sku: "a", name: "Apple", qty: 10 }, { sku: "b", name: "Pear", qty: 20 }])
      .onConflictDoUpdate({ target: [s.sku], set: (ex) => ({ name: ex.name, qty: ex.qty }), where: (ex) => ex.qty.gt(s.qty.plus(10)) });
    await ctx.engine.execute(stmt);
    assert.deepEqual(await rows(), [
      { sku: "a", name: "apple", qty: 1, version: 1 },
      { sku: "b", name: "Pear", qty: 20, version: 1 },
    ]);
  });

  test("RETURNING gives the inserted and the updated rows", async (t) => {
    if (!ctx.engine.dialect.capabilities.insertReturning) return t.skip("no INSERT ... RETURNING on this server");
    await seed();
    const result = await ctx.engine.execute(
      (mysql
        ? insert(stock).values([{ sku: "a", name: "Apple", qty: 10 }, { sku: "c", name: "cherry", qty: 3 }]).onDuplicateKeyUpdate({ set: (ex) => ({ qty: s.qty.plus(ex.qty) }) })
        : insert(stock).values([{ sku: "a", name: "Apple", qty: 10 }, { sku: "c", name: "cherry", qty: 3 }]).onConflictDoUpdate({ target: s.sku, set: (ex) => ({ qty: s.qty.plus(ex.qty) }) })
      ).returning(s.sku, s.qty),
    );
    assert.deepEqual([...result.rows].sort((x, y) => x.sku.localeCompare(y.sku)), [
      { sku: "a", qty: 11 },
      { sku: "c", qty: 3 },
    ]);
  });
});

forEachDatabase("upsert: what insert-or-ignore's RETURNING and rowCount tell", (ctx) => {
  const mysql = ctx.db.name === "mysql";
  const metadata = new MetaData();
  const stock = table("upsert_ignored", metadata, { sku: string(20).primaryKey(), name: string(40).notNull() });
  useSchema(ctx, metadata);

  // Two sessions racing to create the same key (get-or-create): on MariaDB/MySQL the loser's
  // statement reads as if it had inserted, so "the row came back" does not say "I created it".
  test("the skipped row: left out on PostgreSQL and SQLite; on MariaDB/MySQL returned as it stands and counted", async (t) => {
    if (!ctx.engine.dialect.capabilities.insertReturning) return t.skip("no INSERT ... RETURNING on this server");
    await ctx.engine.execute(insert(stock).values({ sku: "a", name: "first" }));
    const rows = [{ sku: "a", name: "second" }, { sku: "b", name: "new" }];
    const ignoring = mysql ? insert(stock).values(rows).onConflictDoNothing() : insert(stock).values(rows).onConflictDoNothing({ target: stock.c.sku });
    const result = await ctx.engine.execute(ignoring.returning(stock.c.sku, stock.c.name));
    const returned = [...result.rows].sort((x, y) => x.sku.localeCompare(y.sku));
    if (mysql) {
      assert.deepEqual(returned, [{ sku: "a", name: "first" }, { sku: "b", name: "new" }]);
      assert.equal(result.rowCount, 2);
    } else {
      assert.deepEqual(returned, [{ sku: "b", name: "new" }]);
      assert.equal(result.rowCount, 1);
    }
  });
});
