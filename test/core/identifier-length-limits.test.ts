/**
 * Names and the database's identifier limit (PostgreSQL 63 bytes, MySQL/MariaDB 64 characters,
 * SQLite none). Names athanor generates (`fk_<table>_<columns>_<target>`, `ix_...`, `ck_...`) are
 * cut to fit and end with a hash of the whole name, so long names that differ only at their end
 * stay distinct (cut naively, PostgreSQL refuses the second as a duplicate and MySQL refuses the
 * name). A name the user gives that is too long is refused when the DDL is compiled, before any
 * of it runs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IdentifierTooLongError, MetaData, check, enumType, index, insert, integer, select, sql, table, unique } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

// 57 and 56 characters: within every limit, but every name generated from them is not.
const parentName = `core_idlen_parent_${"p".repeat(39)}`;
const childName = `core_idlen_child_${"c".repeat(39)}`;

const metadata = new MetaData();
table(parentName, metadata, {
  id: integer().primaryKey(),
  // Closes a cycle with the child: added with ALTER TABLE after both tables, dropped before them.
  favouriteChild: integer().named("favourite_child_of_this_parent").references(`${childName}.id`),
});
const child = table(
  childName,
  metadata,
  {
    id: integer().primaryKey(),
    // Pairs of columns whose generated names agree on their first 64 characters.
    firstParent: integer().named("reference_to_the_parent_record_number_one").references(`${parentName}.id`),
    secondParent: integer().named("reference_to_the_parent_record_number_two").references(`${parentName}.id`),
    firstStatus: enumType(["new", "old"]).named("status_of_this_child_record_variant_one"),
    secondStatus: enumType(["new", "old"]).named("status_of_this_child_record_variant_two"),
  },
  (c) => [index([c.firstStatus]), index([c.secondStatus])],
);

const limits = { sqlite: undefined, postgresql: 63, mysql: 64 } as const;
const byteLength = (name: string) => Buffer.byteLength(name, "utf8");

forEachDatabase("identifier length limits", (ctx) => {
  test("createAll shortens long generated names to distinct names within the limit; dropAll finds them again", async () => {
    const { engine, db } = ctx;
    await metadata.dropAll(engine);
    await metadata.createAll(engine);
    try {
      const inspector = engine.inspect();
      const childNames = await inspector.constraintNames(childName);
      const parentNames = await inspector.constraintNames(parentName);
      const fullNames = {
        foreignKeys: child.foreignKeys.map((fk) => fk.name),
        indexes: [`ix_${childName}_status_of_this_child_record_variant_one`, `ix_${childName}_status_of_this_child_record_variant_two`],
        checks: [`ck_${childName}_status_of_this_child_record_variant_one`, `ck_${childName}_status_of_this_child_record_variant_two`],
      };
      const seen = {
        foreignKeys: childNames.foreignKeys,
        indexes: childNames.indexes,
        // MySQL restricts an enum's values with its native ENUM type, not a CHECK.
        checks: db.name === "mysql" ? fullNames.checks : childNames.checks,
      };
      const limit = limits[db.name];
      for (const kind of ["foreignKeys", "indexes", "checks"] as const) {
        assert.equal(seen[kind].length, 2, `${kind}: ${seen[kind].join(", ")}`);
        assert.equal(new Set(seen[kind]).size, 2, `${kind} are distinct`);
        if (limit === undefined || (kind === "checks" && db.name === "mysql")) {
          assert.deepEqual(seen[kind], [...fullNames[kind]].sort(), "no limit: the names in full");
          continue;
        }
        for (const name of seen[kind]) {
          assert.equal(byteLength(name), limit, `${name} is cut to the limit`);
          assert.match(name, /_[0-9a-f]{8}$/, "and ends with a hash of the whole name");
          assert.ok(fullNames[kind].some((full) => full.startsWith(name.slice(0, -9))), `${name} starts as a generated name`);
        }
      }
      assert.equal(parentNames.foreignKeys.length, 1, "the foreign key that closes the cycle");
      if (limit !== undefined) assert.equal(byteLength(parentNames.foreignKeys[0]!), limit);
      // The same names on every run (the drop of the cyclic key depends on it): pinned for PostgreSQL.
      if (db.name === "postgresql") {
        assert.equal(parentNames.foreignKeys[0], `fk_${parentName.slice(0, 51)}_af7f4d60`);
      }
    } finally {
      await metadata.dropAll(engine);
    }
    assert.deepEqual(
      (await engine.inspect().tableNames()).filter((n) => n.startsWith("core_idlen_")),
      [],
      "dropAll dropped the cyclic foreign key by its shortened name, then the tables",
    );
  });

  test("a given name longer than the limit is refused before any DDL runs, with the name, its length and the limit", async () => {
    const { engine, db } = ctx;
    const given = new MetaData();
    const longIndex = `ix_${"x".repeat(67)}`; // 70 characters
    table("core_idlen_first", given, { id: integer().primaryKey() });
    table("core_idlen_given", given, { id: integer().primaryKey(), v: integer() }, (c) => [index([c.v], { name: longIndex })]);
    // 3 + 31 × 2 = 65 bytes but 34 characters: too long for PostgreSQL only.
    const accented = new MetaData();
    const accentedName = `ix_${"é".repeat(31)}`;
    table("core_idlen_accented", accented, { id: integer().primaryKey(), v: integer() }, (c) => [index([c.v], { name: accentedName })]);
    const tooLongTable = new MetaData();
    table(`core_idlen_${"t".repeat(60)}`, tooLongTable, { id: integer().primaryKey() });

    const ours = async () => (await engine.inspect().tableNames()).filter((n) => n.startsWith("core_idlen_")).sort();
    try {
      if (db.name === "sqlite") {
        await given.createAll(engine);
        await accented.createAll(engine);
        await tooLongTable.createAll(engine);
        assert.equal((await ours()).length, 4, "SQLite takes names of any length");
        assert.deepEqual((await engine.inspect().constraintNames("core_idlen_given")).indexes, [longIndex]);
        return;
      }
      const limit = limits[db.name];
      const unit = db.name === "postgresql" ? "bytes" : "characters";
      await assert.rejects(given.createAll(engine), (error: unknown) => {
        assert.ok(error instanceof IdentifierTooLongError, String(error));
        assert.ok(error.message.includes(`'${longIndex}'`), error.message);
        assert.ok(error.message.includes(`is 70 ${unit} long`), error.message);
        assert.ok(error.message.includes(`at most ${limit}`), error.message);
        assert.ok(error.message.includes("core_idlen_given"), error.message);
        return true;
      });
      await assert.rejects(tooLongTable.createAll(engine), IdentifierTooLongError);
      assert.deepEqual(await ours(), [], "nothing was created, not even the table before the bad name");
      if (db.name === "postgresql") {
        await assert.rejects(accented.createAll(engine), /is 65 bytes long; PostgreSQL allows at most 63/);
      } else {
        await accented.createAll(engine);
        assert.deepEqual((await engine.inspect().constraintNames("core_idlen_accented")).indexes, [accentedName]);
      }
    } finally {
      await given.dropAll(engine, { checkFirst: true }).catch(() => undefined);
      await accented.dropAll(engine);
      if (db.name === "sqlite") await tooLongTable.dropAll(engine);
    }
  });

  test("the inspector lists the given names of foreign keys, unique and check constraints and indexes", async () => {
    const { engine, db } = ctx;
    const named = new MetaData();
    table("core_idlen_target", named, { id: integer().primaryKey() });
    table(
      "core_idlen_named",
      named,
      { id: integer().primaryKey(), a: integer().references("core_idlen_target.id", { name: "fk_named_a" }), b: integer(), c: integer() },
      (t) => [unique([t.b], { name: "uq_named_b" }), check(t.c.ge(0), { name: "ck_named_c" }), index([t.c], { name: "ix_named_c" })],
    );
    await named.dropAll(engine);
    await named.createAll(engine);
    try {
      assert.deepEqual(await engine.inspect().constraintNames("core_idlen_named"), {
        // Unnamed: SQLite keeps no name, PostgreSQL makes one up, MySQL's is always PRIMARY.
        primaryKey: { sqlite: undefined, postgresql: "core_idlen_named_pkey", mysql: "PRIMARY" }[db.name],
        foreignKeys: ["fk_named_a"],
        uniques: ["uq_named_b"],
        checks: ["ck_named_c"],
        indexes: ["ix_named_c"],
      });
    } finally {
      await named.dropAll(engine);
    }
  });

  test("a generated name with multi-byte characters is cut between characters (PostgreSQL counts bytes)", async () => {
    const { engine, db } = ctx;
    const accented = new MetaData();
    const name = `core_idlen_x${"é".repeat(24)}`; // 60 bytes, 36 characters
    table(name, accented, { id: integer().primaryKey(), v: integer().named("valeur").index() });
    const full = `ix_${name}_valeur`; // 70 bytes, 46 characters
    await accented.dropAll(engine);
    await accented.createAll(engine);
    try {
      const [index, ...more] = (await engine.inspect().constraintNames(name)).indexes;
      assert.deepEqual(more, []);
      if (db.name === "postgresql") {
        // 54 bytes for the prefix would split an "é": 53 bytes of it, then the hash.
        assert.equal(index, `${full.slice(0, 34)}_${index!.slice(-8)}`);
        assert.equal(byteLength(index!), 62);
      } else {
        assert.equal(index, full, "within MySQL's 64 characters; SQLite has no limit");
      }
    } finally {
      await accented.dropAll(engine);
    }
  });

  test("a result label the database would cut is refused; one within the limit keys the row whole", async () => {
    // PostgreSQL cut labels to 63 bytes and MariaDB to 255 characters: the row was keyed by the cut
    // name, and two labels sharing that prefix were one key, holding the second's value.
    const labelTable = table("core_idlen_labels", new MetaData(), { id: integer().primaryKey() });
    const prefix = "l".repeat(ctx.db.name === "mysql" ? 255 : 63);
    const query = select(labelTable.c.id.label(`${prefix}_first`), labelTable.c.id.plus(1).label(`${prefix}_second`)).from(labelTable);
    const within = "é".repeat(31) + "x"; // 63 bytes
    await ctx.engine.execute(sql`CREATE TABLE core_idlen_labels (id INTEGER PRIMARY KEY)`);
    try {
      await ctx.engine.execute(insert(labelTable).values({ id: 1 }));
      if (ctx.db.name === "sqlite") assert.deepEqual((await ctx.engine.execute(query)).rows, [{ [`${prefix}_first`]: 1, [`${prefix}_second`]: 2 }]);
      else await assert.rejects(ctx.engine.execute(query), (e: unknown) => e instanceof IdentifierTooLongError && /result column's label/.test(e.message));
      const { rows } = await ctx.engine.execute(select(labelTable.c.id.label(within)).from(labelTable));
      assert.deepEqual(rows, [{ [within]: 1 }]);
    } finally {
      await ctx.engine.execute(sql`DROP TABLE core_idlen_labels`);
    }
  });
});
