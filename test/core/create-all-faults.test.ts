/**
 * `createAll` cut short by a lost connection, then run again (its `checkFirst` skips the tables
 * that exist). On MariaDB/MySQL every DDL statement commits on its own, so a run cut between a
 * table's CREATE TABLE and its CREATE UNIQUE INDEX, or before the ALTER TABLE that adds the
 * foreign key closing a cycle, left the table without them; the second run skipped the table and
 * resolved, and the database took duplicates and rows naming no row while the schema said it
 * could not. A dropAll cut after it dropped that foreign key failed on every later run, dropping
 * the key no longer there. PostgreSQL and SQLite run both in one transaction: a cut leaves
 * nothing. The losses are real: a TCP proxy resets the connection instead of forwarding the
 * statement.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { IntegrityError, MetaData, createEngine, index, insert, integer, string, table, type Engine } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";
import { TcpProxy } from "../support/tcp-proxy.js";

const metadata = new MetaData();
const accounts = table("core_cf_accounts", metadata, { id: integer().primaryKey(), code: string(20).notNull() }, (c) => [index([c.code], { unique: true })]);
const entries = table("core_cf_entries", metadata, { id: integer().primaryKey(), accountId: integer().named("account_id").notNull().references("core_cf_accounts.id") });

// A cycle: one of its two foreign keys is created apart from its table (ALTER TABLE) where it must be.
const cycle = new MetaData();
table("core_cf_teams", cycle, { id: integer().primaryKey(), captainId: integer().named("captain_id").references("core_cf_players.id") });
const players = table("core_cf_players", cycle, { id: integer().primaryKey(), teamId: integer().named("team_id").references("core_cf_teams.id") });

forEachDatabase("createAll cut short, then run again", (ctx) => {
  const network = ctx.db.name === "sqlite" && "SQLite runs in-process: there is no connection to lose";
  let proxy: TcpProxy | undefined;
  let proxied: Engine | undefined;
  before(async () => {
    if (network) return;
    proxy = await TcpProxy.start(ctx.db.url, ctx.db.name === "postgresql" ? 5432 : 3306);
  });
  afterEach(async () => {
    await proxied?.dispose();
    proxied = undefined;
    await dropTables();
  });
  after(async () => {
    await proxy?.close();
  });

  /** Drops the tables whatever a cut run left of them (dropAll expects the cycle's foreign key it adds last). */
  async function dropTables(): Promise<void> {
    const tables = ["core_cf_entries", "core_cf_accounts", "core_cf_teams", "core_cf_players"];
    await ctx.engine.withConnection(async (conn) => {
      if (ctx.db.name === "mysql") await conn.run("SET foreign_key_checks = 0");
      for (const name of tables) await conn.run(`DROP TABLE IF EXISTS ${name}${ctx.db.name === "postgresql" ? " CASCADE" : ""}`);
      if (ctx.db.name === "mysql") await conn.run("SET foreign_key_checks = 1");
    });
  }

  /** createAll through the proxy, the connection reset instead of the first statement holding `text`. */
  async function createAllCutBefore(schema: MetaData, text: string): Promise<void> {
    await dropTables();
    proxied = createEngine(proxy!.url(ctx.db.url));
    // The pool is open (and its setup run) before the cut is armed: the cut is createAll's.
    await proxied.withConnection(async () => undefined);
    const cut = proxy!.cutBefore(text);
    const run = schema.createAll(proxied);
    await Promise.race([cut, run.catch(() => undefined)]);
    await run.then(
      () => undefined,
      (e: unknown) => assert.ok(e instanceof Error && /lost|closed|terminated|reset/i.test(e.message), `a lost connection, got ${String(e)}`),
    );
    await schema.createAll(ctx.engine); // the second run, which skips the tables that exist
  }

  async function uniqueIndexHolds(): Promise<void> {
    await ctx.engine.execute(insert(accounts).values({ id: 1, code: "A" }));
    await assert.rejects(ctx.engine.execute(insert(accounts).values({ id: 2, code: "A" })), IntegrityError, "the unique index refuses a second 'A'");
    await assert.rejects(ctx.engine.execute(insert(entries).values({ id: 1, accountId: 99 })), IntegrityError, "the foreign key refuses an entry of no account");
  }

  for (const [where, text] of [
    ["its CREATE UNIQUE INDEX (or the table, where the index is part of it)", "ix_core_cf_accounts_code"],
    ["the second table", "core_cf_entries"],
  ] as const) {
    test(`cut before ${where}: the second run leaves every table with its unique index and foreign key`, { skip: network }, async () => {
      await createAllCutBefore(metadata, text);
      await uniqueIndexHolds();
    });
  }

  test("dropAll cut after the foreign key that closes a cycle was dropped: the second run drops the tables", { skip: network }, async () => {
    await dropTables();
    await cycle.createAll(ctx.engine);
    proxied = createEngine(proxy!.url(ctx.db.url));
    await proxied.withConnection(async () => undefined);
    const cut = proxy!.cutBefore("DROP TABLE");
    const run = cycle.dropAll(proxied);
    await Promise.race([cut, run.catch(() => undefined)]);
    await run.catch(() => undefined); // MariaDB has dropped the key (its DDL commits on its own); PostgreSQL rolled back
    await cycle.dropAll(ctx.engine);
    assert.deepEqual((await ctx.engine.inspect().tableNames()).filter((n) => n.startsWith("core_cf_")), []);
  });

  test("cut before the foreign key that closes a cycle (or the table holding it): the second run leaves both foreign keys", { skip: network }, async () => {
    await createAllCutBefore(cycle, "fk_core_cf_players_team_id");
    await assert.rejects(ctx.engine.execute(insert(players).values({ id: 1, teamId: 99 })), IntegrityError, "the cycle's key refuses a player of no team");
  });
});
