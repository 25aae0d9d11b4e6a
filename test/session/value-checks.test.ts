/**
 * Values are checked before a flush writes anything: a value its column's type does not accept,
 * a value outside an enum, null or nothing for a NOT NULL column without a default raise
 * InvalidValueError naming the model, the attribute, the value and what would fit, before any
 * statement of the flush is sent (counted with the engine's echo hook); the objects keep their
 * values, and once the value is corrected the same session commits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidValueError, inspect } from "../../src/index.js";
import { GadgetBase, VcGadget, VcShelf } from "./fixtures/gadget.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

interface BadValue {
  readonly attribute: keyof VcGadget & string;
  /** The bad value; undefined: the attribute is left unset. */
  readonly bad: unknown;
  readonly good: unknown;
  /** What the message must say the column accepts. */
  readonly expected: RegExp;
}

const cases: readonly BadValue[] = [
  { attribute: "active", bad: "yes", good: true, expected: /expected a boolean \(true or false\)/ },
  { attribute: "qty", bad: "12", good: 12, expected: /expected an integer number/ },
  { attribute: "qty", bad: 1.5, good: 2, expected: /expected an integer number/ },
  { attribute: "qty", bad: 2 ** 40, good: 3, expected: /from -2147483648 to 2147483647/ },
  { attribute: "seenAt", bad: "2024-05-01 10:00", good: new Date(Date.UTC(2024, 4, 1, 10)), expected: /expected a valid Date object/ },
  { attribute: "madeOn", bad: "01/05/2024", good: "2024-05-01", expected: /"YYYY-MM-DD"/ },
  { attribute: "madeOn", bad: "2023-02-29", good: "2024-02-29", expected: /"YYYY-MM-DD"/ },
  { attribute: "madeOn", bad: new Date(), good: "2024-05-01", expected: /"YYYY-MM-DD"/ },
  // PostgreSQL has no year 0 (a raw DataError mid-flush); SQLite and MariaDB stored it. As datetime() refuses it.
  { attribute: "madeOn", bad: "0000-01-01", good: "0001-01-01", expected: /"YYYY-MM-DD" in years 1-9999/ },
  { attribute: "madeOn", bad: "0000-12-31", good: "9999-12-31", expected: /"YYYY-MM-DD" in years 1-9999/ },
  { attribute: "madeOn", bad: "-0001-01-01", good: "2024-05-01", expected: /"YYYY-MM-DD" in years 1-9999/ },
  { attribute: "size", bad: "medium", good: "large", expected: /expected one of "small", "large"/ },
  { attribute: "name", bad: 42, good: "forty-two", expected: /expected a string of at most 20 characters/ },
  { attribute: "name", bad: "x".repeat(21), good: "x".repeat(20), expected: /at most 20 characters/ },
  { attribute: "name", bad: null, good: "named", expected: /is null, but column vc_gadgets\.name is NOT NULL/ },
  { attribute: "name", bad: undefined, good: "named", expected: /has no value, but column vc_gadgets\.name is NOT NULL and has no default/ },
  { attribute: "active", bad: null, good: false, expected: /is NOT NULL/ },
];

function describeCase(c: BadValue): string {
  const shown = typeof c.bad === "string" ? JSON.stringify(c.bad) : c.bad instanceof Date ? "a Date" : String(c.bad);
  return c.bad === undefined ? `${c.attribute} left unset` : `${c.attribute} = ${shown}`;
}

forEachDatabaseWithSchema("value checks", GadgetBase.metadata, (ctx) => {
  for (const c of cases) {
    test(`a new row with ${describeCase(c)} raises InvalidValueError before any statement, and commits once corrected`, async () => {
      const session = ctx.session({ expireOnCommit: false });
      const shelf = Object.assign(new VcShelf(), { label: "top" });
      const gadget = Object.assign(new VcGadget(), { name: "widget", shelf });
      (gadget as unknown as Record<string, unknown>)[c.attribute] = c.bad;
      session.add(shelf);
      ctx.reset();
      const error = await session.commit().then(
        () => assert.fail("the commit should have failed"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof InvalidValueError, `expected InvalidValueError, got ${String(error)}`);
      assert.equal(error.model, "VcGadget");
      assert.equal(error.attribute, c.attribute);
      assert.equal(error.value, c.bad);
      assert.match(error.message, new RegExp(`^VcGadget\\.${c.attribute}`));
      assert.match(error.message, c.expected);
      assert.deepEqual(ctx.statements, [], "no statement of the flush was sent, not even the shelf's INSERT");
      assert.equal(inspect(gadget).status, "pending");
      assert.equal(inspect(shelf).status, "pending");

      (gadget as unknown as Record<string, unknown>)[c.attribute] = c.good;
      await session.commit();
      assert.equal(await ctx.count("vc_shelves"), 1);
      assert.equal(await ctx.count("vc_gadgets"), 1);
      const check = ctx.session();
      const stored = (await check.get(VcGadget, gadget.id))!;
      assert.deepEqual(stored[c.attribute], c.good);
    });
  }

  test("a changed attribute of a persistent row is checked before its UPDATE; the row is left as it was", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const shelf = Object.assign(new VcShelf(), { label: "top" });
    const gadget = Object.assign(new VcGadget(), { name: "widget", qty: 1, size: "small" as VcGadget["size"], shelf });
    session.add(shelf);
    await session.commit();
    shelf.label = "renamed";
    gadget.qty = "12" as never;
    ctx.reset();
    await assert.rejects(session.commit(), (e: unknown) => e instanceof InvalidValueError && e.attribute === "qty" && /"12" \(a string\)/.test(e.message));
    assert.deepEqual(ctx.statements, [], "not even the shelf's UPDATE");
    assert.equal(gadget.qty, "12", "the object keeps the value it was given");
    gadget.qty = 12;
    gadget.size = null; // null where the column allows it is fine
    gadget.name = null as never;
    ctx.reset();
    await assert.rejects(session.commit(), (e: unknown) => e instanceof InvalidValueError && e.attribute === "name");
    assert.deepEqual(ctx.statements, []);
    gadget.name = "widget 2";
    await session.commit();
    const check = ctx.session();
    const stored = (await check.get(VcGadget, gadget.id))!;
    assert.deepEqual([stored.name, stored.qty, stored.size], ["widget 2", 12, null]);
    assert.equal((await check.get(VcShelf, shelf.id))!.label, "renamed");
  });

  test("a bad value after an earlier flush of the transaction loses nothing: correcting it commits both", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const shelf = Object.assign(new VcShelf(), { label: "first" });
    session.add(shelf);
    await session.flush(); // written in this transaction, not committed
    const gadget = Object.assign(new VcGadget(), { name: "g", size: "huge" as unknown as VcGadget["size"], shelf });
    session.add(gadget);
    ctx.reset();
    await assert.rejects(session.commit(), (e: unknown) => e instanceof InvalidValueError && e.attribute === "size" && /"huge"/.test(e.message));
    assert.deepEqual(ctx.statements, []);
    gadget.size = "large";
    await session.commit();
    assert.equal(await ctx.count("vc_shelves", "label = 'first'"), 1);
    assert.equal(await ctx.count("vc_gadgets", "size = 'large'"), 1);
  });

  test("every accepted value of every kind is written as given (no false alarm)", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const shelf = Object.assign(new VcShelf(), { label: "ünïcødé 🙂 twenty ch!" }); // 20 characters, 21 UTF-16 units
    const gadget = Object.assign(new VcGadget(), {
      name: "g",
      active: false,
      qty: -2147483648,
      madeOn: "2024-02-29",
      seenAt: new Date(Date.UTC(2024, 1, 29, 12)),
      size: "small" as const,
      shelf,
    });
    session.add(shelf);
    await session.commit();
    const check = ctx.session();
    const stored = (await check.get(VcGadget, gadget.id))!;
    assert.deepEqual([stored.active, stored.qty, stored.madeOn, stored.seenAt!.toISOString(), stored.size], [false, -2147483648, "2024-02-29", "2024-02-29T12:00:00.000Z", "small"]);
    assert.equal((await check.get(VcShelf, shelf.id))!.label, shelf.label);
  });
}, { createOnce: true });
