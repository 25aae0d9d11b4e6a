/**
 * An UPDATE undone by the database (a failed flush or COMMIT, a savepoint or transaction rolled
 * back) is undone in memory too: the values the row holds again are the committed ones, so that
 * the next flush names the row by the key and version it has and writes the pending changes once.
 * A version counter incremented by the undone UPDATE used to stay incremented (the retried commit
 * failed with a false StaleDataError: the change could only be written by reloading and applying
 * it again), a primary key changed twice was looked for under its intermediate value, and after a
 * key change was undone the identity map still filed the object under the undone key (`get` then
 * loaded a second object for the same row).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, sql } from "../../src/index.js";
import { Base, Tag } from "../../examples/blog/index.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("undone updates: version counters", CounterBase.metadata, (ctx) => {
  async function rows(): Promise<string[]> {
    const { rows } = await ctx.engine.execute(sql<{ id: number; name: string; value: number; version: number }>`SELECT id, name, value, version FROM sx_counters ORDER BY id`);
    return rows.map((row) => `${row.id}:${row.name}:${row.value}:v${row.version}`);
  }

  async function seed(): Promise<void> {
    const session = ctx.session();
    session.addAll([Object.assign(new SxCounter(), { id: 1, name: "a", value: 1 }), Object.assign(new SxCounter(), { id: 2, name: "b", value: 1 })]);
    await session.commit();
    await session.close();
  }

  const duplicate = () => Object.assign(new SxCounter(), { id: 3, name: "b", value: 9 }); // name "b" is taken

  test("a versioned row updated by an earlier flush, then a failing commit: fixed, the commit writes the change once", async () => {
    await seed();
    const session = ctx.session();
    const counter = (await session.get(SxCounter, 1))!;
    counter.value = 2;
    await session.flush();
    assert.equal(counter.version, 2);
    const bad = duplicate();
    session.add(bad);
    await assert.rejects(session.commit(), IntegrityError);
    assert.equal(counter.version, 1, "the version is the row's again");
    assert.equal(counter.value, 2, "the change is pending again");
    bad.name = "c";
    await session.commit();
    assert.deepEqual(await rows(), ["1:a:2:v2", "2:b:1:v1", "3:c:9:v1"]);
  });

  test("changed again after the flush: the last value is written, the version incremented once", async () => {
    await seed();
    const session = ctx.session();
    const counter = (await session.get(SxCounter, 1))!;
    counter.value = 2;
    await session.flush();
    counter.value = 3;
    const bad = duplicate();
    session.add(bad);
    await assert.rejects(session.commit(), IntegrityError);
    bad.name = "c";
    await session.commit();
    assert.deepEqual(await rows(), ["1:a:3:v2", "2:b:1:v1", "3:c:9:v1"]);
  });

  test("inside a savepoint: a failing flush rolls back to it; fixed, the savepoint and the transaction commit the change once", async () => {
    await seed();
    const session = ctx.session();
    const counter = (await session.get(SxCounter, 1))!;
    const savepoint = await session.beginNested();
    counter.value = 2;
    await session.flush();
    const bad = duplicate();
    session.add(bad);
    await assert.rejects(session.flush(), IntegrityError);
    bad.name = "c";
    await savepoint.commit();
    await session.commit();
    assert.deepEqual(await rows(), ["1:a:2:v2", "2:b:1:v1", "3:c:9:v1"]);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("undone updates: primary keys", Base.metadata, (ctx) => {
  async function rows(): Promise<string[]> {
    const { rows } = await ctx.engine.execute(sql<{ id: number; name: string }>`SELECT id, name FROM tags ORDER BY id`);
    return rows.map((row) => `${row.id}:${row.name}`);
  }

  async function seed(): Promise<void> {
    const session = ctx.session();
    session.addAll([Object.assign(new Tag(), { id: 1, name: "a" }), Object.assign(new Tag(), { id: 2, name: "b" })]);
    await session.commit();
    await session.close();
  }

  test("a key changed and flushed, changed again, then a failing commit: fixed, the row gets the last key, once", async () => {
    await seed();
    const session = ctx.session();
    const tag = (await session.get(Tag, 1))!;
    tag.id = 10;
    await session.flush();
    tag.id = 20;
    const bad = Object.assign(new Tag(), { id: 3, name: "b" });
    session.add(bad);
    await assert.rejects(session.commit(), IntegrityError);
    bad.name = "c";
    await session.commit();
    assert.deepEqual(await rows(), ["2:b", "3:c", "20:a"]);
    assert.equal(await session.get(Tag, 20), tag);
    assert.equal(await session.get(Tag, 10), undefined);
  });

  test("a key change flushed in a savepoint rolled back: the object is the row's object under its old key", async () => {
    await seed();
    const session = ctx.session();
    const tag = (await session.get(Tag, 1))!;
    const savepoint = await session.beginNested();
    tag.id = 10;
    await session.flush();
    await savepoint.rollback();
    assert.equal(tag.id, 1);
    assert.equal(await session.get(Tag, 1), tag, "one object for the row");
    tag.name = "renamed";
    await session.commit();
    assert.deepEqual(await rows(), ["1:renamed", "2:b"]);
  });

  test("a key change flushed, then rollback(): the object is the row's object under its old key", async () => {
    await seed();
    const session = ctx.session();
    const tag = (await session.get(Tag, 1))!;
    tag.id = 10;
    await session.flush();
    await session.rollback();
    assert.equal(await session.get(Tag, 1), tag, "one object for the row");
    assert.equal(tag.id, 1);
    assert.equal(tag.name, "a");
    tag.name = "renamed";
    await session.commit();
    assert.deepEqual(await rows(), ["1:renamed", "2:b"]);
  });
}, { createOnce: true });
