/**
 * A unique value handed from a row deleted in a flush to a new row (or an updated one) of the same
 * flush, and from an updated row to a new one: the row giving the value up is written first. The
 * flush deleted last and inserted before updating, so the INSERT (or UPDATE) collided with the row
 * still holding the value and the commit failed with an IntegrityError (unique-deletes.ts,
 * unique-order.ts). A hand-over no order can write is a FlushOrderError naming both objects,
 * raised before any statement; the session stays usable and two flushes write it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, FlushOrderError, column, columnsOf, lazy, integer, manyToMany, manyToOne, model, oneToMany, select, sql, string, table, type Rel, type Session } from "../../src/index.js";
import { BsBook, BsShelf, BulkSyncBase } from "./fixtures/bulk-sync.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class UdBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    UdTeam: UdTeam;
    UdMember: UdMember;
    UdNode: UdNode;
    UdUser: UdUser;
    UdGroup: UdGroup;
  }
}

@model("ud_teams")
class UdTeam extends UdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull().unique()) accessor name!: string;
  @oneToMany("UdMember", { backPopulates: "team" }) accessor members!: Rel<UdMember[], "team">;
}

@model("ud_members")
class UdMember extends UdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("team_id").nullable().references("ud_teams.id")) accessor teamId!: number | null;
  @manyToOne("UdTeam", { backPopulates: "members" }) accessor team!: Rel<UdTeam | null, "members">;
}

@model("ud_nodes")
class UdNode extends UdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull().unique()) accessor name!: string;
  @column(integer().named("parent_id").nullable().references("ud_nodes.id")) accessor parentId!: number | null;
  @manyToOne("UdNode", { backPopulates: "children" }) accessor parent!: Rel<UdNode | null, "children">;
  @oneToMany("UdNode", { backPopulates: "parent" }) accessor children!: Rel<UdNode[], "parent">;
}

@model("ud_users")
class UdUser extends UdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull().unique()) accessor email!: string;
  @manyToMany("UdGroup", { secondary: "ud_memberships", backPopulates: "users" }) accessor groups!: Rel<UdGroup[], "users">;
}

@model("ud_groups")
class UdGroup extends UdBase {
  @column(integer().primaryKey()) accessor id!: number;
  @manyToMany("UdUser", { secondary: "ud_memberships", backPopulates: "groups" }) accessor users!: Rel<UdUser[], "groups">;
}

table("ud_memberships", UdBase.metadata, {
  userId: integer().named("user_id").primaryKey().references("ud_users.id"),
  groupId: integer().named("group_id").primaryKey().references("ud_groups.id"),
});

const book = (id: number, code: string, shelf?: BsShelf) => Object.assign(new BsBook(), { id, code, title: `Book ${id}`, price: id, ...(shelf ? { shelf } : { shelfId: null }) });

forEachDatabaseWithSchema("unique values handed on by deleted rows", BulkSyncBase.metadata, (ctx) => {
  /** Books 1..3 with codes C1..C3 (1 and 2 on shelf 1), in a new session. */
  async function seeded(): Promise<{ session: Session; books: BsBook[] }> {
    const seed = ctx.session();
    const shelf = Object.assign(new BsShelf(), { id: 1, name: "S1" });
    seed.addAll([book(1, "C1", shelf), book(2, "C2", shelf), book(3, "C3")]);
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    return { session, books: await session.scalars(select(BsBook).orderBy(columnsOf(BsBook).id)) };
  }
  const codes = async () => (await ctx.engine.execute(sql<{ id: number; code: string }>`SELECT id, code FROM bs_books ORDER BY id`)).rows.map((r) => `${r.id}:${r.code}`);

  test("a deleted row's unique value taken by a new row: the DELETE runs first, the commit keeps both", async () => {
    const { session, books } = await seeded();
    session.add(book(4, "C1"));
    await session.delete(books[0]!);
    await session.commit();
    assert.deepEqual(await codes(), ["2:C2", "3:C3", "4:C1"]);
  });

  test("a deleted row's unique value taken by an updated row", async () => {
    const { session, books } = await seeded();
    books[1]!.code = "C1";
    await session.delete(books[0]!);
    await session.commit();
    assert.deepEqual(await codes(), ["2:C1", "3:C3"]);
  });

  test("a value a row deleted by a cascade held, taken by a new row", async () => {
    const { session } = await seeded();
    const shelf = (await session.get(BsShelf, 1))!;
    session.add(book(5, "C2"));
    await session.delete(shelf);
    await session.commit();
    assert.deepEqual(await codes(), ["3:C3", "5:C2"]);
  });

  test("a new row taking over a deleted row's key and another deleted row's unique value", async () => {
    const { session, books } = await seeded();
    await session.delete(books[0]!);
    await session.delete(books[1]!);
    session.add(book(1, "C2"));
    await session.commit();
    assert.deepEqual(await codes(), ["1:C2", "3:C3"]);
  });

  test("an updated row's old unique value taken by a new row: the UPDATE runs first", async () => {
    const { session, books } = await seeded();
    session.add(book(4, "C1"));
    books[0]!.code = "C9";
    await session.commit();
    assert.deepEqual(await codes(), ["1:C9", "2:C2", "3:C3", "4:C1"]);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("unique values handed on by deleted rows that others reference", UdBase.metadata, (ctx) => {
  async function seeded(): Promise<Session> {
    const seed = ctx.session();
    const team = Object.assign(new UdTeam(), { id: 1, name: "red" });
    team.members.push(Object.assign(new UdMember(), { id: 1 }), Object.assign(new UdMember(), { id: 2 }));
    seed.add(team);
    await seed.commit();
    await seed.close();
    return ctx.session();
  }
  const rows = async () => ({
    teams: (await ctx.engine.execute(sql<{ id: number; name: string }>`SELECT id, name FROM ud_teams ORDER BY id`)).rows.map((r) => `${r.id}:${r.name}`),
    members: (await ctx.engine.execute(sql<{ id: number; team_id: number | null }>`SELECT id, team_id FROM ud_members ORDER BY id`)).rows.map((r) => `${r.id}:${r.team_id}`),
  });

  test("the deleted row's children lose their key first (their UPDATE runs before the DELETE), then the new row takes its name", async () => {
    const session = await seeded();
    await session.delete((await session.get(UdTeam, 1))!);
    session.add(Object.assign(new UdTeam(), { id: 2, name: "red" }));
    await session.commit();
    assert.deepEqual(await rows(), { teams: ["2:red"], members: ["1:null", "2:null"] });
  });

  test("children moved to the new row that takes the deleted row's name: FlushOrderError naming both, nothing written; two flushes write it", async () => {
    const session = await seeded();
    const old = (await session.get(UdTeam, 1))!;
    const members = [...(await lazy(old).members)];
    const team = Object.assign(new UdTeam(), { id: 2, name: "red" });
    for (const member of members) member.team = team;
    await session.delete(old);
    session.add(team);
    await assert.rejects(session.flush(), (e: Error) => {
      assert.ok(e instanceof FlushOrderError, String(e));
      assert.match(e.message, /a new UdTeam takes name \(unique\) from UdTeam \(id=1\), deleted in this flush/);
      assert.match(e.message, /UdMember \(id=\d\) references it until its UPDATE, which waits for the INSERT of a new UdTeam/);
      assert.match(e.message, /Write it in two flushes/);
      return true;
    });
    assert.deepEqual(await rows(), { teams: ["1:red"], members: ["1:1", "2:1"] }, "nothing written");
    team.name = "tmp";
    await session.flush();
    team.name = "red";
    await session.commit();
    assert.deepEqual(await rows(), { teams: ["2:red"], members: ["1:2", "2:2"] });
  });

  test("a child taking the name of its deleted parent (one UPDATE both frees the parent's row and takes its name): FlushOrderError; two flushes write it", async () => {
    const seed = ctx.session();
    const root = Object.assign(new UdNode(), { id: 1, name: "root" });
    root.children.push(Object.assign(new UdNode(), { id: 2, name: "leaf" }));
    seed.add(root);
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    const parent = (await session.get(UdNode, 1))!;
    const [child] = await lazy(parent).children;
    await session.delete(parent);
    child!.name = "root";
    await assert.rejects(session.flush(), (e: Error) => {
      assert.ok(e instanceof FlushOrderError, String(e));
      assert.match(e.message, /UdNode \(id=2\) takes name \(unique\) from UdNode \(id=1\), deleted in this flush/);
      assert.match(e.message, /UdNode \(id=2\) references it until its UPDATE, which takes the value too/);
      return true;
    });
    const names = async () => (await ctx.engine.execute(sql<{ id: number; name: string }>`SELECT id, name FROM ud_nodes ORDER BY id`)).rows.map((r) => `${r.id}:${r.name}`);
    assert.deepEqual(await names(), ["1:root", "2:leaf"], "nothing written");
    child!.name = "leaf";
    await session.flush();
    child!.name = "root";
    await session.commit();
    assert.deepEqual(await names(), ["2:root"]);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("unique values handed on by deleted rows with many-to-many links", UdBase.metadata, (ctx) => {
  /** User 1 (a@x) in groups 1 and 2, user 2 (b@x) in group 1. */
  async function seeded(): Promise<Session> {
    const seed = ctx.session();
    const [g1, g2] = [1, 2].map((id) => Object.assign(new UdGroup(), { id }));
    const a = Object.assign(new UdUser(), { id: 1, email: "a@x" });
    const b = Object.assign(new UdUser(), { id: 2, email: "b@x" });
    a.groups.push(g1!, g2!);
    b.groups.push(g1!);
    seed.addAll([a, b]);
    await seed.commit();
    await seed.close();
    return ctx.session();
  }
  const rows = async () => ({
    users: (await ctx.engine.execute(sql<{ id: number; email: string }>`SELECT id, email FROM ud_users ORDER BY id`)).rows.map((r) => `${r.id}:${r.email}`),
    links: (await ctx.engine.execute(sql<{ user_id: number; group_id: number }>`SELECT user_id, group_id FROM ud_memberships ORDER BY user_id, group_id`)).rows.map((r) => `${r.user_id}-${r.group_id}`),
  });

  test("a deleted row's links are deleted before it, the new row takes its email and its own links in one flush", async () => {
    const session = await seeded();
    const old = (await session.get(UdUser, 1))!;
    const g2 = (await session.get(UdGroup, 2))!;
    await session.delete(old);
    const taker = Object.assign(new UdUser(), { id: 3, email: "a@x" });
    taker.groups.push(g2);
    session.add(taker);
    await session.commit();
    assert.deepEqual(await rows(), { users: ["2:b@x", "3:a@x"], links: ["2-1", "3-2"] });
  });

  test("the links not loaded on the deleted row, and an updated row taking its email", async () => {
    const session = await seeded();
    const [a, b] = await session.scalars(select(UdUser).orderBy(columnsOf(UdUser).id));
    await session.delete(a!);
    b!.email = "a@x";
    await session.commit();
    assert.deepEqual(await rows(), { users: ["2:a@x"], links: ["2-1"] });
  });

  test("the deleted row also taken out of a loaded list of the other side: its link is not deleted twice (no StaleDataError)", async () => {
    const session = await seeded();
    const g1 = (await session.get(UdGroup, 1))!;
    const users = await lazy(g1).users;
    const old = users.find((u) => u.id === 1)!;
    users.splice(users.indexOf(old), 1);
    await session.delete(old);
    session.add(Object.assign(new UdUser(), { id: 3, email: "a@x" }));
    await session.commit();
    assert.deepEqual(await rows(), { users: ["2:b@x", "3:a@x"], links: ["2-1"] });
  });

  test("a failed flush after the early DELETEs rolls them back, links too, and leaves the work pending", async () => {
    const session = await seeded();
    const old = (await session.get(UdUser, 1))!;
    await session.delete(old);
    session.add(Object.assign(new UdUser(), { id: 3, email: "a@x" }));
    const clash = Object.assign(new UdUser(), { id: 2, email: "c@x" }); // user 2's key: the INSERT fails
    session.add(clash);
    await assert.rejects(session.flush());
    assert.deepEqual(await rows(), { users: ["1:a@x", "2:b@x"], links: ["1-1", "1-2", "2-1"] }, "nothing written");
    session.expunge(clash);
    await session.commit();
    assert.deepEqual(await rows(), { users: ["2:b@x", "3:a@x"], links: ["2-1"] });
  });
}, { createOnce: true });
