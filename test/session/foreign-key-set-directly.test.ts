/**
 * A foreign key set directly (`child.parentId = 2`) is written, whatever is loaded beside it. The
 * flush copied keys from the relationships over it: from the child's many-to-one when it was
 * loaded (read, or filled by a joinedLoad), from the old parent's list when that parent was
 * changed too. The commit resolved with the old key. As in SQLAlchemy, a key is now copied from
 * a reference assigned, and into the members a list gained (or all of them when the parent's key
 * changed), not over a column the application set.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, integer, joinedLoad, lazy, oneToOne, select, string, table } from "../../src/index.js";
import { OrderedBase, OrBook, OrShelf } from "./fixtures/ordered.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const shelves = [1, 2].map((id) => Object.assign(new OrShelf(), { id }));
  shelves[0]!.books.push(Object.assign(new OrBook(), { id: 1, position: 1 }), Object.assign(new OrBook(), { id: 2, position: 2 }));
  session.addAll(shelves);
  await session.commit();
  await session.close();
}

/** 1 when book `id` is on shelf 2 in the database. */
const shelfOf = (ctx: SessionContext, id: number) => ctx.count("or_books", `id = ${id} AND shelf_id = 2`);

forEachDatabaseWithSchema("a foreign key set directly", OrderedBase.metadata, (ctx) => {
  test("with the many-to-one loaded (read before): the key set is written", async () => {
    await seed(ctx);
    const session = ctx.session();
    const book = (await session.get(OrBook, 1))!;
    assert.equal((await lazy(book).shelf).id, 1);
    book.shelfId = 2;
    await session.commit();
    assert.equal(await shelfOf(ctx, 1), 1);
  });

  test("with the many-to-one filled by a joinedLoad after the change (autoflush off)", async () => {
    await seed(ctx);
    const session = ctx.session({ autoflush: false });
    const book = (await session.get(OrBook, 1))!;
    book.shelfId = 2;
    await session.scalars(select(OrBook).options(joinedLoad(OrBook, "shelf")));
    await session.commit();
    assert.equal(await shelfOf(ctx, 1), 1);
  });

  test("with the old parent's list loaded and the old parent changed: the key set is written, the other members keep theirs", async () => {
    await seed(ctx);
    const session = ctx.session();
    const shelf = (await session.get(OrShelf, 1))!;
    const [book] = await lazy(shelf).books;
    book!.shelfId = 2;
    shelf.books[1]!.position = 5;
    shelf.books.push(Object.assign(new OrBook(), { id: 3, position: 3 }));
    await session.commit();
    assert.equal(await shelfOf(ctx, 1), 1);
    assert.equal(await ctx.count("or_books", "shelf_id = 1"), 2);
  });
}, { createOnce: true });

/** Accounts each with one badge, the key on the badge's side, no back-reference. */
function accounts() {
  const registry = new Registry();
  table("fk_accounts", registry.metadata, { id: integer().primaryKey(), name: string(20) });
  table("fk_badges", registry.metadata, { id: integer().primaryKey(), accountId: integer().named("account_id").references("fk_accounts.id") });
  class Account {
    declare id: number;
    declare name: string | null;
    declare badge: Badge | null;
  }
  class Badge {
    declare id: number;
    declare accountId: number | null;
  }
  registry.mapImperatively(Account, registry.metadata.tables.get("fk_accounts")!, { properties: { badge: oneToOne("Badge" as never) } });
  registry.mapImperatively(Badge, registry.metadata.tables.get("fk_badges")!);
  return { registry, Account, Badge };
}
const { registry, Account, Badge } = accounts();

forEachDatabaseWithSchema("a foreign key set directly, one-to-one", registry.metadata, (ctx) => {
  test("a badge given to another account by its key, its old account loaded with it and changed: the key set is written", async () => {
    const seed = ctx.session();
    const first = Object.assign(new Account(), { id: 1, name: "a" });
    first.badge = Object.assign(new Badge(), { id: 1 });
    seed.addAll([first, Object.assign(new Account(), { id: 2, name: "b" })]);
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    const account = (await session.get(Account, 1))!;
    const badge = (await lazy(account).badge)!;
    badge.accountId = 2;
    account.name = "renamed";
    await session.commit();
    assert.equal(await ctx.count("fk_badges", "id = 1 AND account_id = 2"), 1);
  });
}, { createOnce: true });
