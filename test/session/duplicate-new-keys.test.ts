/**
 * A new object with the primary key of a row the session already holds, two new objects with one
 * key, two association objects for one link: each INSERT after the first was refused by the
 * database (a raw IntegrityError, naming a constraint, after the flush's other statements ran).
 * The flush refuses them before any statement, naming the class, the key and the fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DuplicateKeyError, lazy, sql } from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("new objects whose key a row of the session already has", Base.metadata, (ctx) => {
  const links = async () =>
    (await ctx.engine.execute(sql<{ l: number; r: number; x: string | null }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table ORDER BY left_id, right_id`)).rows.map(
      (row) => `${Number(row.l)}-${Number(row.r)}:${row.x ?? "null"}`,
    );
  /** Parent 1 and child 10, linked ("x"); child 20, not linked. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    parent.children.push(Object.assign(new Child(), { id: 10 }));
    parent.childAssociations[0]!.extraData = "x";
    session.addAll([parent, Object.assign(new Child(), { id: 20 })]);
    await session.commit();
    await session.close();
  }
  const writes = () => ctx.statements.filter((s) => /^(INSERT|UPDATE|DELETE)/i.test(s));

  test("a new object with the key of one loaded: DuplicateKeyError before any statement, naming class, key and merge()", async () => {
    await seed();
    const session = ctx.session();
    await session.get(Parent, 1);
    const copy = Object.assign(new Parent(), { id: 1 });
    session.add(copy);
    session.add(Object.assign(new Child(), { id: 30 }));
    ctx.reset();
    await assert.rejects(session.commit(), (e: unknown) => e instanceof DuplicateKeyError && /Parent/.test(e.message) && /id=1/.test(e.message) && /merge\(/.test(e.message));
    assert.deepEqual(writes(), []);
    // The session goes on: the copy expunged, the rest is written.
    session.expunge(copy);
    await session.commit();
    assert.equal(await ctx.count("right_table"), 3);
    assert.equal(await ctx.count("left_table"), 1);
  });

  test("two new objects with one key: DuplicateKeyError before any statement", async () => {
    const session = ctx.session();
    session.addAll([Object.assign(new Child(), { id: 5 }), Object.assign(new Child(), { id: 5 })]);
    ctx.reset();
    await assert.rejects(session.commit(), (e: unknown) => e instanceof DuplicateKeyError && /Child/.test(e.message) && /id=5/.test(e.message));
    assert.deepEqual(writes(), []);
  });

  test("a second association object for a link the session holds: DuplicateKeyError before any statement, the link as it was", async () => {
    await seed();
    const session = ctx.session();
    const parent = (await session.get(Parent, 1))!;
    const child = (await session.get(Child, 10))!;
    const other = (await session.get(Child, 20))!;
    await lazy(parent).childAssociations; // the link's association object, held by the session
    session.add(Object.assign(new Association(), { parent, child: other, extraData: "new" }));
    session.add(Object.assign(new Association(), { parent, child, extraData: "again" }));
    ctx.reset();
    await assert.rejects(session.commit(), (e: unknown) => e instanceof DuplicateKeyError && /Association/.test(e.message) && /leftId=1, rightId=10/.test(e.message));
    assert.deepEqual(writes(), []);
    assert.deepEqual(await links(), ["1-10:x"]);
  });

  test("two new association objects for one new link: DuplicateKeyError before any statement", async () => {
    const session = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    const child = Object.assign(new Child(), { id: 10 });
    session.addAll([Object.assign(new Association(), { parent, child, extraData: "a" }), Object.assign(new Association(), { parent, child, extraData: "b" })]);
    ctx.reset();
    await assert.rejects(session.commit(), (e: unknown) => e instanceof DuplicateKeyError && /Association/.test(e.message));
    assert.deepEqual(writes(), []);
  });

  test("a row deleted and a new object with its key in one flush is still one UPDATE (a row switch)", async () => {
    await seed();
    const session = ctx.session();
    const child = (await session.get(Child, 20))!;
    session.delete(child);
    session.add(Object.assign(new Child(), { id: 20 }));
    await session.commit();
    assert.equal(await ctx.count("right_table"), 2);
  });
}, { createOnce: true });
