/**
 * Constraints and defaults, as the database enforces and applies them: unique (column and
 * table-level), check, enum, indexes, client defaults (value and function), server defaults,
 * composite primary and foreign keys, ON DELETE CASCADE.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DataError,
  IntegrityError,
  InvalidColumnValueError,
  MetaData,
  boolean,
  check,
  deleteFrom,
  enumType,
  foreignKey,
  index,
  insert,
  integer,
  primaryKey,
  select,
  sql,
  string,
  table,
  unique,
  type Engine,
} from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();

let tokenCounter = 0;
const accounts = table(
  "core_con_accounts",
  metadata,
  {
    id: integer().primaryKey(),
    email: string(80).notNull().unique(),
    region: string(10).notNull(),
    handle: string(30).notNull(),
    balance: integer().notNull().default(0),
    token: string(20).notNull().default(() => `tok-${++tokenCounter}`),
    status: string(10).notNull().serverDefault("active"),
    level: integer().notNull().serverDefault(3),
    verified: boolean().notNull().serverDefault(false),
    plan: enumType(["free", "pro"]).notNull().default("free"),
    nickname: string(30).index(),
  },
  (c) => [
    unique([c.region, c.handle], { name: "uq_core_con_region_handle" }),
    check(c.balance.ge(0), { name: "ck_core_con_balance" }),
    index([c.region, c.token], { name: "ix_core_con_region_token", unique: true }),
  ],
);

// A composite primary key, declared at table level, referenced by a composite foreign key.
const warehouses = table(
  "core_con_warehouses",
  metadata,
  { country: string(2).notNull(), code: integer().notNull(), name: string(40).notNull() },
  (c) => [primaryKey(c.country, c.code)],
);
const bins = table(
  "core_con_bins",
  metadata,
  {
    country: string(2).notNull(),
    code: integer().notNull(),
    slot: integer().primaryKey(),
    label: string(20),
  },
  (c) => [foreignKey([c.country, c.code], "core_con_warehouses", ["country", "code"], { onDelete: "cascade" })],
);

// Two primary-key columns declared on the columns, and a single-column cascade.
const memberships = table("core_con_memberships", metadata, {
  accountId: integer().named("account_id").primaryKey().references("core_con_accounts.id", { onDelete: "cascade" }),
  groupId: integer().named("group_id").primaryKey(),
  role: string(10).notNull(),
});

async function indexNames(engine: Engine, tableName: string): Promise<string[]> {
  const query = {
    sqlite: sql`SELECT name FROM pragma_index_list(${tableName})`,
    postgresql: sql`SELECT indexname AS name FROM pg_indexes WHERE tablename = ${tableName}`,
    mysql: sql`SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ${tableName}`,
  }[engine.dialect.name];
  const rows = (await engine.execute(query as typeof query & { __row?: { name: string } })).rows;
  return rows.map((r) => String(r.name));
}

forEachDatabase("constraints and defaults", (ctx) => {
  useSchema(ctx, metadata, { emptyBeforeEach: true });

  test("client defaults (value and function) and server defaults apply to omitted columns", async () => {
    const { engine } = ctx;
    await engine.execute(insert(accounts).values({ id: 1, email: "a@x", region: "eu", handle: "a" }));
    await engine.execute(insert(accounts).values({ id: 2, email: "b@x", region: "eu", handle: "b", balance: 5, status: "locked", level: 7, verified: true }));
    const rows = (
      await engine.execute(
        select(accounts.c.id, accounts.c.balance, accounts.c.token, accounts.c.status, accounts.c.level, accounts.c.verified, accounts.c.plan).orderBy(accounts.c.id),
      )
    ).rows;
    assert.deepEqual(rows[0], { id: 1, balance: 0, token: rows[0]!.token, status: "active", level: 3, verified: false, plan: "free" });
    assert.deepEqual(rows[1], { id: 2, balance: 5, token: rows[1]!.token, status: "locked", level: 7, verified: true, plan: "free" });
    // The function default runs once per row.
    assert.match(rows[0]!.token, /^tok-\d+$/);
    assert.notEqual(rows[0]!.token, rows[1]!.token);

    // In a multi-row insert too.
    await engine.execute(
      insert(accounts).values([
        { id: 3, email: "c@x", region: "us", handle: "c" },
        { id: 4, email: "d@x", region: "us", handle: "d" },
      ]),
    );
    const tokens = (await engine.execute(select(accounts.c.token).where(accounts.c.id.in([3, 4])))).rows.map((r) => r.token);
    assert.equal(new Set(tokens).size, 2);
  });

  test("unique (column and composite), check and a unique index are enforced with IntegrityError", async () => {
    const { engine } = ctx;
    await engine.execute(insert(accounts).values({ id: 1, email: "a@x", region: "eu", handle: "a", token: "t1" }));
    const attempt = (row: Partial<typeof accounts.__insert>) =>
      engine.execute(insert(accounts).values({ id: 2, email: "b@x", region: "eu", handle: "b", token: "t2", ...row }));

    await assert.rejects(attempt({ email: "a@x" }), IntegrityError, "unique column");
    await assert.rejects(attempt({ handle: "a" }), IntegrityError, "composite unique constraint");
    await assert.rejects(attempt({ balance: -1 }), IntegrityError, "check constraint");
    await assert.rejects(attempt({ token: "t1" }), IntegrityError, "unique index");
    // The same handle in another region is fine: the constraint covers both columns.
    await attempt({ region: "us", handle: "a", token: "t1" });
    assert.equal((await engine.execute(select(accounts.c.id))).rows.length, 2);
  });

  test("an enum column refuses a value outside its list", async () => {
    assert.throws(() => insert(accounts).values({ id: 9, email: "e@x", region: "eu", handle: "e", plan: "gold" as "pro" }), InvalidColumnValueError);
    const bad = sql`INSERT INTO core_con_accounts (id, email, region, handle, balance, token, plan) VALUES (9, 'e@x', 'eu', 'e', 0, 't9', ${"gold"})`;
    // Written in raw SQL: a CHECK constraint on SQLite and PostgreSQL; MySQL's native ENUM reports a data error.
    await assert.rejects(ctx.engine.execute(bad), ctx.db.name === "mysql" ? DataError : IntegrityError);
  });

  test("declared indexes exist in the database", async () => {
    const names = await indexNames(ctx.engine, "core_con_accounts");
    assert.ok(names.includes("ix_core_con_region_token"), names.join(", "));
    assert.ok(names.includes("ix_core_con_accounts_nickname"), names.join(", "));
  });

  test("composite primary key: the pair is unique, each column alone is not", async () => {
    const { engine } = ctx;
    await engine.execute(insert(warehouses).values([
      { country: "de", code: 1, name: "Berlin" },
      { country: "de", code: 2, name: "Hamburg" },
      { country: "fr", code: 1, name: "Paris" },
    ]));
    await assert.rejects(engine.execute(insert(warehouses).values({ country: "de", code: 1, name: "again" })), IntegrityError);
    const rows = (await engine.execute(select(warehouses.c.country, warehouses.c.code).orderBy(warehouses.c.country, warehouses.c.code))).rows;
    assert.deepEqual(rows, [
      { country: "de", code: 1 },
      { country: "de", code: 2 },
      { country: "fr", code: 1 },
    ]);
  });

  test("composite foreign key: enforced on both columns, and ON DELETE CASCADE removes the children", async () => {
    const { engine } = ctx;
    await engine.execute(insert(warehouses).values([
      { country: "de", code: 1, name: "Berlin" },
      { country: "fr", code: 1, name: "Paris" },
    ]));
    await engine.execute(insert(bins).values([
      { country: "de", code: 1, slot: 10, label: "a" },
      { country: "de", code: 1, slot: 11, label: "b" },
      { country: "fr", code: 1, slot: 20, label: "c" },
    ]));
    // Each column exists in some warehouse, but the pair does not.
    await assert.rejects(engine.execute(insert(bins).values({ country: "fr", code: 2, slot: 30 })), IntegrityError);

    const deleted = await engine.execute(deleteFrom(warehouses).where(warehouses.c.country.eq("de")));
    assert.equal(deleted.rowCount, 1);
    const left = (await engine.execute(select(bins.c.slot).orderBy(bins.c.slot))).rows;
    assert.deepEqual(left, [{ slot: 20 }]);
  });

  test("single-column ON DELETE CASCADE and a two-column primary key declared on the columns", async () => {
    const { engine } = ctx;
    await engine.execute(insert(accounts).values([
      { id: 1, email: "a@x", region: "eu", handle: "a" },
      { id: 2, email: "b@x", region: "eu", handle: "b" },
    ]));
    await engine.execute(insert(memberships).values([
      { accountId: 1, groupId: 1, role: "owner" },
      { accountId: 1, groupId: 2, role: "member" },
      { accountId: 2, groupId: 1, role: "member" },
    ]));
    await assert.rejects(engine.execute(insert(memberships).values({ accountId: 2, groupId: 1, role: "again" })), IntegrityError);
    await assert.rejects(engine.execute(insert(memberships).values({ accountId: 3, groupId: 1, role: "nobody" })), IntegrityError);

    await engine.execute(deleteFrom(accounts).where(accounts.c.id.eq(1)));
    const left = (await engine.execute(select(memberships.c.accountId, memberships.c.groupId))).rows;
    assert.deepEqual(left, [{ accountId: 2, groupId: 1 }]);
  });
});
