/**
 * Operations applied to real databases (SQLite, PostgreSQL, MariaDB) with seeded rows: a first
 * version creates two tables, a second adds, renames and alters columns, adds an index, a unique,
 * a check and a foreign key, renames a table. The rows survive every step; the reflected schema
 * afterwards is what `applyToModel` computed. PostgreSQL and SQLite roll a failing migration back
 * whole; on MariaDB a rerun after a partial run converges through the steps' guards.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { after, before, test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import type { Connection } from "../../src/engine/connection.js";
import { MigrationStepError } from "../../src/migrations/index.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { type Step } from "../../src/migrations/apply/step.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { col, emptySchema, int, str, tableModel, text } from "./model-builders.js";

const authors = tableModel("mr_authors", [col("name", str(40), { notNull: true }), col("email", str(100))]);
const books = tableModel("mr_books", [col("title", str(100), { notNull: true }), col("author_id", int), col("pages", int, { default: "0" })], {
  foreignKeys: [{ name: "fk_mr_books_author", columns: ["author_id"], referredTable: "mr_authors", referredColumns: ["id"], onDelete: "cascade" }],
  indexes: [{ name: "ix_mr_books_title", columns: ["title"], unique: false }],
});
const v1: Operation[] = [
  { op: "createTable", table: authors },
  { op: "createTable", table: books },
];
const b = { name: "mr_books" };
const a = { name: "mr_authors" };
const reviews = tableModel("mr_reviews", [col("book_id", int, { notNull: true }), col("body", text)], {
  foreignKeys: [{ name: "fk_mr_reviews_book", columns: ["book_id"], referredTable: "mr_books", referredColumns: ["id"], onDelete: "cascade" }],
});

/** The second version, on every dialect (PostgreSQL adds its own forms below). */
function v2(dialect: string): Operation[] {
  return [
    { op: "addColumn", table: b, column: col("isbn", str(13)) },
    { op: "renameColumn", table: b, from: "title", to: "name" },
    { op: "alterColumn", table: b, column: "pages", from: { type: int, nullable: true, serverDefault: "0" }, to: { type: { kind: "bigint" }, nullable: false } },
    { op: "alterColumn", table: a, column: "email", from: { type: str(100), nullable: true, serverDefault: null }, to: { type: str(200) } },
    { op: "addUnique", table: a, unique: { name: "uq_mr_authors_email", columns: ["email"] } },
    { op: "addCheck", table: b, check: { name: "ck_mr_books_pages", sql: "pages >= 0" }, notValid: dialect === "postgresql" },
    { op: "createTable", table: reviews },
    ...(dialect === "postgresql" ? [{ op: "validateConstraint", table: b, name: "ck_mr_books_pages" } as const] : []),
    { op: "renameTable", from: "mr_books", to: "mr_volumes" },
    { op: "execute", sql: "UPDATE mr_volumes SET isbn = 'none' WHERE isbn IS NULL" },
    // Last: on PostgreSQL it runs after the transaction (CONCURRENTLY cannot run inside one).
    { op: "createIndex", table: { name: "mr_volumes" }, index: { name: "ix_mr_books_isbn", columns: ["isbn"], unique: false }, concurrently: dialect === "postgresql" },
  ];
}

const dir = "/tmp/mrender/apply";

forEachDatabase("migration operations on a database", (ctx) => {
  // SQLite: a file, so that reflection (its own connection) sees what the migration did.
  const engine = () => (ctx.db.name === "sqlite" ? sqliteEngine : ctx.engine);
  let sqliteEngine: ReturnType<typeof engineFor>;
  const drop = async (on = engine()) => {
    await on.withConnection(async (conn) => {
      for (const t of ["mr_reviews", "mr_volumes", "mr_books", "mr_authors", "mr_failing"]) await conn.run(`DROP TABLE IF EXISTS ${t}`);
    });
  };
  before(async () => {
    mkdirSync(dir, { recursive: true });
    sqliteEngine = engineFor({ ...ctx.db, url: `sqlite:///${dir}/apply.sqlite` });
    await drop();
  });
  after(async () => {
    // The suite's engine may be disposed already (its after hook runs first): one of our own.
    const own = ctx.db.name === "sqlite" ? sqliteEngine : engineFor(ctx.db, { pool: { max: 1 } });
    await drop(own);
    if (own !== sqliteEngine) await own.dispose();
    await sqliteEngine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const reflect = (): Promise<SchemaModel> => engine().inspect().reflect();
  const run = (steps: readonly Step[], hooks = {}) => engine().withConnection((conn: Connection) => runSteps(conn, steps, hooks));

  test("version 1 then version 2: seeded rows survive, the database has the schema applyToModel computed", async () => {
    const name = ctx.db.name;
    await run(planSteps(v1, { dialect: engine().dialect, schema: emptySchema }));
    await engine().withConnection(async (conn) => {
      await conn.run("INSERT INTO mr_authors (id, name, email) VALUES (1, 'Ann', 'ann@example.org'), (2, 'Bob', NULL)");
      await conn.run("INSERT INTO mr_books (id, title, author_id, pages) VALUES (1, 'One', 1, 100), (2, 'Two', 2, 200), (3, 'Three', 1, 0)");
    });
    const schema1 = applyAllToModel(emptySchema, v1);
    const ops = v2(name);
    const steps = planSteps(ops, { dialect: engine().dialect, schema: schema1 });
    if (name === "postgresql") assert.deepEqual(steps.map((s) => s.transactional).filter((t) => !t).length, 1, "the CONCURRENTLY index runs after the transaction");
    if (name === "sqlite") assert.ok(steps.some((s) => s.foreignKeysOff), "SQLite rebuilds for the column changes");
    await run(steps);

    const rows = await engine().withConnection((conn) => conn.run("SELECT id, name, author_id, pages, isbn FROM mr_volumes ORDER BY id"));
    assert.deepEqual(
      rows.rows.map((r: any) => ({ ...r, pages: Number(r.pages) })),
      [
        { id: 1, name: "One", author_id: 1, pages: 100, isbn: "none" },
        { id: 2, name: "Two", author_id: 2, pages: 200, isbn: "none" },
        { id: 3, name: "Three", author_id: 1, pages: 0, isbn: "none" },
      ],
    );
    const authorsRows = await engine().withConnection((conn) => conn.run("SELECT id, name, email FROM mr_authors ORDER BY id"));
    assert.deepEqual(authorsRows.rows, [{ id: 1, name: "Ann", email: "ann@example.org" }, { id: 2, name: "Bob", email: null }]);

    const expected = applyAllToModel(schema1, ops);
    const reflected = await reflect();
    const only = (s: SchemaModel) => ({ ...s, tables: s.tables.filter((t) => t.name.startsWith("mr_")) });
    assert.deepEqual(canonicalSchema(only(reflected), name), canonicalSchema(only(expected), name));

    // The constraints hold: the check, the unique, the foreign key with its cascade.
    await engine().withConnection(async (conn) => {
      await assert.rejects(conn.run("UPDATE mr_volumes SET pages = -1 WHERE id = 1"));
      await assert.rejects(conn.run("UPDATE mr_authors SET email = 'ann@example.org' WHERE id = 2"));
      await conn.run("INSERT INTO mr_reviews (id, book_id, body) VALUES (1, 1, 'good')");
      await conn.run("DELETE FROM mr_authors WHERE id = 1");
      assert.deepEqual((await conn.run("SELECT id FROM mr_volumes ORDER BY id")).rows, [{ id: 2 }]);
      assert.deepEqual((await conn.run("SELECT id FROM mr_reviews")).rows, []);
    });
  });

  test("a failing step: PostgreSQL and SQLite roll the whole migration back; MariaDB keeps what ran and says so", async () => {
    const name = ctx.db.name;
    const ops: Operation[] = [
      { op: "createTable", table: tableModel("mr_failing", [col("n", int)]) },
      { op: "execute", sql: "INSERT INTO mr_no_such_table VALUES (1)" },
    ];
    const schema = (await reflect());
    const error = await run(planSteps(ops, { dialect: engine().dialect, schema })).then(
      () => assert.fail("the migration should fail"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof MigrationStepError);
    const exists = (await reflect()).tables.some((t) => t.name === "mr_failing");
    if (name === "mysql") {
      assert.equal(exists, true);
      assert.match(error.message, /applied 1 of 2 steps/);
    } else {
      assert.equal(exists, false, "rolled back");
      assert.match(error.message, /rolled back/);
    }
  });

  test("MariaDB: a rerun after a partial run converges (guards skip the steps already applied)", { skip: ctx.db.name !== "mysql" }, async () => {
    const base = await reflect();
    const ops: Operation[] = [
      { op: "addColumn", table: a, column: col("bio", text) },
      { op: "createIndex", table: a, index: { name: "ix_mr_authors_name", columns: ["name"], unique: false } },
      { op: "renameColumn", table: a, from: "bio", to: "about" },
      { op: "alterColumn", table: a, column: "name", from: { type: str(40), nullable: false, serverDefault: null }, to: { type: str(80) } },
    ];
    const steps = planSteps(ops, { dialect: engine().dialect, schema: base });
    assert.equal(steps.length, 4);
    await run(steps.slice(0, 2)); // interrupted after two steps, before their progress was recorded
    const seen: [number, boolean][] = [];
    await run(steps, { currentSchema: () => reflect(), onStep: (i: number, _s: Step, skipped: boolean) => void seen.push([i, skipped]) });
    assert.deepEqual(seen, [[0, true], [1, true], [2, false], [3, false]]);
    const table = (await reflect()).tables.find((t) => t.name === "mr_authors")!;
    assert.deepEqual(table.columns.map((c) => c.name), ["id", "name", "email", "about"]);
  });
});
