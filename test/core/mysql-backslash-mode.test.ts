/**
 * MariaDB/MySQL under sql_mode NO_BACKSLASH_ESCAPES (a server setting some installations have):
 * `createAll` writes its DDL literals with backslashes doubled, as the default mode reads them;
 * that mode read `'x\\y'` as two backslashes, so a server default 'a\b' was stored as 'a\\b', an
 * enum value x\y allowed only x\\y and a CHECK compared with another string, without an error.
 * `createAll` now runs its DDL with the mode off, and the session's mode is put back after.
 * (Migrations: test/migrations/mysql-backslash-mode.test.ts; LIKE: test/core/like-escapes.test.ts.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, MetaData, check, enumType, insert, integer, select, string, table } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

const metadata = new MetaData();
const things = table(
  "core_nbe_things",
  metadata,
  { id: integer().primaryKey(), name: string(10).serverDefault("a\\b"), kind: enumType(["x\\y", "z"]).notNull() },
  (c) => [check(c.name.ne("q\\r"), { name: "core_nbe_things_name" })],
);

const NO_BACKSLASH = "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')";

forEachDatabase(
  "createAll in a session with NO_BACKSLASH_ESCAPES",
  (ctx) => {
    test("a server default, an enum value and a CHECK with a backslash are what the model says; the session keeps its mode", async () => {
      const engine = engineFor(ctx.db, { pool: { max: 1, connectStatements: [NO_BACKSLASH] } });
      try {
        await metadata.dropAll(engine);
        await metadata.createAll(engine);
        await engine.withConnection(async (conn) => {
          assert.match(String((await conn.run("SELECT @@SESSION.sql_mode AS m")).rows[0]!["m"]), /NO_BACKSLASH_ESCAPES/);
        });
        await engine.execute(insert(things).values({ id: 1, kind: "x\\y" }));
        assert.deepEqual((await engine.execute(select(things))).rows, [{ id: 1, name: "a\\b", kind: "x\\y" }]);
        await assert.rejects(engine.execute(insert(things).values({ id: 2, kind: "z", name: "q\\r" })), IntegrityError);
      } finally {
        await metadata.dropAll(engine);
        await engine.dispose();
      }
    });
  },
  ["mysql"],
);
