/**
 * The per-dialect normalisers that reflection and `DdlCompiler.tableModel` share: type text back
 * to athanor kinds (raw where athanor would not emit it), default text in one form, the names
 * databases make up, and the canonical form of CHECK conditions. No database needed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mysqlDatabaseName, mysqlDefault, mysqlTypeModel } from "../../src/dialects/mysql/normalize.js";
import { postgresDatabaseName, postgresDefault, postgresTypeModel } from "../../src/dialects/postgresql/normalize.js";
import { sqliteDefault, sqliteTypeModel } from "../../src/dialects/sqlite/normalize.js";
import { canonicalCheckSql, sameType } from "../../src/migrations/schema/canonical.js";

test("SQLite type text: athanor's names map back, anything else is raw", () => {
  assert.deepEqual(sqliteTypeModel("VARCHAR(20)"), { kind: "string", length: 20 });
  assert.deepEqual(sqliteTypeModel("numeric(10,2)"), { kind: "numeric", precision: 10, scale: 2 });
  assert.deepEqual(sqliteTypeModel("CHAR(36)"), { kind: "uuid" });
  assert.deepEqual(sqliteTypeModel("CHAR(10)"), { kind: "raw", sql: "CHAR(10)" });
  assert.deepEqual(sqliteTypeModel("INT"), { kind: "raw", sql: "INT" });
  assert.equal(sqliteDefault("TRUE"), "1");
});

test("PostgreSQL type text and defaults", () => {
  assert.deepEqual(postgresTypeModel("character varying(40)"), { kind: "string", length: 40 });
  // datetime() is TIMESTAMP(3); PostgreSQL's TIMESTAMP without a precision keeps 6 digits.
  assert.deepEqual(postgresTypeModel("timestamp with time zone"), { kind: "datetime", timezone: true, precision: 6 });
  assert.deepEqual(postgresTypeModel("timestamp(3) without time zone"), { kind: "datetime", timezone: false });
  assert.deepEqual(postgresTypeModel("timestamp(0) with time zone"), { kind: "datetime", timezone: true, precision: 0 });
  assert.deepEqual(postgresTypeModel("json"), { kind: "raw", sql: "json" });
  assert.deepEqual(postgresTypeModel("smallint"), { kind: "raw", sql: "smallint" });
  assert.equal(postgresDefault("'abc'::character varying"), "'abc'");
  assert.equal(postgresDefault("'-1'::integer"), "-1");
  assert.equal(postgresDefault("'-1.5'::double precision"), "-1.5");
  assert.equal(postgresDefault("'it''s'::text"), "'it''s'");
  assert.equal(postgresDefault("true"), "TRUE");
  assert.equal(postgresDefault("now()"), "now()");
});

test("MySQL type text and defaults", () => {
  assert.deepEqual(mysqlTypeModel("int(11)"), { kind: "integer" });
  assert.deepEqual(mysqlTypeModel("tinyint(1)"), { kind: "boolean" });
  assert.deepEqual(mysqlTypeModel("enum('a','it''s')"), { kind: "enum", values: ["a", "it's"] });
  assert.deepEqual(mysqlTypeModel("int(10) unsigned"), { kind: "raw", sql: "int(10) unsigned" });
  // datetime() is DATETIME(3); DATETIME alone keeps whole seconds, athanor made DATETIME(6) before.
  assert.deepEqual(mysqlTypeModel("datetime"), { kind: "datetime", timezone: false, precision: 0 });
  assert.deepEqual(mysqlTypeModel("datetime(3)"), { kind: "datetime", timezone: false });
  assert.deepEqual(mysqlTypeModel("datetime(6)"), { kind: "datetime", timezone: false, precision: 6 });
  assert.equal(mysqlDefault("current_timestamp(6)", { kind: "datetime", timezone: false }), "CURRENT_TIMESTAMP");
  assert.equal(mysqlDefault("TRUE", { kind: "boolean" }), "1");
  assert.equal(mysqlDefault("1.5", { kind: "numeric", precision: 12, scale: 2 }), "1.50");
});

test("names the databases make up for unnamed constraints", () => {
  assert.ok(postgresDatabaseName("pk", "users", "users_pkey", ["id"]));
  assert.ok(postgresDatabaseName("uq", "users", "users_email_key1", ["email"]));
  assert.ok(postgresDatabaseName("ck", "users", "users_age_check", ["id", "age"]));
  assert.ok(!postgresDatabaseName("ck", "users", "ck_users_age", ["id", "age"]));
  assert.ok(mysqlDatabaseName("uq", "users", "email_2", ["email"]));
  assert.ok(mysqlDatabaseName("ck", "users", "CONSTRAINT_3", []));
  assert.ok(!mysqlDatabaseName("uq", "users", "uq_users_email", ["email"]));
});

test("CHECK conditions compare in canonical form; types through sameType", () => {
  assert.equal(canonicalCheckSql(`(price)::numeric > (0)::numeric AND name::text <> ''`, "postgresql"), canonicalCheckSql(`"price" > 0 AND "name" <> ''`, "postgresql"));
  assert.notEqual(canonicalCheckSql(`"a" > 'X'`, "postgresql"), canonicalCheckSql(`"a" > 'x'`, "postgresql"));
  assert.ok(sameType({ kind: "raw", sql: "INT  UNSIGNED" }, { kind: "raw", sql: "int unsigned" }, "mysql"));
  assert.ok(!sameType({ kind: "string", length: 2 }, { kind: "string", length: 3 }, "mysql"));
});

test("type text with modifiers or array brackets stays raw", () => {
  assert.deepEqual(postgresTypeModel("character varying(10)[]"), { kind: "raw", sql: "character varying(10)[]" });
  assert.deepEqual(sqliteTypeModel("VARCHAR(10) COLLATE NOCASE"), { kind: "raw", sql: "VARCHAR(10) COLLATE NOCASE" });
  assert.deepEqual(mysqlTypeModel("bigint(20) unsigned zerofill"), { kind: "raw", sql: "bigint(20) unsigned zerofill" });
});
