/**
 * Cascades with SQLAlchemy's defaults (save-update, merge) and the explicit ones: delete (along
 * one-to-many, many-to-many and many-to-one), delete-orphan, refresh-expire, expunge; passive
 * deletes relying on ON DELETE CASCADE.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MappingConfigurationError, Registry, inspect, lazy, integer, manyToMany, manyToOne, oneToMany, select, string, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** Imperatively mapped folder/file models whose cascade options each test chooses. */
function schema(cascade: string | undefined, passiveDeletes = false) {
  const registry = new Registry();
  const folders = table("cx_folders", registry.metadata, { id: integer().primaryKey(), name: string(20) });
  const files = table("cx_files", registry.metadata, {
    id: integer().primaryKey(),
    name: string(20),
    folderId: integer().named("folder_id").references("cx_folders.id", { onDelete: "cascade" }),
  });
  class Folder {
    declare id: number;
    declare name: string | null;
    declare files: File[];
  }
  class File {
    declare id: number;
    declare name: string | null;
    declare folderId: number | null;
    declare folder: Folder | null;
  }
  registry.mapImperatively(Folder, folders, {
    properties: { files: oneToMany("File" as never, { backPopulates: "folder", ...(cascade ? { cascade } : {}), passiveDeletes }) },
  });
  registry.mapImperatively(File, files, { properties: { folder: manyToOne("Folder" as never, { backPopulates: "files" }) } });
  return { registry, Folder, File };
}

const base = schema(undefined);

forEachDatabaseWithSchema("cascades", base.registry.metadata, (ctx) => {

  async function folderWithFiles(cascade: string | undefined, passiveDeletes = false) {
    const m = cascade === undefined && !passiveDeletes ? base : schema(cascade, passiveDeletes);
    const session = ctx.session({ expireOnCommit: false });
    const folder = new m.Folder();
    folder.name = "docs";
    for (const name of ["a", "b"]) {
      const file = new m.File();
      file.name = name;
      folder.files.push(file);
    }
    session.add(folder); // save-update: the files come along
    await session.commit();
    return { ...m, session, folder };
  }

  test("save-update (default): adding the parent adds what its relationships hold", async () => {
    const { folder } = await folderWithFiles(undefined);
    assert.equal(await ctx.count("cx_files"), 2);
    assert.ok(folder.files.every((f) => inspect(f).status === "persistent"));
  });

  test("default: deleting the parent detaches its children (foreign key set to NULL)", async () => {
    const { session, folder } = await folderWithFiles(undefined);
    session.delete(folder);
    await session.commit();
    assert.equal(await ctx.count("cx_files"), 2);
    assert.equal(await ctx.count("cx_files", "folder_id IS NULL"), 2);
  });

  test("delete: deleting the parent deletes its children", async () => {
    const { session, folder } = await folderWithFiles("all");
    session.delete(folder);
    await session.commit();
    assert.equal(await ctx.count("cx_files"), 0);
  });

  test("delete: a new child of a deleted parent is not inserted, and leaves the session", async () => {
    const { session, folder, File } = await folderWithFiles("all");
    const late = new File();
    late.name = "late";
    folder.files.push(late);
    assert.equal(inspect(late).status, "pending");
    session.delete(folder);
    await session.commit();
    assert.equal(await ctx.count("cx_files"), 0);
    assert.equal(inspect(late).status, "transient", "expunged, as SQLAlchemy does");
    await session.commit(); // nothing left to write
    assert.equal(await ctx.count("cx_files"), 0);
  });

  test("delete-orphan: a child removed from its parent is deleted", async () => {
    const { session, folder } = await folderWithFiles("all, delete-orphan");
    const [orphan] = folder.files.splice(0, 1);
    assert.equal(inspect(orphan!).status, "persistent");
    await session.commit();
    assert.equal(await ctx.count("cx_files"), 1);
  });

  test("delete-orphan: a child moved to another parent through the lists is not an orphan (decided at flush)", async () => {
    const { session, folder, Folder } = await folderWithFiles("all, delete-orphan");
    const other = new Folder();
    other.name = "other";
    session.add(other);
    const moved = folder.files[0]!;
    folder.files.splice(0, 1); // an orphan for a moment...
    other.files.push(moved); // ...until it has a parent again
    await session.commit();
    assert.equal(await ctx.count("cx_files"), 2, "nothing deleted");
    assert.equal(await ctx.count("cx_files", `folder_id = ${other.id}`), 1);
  });

  test("passive deletes: the database's ON DELETE CASCADE removes the children, which are not loaded", async () => {
    const { registry, Folder } = await folderWithFiles("all", true);
    const session = ctx.session();
    const [folder] = await session.scalars(select(Folder));
    ctx.reset();
    session.delete(folder!);
    await session.commit();
    assert.deepEqual(ctx.statements.map((s) => s.split(" ")[0]), ["DELETE"], "no SELECT of the children");
    assert.equal(await ctx.count("cx_files"), 0);
    assert.ok(registry);
  });

  test("refresh-expire and expunge cascade with 'all'", async () => {
    const { session, folder } = await folderWithFiles("all");
    const files = [...folder.files];
    // refresh cascades to the loaded files: a change made behind the session's back is read.
    await ctx.engine.withConnection((conn) => conn.run("UPDATE cx_files SET name = 'changed'"));
    await session.refresh(folder);
    assert.deepEqual(files.map((f) => f.name), ["changed", "changed"]);
    // expire cascades too.
    await lazy(folder).files; // a refresh unloads relationships: load the files again
    session.expire(folder);
    assert.throws(() => folder.name, /expired/);
    assert.ok(files.every((f) => inspect(f).expired.includes("name")), "expiring the folder expired its loaded files");
    session.expunge(folder);
    assert.equal(inspect(folder).status, "detached");
  });

  test("merge (default) brings a detached graph back into a session", async () => {
    const { session, folder } = await folderWithFiles(undefined);
    await session.close();
    folder.name = "renamed";
    folder.files[0]!.name = "z";
    const other = ctx.session({ expireOnCommit: false });
    const merged = await other.merge(folder);
    assert.notEqual(merged, folder);
    assert.equal(merged.files.find((f) => f.id === folder.files[0]!.id)!.name, "z");
    await other.commit();
    assert.equal(await ctx.count("cx_files", "name = 'z'"), 1);
  });

  test("an unknown cascade is a configuration problem naming the relationship", () => {
    const broken = schema("save-update, delete-orfan");
    assert.throws(() => broken.registry.configure(), (e: unknown) => e instanceof MappingConfigurationError && /Folder\.files: .*unknown cascade 'delete-orfan'/.test(e.message));
  });
}, { createOnce: true });

/**
 * Delete cascades along the other directions: a many-to-many with `cascade: "all"` deletes its
 * members (and the link rows go with both sides), a many-to-one with "delete" deletes its target.
 */
const linked = new Registry();
const teams = table("cx_teams", linked.metadata, { id: integer().primaryKey(), name: string(20) });
const players = table("cx_players", linked.metadata, { id: integer().primaryKey(), name: string(20) });
table("cx_rosters", linked.metadata, {
  teamId: integer().named("team_id").references("cx_teams.id").primaryKey(),
  playerId: integer().named("player_id").references("cx_players.id").primaryKey(),
});
const badges = table("cx_badges", linked.metadata, { id: integer().primaryKey(), playerId: integer().named("player_id").references("cx_players.id") });
class Team {
  declare id: number;
  declare name: string | null;
  declare players: Player[];
}
class Player {
  declare id: number;
  declare name: string | null;
  declare teams: Team[];
}
class Badge {
  declare id: number;
  declare playerId: number | null;
  declare player: Player | null;
}
linked.mapImperatively(Team, teams, {
  properties: { players: manyToMany("Player" as never, { secondary: "cx_rosters", backPopulates: "teams", cascade: "all" }) },
});
linked.mapImperatively(Player, players, { properties: { teams: manyToMany("Team" as never, { secondary: "cx_rosters", backPopulates: "players" }) } });
linked.mapImperatively(Badge, badges, { properties: { player: manyToOne("Player" as never, { cascade: "save-update, delete" }) } });

forEachDatabaseWithSchema("delete cascades along many-to-many and many-to-one", linked.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    const [red, blue] = [Object.assign(new Team(), { id: 1, name: "red" }), Object.assign(new Team(), { id: 2, name: "blue" })];
    const [ann, bob, cy] = [1, 2, 3].map((id) => Object.assign(new Player(), { id, name: `p${id}` }));
    red.players.push(ann!, bob!);
    blue.players.push(cy!);
    session.addAll([red, blue, Object.assign(new Badge(), { id: 1, player: cy })]);
    await session.commit();
  }

  test("deleting a team deletes its players (loaded for it) and their link rows; the other team stays", async () => {
    await seed();
    const session = ctx.session();
    session.delete((await session.get(Team, 1))!);
    await session.commit();
    assert.equal(await ctx.count("cx_teams"), 1);
    assert.equal(await ctx.count("cx_players"), 1, "the red team's two players are deleted");
    assert.equal(await ctx.count("cx_rosters"), 1, "only the blue team's link is left");
  });

  test("deleting a badge deletes its player, and the player's link rows", async () => {
    await seed();
    const session = ctx.session();
    session.delete((await session.get(Badge, 1))!);
    await session.commit();
    assert.equal(await ctx.count("cx_badges"), 0);
    assert.equal(await ctx.count("cx_players", "id = 3"), 0);
    assert.equal(await ctx.count("cx_rosters", "player_id = 3"), 0);
    assert.equal(await ctx.count("cx_teams"), 2, "teams are not deleted: Player.teams has no delete cascade");
  });
}, { createOnce: true });
