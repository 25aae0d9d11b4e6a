/**
 * Relationship changes of a detached object that only a session can act on: adding to a
 * many-to-many view over association objects whose lists are not loaded (`user.groups.push(g)`)
 * makes an association object that no list of the user holds, and removing from such a view (or
 * an association object from its owner's list) leaves an association object to delete that the
 * user no longer reaches. `session.add(user)` then found neither: the commit resolved without the
 * link the view showed, or with the one it no longer showed, and so did the retry of
 * `sessionMaker().transaction` adding the object again after another transaction's change failed
 * the first attempt. The session the user joins now acts on them, until one commits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, select, selectinLoad, sessionMaker, type Session } from "../../src/index.js";
import { Base, Group, Membership, Tag, User } from "../../examples/blog/index.js";
import { asAnotherRequest } from "../support/another-request.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const u = columnsOf(User);
const g = columnsOf(Group);

/** d@x in g1 following v@x; w@x; g2. Returns d@x (groups and following loaded, memberships if asked) and the others, detached. */
async function detachedGraph(ctx: SessionContext, membershipsLoaded: boolean): Promise<{ user: User; w: User; g2: Group }> {
  const seed = ctx.session();
  const user = Object.assign(new User(), { email: "d@x", name: "d" });
  user.groups.push(Object.assign(new Group(), { name: "g1" }));
  user.following.push(Object.assign(new User(), { email: "v@x", name: "v" }));
  seed.addAll([user, Object.assign(new User(), { email: "w@x", name: "w" }), Object.assign(new Group(), { name: "g2" })]);
  await seed.commit();
  await seed.close();
  const reader = ctx.session({ expireOnCommit: false });
  const loads = [selectinLoad(User, "groups"), selectinLoad(User, "following"), ...(membershipsLoaded ? [selectinLoad(User, "memberships")] : [])];
  const [d] = await reader.scalars(select(User).where(u.email.eq("d@x")).options(...loads));
  const [w] = await reader.scalars(select(User).where(u.email.eq("w@x")).options(selectinLoad(User, "followers")));
  const [g2] = await reader.scalars(select(Group).where(g.name.eq("g2")).options(selectinLoad(Group, "members")));
  await reader.close();
  return { user: d!, w: w!, g2: g2! };
}

/** The groups and the users followed of d@x, as the database holds them. */
async function links(ctx: SessionContext): Promise<[string[], string[]]> {
  const check = ctx.session();
  const [d] = await check.scalars(select(User).where(u.email.eq("d@x")).options(selectinLoad(User, "groups"), selectinLoad(User, "following")));
  const result: [string[], string[]] = [d!.groups.map((x) => x.name).sort(), d!.following.map((x) => x.email).sort()];
  await check.close();
  return result;
}

const changes: Record<string, { membershipsLoaded: boolean; change: (graph: { user: User; w: User; g2: Group }) => void; expected: [string[], string[]] }> = {
  "a group pushed through the view": { membershipsLoaded: false, change: ({ user, g2 }) => user.groups.push(g2), expected: [["g1", "g2"], ["v@x"]] },
  "a group removed through the view": { membershipsLoaded: false, change: ({ user }) => user.groups.splice(0, 1), expected: [[], ["v@x"]] },
  "a group pushed through the view, memberships loaded": { membershipsLoaded: true, change: ({ user, g2 }) => user.groups.push(g2), expected: [["g1", "g2"], ["v@x"]] },
  "a group removed through the view, memberships loaded": { membershipsLoaded: true, change: ({ user }) => user.groups.splice(0, 1), expected: [[], ["v@x"]] },
  "a membership taken out of the user's memberships": { membershipsLoaded: true, change: ({ user }) => user.memberships.splice(0, 1), expected: [[], ["v@x"]] },
  "a plain many-to-many pushed and removed (already written)": {
    membershipsLoaded: false,
    change: ({ user, w }) => user.following.splice(0, 1, w),
    expected: [["g1"], ["w@x"]],
  },
};

forEachDatabaseWithSchema(
  "relationship changes made while detached",
  Base.metadata,
  (ctx) => {
    for (const [what, { membershipsLoaded, change, expected }] of Object.entries(changes)) {
      test(`${what}: written when the object is added to a session`, async () => {
        const graph = await detachedGraph(ctx, membershipsLoaded);
        change(graph);
        const session = ctx.session();
        session.add(graph.user);
        await session.commit();
        assert.deepEqual(await links(ctx), expected);
      });

      test(`${what}: written by the next session after a rollback, once`, async () => {
        const graph = await detachedGraph(ctx, membershipsLoaded);
        change(graph);
        const first = ctx.session();
        first.add(graph.user);
        await first.flush();
        await first.rollback();
        await first.close();
        assert.deepEqual(await links(ctx), [["g1"], ["v@x"]], "rolled back");
        const second = ctx.session();
        second.add(graph.user);
        await second.commit();
        await second.close();
        assert.deepEqual(await links(ctx), expected);
        const third = ctx.session();
        third.add(graph.user); // nothing left to write
        await third.commit();
        assert.deepEqual(await links(ctx), expected);
      });
    }

    test("an association object removed while detached, whose row the session it joins holds as another object: add() completes, the commit fails rather than resolve with the link", async () => {
      const graph = await detachedGraph(ctx, true);
      graph.user.memberships.splice(0, 1);
      const session = ctx.session();
      assert.equal((await session.scalars(select(Membership))).length, 1, "the session holds its own object of the row");
      session.add(graph.user); // the session's object stands for the removed one (joining it would be refused mid-add)
      await assert.rejects(session.commit());
      assert.deepEqual(await links(ctx), [["g1"], ["v@x"]], "nothing written");
      await session.rollback();
      await session.commit();
    });

    test("sessionMaker().transaction retried after another session deleted a row the first attempt deleted: the detached user's new group is written once", async () => {
      const graph = await detachedGraph(ctx, false);
      const seed = ctx.session();
      const doomed = Object.assign(new Tag(), { name: "doomed" });
      seed.add(doomed);
      await seed.commit();
      await seed.close();
      graph.user.groups.push(graph.g2);
      let attempts = 0;
      await sessionMaker(ctx.engine).transaction(
        async (session: Session) => {
          attempts++;
          const tag = await session.get(Tag, doomed.id); // read: the first attempt's is stale below
          session.add(graph.user);
          if (attempts === 1) {
            // Another request's commit (outside fn's context, or it would count as fn's own).
            await asAnotherRequest(async () => {
              const other = ctx.session();
              await other.delete((await other.get(Tag, doomed.id))!);
              await other.commit();
            });
          }
          if (tag) await session.delete(tag); // a DELETE matching no row (StaleDataError), or SQLite's stale snapshot
        },
        { retries: 2, backoffMs: 1 },
      );
      assert.equal(attempts, 2, "the first attempt failed and was retried");
      assert.deepEqual(await links(ctx), [["g1", "g2"], ["v@x"]]);
      assert.equal(await ctx.count("memberships"), 2);
    });
  },
  { createOnce: true, sqliteFile: true },
);
