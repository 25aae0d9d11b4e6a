/**
 * Indexes beyond plain columns, declared with `index([...])`: descending parts (`c.at.desc()`),
 * expression parts (`func.lower(c.email)`, `sql` fragments) and partial indexes (`{ where }`).
 * Before, `index()` took columns only: such an index could be made by a migration only, and
 * `createAll` never made it. The DDL per dialect (MariaDB refuses expressions and WHERE, saying
 * what to do instead), the declaration errors, what the database then enforces on the three
 * databases, and that an index with an expression part or a WHERE is no unique key of its columns.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { repoRoot as root } from "../support/repo-root.js";
import { planPage } from "../../src/core/statements/keyset.js";
import { ArgumentError, MetaData, UnsupportedFeatureError, and, datetime, func, index, insert, integer, select, sql, string, table } from "../../src/index.js";
import { compileDialects, type CompileDialect } from "../support/assert-compile.js";
import { forEachDatabase } from "../support/dialects.js";

const metadata = new MetaData();
const users = table("core_ix_users", metadata, {
  id: integer().primaryKey(),
  tenantId: integer().named("tenant_id").notNull(),
  email: string(100).notNull(),
  score: integer(),
  at: datetime().notNull(),
  deletedAt: datetime().named("deleted_at"),
}, (c) => [
  index([c.at.desc()]),
  index([c.tenantId, c.score.desc()], { unique: true }),
  index([func.lower(c.email)], { name: "uq_core_ix_users_email_live", unique: true, where: c.deletedAt.isNull() }),
  index([c.tenantId, func.lower(c.email).desc()], { name: "ix_core_ix_users_tenant_email" }),
  index([sql`${c.score} + 1`], { name: "ix_core_ix_users_next" }),
  index([c.email], { where: and(c.score.gt(10), c.deletedAt.isNull()) }),
]);

/** What MariaDB can make: descending parts only. */
const mariaMetadata = new MetaData();
const events = table("core_ix_events", mariaMetadata, {
  id: integer().primaryKey(),
  kind: string(20).notNull(),
  at: datetime().notNull(),
}, (c) => [index([c.kind, c.at.desc()], { unique: true }), index([c.at.desc()])]);

const createIndexes = (dialect: CompileDialect, t = users) => {
  const ddl = compileDialects[dialect].createDdlCompiler();
  return t.indexes.map((i) => ddl.createIndex(t, i));
};

describe("compiled DDL: descending, expression and partial indexes", () => {
  test("SQLite and PostgreSQL: DESC, expressions (parenthesised unless a function call) and WHERE", () => {
    const expected = [
      'CREATE INDEX "ix_core_ix_users_at" ON "core_ix_users" ("at" DESC)',
      'CREATE UNIQUE INDEX "ix_core_ix_users_tenant_id_score" ON "core_ix_users" ("tenant_id", "score" DESC)',
      'CREATE UNIQUE INDEX "uq_core_ix_users_email_live" ON "core_ix_users" (lower("email")) WHERE "deleted_at" IS NULL',
      'CREATE INDEX "ix_core_ix_users_tenant_email" ON "core_ix_users" ("tenant_id", lower("email") DESC)',
      'CREATE INDEX "ix_core_ix_users_next" ON "core_ix_users" (("score" + 1))',
      'CREATE INDEX "ix_core_ix_users_email" ON "core_ix_users" ("email") WHERE ("score" > 10) AND ("deleted_at" IS NULL)',
    ];
    assert.deepEqual(createIndexes("sqlite"), expected);
    assert.deepEqual(createIndexes("postgresql"), expected);
  });

  test("MySQL 8: an expression part in its own parentheses; no WHERE (no partial indexes)", () => {
    const ddl = compileDialects.mysql8.createDdlCompiler();
    const [at, , live, tenantEmail] = users.indexes;
    assert.equal(ddl.createIndex(users, at!), "CREATE INDEX `ix_core_ix_users_at` ON `core_ix_users` (`at` DESC)");
    assert.equal(ddl.createIndex(users, tenantEmail!), "CREATE INDEX `ix_core_ix_users_tenant_email` ON `core_ix_users` (`tenant_id`, (lower(`email`)) DESC)");
    assert.throws(() => ddl.createIndex(users, live!), (e: unknown) => e instanceof UnsupportedFeatureError && /no partial|partial index/i.test(e.message));
  });

  test("MariaDB: DESC inside CREATE TABLE; an expression part or a WHERE refused, naming the index, the table and the generated column to index instead", () => {
    const ddl = compileDialects.mariadb.createDdlCompiler();
    assert.deepEqual(ddl.createTableWhole(events), [
      [
        "CREATE TABLE `core_ix_events` (",
        "  `id` INT NOT NULL AUTO_INCREMENT,",
        "  `kind` VARCHAR(20) NOT NULL,",
        "  `at` DATETIME(3) NOT NULL,",
        "  PRIMARY KEY (`id`),",
        "  UNIQUE INDEX `ix_core_ix_events_kind_at` (`kind`, `at` DESC),",
        "  INDEX `ix_core_ix_events_at` (`at` DESC)",
        ")",
      ].join("\n"),
    ]);
    const [, , live, tenantEmail, next] = users.indexes;
    const refused = (pattern: RegExp) => (e: unknown) => e instanceof UnsupportedFeatureError && e.dialect === "MariaDB 10.11" && pattern.test(e.message);
    assert.throws(
      () => ddl.createIndex(users, tenantEmail!),
      refused(/^An expression in an index is not supported by this dialect \(MariaDB 10\.11\); index 'ix_core_ix_users_tenant_email' on 'core_ix_users' has the expression part lower\(`email`\)\. Index a generated column that computes it instead: \.generatedAs\(sql`lower\(email\)`, \{ stored: false \}\), then index\(\[c\.<that column>\]\)\.$/),
    );
    assert.throws(() => ddl.createIndex(users, next!), refused(/expression part `score` \+ 1\./));
    assert.throws(() => ddl.createIndex(users, live!), refused(/^A partial index \(CREATE INDEX \.\.\. WHERE\) is not supported by this dialect \(MariaDB 10\.11\); index 'uq_core_ix_users_email_live' on 'core_ix_users' has WHERE `deleted_at` IS NULL\. Drop the WHERE \(the index then covers every row\), or index a generated column that is NULL outside the condition: \.generatedAs\(sql`CASE WHEN deleted_at IS NULL THEN <column> END`/));
    // The whole table is refused before any statement: createAll of it on MariaDB sends nothing.
    assert.throws(() => ddl.createTableWhole(users), UnsupportedFeatureError);
  });
});

describe("declaring an index", () => {
  const md = new MetaData();
  const other = table("core_ix_other", md, { id: integer().primaryKey(), email: string(50) });
  const declare = (constraints: (c: typeof other.c) => ReturnType<typeof index>[]) => () =>
    table("core_ix_bad", new MetaData(), { id: integer().primaryKey(), email: string(50), gone: datetime() }, (c) => constraints(c as never));

  test("a column of another table, in a part or the WHERE, is refused naming the table, the index and the fix", () => {
    assert.throws(
      declare(() => [index([func.lower(other.c.email)], { name: "ix_mail" })]),
      (e: unknown) => e instanceof ArgumentError && e.message === "Index 'ix_mail' of table 'core_ix_bad', part 1, names core_ix_other.email, not a column of 'core_ix_bad'. An index covers its own table's columns only: build it from the c.<key> columns the constraints callback receives.",
    );
    assert.throws(declare(() => [index([other.c.email.desc()])]), /Index of table 'core_ix_bad', part 1, names core_ix_other\.email/);
    assert.throws(
      declare((c) => [index([c.email], { where: other.c.email.isNull() })]),
      (e: unknown) => e instanceof ArgumentError && /^Index of table 'core_ix_bad' has a WHERE that names core_ix_other\.email, not a column of 'core_ix_bad'\. A partial index's condition reads its own table's row only/.test(e.message),
    );
  });

  test("an expression part without a name, NULLS FIRST/LAST, and what is not an expression are refused", () => {
    assert.throws(
      declare((c) => [index([func.lower(c.email)])]),
      (e: unknown) => e instanceof ArgumentError && e.message === `Index of table 'core_ix_bad' has an expression part and no name (no naming convention names an expression): index([...], { name: "ix_core_ix_bad_..." }).`,
    );
    assert.throws(declare((c) => [index([c.email.desc().nullsLast()])]), /Index of table 'core_ix_bad', part 1, is ordered NULLS LAST, .*drop \.nullsLast\(\)/);
    // @ts-expect-error a column's name is not a part
    assert.throws(declare(() => [index(["email"])]), /part 1, is the string 'email', not a column or an expression/);
  });

  test("an index with an expression part or a WHERE is no unique key of its columns (keyset pagination asks for one)", () => {
    const t = table("core_ix_keys", new MetaData(), { id: integer().primaryKey(), tenant: integer().notNull(), email: string(50).notNull(), code: integer().notNull(), gone: integer() }, (c) => [
      index([c.tenant, func.lower(c.email)], { name: "uq_tenant_email", unique: true }),
      index([c.code], { unique: true, where: c.gone.isNull() }),
    ]);
    assert.throws(() => planPage(select(t.c.id).orderBy(t.c.tenant), { limit: 10 }), /ORDER BY/);
    assert.throws(() => planPage(select(t.c.id).orderBy(t.c.code), { limit: 10 }), /ORDER BY/);
    const sorted = table("core_ix_keys2", new MetaData(), { id: integer().primaryKey(), code: integer().notNull() }, (c) => [index([c.code.desc()], { unique: true })]);
    assert.ok(planPage(select(sorted.c.id).orderBy(sorted.c.code), { limit: 10 }), "a DESC part keeps the key");
  });
});

forEachDatabase("descending, expression and partial indexes", (ctx) => {
  const mysql = ctx.db.name === "mysql";
  const md = mysql ? mariaMetadata : metadata;
  const run = (statement: Parameters<typeof ctx.engine.execute>[0]) => ctx.engine.execute(statement);

  test("createAll makes them; the database enforces the unique ones as declared", async () => {
    await md.dropAll(ctx.engine);
    await md.createAll(ctx.engine);
    try {
      const reflected = (await ctx.engine.inspect().reflect()).tables.find((t) => t.name === (mysql ? "core_ix_events" : "core_ix_users"))!;
      const names = mysql
        ? ["ix_core_ix_events_at", "ix_core_ix_events_kind_at"]
        : ["ix_core_ix_users_at", "ix_core_ix_users_email", "ix_core_ix_users_next", "ix_core_ix_users_tenant_email", "ix_core_ix_users_tenant_id_score", "uq_core_ix_users_email_live"];
      assert.deepEqual(reflected.indexes.map((i) => i.name), names);
      if (mysql) {
        assert.deepEqual(reflected.indexes.find((i) => i.name === "ix_core_ix_events_at")!.expressions, ["`at` DESC"]);
        const at = new Date("2026-01-01T00:00:00Z");
        await run(insert(events).values({ id: 1, kind: "a", at }));
        await assert.rejects(run(insert(events).values({ id: 2, kind: "a", at })), /duplicate|unique/i, "(kind, at DESC) is unique");
        return;
      }
      const at = new Date("2026-01-01T00:00:00Z");
      await run(insert(users).values({ id: 1, tenantId: 1, email: "Ann@x", score: 1, at }));
      await assert.rejects(run(insert(users).values({ id: 2, tenantId: 2, email: "ann@X", score: 1, at })), /unique/i, "lower(email) is unique among live rows");
      await run(insert(users).values({ id: 3, tenantId: 2, email: "ann@X", score: 1, at, deletedAt: at }));
      await assert.rejects(run(insert(users).values({ id: 4, tenantId: 1, email: "bob@x", score: 1, at })), /unique/i, "(tenant_id, score DESC) is unique");
      const live = await ctx.engine.execute(select(users.c.id).where(func.lower(users.c.email).eq("ann@x"), users.c.deletedAt.isNull()));
      assert.deepEqual(live.rows, [{ id: 1 }]);
    } finally {
      await md.dropAll(ctx.engine);
    }
  });

  if (mysql) {
    test("MariaDB: createAll of tables, one with an expression index, refuses before creating any", async () => {
      const md2 = new MetaData();
      table("core_ix_plain", md2, { id: integer().primaryKey() });
      table("core_ix_lower", md2, { id: integer().primaryKey(), email: string(50) }, (c) => [index([func.lower(c.email)], { name: "ix_core_ix_lower" })]);
      await md2.dropAll(ctx.engine);
      await assert.rejects(md2.createAll(ctx.engine), (e: unknown) => e instanceof UnsupportedFeatureError && /index 'ix_core_ix_lower' on 'core_ix_lower'/.test(e.message));
      assert.deepEqual((await ctx.engine.inspect().reflect()).tables.filter((t) => t.name.startsWith("core_ix_")), []);
    });
  }
});

test("the README's Indexes example is examples/indexes.ts, and it prints what the README shows", () => {
  const readme = readFileSync(`${root}/README.md`, "utf8");
  const start = readme.indexOf("\n### Indexes\n");
  const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
  const [code, printed] = [...section.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  assert.equal(code, readFileSync(`${root}/examples/indexes.ts`, "utf8"));
  assert.equal(execFileSync(process.execPath, ["--import", "tsx", "examples/indexes.ts"], { cwd: root, encoding: "utf8" }), printed);
});
