/**
 * A one-to-one whose foreign key is on the other side (`account.settings`) holds one object, but
 * nothing in the database need stop two rows naming the same owner (a foreign key without a unique
 * constraint). Loaded (lazily, select-in, joined), such a relationship showed the first of the rows
 * and hid the others; assigned null (or other settings), the commit resolved having unlinked the
 * one shown, and a reload found the hidden one: the assignment undone. A load that finds more than
 * one row for an owner now raises `MultipleResultsFoundError`, naming the owner, the rows and the
 * way out, and loads nothing for it; so does a flush that reads them (the relationship assigned
 * while not loaded, its owner deleted), which then writes nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, MultipleResultsFoundError, column, columnsOf, integer, joinedLoad, lazy, manyToOne, model, oneToOne, select, selectinLoad, sql, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class OmBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    OmAccount: OmAccount;
    OmSettings: OmSettings;
  }
}

@model("om_accounts")
class OmAccount extends OmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToOne("OmSettings", { backPopulates: "account" }) accessor settings!: Rel<OmSettings | null, "account">;
}

@model("om_settings")
class OmSettings extends OmBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("account_id").references("om_accounts.id")) accessor accountId!: number | null;
  @manyToOne("OmAccount", { backPopulates: "settings" }) accessor account!: Rel<OmAccount | null, "settings">;
}

const a = columnsOf(OmAccount);

forEachDatabaseWithSchema("a one-to-one that more than one row names", OmBase.metadata, (ctx) => {
  /** Account 1, named by settings 1 and 2; account 2, by settings 3 alone. */
  async function seed(): Promise<void> {
    await ctx.engine.execute(sql`INSERT INTO om_accounts (id) VALUES (1), (2)`);
    await ctx.engine.execute(sql`INSERT INTO om_settings (id, account_id) VALUES (1, 1), (2, 1), (3, 2)`);
  }
  const refused = (error: unknown) =>
    error instanceof MultipleResultsFoundError && /OmAccount\.settings/.test(error.message) && /id=1/.test(error.message) && /2 rows/.test(error.message);

  for (const how of ["lazily", "select-in", "joined"] as const) {
    test(`loaded ${how}: refused, not shown as one of them; an assignment cannot be undone by the hidden row`, async () => {
      await seed();
      const session = ctx.session();
      const load = async () => {
        if (how === "lazily") return lazy((await session.get(OmAccount, 1))!).settings;
        const option = how === "joined" ? joinedLoad(OmAccount, "settings") : selectinLoad(OmAccount, "settings");
        return (await session.scalars(select(OmAccount).options(option).orderBy(a.id)))[0]!.settings;
      };
      await assert.rejects(load(), refused);
      // The session goes on: an account with one row loads it.
      const [, second] = await session.scalars(select(OmAccount).orderBy(a.id));
      assert.equal((await lazy(second!).settings)!.id, 3);
      second!.settings = null;
      await session.commit();
      assert.equal(await ctx.count("om_settings", "account_id IS NULL"), 1);
    });
  }

  test("assigned while not loaded, or its owner deleted: the commit that would read the rows is refused, nothing written", async () => {
    await seed();
    const session = ctx.session();
    const account = (await session.get(OmAccount, 1))!;
    account.settings = null;
    await assert.rejects(session.commit(), refused);
    await session.rollback();
    assert.equal(await ctx.count("om_settings", "account_id = 1"), 2);
    session.delete((await session.get(OmAccount, 1))!);
    await assert.rejects(session.commit(), refused);
    await session.rollback();
    assert.equal(await ctx.count("om_accounts"), 2);
  });
}, { createOnce: true });
