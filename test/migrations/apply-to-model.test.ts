/**
 * `applyToModel`: the schema after each operation, computed on plain data, and the typed refusal
 * of operations that cannot apply. Also the SQLite planner's merging of consecutive operations on
 * one table into a single rebuild that carries rows through a rename.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import { OperationModelError, type OperationModelProblem } from "../../src/migrations/index.js";
import { applyAllToModel, applyToModel } from "../../src/migrations/operations/apply-to-model.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import type { Operation } from "../../src/migrations/operations/operation.js";
import { base } from "./render-fixture.js";
import { col, int, str, text } from "./model-builders.js";

const books = { name: "books" };
const table = (schema: typeof base, name: string) => schema.tables.find((t) => t.name === name)!;

function refuses(op: Operation, problem: OperationModelProblem, message: RegExp): void {
  assert.throws(
    () => applyToModel(base, op),
    (e: unknown) => e instanceof OperationModelError && e.problem === problem && message.test(e.message) && e.operation === op,
  );
}

describe("applyToModel", () => {
  test("it never changes its input", () => {
    const before = JSON.stringify(base);
    applyToModel(base, { op: "addColumn", table: books, column: col("isbn", str(13)) });
    assert.equal(JSON.stringify(base), before);
  });

  test("columns: add, rename (keys, indexes and inbound foreign keys follow), alter, drop (its constraints and indexes go too)", () => {
    let s = applyToModel(base, { op: "addColumn", table: books, column: { ...col("isbn", str(13)), renamedFrom: ["code"] } });
    assert.deepEqual(table(s, "books").columns.at(-1), col("isbn", str(13)), "the rename hint is not part of the schema");
    s = applyToModel(s, { op: "renameColumn", table: { name: "authors" }, from: "id", to: "author_id" });
    assert.deepEqual(table(s, "authors").primaryKey, { columns: ["author_id"] });
    assert.deepEqual(table(s, "books").foreignKeys[0]!.referredColumns, ["author_id"]);
    s = applyToModel(s, { op: "renameColumn", table: books, from: "title", to: "name" });
    assert.deepEqual(table(s, "books").indexes[0]!.columns, ["name"]);
    s = applyToModel(s, { op: "alterColumn", table: books, column: "pages", from: { type: int, nullable: true, serverDefault: "0" }, to: { type: text, nullable: false, serverDefault: null } });
    assert.deepEqual(table(s, "books").columns.find((c) => c.name === "pages"), col("pages", text, { notNull: true }));
    s = applyToModel(s, { op: "dropColumn", table: books, column: col("pages", text, { notNull: true }) });
    assert.deepEqual(table(s, "books").checks, [], "the check on the column went with it");
    s = applyToModel(s, { op: "dropColumn", table: books, column: col("author_id", int) });
    assert.deepEqual(table(s, "books").foreignKeys, []);
  });

  test("tables: create, rename (foreign keys to it follow), drop", () => {
    let s = applyToModel(base, { op: "renameTable", from: "authors", to: "writers" });
    assert.deepEqual(s.tables.map((t) => t.name), ["books", "writers"], "sorted by name");
    assert.equal(table(s, "books").foreignKeys[0]!.referredTable, "writers");
    s = applyToModel(s, { op: "dropTable", table: table(s, "books") });
    assert.deepEqual(s.tables.map((t) => t.name), ["writers"]);
  });

  test("constraints and indexes are added sorted by name and dropped by name", () => {
    const s = applyAllToModel(base, [
      { op: "createIndex", table: books, index: { name: "ix_a", columns: ["pages"], unique: false } },
      { op: "addUnique", table: books, unique: { name: "uq_books_title", columns: ["title"] } },
      { op: "dropCheck", table: books, check: { name: "ck_books_pages", sql: "ignored: dropped by name" } },
      { op: "dropPrimaryKey", table: books, primaryKey: { columns: ["id"] } },
      { op: "addPrimaryKey", table: books, primaryKey: { name: "pk_books", columns: ["id", "title"] } },
    ]);
    const t = table(s, "books");
    assert.deepEqual(t.indexes.map((i) => i.name), ["ix_a", "ix_books_title"]);
    assert.deepEqual(t.uniques, [{ name: "uq_books_title", columns: ["title"] }]);
    assert.deepEqual(t.checks, []);
    assert.deepEqual(t.primaryKey, { name: "pk_books", columns: ["id", "title"] });
  });

  test("impossible operations are refused with a typed error naming the object", () => {
    refuses({ op: "addColumn", table: { name: "nope" }, column: col("x", int) }, "missing-table", /table 'nope' does not exist/);
    refuses({ op: "addColumn", table: books, column: col("title", int) }, "column-exists", /column 'books.title' already exists/);
    refuses({ op: "dropColumn", table: books, column: col("nope", int) }, "missing-column", /column 'books.nope' does not exist/);
    refuses({ op: "renameColumn", table: books, from: "title", to: "pages" }, "column-exists", /'books.pages' already exists/);
    refuses({ op: "createTable", table: table(base, "books") }, "table-exists", /table 'books' already exists/);
    refuses({ op: "renameTable", from: "books", to: "authors" }, "table-exists", /'authors' already exists/);
    refuses({ op: "dropTable", table: table(base, "authors") }, "referenced", /referenced by a foreign key of 'books'/);
    refuses({ op: "dropColumn", table: { name: "authors" }, column: col("id", int) }, "referenced", /'authors.id' is referenced/);
    refuses({ op: "createIndex", table: books, index: { name: "ix_books_title", columns: ["pages"], unique: false } }, "constraint-exists", /index 'ix_books_title' already exists/);
    refuses({ op: "dropForeignKey", table: books, foreignKey: { name: "fk_nope", columns: [], referredTable: "authors", referredColumns: [] } }, "missing-constraint", /foreign key 'fk_nope'/);
    refuses({ op: "addPrimaryKey", table: books, primaryKey: { columns: ["id"] } }, "constraint-exists", /already has a primary key/);
  });
});

describe("SQLite planning", () => {
  const dialect = sqliteDialect();

  // A column rename ends the rebuild and runs on its own: SQLite's RENAME COLUMN rewrites what names
  // the column elsewhere (another table's key, views, triggers), which a rebuild re-creates as they were.
  test("consecutive operations on one table share one rebuild, up to a column rename; rows follow the renames before it", () => {
    const steps = planSteps(
      [
        { op: "renameColumn", table: books, from: "title", to: "name" },
        { op: "alterColumn", table: books, column: "pages", from: { type: int, nullable: true, serverDefault: "0" }, to: { nullable: false } },
        { op: "addColumn", table: books, column: col("isbn", str(13), { notNull: true, default: "'?'" }) },
        { op: "renameColumn", table: books, from: "name", to: "heading" },
        { op: "createIndex", table: { name: "authors" }, index: { name: "ix_authors_name", columns: ["name"], unique: false } },
      ],
      { dialect, schema: base },
    );
    assert.deepEqual(steps.map((s) => s.description), [
      "rename column books.title to name",
      "rebuild table books (alter column books.pages; add column books.isbn)",
      "rename column books.name to heading",
      "create index ix_authors_name on authors",
    ]);
    assert.equal(steps[1]!.statements[1], 'INSERT INTO "_athanor_new_books" ("id", "name", "author_id", "pages") SELECT "id", "name", "author_id", "pages" FROM "books"');
  });

  test("ADD COLUMN where SQLite can; a rebuild for a NOT NULL column without default, and for dropping an indexed column", () => {
    const plan = (op: Operation) => planSteps([op], { dialect, schema: base })[0]!;
    assert.equal(plan({ op: "addColumn", table: books, column: col("isbn", str(13), { notNull: true, default: "''" }) }).foreignKeysOff, undefined);
    assert.equal(plan({ op: "addColumn", table: books, column: col("isbn", str(13), { notNull: true }) }).foreignKeysOff, true);
    assert.equal(plan({ op: "dropColumn", table: books, column: col("title", str(100), { notNull: true }) }).foreignKeysOff, true);
    assert.equal(plan({ op: "dropColumn", table: { name: "authors" }, column: col("name", str(40), { notNull: true }) }).statements[0], 'ALTER TABLE "authors" DROP COLUMN "name"');
  });
});
