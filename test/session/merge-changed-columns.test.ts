/**
 * `session.merge()` of an object that had a row copies the columns it changed since it was read
 * (assigned, or changed in place), not every value it holds: the others are the row as it was
 * read, and copied they overwrote what another transaction had committed since (SQLAlchemy
 * copies them all). An object that never had a row is the state to merge: all its values.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, columnsOf, integer, json, manyToOne, model, oneToMany, select, joinedLoad, string, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class ChangedBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    McProfile: McProfile;
    McTeam: McTeam;
    McMember: McMember;
  }
}

@model("mc_teams")
class McTeam extends ChangedBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("McMember", { backPopulates: "team" }) accessor members!: Rel<McMember[], "team">;
}

@model("mc_members")
class McMember extends ChangedBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor name!: string;
  @column(integer().named("team_id").references("mc_teams.id")) accessor teamId!: number | null;
  @manyToOne("McTeam", { backPopulates: "members" }) accessor team!: Rel<McTeam | null, "members">;
}

@model("mc_profiles")
class McProfile extends ChangedBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(40).notNull()) accessor name!: string;
  @column(string(40).notNull()) accessor email!: string;
  @column(json<{ theme: string; tags: string[] }>().notNull()) accessor settings!: { theme: string; tags: string[] };
}

/** Profile 1, read by a session then closed (detached). */
async function detachedProfile(ctx: SessionContext): Promise<McProfile> {
  const seed = ctx.session();
  seed.add(Object.assign(new McProfile(), { id: 1, name: "Ann", email: "ann@old", settings: { theme: "light", tags: [] } }));
  await seed.commit();
  await seed.close();
  const reader = ctx.session();
  const profile = (await reader.get(McProfile, 1))!;
  void profile.settings; // read while attached: watched for changes in place
  await reader.close();
  return profile;
}

/** Another session changes profile 1's email and commits. */
async function emailChangedElsewhere(ctx: SessionContext): Promise<void> {
  const other = ctx.session();
  (await other.get(McProfile, 1))!.email = "ann@new";
  await other.commit();
  await other.close();
}

async function row(ctx: SessionContext): Promise<Pick<McProfile, "name" | "email" | "settings">> {
  const reader = ctx.session();
  const { name, email, settings } = (await reader.get(McProfile, 1))!;
  await reader.close();
  return { name, email, settings };
}

forEachDatabaseWithSchema("merge copies the columns changed since read", ChangedBase.metadata, (ctx) => {
  test("a column another transaction changed is kept; the columns changed on the detached object (assigned, or in place) are merged", async () => {
    const profile = await detachedProfile(ctx);
    await emailChangedElsewhere(ctx);
    profile.name = "Anne";
    profile.settings.tags.push("admin"); // in place
    const session = ctx.session();
    const merged = await session.merge(profile);
    assert.equal(merged.email, "ann@new");
    await session.commit();
    assert.deepEqual(await row(ctx), { name: "Anne", email: "ann@new", settings: { theme: "light", tags: ["admin"] } });
  });

  test("an object never read, its key given, is the state to merge: every value it holds is copied", async () => {
    await detachedProfile(ctx);
    await emailChangedElsewhere(ctx);
    const session = ctx.session();
    await session.merge(Object.assign(new McProfile(), { id: 1, name: "Given", email: "given@here", settings: { theme: "dark", tags: [] } }));
    await session.commit();
    assert.deepEqual(await row(ctx), { name: "Given", email: "given@here", settings: { theme: "dark", tags: [] } });
  });

  test("a many-to-one another transaction changed is kept unless the detached object changed it", async () => {
    const seed = ctx.session();
    const [one, two, three] = [1, 2, 3].map((id) => Object.assign(new McTeam(), { id }));
    seed.addAll([one!, two!, three!]);
    seed.addAll([1, 2].map((id) => Object.assign(new McMember(), { id, name: `m${id}`, team: one! })));
    await seed.commit();
    await seed.close();
    const reader = ctx.session();
    const [ann, bob] = await reader.scalars(select(McMember).options(joinedLoad(McMember, "team")).orderBy(columnsOf(McMember).id));
    await reader.close();
    const other = ctx.session(); // moves both members to team 2
    for (const member of await other.scalars(select(McMember))) member.teamId = 2;
    await other.commit();
    await other.close();
    ann!.name = "ann"; // her team as read
    bob!.team = Object.assign(new McTeam(), { id: 3 }); // his team changed while detached
    const session = ctx.session();
    await session.merge(ann!);
    await session.merge(bob!);
    await session.commit();
    assert.equal(await ctx.count("mc_members", "id = 1 AND name = 'ann' AND team_id = 2"), 1, "the other transaction's move was undone");
    assert.equal(await ctx.count("mc_members", "id = 2 AND team_id = 3"), 1);
  });
}, { createOnce: true });
