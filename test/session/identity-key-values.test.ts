/**
 * Key values that must map to one identity, and only one: a UUID given in upper case and the
 * lower-case form the database answers with are the same object; composite text keys whose parts
 * contain the identity key's separator (NUL) are different objects.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, model, select, string, uuid, type Given } from "../../src/index.js";
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
});
