/**
 * The migrations lint: every rule fires on the unsafe form and not on the safe one, suppression,
 * makeOnlineSafe's output is lint-clean, the lock-timeout preamble; and on the servers, that the
 * facts the rules rest on hold (which PostgreSQL type changes and defaults rewrite, which MariaDB
 * ALTERs run INSTANT / NOCOPY / INPLACE) and that the online-safe forms execute.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import pg from "pg";
import { lintOperations, makeOnlineSafe, LINT_RULES, type Operation } from "../../src/migrations/index.js";
import { lockTimeoutPreamble, parseLockTimeout } from "../../src/migrations/lint/lock-timeout.js";
import { splitOnlinePhases } from "../../src/migrations/lint/online-safe.js";
import type { DialectName } from "../../src/core/compiler/dialect.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import type { Connection } from "../../src/index.js";
import { dbType, formatDbType } from "../../src/migrations/lint/db-type.js";
import { PG_NON_VOLATILE_FUNCTIONS, PG_VOLATILE_FUNCTIONS } from "../../src/migrations/lint/pg-analysis.js";
import { engineFor, testDatabases, type TestDatabase } from "../support/databases.js";
import { authors, books, col, newTable, op, reviews, schema, t } from "./lint-fixtures.js";
import { pgSql } from "./lint-sql.js";
import { renderOperation } from "../../src/migrations/apply/render.js";
import { postgresDialect } from "../../src/dialects/postgresql/dialect.js";

function rules(ops: Operation[], dialect: DialectName, withSchema: SchemaModel | undefined = schema): string[] {
  return lintOperations(ops, { dialect, ...(withSchema ? { schema: withSchema } : {}) }).map((f) => `${f.operationIndex}:${f.rule}:${f.severity}`);
}

describe("PostgreSQL rules", () => {
  test("pg-index-not-concurrent: CREATE INDEX on an existing table, not on a new one or CONCURRENTLY", () => {
    assert.deepEqual(rules([op.createIndex(books, "ix_books_title", ["title"])], "postgresql"), ["0:pg-index-not-concurrent:error"]);
    assert.deepEqual(rules([op.createIndex(books, "ix_books_title", ["title"], { concurrently: true })], "postgresql"), []);
    assert.deepEqual(rules([op.createTable(newTable), op.createIndex(reviews, "ix_reviews_title", ["title"])], "postgresql"), []);
    assert.deepEqual(rules([op.dropIndex(books, "ix_books_isbn", ["isbn"])], "postgresql"), ["0:pg-index-not-concurrent:warning"]);
    assert.deepEqual(rules([op.dropIndex(books, "ix_books_isbn", ["isbn"], true)], "postgresql"), []);
    const [finding] = lintOperations([op.createIndex(books, "ix_books_title", ["title"])], { dialect: "postgresql" });
    assert.match(finding!.message, /ix_books_title on books/);
    assert.match(finding!.fix, /concurrently: true/);
  });

  test("pg-constraint-index-not-concurrent: ADD UNIQUE / PRIMARY KEY on an existing table", () => {
    assert.deepEqual(rules([op.addUnique(books, "uq_books_isbn", ["isbn"])], "postgresql"), ["0:pg-constraint-index-not-concurrent:error"]);
    assert.deepEqual(rules([op.addPrimaryKey(books, ["id"])], "postgresql"), ["0:pg-constraint-index-not-concurrent:error"]);
    assert.deepEqual(rules([op.createTable(newTable), op.addUnique(reviews, "uq_reviews_isbn", ["isbn"])], "postgresql"), []);
  });

  test("pg-fk-not-valid: ADD FOREIGN KEY needs NOT VALID and a later VALIDATE", () => {
    assert.deepEqual(rules([op.addForeignKey()], "postgresql"), ["0:pg-fk-not-valid:error"]);
    assert.deepEqual(rules([op.addForeignKey(true), op.validate(books, "fk_books_author_id_authors")], "postgresql"), []);
    // NOT VALID that is never validated: a milder finding on the ADD.
    const [finding] = lintOperations([op.addForeignKey(true)], { dialect: "postgresql" });
    assert.equal(finding!.rule, "pg-fk-not-valid");
    assert.equal(finding!.severity, "warning");
    assert.match(finding!.message, /never validated/);
    assert.match(lintOperations([op.addForeignKey()], { dialect: "postgresql" })[0]!.message, /books \(author_id\).*authors/);
  });

  test("pg-check-not-valid: ADD CHECK needs NOT VALID and a later VALIDATE", () => {
    assert.deepEqual(rules([op.addCheck("ck_books_price", "price > 0")], "postgresql"), ["0:pg-check-not-valid:error"]);
    assert.deepEqual(rules([op.addCheck("ck_books_price", "price > 0", true), op.validate(books, "ck_books_price")], "postgresql"), []);
    assert.deepEqual(rules([op.addCheck("ck_books_price", "price > 0", true)], "postgresql"), ["0:pg-check-not-valid:warning"]);
    assert.match(lintOperations([op.addCheck(undefined, "price > 0")], { dialect: "postgresql" })[0]!.fix, /name the check/);
  });

  test("pg-set-not-null: SET NOT NULL without a validated CHECK (col IS NOT NULL)", () => {
    assert.deepEqual(rules([op.setNotNull(books, "title")], "postgresql"), ["0:pg-set-not-null:error"]);
    const viaCheck = [op.addCheck("ck_title_nn", '"title" IS NOT NULL', true), op.validate(books, "ck_title_nn"), op.setNotNull(books, "title")];
    assert.deepEqual(rules(viaCheck, "postgresql"), []);
    // NOT VALID but not yet validated when SET NOT NULL runs: still a scan.
    assert.deepEqual(rules([viaCheck[0]!, viaCheck[2]!, viaCheck[1]!], "postgresql"), ["1:pg-set-not-null:error"]);
    // A check already in the schema, as PostgreSQL reflects it.
    const checked: SchemaModel = { ...schema, tables: schema.tables.map((tb) => (tb.name === "books" ? { ...tb, checks: [{ name: "ck", sql: "((title IS NOT NULL))" }] } : tb)) };
    assert.deepEqual(rules([op.setNotNull(books, "title")], "postgresql", checked), []);
    assert.deepEqual(rules([op.dropNotNull(books, "title")], "postgresql"), []);
  });

  test("pg-volatile-default: volatile defaults and identities on ADD COLUMN rewrite, stable ones do not", () => {
    const add = (serverDefault: string) => [op.addColumn(books, col("extra", t.text, { serverDefault }))];
    for (const sql of ["random()", "gen_random_uuid()", "clock_timestamp()", "nextval('books_seq'::regclass)", "(random() * 10)::int"]) {
      assert.deepEqual(rules(add(sql), "postgresql"), ["0:pg-volatile-default:error"], sql);
    }
    for (const sql of ["now()", "CURRENT_TIMESTAMP", "'random()'", "0", "'x'::character varying(10)", "CAST('1' AS numeric(10,2))", "lower('A')"]) {
      assert.deepEqual(rules(add(sql), "postgresql"), [], sql);
    }
    assert.deepEqual(rules(add("my_func()"), "postgresql"), ["0:pg-volatile-default:warning"]);
    assert.deepEqual(rules([op.addColumn(books, col("seq", t.bigint, { autoincrement: true, nullable: false }))], "postgresql"), ["0:pg-volatile-default:error"]);
    assert.deepEqual(rules([op.addColumn(books, col("twice", t.int, { generated: { sql: "id * 2", stored: true } }))], "postgresql"), ["0:pg-volatile-default:error"]);
    assert.deepEqual(rules([op.createTable(newTable), op.addColumn(reviews, col("extra", t.text, { serverDefault: "random()" }))], "postgresql"), []);
    assert.match(lintOperations(add("random()"), { dialect: "postgresql" })[0]!.message, /books\.extra/);
  });

  test("pg-type-rewrite: binary-compatible type changes are not reported", () => {
    const change = (from: Parameters<typeof op.alterType>[2], to: Parameters<typeof op.alterType>[3]) => rules([op.alterType(books, "c", from, to)], "postgresql");
    assert.deepEqual(change(t.int, t.bigint), ["0:pg-type-rewrite:error"]);
    assert.deepEqual(change(t.string(10), t.string(20)), []);
    assert.deepEqual(change(t.string(20), t.string(10)), ["0:pg-type-rewrite:error"]);
    assert.deepEqual(change(t.string(20), t.text), []);
    assert.deepEqual(change(t.string(20), t.string()), []);
    assert.deepEqual(change(t.text, t.string(10)), ["0:pg-type-rewrite:error"]);
    assert.deepEqual(change(t.numeric(10, 2), t.numeric(12, 2)), []);
    assert.deepEqual(change(t.numeric(10, 2), t.numeric(12, 4)), ["0:pg-type-rewrite:error"]);
    assert.deepEqual(change(t.raw("character varying(20)"), t.string(40)), []);
    assert.deepEqual(change(t.datetime(false), t.datetime(true)), ["0:pg-type-rewrite:error"]); // converted AT TIME ZONE 'UTC'

    assert.deepEqual(change(t.enum("a", "b"), t.enum("a", "b", "long")), []);
  });
});

describe("MariaDB rules", () => {
  test("mysql-not-online: COPY-only ALTERs", () => {
    const notOnline = ["0:mysql-not-online:error"];
    assert.deepEqual(rules([op.alterType(books, "author_id", t.int, t.bigint)], "mysql"), notOnline);
    assert.deepEqual(rules([op.alterType(books, "title", t.string(32), t.string(64))], "mysql"), notOnline);
    assert.deepEqual(rules([op.alterType(books, "title", t.string(100), t.text)], "mysql"), notOnline);
    assert.deepEqual(rules([op.alterType(books, "title", t.enum("a", "b"), t.enum("b", "a"))], "mysql"), notOnline);
    assert.deepEqual(rules([op.addForeignKey()], "mysql"), notOnline);
    assert.deepEqual(rules([op.addCheck("ck_books_price", "price > 0")], "mysql"), notOnline);
    assert.deepEqual(rules([op.dropPrimaryKey(books, ["id"])], "mysql"), notOnline);
    assert.deepEqual(rules([op.dropColumn(books, col("id", t.int))], "mysql"), notOnline);
    assert.deepEqual(rules([op.addColumn(books, col("uid", t.string(36), { serverDefault: "(UUID())" }))], "mysql"), notOnline);
    assert.deepEqual(rules([op.addColumn(books, col("n", t.int, { autoincrement: true, nullable: false }))], "mysql"), notOnline);
    assert.deepEqual(rules([op.addColumn(books, col("twice", t.int, { generated: { sql: "id * 2", stored: true } }))], "mysql"), notOnline);
    // Online: INSTANT or NOCOPY.
    assert.deepEqual(rules([op.alterType(books, "title", t.string(31), t.string(64))], "mysql"), []);
    assert.deepEqual(rules([op.alterType(books, "title", t.string(100), t.string(300))], "mysql"), []);
    assert.deepEqual(rules([op.alterType(books, "title", t.enum("a", "b"), t.enum("a", "b", "c"))], "mysql"), []);
    assert.deepEqual(rules([op.addColumn(books, col("at", t.datetime(false), { serverDefault: "CURRENT_TIMESTAMP(6)", nullable: false }))], "mysql"), []);
    assert.deepEqual(rules([op.addColumn(books, col("twice", t.int, { generated: { sql: "id * 2", stored: false } }))], "mysql"), []);
    assert.deepEqual(rules([op.createIndex(books, "ix_books_title", ["title"]), op.addUnique(books, "uq_books_isbn", ["isbn"])], "mysql"), []);
    assert.deepEqual(rules([op.setDefault(books, "author_id", "3"), op.dropColumn(books, col("isbn", t.string(13)))], "mysql"), []);
    assert.deepEqual(rules([op.createTable(newTable), op.addPrimaryKey(reviews, ["id"]), op.alterType(reviews, "title", t.int, t.bigint)], "mysql"), []);
    assert.match(lintOperations([op.alterType(books, "author_id", t.int, t.bigint)], { dialect: "mysql" })[0]!.message, /books\.author_id int → bigint/);
  });

  test("mysql-table-rebuild: INPLACE ALTERs that rebuild the table", () => {
    assert.deepEqual(rules([op.setNotNull(books, "title")], "mysql"), ["0:mysql-table-rebuild:warning"]);
    assert.deepEqual(rules([op.dropNotNull(books, "title")], "mysql"), ["0:mysql-table-rebuild:warning"]);
    assert.deepEqual(rules([op.addPrimaryKey(books, ["id"])], "mysql"), ["0:mysql-table-rebuild:warning"]);
  });
});

describe("SQLite rule", () => {
  test("sqlite-rebuild: what ALTER TABLE cannot do", () => {
    assert.deepEqual(rules([op.alterType(books, "title", t.string(10), t.string(20))], "sqlite"), ["0:sqlite-rebuild:info"]);
    assert.deepEqual(rules([op.addForeignKey()], "sqlite"), ["0:sqlite-rebuild:info"]);
    assert.deepEqual(rules([op.addColumn(books, col("n", t.int, { nullable: false }))], "sqlite"), ["0:sqlite-rebuild:info"]);
    assert.deepEqual(rules([op.addColumn(books, col("at", t.text, { serverDefault: "CURRENT_TIMESTAMP" }))], "sqlite"), ["0:sqlite-rebuild:info"]);
    assert.deepEqual(rules([op.dropColumn(books, col("isbn", t.string(13)))], "sqlite"), ["0:sqlite-rebuild:info"]);
    assert.deepEqual(rules([op.addColumn(books, col("n", t.int, { nullable: false, serverDefault: "0" }))], "sqlite"), []);
    assert.deepEqual(rules([op.dropColumn(books, col("price", t.numeric(10, 2)))], "sqlite"), []);
    assert.deepEqual(rules([op.createIndex(books, "ix_books_title", ["title"])], "sqlite"), []);
  });
});

describe("suppression", () => {
  const allow = (rule: string, reason?: string) => ({ allow: [rule], ...(reason === undefined ? {} : { reason }) });

  test("an operation's lint.allow with a reason removes the finding", () => {
    assert.deepEqual(rules([op.createIndex(books, "ix", ["title"], { lint: allow("pg-index-not-concurrent", "books has 40 rows") })], "postgresql"), []);
    // Other rules still fire on it.
    assert.deepEqual(rules([op.setNotNull(books, "title", t.int, allow("pg-type-rewrite", "n/a"))], "postgresql"), ["0:pg-set-not-null:error", "0:lint-unused-suppression:info"]);
  });

  test("a suppression without a reason, of an unknown rule, or that suppresses nothing is reported", () => {
    assert.deepEqual(rules([op.createIndex(books, "ix", ["title"], { lint: allow("pg-index-not-concurrent") })], "postgresql"), ["0:lint-suppression-without-reason:warning"]);
    assert.deepEqual(rules([op.createIndex(books, "ix", ["title"], { lint: allow("pg-index-not-concurent", "typo") })], "postgresql"), [
      "0:pg-index-not-concurrent:error",
      "0:lint-unknown-rule:warning",
    ]);
    assert.deepEqual(rules([op.createIndex(books, "ix", ["title"], { concurrently: true, lint: allow("pg-index-not-concurrent", "x") })], "postgresql"), [
      "0:lint-unused-suppression:info",
    ]);
    // A rule of another dialect is not "unused" here: the same migration runs on both.
    assert.deepEqual(rules([op.createIndex(books, "ix", ["title"], { lint: { allow: ["pg-index-not-concurrent", "sqlite-rebuild"], reason: "small" } })], "postgresql"), []);
  });

  test("rule ids are stable and each belongs to one dialect prefix", () => {
    for (const [id, rule] of Object.entries(LINT_RULES)) {
      const prefix = id.split("-")[0];
      assert.equal(prefix, rule.dialect === "postgresql" ? "pg" : rule.dialect ?? "lint", id);
    }
  });
});

/** A migration with every fixable PostgreSQL problem. */
const unsafe: Operation[] = [
  op.createTable(newTable),
  op.createIndex(reviews, "ix_reviews_title", ["title"]),
  op.createIndex(books, "ix_books_title", ["title"]),
  op.addForeignKey(),
  op.addCheck("ck_books_price", "price >= 0"),
  op.setNotNull(books, "title", t.string(100)),
  { ...op.alterType(books, "isbn", t.string(13), t.string(20)), to: { type: t.string(20), nullable: false } } as Operation,
  op.dropIndex(books, "ix_books_isbn", ["isbn"]),
];

describe("makeOnlineSafe", () => {
  const fixable = new Set(["pg-index-not-concurrent", "pg-fk-not-valid", "pg-check-not-valid", "pg-set-not-null"]);

  test("its output has no finding of the rules it fixes, and it is idempotent", () => {
    assert.ok(rules(unsafe, "postgresql").length >= 6);
    const safe = makeOnlineSafe(unsafe, "postgresql", { schema });
    assert.deepEqual(lintOperations(safe, { dialect: "postgresql", schema }).filter((f) => fixable.has(f.rule)), []);
    assert.deepEqual(makeOnlineSafe(safe, "postgresql", { schema }), safe);
    // The index on the new table is left in the transaction; the one on books is concurrent.
    assert.deepEqual(
      safe.map((o) => o.op + ("concurrently" in o && o.concurrently ? "!" : "") + ("notValid" in o && o.notValid ? "?" : "")),
      [
        "createTable",
        "createIndex",
        "createIndex!",
        "addForeignKey?",
        "addCheck?",
        "addCheck?",
        "alterColumn",
        "addCheck?",
        "dropIndex!",
        "validateConstraint",
        "validateConstraint",
        "validateConstraint",
        "alterColumn",
        "dropCheck",
        "validateConstraint",
        "alterColumn",
        "dropCheck",
      ],
    );
  });

  test("leaves suppressed operations and other dialects alone", () => {
    const suppressed = [op.createIndex(books, "ix", ["title"], { lint: { allow: ["pg-index-not-concurrent"], reason: "small" } })];
    assert.deepEqual(makeOnlineSafe(suppressed, "postgresql"), suppressed);
    assert.deepEqual(makeOnlineSafe(unsafe, "mysql"), unsafe);
    assert.deepEqual(makeOnlineSafe(unsafe, { name: "sqlite" }), unsafe);
  });

  test("a column dropped later in the migration keeps its SET NOT NULL steps in place", () => {
    const ops = [op.setNotNull(books, "title"), op.dropColumn(books, col("title", t.string(100)))];
    assert.deepEqual(
      makeOnlineSafe(ops, "postgresql").map((o) => o.op),
      ["addCheck", "validateConstraint", "alterColumn", "dropCheck", "dropColumn"],
    );
  });

  test("an index the transaction still needs, or whose column it drops, is not made concurrent", () => {
    const unique: Operation = { op: "createIndex", table: authors, index: { name: "ux_authors_name", columns: ["name"], unique: true } };
    const fk: Operation = {
      op: "addForeignKey",
      table: books,
      foreignKey: { name: "fk_books_title_authors", columns: ["title"], referredTable: "authors", referredColumns: ["name"] },
    };
    assert.deepEqual(
      makeOnlineSafe([unique, fk], "postgresql").map((o) => o.op + ("concurrently" in o && o.concurrently ? "!" : "")),
      ["createIndex", "addForeignKey", "validateConstraint"],
    );
    const dropped = makeOnlineSafe([op.dropIndex(books, "ix_books_isbn", ["isbn"]), op.dropColumn(books, col("isbn", t.string(13)))], "postgresql");
    assert.deepEqual(dropped.map((o) => "concurrently" in o && o.concurrently), [false, false]);
  });

  test("splitOnlinePhases: concurrent index operations and everything from the first VALIDATE run after commit", () => {
    const { inTransaction, afterCommit } = splitOnlinePhases(makeOnlineSafe(unsafe, "postgresql"), "postgresql");
    assert.deepEqual(
      inTransaction.map((o) => o.op),
      ["createTable", "createIndex", "addForeignKey", "addCheck", "addCheck", "alterColumn", "addCheck"],
    );
    assert.deepEqual(afterCommit.slice(0, 3).map((o) => o.op), ["createIndex", "dropIndex", "validateConstraint"]);
    assert.deepEqual(splitOnlinePhases(unsafe, "mysql"), { inTransaction: unsafe, afterCommit: [] });
  });
});

describe("lock timeout", () => {
  test("the preamble per dialect, from the config value", () => {
    assert.equal(parseLockTimeout("5s"), 5000);
    assert.equal(parseLockTimeout("250ms"), 250);
    assert.equal(parseLockTimeout("1m"), 60_000);
    assert.equal(parseLockTimeout(1500), 1500);
    assert.throws(() => parseLockTimeout("5 seconds"), /lockTimeout/);
    assert.deepEqual(lockTimeoutPreamble("postgresql", { lockTimeoutMs: 5000 }), ["SET lock_timeout = '5000ms'"]);
    assert.deepEqual(lockTimeoutPreamble("mysql", { lockTimeoutMs: 1500 }), ["SET SESSION lock_wait_timeout = 2"]);
    assert.deepEqual(lockTimeoutPreamble("mysql", { lockTimeoutMs: 200 }), ["SET SESSION lock_wait_timeout = 1"]);
    assert.deepEqual(lockTimeoutPreamble("sqlite", { lockTimeoutMs: 5000 }), []);
    assert.deepEqual(lockTimeoutPreamble("postgresql", {}), []);
  });
});


// ---------------------------------------------------------------------------------------------
// On the servers.

const databases = await testDatabases();
const pgDb = databases.find((d) => d.name === "postgresql")!;
const mysqlDb = databases.find((d) => d.name === "mysql")!;

/** Runs `fn` on a fresh connection of a new engine, then disposes of both. */
async function withConnection<T>(db: TestDatabase, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const engine = engineFor(db, { pool: { max: 3 } });
  try {
    const conn = await engine.connect();
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  } finally {
    await engine.dispose();
  }
}

async function scalar(conn: Connection, sql: string, params: unknown[] = []): Promise<unknown> {
  const { rows } = await conn.run(sql, params);
  return Object.values(rows[0] as Record<string, unknown>)[0];
}

describe("PostgreSQL: the facts the rules rest on, and the online-safe forms", { skip: pgDb.skip }, () => {
  // Other suites reflect the whole test database: leave nothing behind.
  after(() => withConnection(pgDb, (conn) => conn.run("DROP TABLE IF EXISTS books, authors, rw CASCADE")));
  const pgSetup = async (conn: Connection) => {
    await conn.run("DROP TABLE IF EXISTS books, authors, rw CASCADE");
    await conn.run('CREATE TABLE authors ("id" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "name" varchar(100) NOT NULL)');
    await conn.run('CREATE TABLE books ("id" integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "title" varchar(100), "author_id" integer, "price" numeric(10,2), "isbn" varchar(13))');
    await conn.run('CREATE INDEX "ix_books_isbn" ON books ("isbn")');
    await conn.run("INSERT INTO authors (name) SELECT 'a' || g FROM generate_series(1, 10) g");
    await conn.run("INSERT INTO books (title, author_id, price, isbn) SELECT 't' || g, 1 + g % 10, g, 'i' || g FROM generate_series(1, 1000) g");
  };
  const filenode = async (conn: Connection, table: string) => String(await scalar(conn, "SELECT pg_relation_filenode($1::regclass)", [table]));

  test("the volatile-function lists agree with pg_proc", () =>
    withConnection(pgDb, async (conn) => {
      const { rows } = await conn.run("SELECT proname, bool_or(provolatile = 'v') AS volatile FROM pg_proc GROUP BY proname");
      const volatility = new Map((rows as { proname: string; volatile: boolean }[]).map((r) => [r.proname, r.volatile]));
      for (const name of PG_VOLATILE_FUNCTIONS) if (volatility.has(name)) assert.equal(volatility.get(name), true, name);
      for (const name of PG_NON_VOLATILE_FUNCTIONS) if (volatility.has(name)) assert.equal(volatility.get(name), false, name);
      assert.ok(["random", "clock_timestamp", "gen_random_uuid", "nextval", "now"].every((n) => volatility.has(n)));
    }));

  test("pg-type-rewrite and pg-volatile-default predict exactly when the table file is rewritten", () =>
    withConnection(pgDb, async (conn) => {
      const changes: [Parameters<typeof op.alterType>[2], Parameters<typeof op.alterType>[3]][] = [
        [t.string(10), t.string(20)],
        [t.string(20), t.string(10)],
        [t.string(10), t.string()],
        [t.string(10), t.text],
        [t.text, t.string(10)],
        [t.text, t.string()],
        [t.numeric(10, 2), t.numeric(12, 2)],
        [t.numeric(10, 2), t.numeric(12, 4)],
        [t.numeric(10, 2), t.raw("numeric")],
        [t.int, t.bigint],
        [t.bigint, t.int],
        [t.datetime(false), t.datetime(true)],
        [t.datetime(true), t.datetime(false)],
        [t.raw("character varying(5)"), t.raw("character varying(8)")],
      ];
      for (const timezone of ["UTC", "Europe/Paris"]) {
        await conn.run(`SET TimeZone = '${timezone}'`);
        for (const [from, to] of changes) {
          const [fromSql, toSql] = [from, to].map((type) => formatDbType(dbType(type, "postgresql")));
          await conn.run("DROP TABLE IF EXISTS rw");
          await conn.run(`CREATE TABLE rw (c ${fromSql})`);
          await conn.run("INSERT INTO rw VALUES (NULL)");
          const before = await filenode(conn, "rw");
          // The statement the planner renders (timestamp ↔ timestamptz: USING c AT TIME ZONE 'UTC').
          const alter = op.alterType({ name: "rw" }, "c", from, to);
          for (const sql of renderOperation(alter, postgresDialect().createDdlCompiler(), "postgresql", { tables: [], enums: [] })) await conn.run(sql);
          const rewritten = before !== (await filenode(conn, "rw"));
          const findings = lintOperations([alter], { dialect: "postgresql" });
          const predicted = findings.some((f) => f.severity === "error") || (findings.length > 0 && timezone !== "UTC");
          assert.equal(predicted, rewritten, `${fromSql} → ${toSql} in ${timezone}: lint says ${predicted ? "rewrite" : "none"}`);
        }
      }
      await conn.run("SET TimeZone = 'UTC'");
      const defaults: [string, boolean][] = [
        ["random()", true],
        ["gen_random_uuid()::text", true],
        ["clock_timestamp()::text", true],
        ["now()::text", false],
        ["CURRENT_TIMESTAMP::text", false],
        ["'x'", false],
        ["md5('a')", false],
      ];
      for (const [sql, volatile] of defaults) {
        await conn.run("DROP TABLE IF EXISTS rw");
        await conn.run("CREATE TABLE rw (id integer)");
        await conn.run("INSERT INTO rw VALUES (1)");
        const before = await filenode(conn, "rw");
        await conn.run(`ALTER TABLE rw ADD COLUMN c text DEFAULT ${sql}`);
        assert.equal(before !== (await filenode(conn, "rw")), volatile, sql);
        const found = rules([op.addColumn({ name: "rw" }, col("c", t.text, { serverDefault: sql }))], "postgresql", undefined);
        assert.deepEqual(found, volatile ? ["0:pg-volatile-default:error"] : [], sql);
      }
      const before = await filenode(conn, "rw");
      await conn.run("ALTER TABLE rw ADD COLUMN n integer GENERATED BY DEFAULT AS IDENTITY");
      assert.notEqual(await filenode(conn, "rw"), before, "an added identity rewrites");
      const beforeGenerated = await filenode(conn, "rw");
      await conn.run("ALTER TABLE rw ADD COLUMN g integer GENERATED ALWAYS AS (id * 2) STORED");
      assert.notEqual(await filenode(conn, "rw"), beforeGenerated, "an added stored generated column rewrites");
      await conn.run("DROP TABLE rw");
    }));

  test("makeOnlineSafe's operations run: CONCURRENTLY after the transaction, NOT VALID then VALIDATE, SET NOT NULL via a check", () =>
    withConnection(pgDb, async (conn) => {
      await pgSetup(conn);
      const ops: Operation[] = [
        op.createIndex(books, "ix_books_title", ["title"]),
        op.addForeignKey(),
        op.addCheck("ck_books_price", "price >= 0"),
        op.setNotNull(books, "title", t.string(100)),
        op.dropIndex(books, "ix_books_isbn", ["isbn"]),
      ];
      const safe = makeOnlineSafe(ops, "postgresql", { schema });
      assert.deepEqual(lintOperations(safe, { dialect: "postgresql", schema }), []);
      const { inTransaction, afterCommit } = splitOnlinePhases(safe, "postgresql");
      for (const statement of lockTimeoutPreamble("postgresql", { lockTimeoutMs: 5000 })) await conn.run(statement);
      assert.equal(await scalar(conn, "SHOW lock_timeout"), "5s");
      await conn.transaction(async () => {
        for (const o of inTransaction) await conn.run(pgSql(o));
      });
      for (const o of afterCommit) await conn.run(pgSql(o));
      const constraints = await conn.run("SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'books'::regclass AND contype IN ('f', 'c') ORDER BY conname");
      assert.deepEqual(constraints.rows, [
        { conname: "ck_books_price", convalidated: true },
        { conname: "fk_books_author_id_authors", convalidated: true },
      ]);
      assert.equal(await scalar(conn, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'books'::regclass AND attname = 'title'"), true);
      assert.equal(await scalar(conn, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_books_title'::regclass"), true);
      assert.equal(await scalar(conn, "SELECT count(*)::int FROM pg_class WHERE relname = 'ix_books_isbn'"), 0);
      // Why the split: CONCURRENTLY refuses to run in a transaction block.
      await assert.rejects(
        conn.transaction(() => conn.run('CREATE INDEX CONCURRENTLY "ix_x" ON books ("price")')),
        /cannot run inside a transaction block/,
      );
    }));

  test("SET NOT NULL after a validated CHECK (col IS NOT NULL) skips the scan (the server says so at DEBUG1)", async () => {
    await withConnection(pgDb, pgSetup);
    const client = new pg.Client({ connectionString: pgDb.url });
    const notices: string[] = [];
    client.on("notice", (notice) => notices.push(notice.message ?? ""));
    await client.connect();
    try {
      for (const o of makeOnlineSafe([op.setNotNull(books, "title", t.string(100))], "postgresql")) {
        if (o.op === "alterColumn") await client.query("SET client_min_messages = debug1");
        await client.query(pgSql(o));
        await client.query("SET client_min_messages = notice");
      }
      assert.ok(
        notices.some((m) => /existing constraints on column "books\.title" are sufficient to prove that it does not contain nulls/.test(m)),
        notices.join("\n"),
      );
    } finally {
      await client.end();
    }
  });

  test("the locks: ADD CHECK blocks writers (lock_timeout ends the wait), NOT VALID's VALIDATE does not", () => {
    const engine = engineFor(pgDb, { pool: { max: 2 } });
    return (async () => {
      const migrator = await engine.connect();
      const writer = await engine.connect();
      try {
        await pgSetup(migrator);
        for (const statement of lockTimeoutPreamble("postgresql", { lockTimeoutMs: 300 })) await writer.run(statement);
        const insert = () => writer.run("INSERT INTO books (title, author_id, price) VALUES ('new', 1, 1)");
        // Unsafe: ADD CHECK holds ACCESS EXCLUSIVE until its transaction ends.
        let tx = await migrator.begin();
        await migrator.run("ALTER TABLE books ADD CONSTRAINT ck_books_price CHECK (price >= 0)");
        await assert.rejects(insert(), /lock timeout/);
        await tx.rollback();
        // Safe: NOT VALID committed, then VALIDATE (SHARE UPDATE EXCLUSIVE): the writer goes on.
        await migrator.run("ALTER TABLE books ADD CONSTRAINT ck_books_price CHECK (price >= 0) NOT VALID");
        tx = await migrator.begin();
        await migrator.run("ALTER TABLE books VALIDATE CONSTRAINT ck_books_price");
        await insert();
        await tx.commit();
        // Same for an index: CREATE INDEX (SHARE) blocks writes, CONCURRENTLY does not hold a lock that does.
        tx = await migrator.begin();
        await migrator.run('CREATE INDEX "ix_books_price" ON books ("price")');
        await assert.rejects(insert(), /lock timeout/);
        await tx.rollback();
      } finally {
        await migrator.close();
        await writer.close();
        await engine.dispose();
      }
    })();
  });
});

describe("MariaDB: the algorithm each ALTER really gets", { skip: mysqlDb.skip }, () => {
  after(() =>
    withConnection(mysqlDb, async (conn) => {
      await conn.run("SET foreign_key_checks = 0");
      await conn.run("DROP TABLE IF EXISTS books, authors, books2");
      await conn.run("SET foreign_key_checks = 1");
    }),
  );
  /** The table the cases alter, with a parent for foreign keys. */
  const setup = async (conn: Connection) => {
    await conn.run("SET foreign_key_checks = 0");
    await conn.run("DROP TABLE IF EXISTS books, authors");
    await conn.run("SET foreign_key_checks = 1");
    await conn.run("CREATE TABLE authors (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB");
    await conn.run(
      "CREATE TABLE books (id INT NOT NULL, title VARCHAR(100), author_id INT, price DECIMAL(10,2), isbn VARCHAR(13), " +
        "short VARCHAR(31), mid VARCHAR(32), kind ENUM('a','b'), code VARCHAR(10) NOT NULL DEFAULT '', PRIMARY KEY (id), KEY ix_books_isbn (isbn)) ENGINE=InnoDB",
    );
    await conn.run("INSERT INTO authors (name) VALUES ('a'), ('b')");
    await conn.run("INSERT INTO books (id, title, author_id, price, isbn, kind) VALUES (1, 't1', 1, 1, 'i1', 'a'), (2, 't2', 2, 2, 'i2', 'b')");
  };

  /** The cheapest algorithm MariaDB accepts for the ALTER TABLE books clause, with LOCK=NONE where it is online. */
  const algorithmOf = async (conn: Connection, clause: string, prepare?: string): Promise<string> => {
    for (const [algorithm, lock] of [["INSTANT", ""], ["NOCOPY", ", LOCK=NONE"], ["INPLACE", ", LOCK=NONE"], ["COPY", ""]] as const) {
      await setup(conn);
      if (prepare) await conn.run(prepare);
      try {
        await conn.run(`ALTER TABLE books ${clause}, ALGORITHM=${algorithm}${lock}`);
        return algorithm;
      } catch (error) {
        if (!/not supported|LOCK=NONE/i.test((error as Error).message)) throw error;
      }
    }
    throw new Error(`${clause}: no algorithm`);
  };

  const cases: [string, Operation, "INSTANT" | "NOCOPY" | "INPLACE" | "COPY", string?][] = [
    ["ADD COLUMN note VARCHAR(20)", op.addColumn(books, col("note", t.string(20))), "INSTANT"],
    ["ADD COLUMN n INT NOT NULL DEFAULT 0", op.addColumn(books, col("n", t.int, { nullable: false, serverDefault: "0" })), "INSTANT"],
    ["ADD COLUMN at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)", op.addColumn(books, col("at", t.datetime(false), { nullable: false, serverDefault: "CURRENT_TIMESTAMP(6)" })), "INSTANT"],
    ["ADD COLUMN uid CHAR(36) DEFAULT (UUID())", op.addColumn(books, col("uid", t.raw("char(36)"), { serverDefault: "(UUID())" })), "COPY"],
    ["ADD COLUMN seq INT AUTO_INCREMENT UNIQUE", op.addColumn(books, col("seq", t.int, { autoincrement: true, nullable: false })), "COPY"],
    ["ADD COLUMN twice INT AS (id * 2) STORED", op.addColumn(books, col("twice", t.int, { generated: { sql: "id * 2", stored: true } })), "COPY"],
    ["ADD COLUMN twice INT AS (id * 2) VIRTUAL", op.addColumn(books, col("twice", t.int, { generated: { sql: "id * 2", stored: false } })), "INSTANT"],
    ["DROP COLUMN price", op.dropColumn(books, col("price", t.numeric(10, 2))), "INSTANT"],
    ["DROP COLUMN isbn", op.dropColumn(books, col("isbn", t.string(13))), "NOCOPY"],
    ["RENAME COLUMN title TO name", { op: "renameColumn", table: books, from: "title", to: "name" }, "INSTANT"],
    ["ALTER COLUMN author_id SET DEFAULT 3", op.setDefault(books, "author_id", "3"), "INSTANT"],
    ["MODIFY short VARCHAR(64)", op.alterType(books, "short", t.string(31), t.string(64)), "INSTANT"],
    ["MODIFY mid VARCHAR(64)", op.alterType(books, "mid", t.string(32), t.string(64)), "COPY"],
    ["MODIFY title VARCHAR(300)", op.alterType(books, "title", t.string(100), t.string(300)), "INSTANT"],
    ["MODIFY title VARCHAR(50)", op.alterType(books, "title", t.string(100), t.string(50)), "COPY"],
    ["MODIFY title LONGTEXT", op.alterType(books, "title", t.string(100), t.text), "COPY"],
    ["MODIFY author_id BIGINT", op.alterType(books, "author_id", t.int, t.bigint), "COPY"],
    ["MODIFY price DECIMAL(12,2)", op.alterType(books, "price", t.numeric(10, 2), t.numeric(12, 2)), "COPY"],
    ["MODIFY kind ENUM('a','b','c')", op.alterType(books, "kind", t.enum("a", "b"), t.enum("a", "b", "c")), "INSTANT"],
    ["MODIFY kind ENUM('b','a')", op.alterType(books, "kind", t.enum("a", "b"), t.enum("b", "a")), "COPY"],
    ["MODIFY author_id INT NOT NULL", op.setNotNull(books, "author_id"), "INPLACE"],
    ["MODIFY code VARCHAR(10) NULL DEFAULT ''", op.dropNotNull(books, "code", t.string(10)), "INPLACE"],
    ["ADD INDEX ix_books_title (title)", op.createIndex(books, "ix_books_title", ["title"]), "NOCOPY"],
    ["ADD CONSTRAINT uq_books_isbn UNIQUE (isbn)", op.addUnique(books, "uq_books_isbn", ["isbn"]), "NOCOPY"],
    ["DROP INDEX ix_books_isbn", op.dropIndex(books, "ix_books_isbn", ["isbn"]), "NOCOPY"],
    ["ADD CONSTRAINT fk_books_author_id_authors FOREIGN KEY (author_id) REFERENCES authors (id)", op.addForeignKey(), "COPY"],
    ["ADD CONSTRAINT ck_books_price CHECK (price >= 0)", op.addCheck("ck_books_price", "price >= 0"), "COPY"],
    ["DROP PRIMARY KEY", op.dropPrimaryKey(books, ["id"]), "COPY"],
    ["DROP COLUMN id", op.dropColumn(books, col("id", t.int)), "COPY"],
    ["ADD PRIMARY KEY (id)", op.addPrimaryKey(books, ["id"]), "INPLACE", "ALTER TABLE books DROP PRIMARY KEY"],
    ["RENAME TO books2", { op: "renameTable", from: "books", to: "books2" }, "INSTANT"],
  ];

  test("mysql-not-online fires exactly on the COPY ones, mysql-table-rebuild on the INPLACE ones; the others run INSTANT or NOCOPY", () =>
    withConnection(mysqlDb, async (conn) => {
      for (const [clause, operation, expected, prepare] of cases) {
        const found = rules([operation], "mysql").map((r) => r.split(":")[1]);
        const lintSays = found.includes("mysql-not-online") ? "COPY" : found.includes("mysql-table-rebuild") ? "INPLACE" : "online";
        const want = expected === "COPY" ? "COPY" : expected === "INPLACE" ? "INPLACE" : "online";
        assert.equal(lintSays, want, `lint on ${clause}`);
        assert.equal(await algorithmOf(conn, clause, prepare), expected, `MariaDB on ${clause}`);
      }
      await conn.run("DROP TABLE IF EXISTS books2");
    }));

  test("the online alternative for a foreign key: with foreign_key_checks=0, ADD FOREIGN KEY is NOCOPY (INSTANT when indexed)", () =>
    withConnection(mysqlDb, async (conn) => {
      await setup(conn);
      const add = "ALTER TABLE books ADD CONSTRAINT fk_books_author_id_authors FOREIGN KEY (author_id) REFERENCES authors (id)";
      await conn.run("SET SESSION foreign_key_checks = 0");
      // No index on author_id yet: MariaDB adds one (NOCOPY); with the index there, INSTANT.
      await assert.rejects(conn.run(`${add}, ALGORITHM=INSTANT`), /ADD INDEX/);
      await conn.run(`${add}, ALGORITHM=NOCOPY, LOCK=NONE`);
      await conn.run("ALTER TABLE books DROP FOREIGN KEY fk_books_author_id_authors, ALGORITHM=INSTANT");
      await conn.run(`${add}, ALGORITHM=INSTANT`);
      await conn.run("SET SESSION foreign_key_checks = 1");
      await conn.run("ALTER TABLE books DROP FOREIGN KEY fk_books_author_id_authors");
      await assert.rejects(conn.run(`${add}, ALGORITHM=INPLACE`), /foreign_key_checks/);
      await conn.run(`${add}, ALGORITHM=COPY`);
      await assert.rejects(conn.run("INSERT INTO books (id, author_id) VALUES (3, 99)"), /foreign key/i);
    }));

  test("the preamble's lock_wait_timeout ends a DDL's wait for the metadata lock", async () => {
    const engine = engineFor(mysqlDb, { pool: { max: 2 } });
    const reader = await engine.connect();
    const migrator = await engine.connect();
    try {
      await setup(migrator);
      for (const statement of lockTimeoutPreamble("mysql", { lockTimeoutMs: 1000 })) await migrator.run(statement);
      assert.equal(Number(await scalar(migrator, "SELECT @@SESSION.lock_wait_timeout")), 1);
      // An open transaction that read the table holds its metadata lock: the ALTER waits, then gives up.
      const tx = await reader.begin();
      await reader.run("SELECT * FROM books");
      await assert.rejects(migrator.run("ALTER TABLE books ADD COLUMN note INT, ALGORITHM=INSTANT"), /lock wait timeout/i);
      await tx.rollback();
    } finally {
      await reader.close();
      await migrator.close();
      await engine.dispose();
    }
  });
});

describe("SQLite: what sqlite-rebuild calls a rebuild is what ALTER TABLE refuses", () => {
  const sqliteDb = databases.find((d) => d.name === "sqlite")!;
  const cases: [string, Operation][] = [
    ["ADD COLUMN n INTEGER NOT NULL", op.addColumn(books, col("n", t.int, { nullable: false }))],
    ["ADD COLUMN at TEXT DEFAULT CURRENT_TIMESTAMP", op.addColumn(books, col("at", t.text, { serverDefault: "CURRENT_TIMESTAMP" }))],
    ["ADD COLUMN n INTEGER NOT NULL DEFAULT 0", op.addColumn(books, col("n", t.int, { nullable: false, serverDefault: "0" }))],
    ["ADD COLUMN note TEXT", op.addColumn(books, col("note", t.text))],
    ["DROP COLUMN isbn", op.dropColumn(books, col("isbn", t.string(13)))],
    ["DROP COLUMN price", op.dropColumn(books, col("price", t.numeric(10, 2)))],
  ];

  test("each ALTER runs natively exactly when the lint reports no rebuild", () =>
    withConnection(sqliteDb, async (conn) => {
      for (const [clause, operation] of cases) {
        await conn.run("DROP TABLE IF EXISTS books");
        await conn.run("CREATE TABLE books (id INTEGER PRIMARY KEY, title VARCHAR(100), author_id INTEGER, price NUMERIC(10, 2), isbn VARCHAR(13))");
        await conn.run("CREATE INDEX ix_books_isbn ON books (isbn)");
        await conn.run("INSERT INTO books (title, isbn) VALUES ('t', 'i')");
        const native = await conn.run(`ALTER TABLE books ${clause}`).then(
          () => true,
          () => false,
        );
        assert.equal(rules([operation], "sqlite").length === 0, native, clause);
      }
    }));
});
