/**
 * The seed's double path (examples/seed/): a second association object for a link that is in
 * the table while the session holds none of its association objects (`parent.childAssociations`
 * and `child.parentAssociations` not loaded). The check before the flush (new-keys.ts) cannot see
 * the row, and the INSERT failed with the driver's raw IntegrityError. It is still an
 * IntegrityError (what code catching duplicates catches), its message naming the class, the views
 * and the fix; the flush is rolled back (the parent added with it is not written) and the session
 * stays usable.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, lazy, sql, type Session } from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a second association object for a link whose association objects are not loaded", Base.metadata, (ctx) => {
  const links = async () =>
    (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
      (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
    );
  /** Parent 1 linked to children 10 ("x") and 20 ("y"). */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    parent.children.push(...[10, 20].map((id) => Object.assign(new Child(), { id })));
    parent.childAssociations.forEach((a, i) => (a.extraData = "xy"[i]!));
    session.add(parent);
    await session.commit();
    await session.close();
  }
  const seconds: [string, (session: Session, parent: Parent, child: Child) => Promise<Association>][] = [
    ["its ends given", async (session, parent, child) => {
      const second = Object.assign(new Association(), { parent, child, extraData: "second" });
      session.add(second);
      return second;
    }],
    ["its key given", async (session) => {
      const second = Object.assign(new Association(), { leftId: 1, rightId: 10, extraData: "second" });
      session.add(second);
      return second;
    }],
    ["the view read (showing the child), its ends given", async (_session, parent, child) => {
      assert.ok((await lazy(parent).children).includes(child));
      return Object.assign(new Association(), { parent, child, extraData: "second" }); // joins through the parent
    }],
  ];
  for (const [how, second] of seconds) {
    test(`${how}: an IntegrityError naming the class, the views and the fix; rolled back, the session usable`, async () => {
      await seed();
      const session = ctx.session();
      const parent = (await session.get(Parent, 1))!;
      const child = (await session.get(Child, 10))!;
      const dup = await second(session, parent, child);
      session.add(Object.assign(new Parent(), { id: 2 })); // written before the association, in the same flush
      const error = await session.flush().then(
        () => assert.fail("flushed"),
        (e: unknown) => e,
      );
      // Still the database's class: code that catches IntegrityError for a duplicate still does.
      assert.ok(error instanceof IntegrityError, `${String(error)}`);
      assert.equal(error.duplicate, "primaryKey");
      assert.ok(error.cause instanceof IntegrityError, "the database's error is its cause");
      assert.match(error.message, /A new Association cannot be inserted: its link is already in 'association_table'/);
      assert.match(error.message, /Parent\.children/);
      assert.match(error.message, /session\.get\(Association, key\)/);
      session.expunge(dup);
      await session.commit(); // usable: the flush is written again without the second one
      assert.deepEqual(await links(), ["1-10:x", "1-20:y"]);
      assert.equal(await ctx.count("left_table"), 2);
    });
  }

  test("rolled back: the parent added with it is not in the database", async () => {
    await seed();
    const session = ctx.session();
    const child = (await session.get(Child, 10))!;
    session.add(Object.assign(new Parent(), { id: 3 }));
    session.add(Object.assign(new Association(), { parent: (await session.get(Parent, 1))!, child, extraData: "second" }));
    await assert.rejects(session.commit(), IntegrityError);
    await session.rollback();
    assert.equal(await ctx.count("left_table"), 1);
    assert.deepEqual(await links(), ["1-10:x", "1-20:y"]);
  });

  test("a new link (no row yet) is inserted as before", async () => {
    await seed();
    const session = ctx.session();
    session.add(Object.assign(new Association(), { parent: (await session.get(Parent, 1))!, child: Object.assign(new Child(), { id: 30 }), extraData: "z" }));
    await session.commit();
    assert.deepEqual(await links(), ["1-10:x", "1-20:y", "1-30:z"]);
  });
}, { createOnce: true });
