/**
 * A viewonly relationship is never written by the flush. A change made through it (a member
 * pushed, spliced out, a list or object assigned) is refused at once with InvalidRequestError,
 * nothing changed. It used to be kept in memory only: the commit resolved without it, and a
 * viewonly many-to-many whose back-reference is writable changed that list too (quietly), which
 * the flush did not write either: `user.groups` showed a group whose link was never written.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, Registry, integer, lazy, manyToMany, manyToOne, oneToMany, sql, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

function schema() {
  const registry = new Registry();
  const m = registry.metadata;
  table("vo_users", m, { id: integer().primaryKey() });
  table("vo_groups", m, { id: integer().primaryKey() });
  table("vo_members", m, {
    userId: integer().named("user_id").references("vo_users.id").primaryKey(),
    groupId: integer().named("group_id").references("vo_groups.id").primaryKey(),
  });
  table("vo_notes", m, { id: integer().primaryKey(), userId: integer().named("user_id").references("vo_users.id") });
  class User {
    declare id: number;
    declare groups: Group[];
    declare notes: Note[];
  }
  class Group {
    declare id: number;
    declare users: User[];
  }
  class Note {
    declare id: number;
    declare userId: number | null;
    declare user: User | null;
  }
  registry.mapImperatively(User, m.tables.get("vo_users")!, {
    properties: {
      groups: manyToMany("Group" as never, { secondary: "vo_members", backPopulates: "users" }),
      notes: oneToMany("Note" as never, { viewonly: true }),
    },
  });
  registry.mapImperatively(Group, m.tables.get("vo_groups")!, {
    properties: { users: manyToMany("User" as never, { secondary: "vo_members", backPopulates: "groups", viewonly: true }) },
  });
  registry.mapImperatively(Note, m.tables.get("vo_notes")!, { properties: { user: manyToOne("User" as never, { viewonly: true }) } });
  return { registry, User, Group, Note };
}

const { registry, User, Group, Note } = schema();

forEachDatabaseWithSchema("changes through a viewonly relationship", registry.metadata, (ctx) => {
  const links = async () => (await ctx.engine.execute(sql<{ u: number; g: number }>`SELECT user_id AS u, group_id AS g FROM vo_members`)).rows.map((r) => `${r.u}-${r.g}`);
  const refused = (error: unknown) => error instanceof InvalidRequestError && /is viewonly: the flush never writes it/.test(error.message);
  async function seed(): Promise<void> {
    const session = ctx.session();
    session.addAll([Object.assign(new User(), { id: 1 }), Object.assign(new Group(), { id: 7 }), Object.assign(new Note(), { id: 3 })]);
    await session.commit();
    await session.close();
  }

  test("a member pushed to a viewonly many-to-many: refused, neither side changed; through the writable side, written and shown by both", async () => {
    await seed();
    const session = ctx.session();
    const [user, group] = [(await session.get(User, 1))!, (await session.get(Group, 7))!];
    const groups = await lazy(user).groups;
    const users = await lazy(group).users;
    assert.throws(() => users.push(user), (error: unknown) => refused(error) && /change User\.groups instead/.test((error as Error).message));
    assert.deepEqual([users.length, groups.length], [0, 0]);
    await session.commit();
    assert.deepEqual(await links(), []);
    (await lazy(user).groups).push(group);
    assert.deepEqual([...(await lazy(group).users)], [user]);
    await session.commit();
    assert.deepEqual(await links(), ["1-7"]);
  });

  test("a viewonly one-to-many and many-to-one: pushed, spliced, assigned: refused", async () => {
    await seed();
    const session = ctx.session();
    const [user, note] = [(await session.get(User, 1))!, (await session.get(Note, 3))!];
    const notes = await lazy(user).notes;
    assert.throws(() => notes.push(note), refused);
    assert.throws(() => (user.notes = [note]), refused);
    assert.throws(() => (note.user = user), refused);
    assert.equal(notes.length, 0);
    await session.commit();
    assert.equal(await ctx.count("vo_notes", "user_id IS NULL"), 1);
  });
}, { createOnce: true });
