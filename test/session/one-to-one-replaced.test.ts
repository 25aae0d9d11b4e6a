/**
 * A one-to-one whose foreign key is on the other side (`account.settings`, the key on settings)
 * assigned another object or null: the object it held stops naming the owner (its key cleared,
 * or with delete-orphan it is deleted), whether the attribute was loaded or not, with a
 * back-reference or without. Without a back-reference the old object kept its key: the commit
 * resolved, and a reload found the old object again (or two objects naming the owner).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, integer, lazy, manyToOne, oneToOne, sql, string, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** Accounts with settings (no back-reference), a profile (with one) and a badge (delete-orphan). */
function schema() {
  const registry = new Registry();
  const metadata = registry.metadata;
  table("oo_accounts", metadata, { id: integer().primaryKey(), name: string(20) });
  for (const name of ["oo_settings", "oo_profiles", "oo_badges"]) {
    table(name, metadata, { id: integer().primaryKey(), accountId: integer().named("account_id").references("oo_accounts.id"), label: string(20) });
  }
  class Account {
    declare id: number;
    declare name: string | null;
    declare settings: Part | null;
    declare profile: Part | null;
    declare badge: Part | null;
  }
  class Part {
    declare id: number;
    declare accountId: number | null;
    declare label: string | null;
    declare account: Account | null;
  }
  class Settings extends Part {}
  class Profile extends Part {}
  class Badge extends Part {}
  const t = metadata.tables;
  registry.mapImperatively(Account, t.get("oo_accounts")!, {
    properties: {
      settings: oneToOne("Settings" as never),
      profile: oneToOne("Profile" as never, { backPopulates: "account" }),
      badge: oneToOne("Badge" as never, { cascade: "all, delete-orphan" }),
    },
  });
  registry.mapImperatively(Settings, t.get("oo_settings")!);
  registry.mapImperatively(Profile, t.get("oo_profiles")!, { properties: { account: manyToOne("Account" as never, { backPopulates: "profile" }) } });
  registry.mapImperatively(Badge, t.get("oo_badges")!);
  return { registry, Account, Settings, Profile, Badge };
}

const { registry, Account, Settings, Profile, Badge } = schema();
const PARTS = [
  { key: "settings", table: "oo_settings", make: () => new Settings(), removed: "1:null" },
  { key: "profile", table: "oo_profiles", make: () => new Profile(), removed: "1:null" },
  { key: "badge", table: "oo_badges", make: () => new Badge(), removed: undefined }, // deleted
] as const;

forEachDatabaseWithSchema("one-to-one replaced", registry.metadata, (ctx) => {
  async function rows(table: string): Promise<string[]> {
    const { rows } = await ctx.engine.execute(sql<{ id: number; account_id: number | null }>`SELECT id, account_id FROM ${sql.raw(table)} ORDER BY id`);
    return rows.map((row) => `${row.id}:${row.account_id ?? "null"}`);
  }

  /** Account 1 holding part 1 through each relationship. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const account = Object.assign(new Account(), { id: 1, name: "a" });
    for (const part of PARTS) account[part.key] = Object.assign(part.make(), { id: 1, label: "old" });
    session.add(account);
    await session.commit();
    await session.close();
  }

  for (const part of PARTS) {
    for (const loaded of [true, false]) {
      const how = loaded ? "loaded" : "not loaded";
      test(`${part.key} (${how}) replaced: the old one no longer names the account; a reload finds the new one`, async () => {
        await seed();
        const session = ctx.session();
        const account = (await session.get(Account, 1))!;
        if (loaded) await lazy(account)[part.key];
        account[part.key] = Object.assign(part.make(), { id: 2, label: "new" });
        await session.commit();
        assert.deepEqual(await rows(part.table), [...(part.removed ? [part.removed] : []), "2:1"]);
        const check = ctx.session();
        assert.equal((await lazy((await check.get(Account, 1))!)[part.key])?.label, "new");
      });

      test(`${part.key} (${how}) set to null: the old one no longer names the account`, async () => {
        await seed();
        const session = ctx.session();
        const account = (await session.get(Account, 1))!;
        if (loaded) await lazy(account)[part.key];
        account[part.key] = null;
        await session.commit();
        assert.deepEqual(await rows(part.table), part.removed ? [part.removed] : []);
        const check = ctx.session();
        assert.equal(await lazy((await check.get(Account, 1))!)[part.key], null);
      });
    }
  }

  test("settings moved to another account: it names the new one, whichever assignment came first", async () => {
    await seed();
    const session = ctx.session();
    const first = (await session.get(Account, 1))!;
    const second = Object.assign(new Account(), { id: 2, name: "b" });
    session.add(second);
    const settings = (await lazy(first).settings)!;
    second.settings = settings;
    first.settings = null;
    await session.commit();
    assert.deepEqual(await rows("oo_settings"), ["1:2"]);
  });

  for (const key of ["badge", "profile"] as const) {
    test(`${key} replaced and the old one given to another account: it is kept and names that account`, async () => {
      await seed();
      const session = ctx.session();
      const first = (await session.get(Account, 1))!;
      const second = Object.assign(new Account(), { id: 2, name: "b" });
      session.add(second);
      const old = (await lazy(first)[key])!;
      first[key] = Object.assign(key === "badge" ? new Badge() : new Profile(), { id: 2, label: "new" });
      second[key] = old;
      await session.commit();
      assert.deepEqual(await rows(key === "badge" ? "oo_badges" : "oo_profiles"), ["1:2", "2:1"]);
    });
  }

  test("replaced inside a savepoint rolled back: nothing changes", async () => {
    await seed();
    const session = ctx.session();
    const account = (await session.get(Account, 1))!;
    const savepoint = await session.beginNested();
    account.settings = Object.assign(new Settings(), { id: 2, label: "new" });
    await savepoint.rollback();
    await session.commit();
    assert.deepEqual(await rows("oo_settings"), ["1:1"]);
  });
}, { createOnce: true });
