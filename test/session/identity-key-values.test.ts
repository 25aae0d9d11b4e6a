/**
 * Key values that must map to one identity, and only one: a UUID given in upper case and the
 * lower-case form the database answers with are the same object; composite text keys whose parts
 * contain the identity key's separator (NUL) are different objects; a Date or bytes key read back
 * is the object added (as objects, every row read made a new key: a second object for the row),
 * and composite keys with timestamps a millisecond apart are two objects (a Date part was its
 * text to the second: one object for two rows, the second row never seen).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, InvalidValueError, binary, column, columnsOf, datetime, integer, model, numeric, select, string, uuid, type Decimal, type Given } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class KeyValuesBase extends DeclarativeBase {}

@model("kv_tokens")
class KvToken extends KeyValuesBase {
  @column(uuid().primaryKey()) accessor id!: Given<string>;
  @column(string(40)) accessor label!: string | null;
}

/** UUIDs kept in a plain text column, as the application wrote them. */
@model("kv_codes")
class KvCode extends KeyValuesBase {
  @column(string(36).primaryKey()) accessor code!: Given<string>;
}

@model("kv_pairs")
class KvPair extends KeyValuesBase {
  @column(string(20).primaryKey()) accessor a!: Given<string>;
  @column(string(20).primaryKey()) accessor b!: Given<string>;
  @column(string(40)) accessor label!: string | null;
}

@model("kv_readings")
class KvReading extends KeyValuesBase {
  @column(datetime().primaryKey()) accessor at!: Given<Date>;
  @column(string(40)) accessor label!: string | null;
}

@model("kv_samples")
class KvSample extends KeyValuesBase {
  @column(integer().primaryKey().autoincrement(false)) accessor sensor!: Given<number>;
  @column(datetime().primaryKey()) accessor at!: Given<Date>;
  @column(string(40)) accessor label!: string | null;
}

@model("kv_blobs")
class KvBlob extends KeyValuesBase {
  @column(binary(16).primaryKey()) accessor id!: Given<Uint8Array>;
  @column(string(40)) accessor label!: string | null;
}

@model("kv_prices")
class KvPrice extends KeyValuesBase {
  @column(numeric(6, 2).primaryKey()) accessor amount!: Given<Decimal>;
  @column(string(40)) accessor label!: string | null;
}

/** numeric() without precision: DECIMAL(38, 10) on MariaDB, a double on SQLite, unbounded on PostgreSQL. */
@model("kv_amounts")
class KvAmount extends KeyValuesBase {
  @column(numeric().primaryKey()) accessor amount!: Given<Decimal>;
  @column(string(40)) accessor label!: string | null;
}

const UPPER = "3F2504E0-4F89-41D3-9A0C-0305E82C3301";
const LOWER = UPPER.toLowerCase();

forEachDatabaseWithSchema("identity of key values", KeyValuesBase.metadata, (ctx) => {
  test("a UUID key added in upper case: get() by either case returns that same object", async () => {
    const session = ctx.session();
    const token = Object.assign(new KvToken(), { id: UPPER, label: "added in upper case" });
    session.add(token);
    await session.commit();
    assert.equal(await session.get(KvToken, LOWER), token, "by the lower-case key");
    assert.equal(await session.get(KvToken, UPPER), token, "by the upper-case key");
    assert.equal(token.label, "added in upper case");
    await session.close(); // in-memory SQLite has one connection

    const other = ctx.session();
    const loaded = await other.get(KvToken, UPPER);
    assert.ok(loaded, "found by the upper-case key in a new session");
    assert.equal(loaded.id, LOWER, "stored in lower case");
    assert.equal(await other.get(KvToken, LOWER), loaded);
    assert.deepEqual(await other.scalars(select(KvToken)), [loaded], "a query finds the same object");
    await other.close();
    assert.equal(await ctx.count("kv_tokens"), 1);
  });

  test("a UUID in a text key column: the object added and the row read back are one object", async () => {
    const session = ctx.session();
    const code = Object.assign(new KvCode(), { code: UPPER });
    session.add(code);
    await session.commit();
    assert.deepEqual(await session.scalars(select(KvCode)), [code], "the row (upper case, as stored) is the object added");
    assert.equal(await session.get(KvCode, LOWER), code);
    assert.equal(code.code, UPPER, "a text column keeps the value as written");
  });

  test(
    "composite text keys containing the separator are distinct objects",
    { skip: ctx.db.name === "postgresql" && "PostgreSQL text cannot hold NUL characters" },
    async () => {
      const keys = [
        ["a\u0000sb", "c"],
        ["a", "b\u0000sc"],
        ["a\u0000s1:b", "c"],
        ["a", "b\u0000s1:c"],
      ] as const;
      const session = ctx.session();
      const pairs = keys.map(([a, b], i) => Object.assign(new KvPair(), { a, b, label: `pair ${i}` }));
      for (const pair of pairs) session.add(pair);
      await session.commit();
      for (const [i, [a, b]] of keys.entries()) assert.equal(await session.get(KvPair, [a, b]), pairs[i], `pair ${i}`);
      await session.close();

      const other = ctx.session();
      const loaded = await other.scalars(select(KvPair));
      assert.equal(new Set(loaded).size, keys.length, "one object per row");
      for (const [i, [a, b]] of keys.entries()) {
        const pair = await other.get(KvPair, [a, b]);
        assert.equal(pair?.label, `pair ${i}`);
        assert.deepEqual([pair.a, pair.b], [a, b]);
      }
    },
  );

  test("a Date key: the object added is the row read back, and get() by an equal Date finds it", async () => {
    const session = ctx.session();
    const at = new Date(Date.UTC(2024, 0, 1, 12, 0, 0, 250));
    const reading = Object.assign(new KvReading(), { at, label: "noon" });
    session.add(reading);
    await session.commit();
    assert.deepEqual(await session.scalars(select(KvReading)), [reading]);
    assert.equal(await session.get(KvReading, new Date(at.getTime())), reading);
    reading.label = "changed";
    await session.commit();
    assert.equal(await ctx.count("kv_readings", "label = 'changed'"), 1);
  });

  test("composite keys with timestamps a millisecond apart are two objects, each found by its own key", async () => {
    const session = ctx.session();
    const first = Object.assign(new KvSample(), { sensor: 1, at: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 100)), label: "first" });
    const second = Object.assign(new KvSample(), { sensor: 1, at: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 101)), label: "second" });
    session.add(first);
    session.add(second);
    await session.commit();
    assert.equal(await session.get(KvSample, [1, new Date(first.at.getTime())]), first);
    assert.equal(await session.get(KvSample, [1, new Date(second.at.getTime())]), second);
    await session.close();
    const other = ctx.session();
    const loaded = await other.scalars(select(KvSample));
    assert.deepEqual(loaded.map((s) => s.label).sort(), ["first", "second"], "one object per row");
  });

  test("a bytes key: the object added is the row read back", async () => {
    const session = ctx.session();
    const blob = Object.assign(new KvBlob(), { id: new Uint8Array(16).fill(7), label: "sevens" });
    session.add(blob);
    await session.commit();
    assert.deepEqual(await session.scalars(select(KvBlob)), [blob]);
    assert.equal(await session.get(KvBlob, Buffer.alloc(16, 7)), blob);
  });

  test("a decimal key is written as the database answers it: \"1.5\" is refused, \"1.50\" is the row read back", async () => {
    const session = ctx.session();
    const price = Object.assign(new KvPrice(), { amount: "1.5" as Decimal, label: "one fifty" });
    session.add(price);
    await assert.rejects(session.commit(), (e: unknown) => e instanceof InvalidValueError && e.attribute === "amount" && /exactly 2 digits/.test(e.message));
    price.amount = "1.50";
    await session.commit();
    assert.deepEqual(await session.scalars(select(KvPrice)), [price]);
    assert.equal(await session.get(KvPrice, "1.50"), price);
  });

  test("a numeric() key is written without trailing zeros, as every database answers it: the row read back is the object added", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const amount = Object.assign(new KvAmount(), { amount: "1.50" as Decimal, label: "one fifty" });
    session.add(amount);
    await assert.rejects(session.commit(), (e: unknown) => e instanceof InvalidValueError && e.attribute === "amount" && /trailing zeros/.test(e.message));
    amount.amount = "1.5" as Decimal;
    const whole = Object.assign(new KvAmount(), { amount: "2" as Decimal, label: "two" });
    session.add(whole);
    await session.commit();
    assert.deepEqual(await session.scalars(select(KvAmount).orderBy(columnsOf(KvAmount).amount)), [amount, whole]);
    assert.equal(await session.get(KvAmount, "1.5"), amount);
    await session.close(); // SQLite in memory has one connection
    const other = ctx.session();
    assert.deepEqual((await other.scalars(select(KvAmount).orderBy(columnsOf(KvAmount).amount))).map((a) => a.amount), ["1.5", "2"]);
  });
}, { createOnce: true });
