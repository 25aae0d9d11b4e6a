/**
 * A flush in which many new objects take over the rows of deleted ones (row switches) first asks
 * whether rows the flush does not follow still reference them (switch-references.ts). That was
 * one SELECT whose WHERE ORed every switched row's key: past the database's parameter limit
 * (SQLite 32,766, PostgreSQL and MariaDB 65,535) it could not be compiled and the flush failed
 * with a CompileError. It is one SELECT per chunk of keys. Here 16,400 rows with a four-column
 * key: 65,600 parameters in one statement. The rows hold only their key, so the switches
 * themselves write nothing: the check is what the flush runs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FlushOrderError, Registry, deleteFrom, foreignKey, insert, integer, select, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const ROWS = 16_400;
const registry = new Registry();
const slots = table("sk_slots", registry.metadata, {
  a: integer().primaryKey(),
  b: integer().primaryKey(),
  c: integer().primaryKey(),
  d: integer().primaryKey(),
});
/** Rows referencing slots that no relationship of Slot follows: a switch must not hand them over. */
const uses = table("sk_uses", registry.metadata, { id: integer().primaryKey(), a: integer(), b: integer(), c: integer(), d: integer() }, (c) => [
  foreignKey([c.a, c.b, c.c, c.d], "sk_slots", ["a", "b", "c", "d"]),
]);
class Slot {
  declare a: number;
  declare b: number;
  declare c: number;
  declare d: number;
}
registry.mapImperatively(Slot, slots);

const key = (i: number) => ({ a: i, b: i % 7, c: i % 11, d: i % 13 });

forEachDatabaseWithSchema("row switches of more rows than one statement's parameters allow", registry.metadata, (ctx) => {
  /** Every slot deleted and a new one with its key added, in one flush. */
  function switchAll(session: ReturnType<typeof ctx.session>, slots: readonly Slot[]): void {
    for (const slot of slots) session.delete(slot);
    for (let i = 0; i < ROWS; i++) session.add(Object.assign(new Slot(), key(i)));
  }

  // One test, the rows written once: a row referencing the last slot refuses the switches, and
  // once it is gone they are written.
  test("refused while a row references one (FlushOrderError, nothing written), written once none does (was a CompileError)", async () => {
    await ctx.engine.execute(insert(slots).values(Array.from({ length: ROWS }, (_, i) => key(i))));
    await ctx.engine.execute(insert(uses).values({ id: 1, ...key(ROWS - 1) }));
    const session = ctx.session();
    switchAll(session, await session.scalars(select(Slot)));
    await assert.rejects(session.commit(), FlushOrderError); // was a CompileError
    await session.rollback();
    assert.equal(await ctx.count("sk_slots"), ROWS);
    await session.close();

    await ctx.engine.execute(deleteFrom(uses));
    const again = ctx.session();
    switchAll(again, await again.scalars(select(Slot)));
    ctx.reset();
    await again.commit(); // was a CompileError
    // The check's SELECTs only: one bound list each on SQLite and PostgreSQL, literal lists on MariaDB.
    assert.ok(ctx.statements.length >= 1 && ctx.statements.every((s) => /^SELECT/i.test(s)), ctx.statements.join("\n").slice(0, 500));
    assert.equal(await ctx.count("sk_slots"), ROWS);
  });
}, { createOnce: true });
