/**
 * A flush writes what the object holds, or refuses before any statement: a decimal with more
 * digits than its column keeps (PostgreSQL and MariaDB rounded "1.005" to "1.01" in NUMERIC(6, 2),
 * SQLite to "1.00"), a string with a lone UTF-16 surrogate (every driver wrote U+FFFD in its
 * place), a UUID without its hyphens (PostgreSQL answered with them: a second object for the row),
 * JSON holding NaN, Infinity (stored as null) or a Set (stored as {}) raise InvalidValueError
 * naming the attribute; the objects keep their values.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect as show } from "node:util";
import { DeclarativeBase, InvalidColumnValueError, InvalidValueError, column, insert, integer, json, model, numeric, select, string, text, update, uuid, type Decimal, type Given } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class FidelityBase extends DeclarativeBase {}

@model("vf_items")
class VfItem extends FidelityBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(numeric(6, 2)) accessor price!: Decimal | null;
  @column(string(10)) accessor label!: string | null;
  @column(text()) accessor note!: string | null;
  @column(json()) accessor data!: unknown;
}

@model("vf_ranked")
class VfRanked extends FidelityBase {
  @column(integer().primaryKey()) accessor id!: number;
  /** A client default that gives what the column would change (MariaDB stored 1.5 as 2). */
  @column(integer().default(() => 1.5)) accessor rank!: number | null;
}

@model("vf_tokens")
class VfToken extends FidelityBase {
  @column(uuid().primaryKey()) accessor id!: Given<string>;
}

/** [attribute, bad value (what the database would have stored instead), a good value and how it reads back]. */
const cases: readonly [keyof VfItem & string, unknown, unknown, unknown][] = [
  ["price", "1.005", "1.01", "1.01"],
  ["price", 1.005, 1.25, "1.25"],
  ["price", "-0.001", "-0.10", "-0.10"],
  ["price", 0.1 + 0.2, 0.3, "0.30"],
  ["price", "9999.999", "9999.99", "9999.99"],
  ["price", "10000", "1e3", "1000.00"],
  ["price", 10000n, 9999n, "9999.00"],
  ["price", "1e-3", "001.500", "1.50"],
  ["label", "a\ud800b", "a😀b", "a😀b"],
  ["note", "x\udc00", "x\u{1F600}", "x😀"],
  ["data", { reading: Infinity }, { reading: 1e308 }, { reading: 1e308 }],
  ["data", [1, NaN], [1, 2], [1, 2]],
  ["data", { tags: new Set(["a"]) }, { tags: ["a"] }, { tags: ["a"] }],
];

forEachDatabaseWithSchema("values written as given, or refused", FidelityBase.metadata, (ctx) => {
  for (const [attribute, bad, good, read] of cases) {
    test(`${attribute} = ${show(bad)} (${typeof bad}) raises InvalidValueError before any statement; ${show(good)} is written`, async () => {
      const session = ctx.session({ expireOnCommit: false });
      const item = Object.assign(new VfItem(), { id: 1, [attribute]: bad });
      session.add(item);
      ctx.reset();
      await assert.rejects(session.commit(), (e: unknown) => e instanceof InvalidValueError && e.attribute === attribute && e.value === bad);
      assert.deepEqual(ctx.statements, [], "nothing was sent");
      assert.equal(item[attribute], bad, "the object keeps its value");
      Object.assign(item, { [attribute]: good });
      await session.commit();
      const stored = (await ctx.session().get(VfItem, 1))!;
      assert.deepEqual(stored[attribute], read);
    });
  }

  test("a bulk insert and a bulk update through the session check their values too, naming the attribute; the session goes on", async () => {
    const session = ctx.session();
    const refused = (e: unknown) => e instanceof InvalidColumnValueError && e.column === "price" && /insert\(VfItem\), row 1: price = "1.005"/.test(e.message);
    await assert.rejects(session.execute(insert(VfItem), [{ id: 1, price: "1.00" }, { id: 2, price: "1.005" as Decimal }]), refused);
    assert.throws(() => update(VfItem).values({ label: "a\ud800" }), (e: unknown) => e instanceof InvalidColumnValueError && e.column === "label");
    await session.execute(insert(VfItem), [{ id: 1, price: "1.00" }, { id: 2, price: "1.01" }]);
    await session.commit();
    assert.equal(await ctx.count("vf_items"), 2);
  });

  test("a client default's value is checked before its INSERT; the flush is undone and the object stays pending", async () => {
    const session = ctx.session();
    const ranked = Object.assign(new VfRanked(), { id: 1 });
    session.add(ranked);
    await assert.rejects(session.commit(), (e: unknown) => e instanceof InvalidColumnValueError && /default of vf_ranked\.rank gave 1\.5/.test((e as Error).message));
    assert.equal(await ctx.count("vf_ranked"), 0);
    ranked.rank = 2;
    await session.commit();
    assert.equal(await ctx.count("vf_ranked", "rank = 2"), 1);
  });

  test("a key of 0 given for a generated key is stored as 0 (MariaDB put the next number in its place)", async () => {
    const session = ctx.session();
    const zero = Object.assign(new VfItem(), { id: 0, label: "zero" });
    session.add(zero);
    await session.commit();
    assert.equal(await ctx.count("vf_items", "id = 0 AND label = 'zero'"), 1);
    zero.label = "changed";
    await session.commit();
    assert.equal(await ctx.count("vf_items", "id = 0 AND label = 'changed'"), 1);
    await session.execute(insert(VfItem), [{ label: "generated" }]);
    await session.commit();
    assert.equal(await ctx.count("vf_items", "id <> 0 AND label = 'generated'"), 1, "an omitted key is still generated");
  });

  test("a UUID key without hyphens is refused; with them, the object added is the row read back", async () => {
    const session = ctx.session();
    const token = Object.assign(new VfToken(), { id: "123e4567e89b12d3a456426614174000" });
    session.add(token);
    await assert.rejects(session.commit(), (e: unknown) => e instanceof InvalidValueError && e.attribute === "id" && /UUID/.test(e.message));
    token.id = "123e4567-e89b-12d3-a456-426614174000";
    await session.commit();
    assert.deepEqual(await session.scalars(select(VfToken)), [token]);
  });
}, { createOnce: true });
