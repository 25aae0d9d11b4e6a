/**
 * A new object whose flush would leave it without a primary key is refused with
 * NullIdentityKeyError naming the class, the key columns and the fix: before any statement when
 * its own values tell (a natural key, an application-numbered key, a key whose server default
 * the flush would not read back), before its INSERT when a relationship should have filled a key
 * that is a foreign key, and after an INSERT that returned no generated key. The flush is rolled
 * back, nothing else is lost, and no commit resolves with an object still pending.
 *
 * Before: SQLite accepted the profile's INSERT without its key (numbering the row with a rowid
 * that happened to match a user) and PostgreSQL/MariaDB the server-default key, and the commit
 * resolved with the object pending under a null key; a natural key without a value was an
 * InvalidValueError that did not say it was the identity.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DBAPIError, NullIdentityKeyError, UnmappedClassError, create, inspect, sql } from "../../src/index.js";
import { KeysBase, NkCode, NkLegacy, NkNumbered, NkProfile, NkStamped, NkUser } from "./fixtures/keys.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

async function commitError(promise: Promise<void>): Promise<unknown> {
  return promise.then(
    () => assert.fail("the commit should have failed"),
    (e: unknown) => e,
  );
}

function inserted(ctx: SessionContext, table: string): boolean {
  return ctx.statements.some((s) => new RegExp(`^INSERT INTO [\`"]${table}[\`"]`).test(s));
}

forEachDatabaseWithSchema("a new object without a primary key", KeysBase.metadata, (ctx) => {
  const ownKeys = [
    { model: NkCode, make: () => Object.assign(new NkCode(), { label: "no code" }), key: "code", column: "nk_codes.code", fix: (o: object) => Object.assign(o, { code: "ABC" }) },
    { model: NkNumbered, make: () => Object.assign(new NkNumbered(), { label: "no n" }), key: "n", column: "nk_numbered.n", fix: (o: object) => Object.assign(o, { n: 7 }) },
    { model: NkStamped, make: () => Object.assign(new NkStamped(), { label: "server default" }), key: "id", column: "nk_stamped.id", fix: (o: object) => Object.assign(o, { id: 42 }) },
  ] as const;

  for (const c of ownKeys) {
    test(`${c.model.name} without ${c.key}: NullIdentityKeyError before any statement; with the key it commits`, async () => {
      const session = ctx.session({ expireOnCommit: false });
      const other = Object.assign(new NkUser(), { name: "bystander" });
      const obj = c.make();
      session.addAll([other, obj]);
      ctx.reset();
      const error = await commitError(session.commit());
      assert.ok(error instanceof NullIdentityKeyError, `expected NullIdentityKeyError, got ${String(error)}`);
      assert.equal(error.model, c.model.name);
      assert.deepEqual(error.attributes, [c.key]);
      assert.deepEqual(error.keyColumns, [c.column]);
      assert.match(error.message, new RegExp(`^A new ${c.model.name} would have no primary key \\(${c.column}\\): ${c.model.name}\\.${c.key} .* has no value`));
      assert.match(error.message, new RegExp(`Give ${c.model.name}\\.${c.key} a value before the flush\\. The flush wrote nothing`));
      assert.deepEqual(ctx.statements, [], "nothing was sent, not even the other object's INSERT");
      assert.equal(inspect(obj).status, "pending");
      assert.equal(inspect(other).status, "pending");

      c.fix(obj);
      await session.commit();
      assert.equal(inspect(obj).status, "persistent");
      assert.equal(inspect(other).status, "persistent");
      assert.equal(await ctx.count(c.column.split(".")[0]!), 1);
      assert.equal(await ctx.count("nk_users"), 1);
    });
  }

  test("create(Model, values): the typed way to make an object (its Given keys required by the compiler) writes as given", async () => {
    const session = ctx.session();
    const made = create(NkCode, { code: "ABC", label: "made" });
    assert.ok(made instanceof NkCode);
    assert.equal(inspect(made).status, "transient");
    session.add(made);
    await session.commit();
    assert.equal(await ctx.count("nk_codes", "code = 'ABC' AND label = 'made'"), 1);
    class NotAModel {}
    assert.throws(() => create(NotAModel, {}), (e: unknown) => e instanceof UnmappedClassError && /create\(\): class NotAModel is not mapped/.test(e.message));
  });

  test("null, or a plain object, handed to add, delete or merge, or an unmapped class to get: UnmappedClassError, and the session goes on", async () => {
    const session = ctx.session();
    const unmapped = (e: unknown) => e instanceof UnmappedClassError && /is not a mapped class/.test(e.message);
    assert.throws(() => session.add(null as never), unmapped);
    assert.throws(() => session.delete(undefined as never), unmapped);
    await assert.rejects(session.merge(null as never), unmapped); // was a TypeError
    await assert.rejects(session.merge({ id: 1 } as never), unmapped);
    // get() is not an async method (it saves a frame per lookup) but rejects as one would.
    class NotAModel {}
    const lookup = session.get(NotAModel, 1);
    await assert.rejects(lookup, (e: unknown) => e instanceof UnmappedClassError && /NotAModel' is not mapped/.test(String(e)));
    await assert.rejects(session.get(NkCode, [1, 2]), /1-column primary key; got 2 values/);
    session.add(create(NkCode, { code: "OK", label: "after" }));
    await session.commit();
    assert.equal(await ctx.count("nk_codes", "code = 'OK'"), 1);
  });

  test("null given for a key the application numbers is refused the same way", async () => {
    const session = ctx.session();
    session.add(Object.assign(new NkNumbered(), { n: null as never, label: "null n" }));
    const error = await commitError(session.commit());
    assert.ok(error instanceof NullIdentityKeyError && /NkNumbered\.n \(column nk_numbered\.n\) is null/.test(error.message), String(error));
  });

  test("a shared key that no related object filled: refused before its INSERT; the transaction is rolled back, its work held to be written again", async () => {
    const session = ctx.session({ expireOnCommit: false });
    // A user with key 1 exists: SQLite used to number the profile's row 1 as well, and accept it.
    const first = Object.assign(new NkUser(), { name: "first" }); // key 1 (the tables are new)
    session.add(first);
    await session.flush(); // written in this transaction: rolled back with it below, and written again
    const second = Object.assign(new NkUser(), { name: "second" });
    const orphan = Object.assign(new NkProfile(), { bio: "whose?" });
    session.addAll([second, orphan]);
    ctx.reset();
    const error = await commitError(session.commit());
    assert.ok(error instanceof NullIdentityKeyError, `expected NullIdentityKeyError, got ${String(error)}`);
    assert.equal(error.model, "NkProfile");
    assert.deepEqual(error.attributes, ["userId"]);
    assert.deepEqual(error.keyColumns, ["nk_profiles.user_id"]);
    assert.match(error.message, /NkProfile\.userId \(column nk_profiles\.user_id\) has no value: it is a foreign key, and no related object filled it/);
    assert.match(error.message, /The flush was rolled back; the objects keep their values\./);
    assert.ok(!inserted(ctx, "nk_profiles"), `no INSERT of the profile was sent: ${ctx.statements.join("; ")}`);
    assert.deepEqual([inspect(first).status, inspect(second).status, inspect(orphan).status], ["pending", "pending", "pending"]);
    assert.equal(await ctx.count("nk_users"), 0, "the transaction was rolled back");

    orphan.user = second;
    await session.commit();
    assert.equal(inspect(orphan).status, "persistent");
    assert.equal(orphan.userId, second.id);
    assert.equal(await ctx.count("nk_users"), 2, "the earlier flush's user and the second one");
    assert.equal(await ctx.count("nk_profiles", `user_id = ${second.id}`), 1);
  });

  test("null for a generated key means: generate it (the row is read back, never left with a null key)", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const users = [Object.assign(new NkUser(), { id: null as never, name: "a" }), Object.assign(new NkUser(), { name: "b" })];
    session.addAll(users);
    await session.commit();
    for (const user of users) {
      assert.equal(inspect(user).status, "persistent");
      assert.equal(typeof user.id, "number");
    }
    assert.notEqual(users[0]!.id, users[1]!.id);
    assert.equal(await ctx.count("nk_users"), 2);
  });

  test("a table whose key the database does not generate, mapped as if it did: no commit resolves with a pending object", async () => {
    // SQLite accepts NULL in a key that is not an INTEGER PRIMARY KEY, and RETURNING gives NULL
    // back; PostgreSQL and MariaDB refuse the row themselves.
    const keyType = { sqlite: "TEXT", postgresql: "integer", mysql: "INT" }[ctx.db.name];
    await ctx.engine.execute(sql`DROP TABLE IF EXISTS nk_legacy`);
    await ctx.engine.execute(sql`CREATE TABLE nk_legacy (id ${sql.raw(keyType)} PRIMARY KEY, label VARCHAR(20))`);
    try {
      const session = ctx.session();
      const legacy = Object.assign(new NkLegacy(), { label: "legacy" });
      session.add(legacy);
      const error = await commitError(session.commit());
      if (ctx.db.name === "sqlite") {
        assert.ok(error instanceof NullIdentityKeyError, `expected NullIdentityKeyError, got ${String(error)}`);
        assert.match(error.message, /NkLegacy\.id \(column nk_legacy\.id\) has no value: the INSERT returned no generated key for it/);
        assert.match(error.message, /The flush was rolled back/);
      } else {
        assert.ok(error instanceof DBAPIError, `expected the database's own refusal, got ${String(error)}`);
      }
      assert.equal(inspect(legacy).status, "pending");
      assert.equal(await ctx.count("nk_legacy"), 0, "the INSERT was rolled back");
    } finally {
      await ctx.engine.execute(sql`DROP TABLE IF EXISTS nk_legacy`);
    }
  });
}, { createOnce: true, sqliteFile: true });
