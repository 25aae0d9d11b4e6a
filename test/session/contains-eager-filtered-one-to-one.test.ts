/**
 * `containsEager` of a one-to-one whose key is on the other side (`account.settings`), through an
 * outer join whose condition leaves the row out (`leftJoin(Settings, and(s.accountId.eq(a.id),
 * s.theme.eq("dark")))`): the account has settings, but the query's row has none, and the
 * attribute is filled with null. Assigned new settings, the flush took null for what the account
 * held: the old settings kept naming the account, and the commit resolved with two settings rows
 * for one account. Deleted, the account's settings were not unlinked: its DELETE failed on their
 * foreign key. Such a null now counts as not known: the flush reads what the database holds, as
 * for an attribute not loaded.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { DeclarativeBase, and, column, columnsOf, containsEager, integer, manyToOne, model, oneToOne, select, sql, string, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class FoBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    FoAccount: FoAccount;
    FoSettings: FoSettings;
  }
}

@model("fo_accounts")
class FoAccount extends FoBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @oneToOne("FoSettings", { backPopulates: "account" }) accessor settings!: Rel<FoSettings | null, "account">;
}

@model("fo_settings")
class FoSettings extends FoBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor theme!: string;
  @column(integer().named("account_id").references("fo_accounts.id")) accessor accountId!: number | null;
  @manyToOne("FoAccount", { backPopulates: "settings" }) accessor account!: Rel<FoAccount | null, "settings">;
}

const a = columnsOf(FoAccount);
const s = columnsOf(FoSettings);

/** Account 1 with light settings (10), account 2 with dark settings (20). */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  for (const [id, theme] of [[1, "light"], [2, "dark"]] as const) {
    const account = Object.assign(new FoAccount(), { id, name: `a${id}` });
    account.settings = Object.assign(new FoSettings(), { id: id * 10, theme });
    session.add(account);
  }
  await session.commit();
  await session.close();
}

const withDarkSettings = () =>
  select(FoAccount).leftJoin(FoSettings, and(s.accountId.eq(a.id), s.theme.eq("dark"))).orderBy(a.id).options(containsEager(FoAccount, "settings"));

forEachDatabaseWithSchema("containsEager of a one-to-one an outer join's condition left out", FoBase.metadata, (ctx) => {
  async function settingsRows(): Promise<string[]> {
    const { rows } = await ctx.engine.execute(sql<{ id: number; account_id: number | null }>`SELECT id, account_id FROM fo_settings ORDER BY id`);
    return rows.map((r) => `${Number(r.id)}:${r.account_id === null ? "null" : Number(r.account_id)}`);
  }

  afterEach(async () => {
    await ctx.engine.execute(sql`DELETE FROM fo_settings`);
    await ctx.engine.execute(sql`DELETE FROM fo_accounts`);
  });

  test("assigned new settings: the settings the query left out stop naming the account", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [first, second] = await session.scalars(withDarkSettings());
    assert.equal(first!.settings, null, "the query's row has no settings for account 1");
    assert.equal(second!.settings!.theme, "dark");
    first!.settings = Object.assign(new FoSettings(), { id: 11, theme: "dark" });
    await session.commit();
    assert.deepEqual(await settingsRows(), ["10:null", "11:1", "20:2"]);
  });

  test("assigned null: the settings the query left out stop naming the account", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [first] = await session.scalars(withDarkSettings());
    first!.settings = null;
    await session.commit();
    assert.deepEqual(await settingsRows(), ["10:null", "20:2"]);
  });

  test("deleted: the settings the query left out lose their key, and the DELETE goes through", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [first] = await session.scalars(withDarkSettings());
    await session.delete(first!);
    await session.commit();
    assert.deepEqual(await settingsRows(), ["10:null", "20:2"]);
  });

  test("a null the database confirms stays as it is: assigned, nothing else changes", async () => {
    await seed(ctx);
    await ctx.engine.execute(sql`UPDATE fo_settings SET account_id = NULL WHERE id = 10`);
    const session = ctx.session();
    const [first] = await session.scalars(withDarkSettings());
    first!.settings = Object.assign(new FoSettings(), { id: 11, theme: "dark" });
    await session.commit();
    assert.deepEqual(await settingsRows(), ["10:null", "11:1", "20:2"]);
  });
}, { createOnce: true });
