/**
 * The data-loss guard's reading of `execute` SQL (src/migrations/history/sql-drops.ts), statement
 * by statement, in each dialect's quoting: what it counts, what it refuses unread, and what it
 * lets through. The guard itself runs against the databases in sql-drops-data-loss.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { DialectName } from "../../src/core/compiler/dialect.js";
import { sqlDrops } from "../../src/migrations/history/sql-drops.js";

const read = (sql: string, dialect: DialectName) =>
  sqlDrops(sql, dialect).map((d) => (d.kind === "unreadable" ? "unreadable" : d.kind === "dropColumn" ? `dropColumn ${d.table.schema ? `${d.table.schema}.` : ""}${d.table.name}.${d.column}` : `${d.kind} ${d.table.schema ? `${d.table.schema}.` : ""}${d.table.name}`));

test("drops, emptying statements and columns, in each dialect's quoting", () => {
  assert.deepEqual(read('DROP TABLE IF EXISTS "Books", other.notes CASCADE', "postgresql"), ["dropTable Books", "dropTable other.notes"]);
  assert.deepEqual(read("DROP TEMPORARY TABLE `t`", "mysql"), ["dropTable t"]);
  assert.deepEqual(read("ALTER TABLE `t` DROP `c`, DROP INDEX ix, DROP COLUMN IF EXISTS d, ADD COLUMN e INT", "mysql"), ["dropColumn t.c", "dropColumn t.d"]);
  assert.deepEqual(read("alter table [t] drop column c", "sqlite"), ["dropColumn t.c"]);
  assert.deepEqual(read("ALTER TABLE ONLY s.t DROP c CASCADE", "postgresql"), ["dropColumn s.t.c"]);
  assert.deepEqual(read("TRUNCATE TABLE a, b RESTART IDENTITY", "postgresql"), ["deleteRows a", "deleteRows b"]);
  assert.deepEqual(read("DELETE FROM t", "sqlite"), ["deleteRows t"]);
  assert.deepEqual(read("delete from x limit 5", "mysql"), ["deleteRows x"]);
  assert.deepEqual(read("SELECT 1; -- DROP TABLE a\nDELETE FROM b /* WHERE */", "postgresql"), ["deleteRows b"]);
});

test("SQL that may delete rows its text does not show is unreadable", () => {
  for (const [sql, dialect] of [
    ["TRUNCATE a CASCADE", "postgresql"],
    ["DELETE FROM t x USING u", "postgresql"],
    ["DELETE t FROM t JOIN u ON u.id = t.id", "mysql"],
    ["DO $$ BEGIN DELETE FROM t; END $$", "postgresql"],
    ["DO $$ BEGIN ALTER TABLE t DROP c; END $$", "postgresql"],
    ["DO $$ BEGIN DROP TABLE IF EXISTS t; END $$", "postgresql"],
    ["DO $body$ BEGIN EXECUTE format('DR' || 'OP TABLE %I', 't'); END $body$", "postgresql"],
    ["WITH gone AS (DELETE FROM t RETURNING id) SELECT count(*) FROM gone", "postgresql"],
    ["CALL cleanup()", "mysql"],
    ["DROP SCHEMA s CASCADE", "postgresql"],
    ["DROP DATABASE d", "mysql"],
    ["ALTER TABLE t DROP PARTITION p1", "mysql"],
    ["ALTER TABLE t TRUNCATE PARTITION p1", "mysql"],
    ["ATTACH DATABASE 'x.db' AS x", "sqlite"],
  ] as const) assert.deepEqual(read(sql, dialect), ["unreadable"], sql);
});

test("what destroys no row is let through, strings and comments included", () => {
  for (const [sql, dialect] of [
    ["UPDATE t SET note = 'DROP TABLE x; DELETE FROM y'", "mysql"],
    ["UPDATE t SET note = 'it\\'s; DROP TABLE y'", "mysql"],
    ["INSERT INTO t VALUES ('it''s; DROP TABLE z')", "postgresql"],
    ['INSERT INTO t ("DROP TABLE q") VALUES (1)', "sqlite"],
    ["DELETE FROM t WHERE id = 1", "sqlite"],
    ["DELETE FROM t USING u WHERE u.id = t.id", "postgresql"],
    ["DO $$ BEGIN UPDATE t SET a = 1; END $$", "postgresql"],
    ["DO $$ BEGIN IF EXISTS (SELECT 1) THEN ALTER TABLE t DROP CONSTRAINT IF EXISTS k; DROP INDEX IF EXISTS ix; END IF; END $$", "postgresql"],
    ["VACUUM t", "postgresql"],
    ["OPTIMIZE TABLE t", "mysql"],
    ["DROP INDEX ix ON t", "mysql"],
    ["DROP VIEW v; DROP TRIGGER tr; DROP SEQUENCE s", "postgresql"],
    ["ALTER TABLE t ALTER COLUMN c DROP DEFAULT, DROP CONSTRAINT k, DROP CHECK c2", "postgresql"],
    ["ALTER TABLE t DROP PRIMARY KEY, DROP FOREIGN KEY fk", "mysql"],
    ["ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) ON DELETE CASCADE", "postgresql"],
    ["CREATE FUNCTION f() RETURNS void AS $$ DELETE FROM t $$ LANGUAGE sql", "postgresql"],
    ["WITH x AS (SELECT id FROM deleted_items) INSERT INTO t SELECT id FROM x", "postgresql"],
  ] as const) assert.deepEqual(read(sql, dialect), [], sql);
});

test("MariaDB/MySQL strings as the session's sql_mode reads them: a backslash escapes a quote, unless NO_BACKSLASH_ESCAPES", () => {
  const sql = "UPDATE t SET a = 'x\\'; DROP TABLE b; -- '";
  assert.deepEqual(sqlDrops(sql, "mysql").map((d) => d.kind), []);
  assert.deepEqual(sqlDrops(sql, "mysql", false).map((d) => d.kind), ["dropTable"]);
});
