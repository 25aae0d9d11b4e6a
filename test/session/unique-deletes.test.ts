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
import { DeclarativeBase, FlushOrderError, column, columnsOf, lazy, integer, manyToOne, model, oneToMany, select, sql, string, type Rel, type Session } from "../../src/index.js";
import { BsBook, BsShelf, BulkSyncBase } from "./fixtures/bulk-sync.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class UdBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    UdTeam: UdTeam;
    UdMember: UdMember;
    UdNode: UdNode;
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
});

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
});
