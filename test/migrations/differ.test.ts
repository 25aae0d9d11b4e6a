/** `diffSchemas` on plain SchemaModels: every operation kind, foreign-key order, declared renames, data loss. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { types } from "../../src/core/types/sql-type.js";
import { DataLossError, diffSchemas, type Operation } from "../../src/migrations/index.js";
import { authors, books, id, s, t } from "./differ-fixtures.js";

const diff = (from: ReturnType<typeof s>, to: ReturnType<typeof s>, allowDataLoss = false) =>
  diffSchemas(from, to, { dialect: "postgresql", allowDataLoss });
const fksOf = (o: Operation | undefined) => (o as unknown as { table: { foreignKeys: unknown[] } }).table.foreignKeys;
const kinds = (ops: readonly Operation[]) => ops.map((o) => `${o.op} ${"table" in o ? o.table.name : `${(o as { from?: string }).from ?? ""}`}`);

test("equal schemas give no operation", () => {
  assert.deepEqual(diff(s(authors, books), s(authors, books)), []);
  assert.deepEqual(diff(s(), s()), []);
});

test("new tables are created referenced-first, whatever their names' order", () => {
  const child = t("a_child", { columns: [id, { name: "p", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_p", columns: ["p"], referredTable: "z_parent", referredColumns: ["id"] }] });
  const parent = t("z_parent", { columns: [id], primaryKey: ["id"] });
  const ops = diff(s(), s(child, parent));
  assert.deepEqual(kinds(ops), ["createTable z_parent", "createTable a_child"]);
  assert.deepEqual(ops[1], { op: "createTable", table: child });
});

test("a foreign-key cycle: the key closing it is added after both tables, and dropped before either", () => {
  const a = t("a", { columns: [id, { name: "b_id", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_a_b", columns: ["b_id"], referredTable: "b", referredColumns: ["id"] }] });
  const b = t("b", { columns: [id, { name: "a_id", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_b_a", columns: ["a_id"], referredTable: "a", referredColumns: ["id"] }] });
  const self = t("c", { columns: [id, { name: "parent", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_c_c", columns: ["parent"], referredTable: "c", referredColumns: ["id"] }] });
  const up = diff(s(), s(a, b, self));
  assert.deepEqual(kinds(up), ["createTable b", "createTable a", "createTable c", "addForeignKey b"]);
  assert.deepEqual(fksOf(up[0]), []);
  assert.equal(fksOf(up[2]).length, 1, "a self-reference stays in CREATE TABLE");
  assert.deepEqual(up[3], { op: "addForeignKey", table: { name: "b" }, foreignKey: b.foreignKeys[0] });

  const down = diff(s(a, b, self), s(), true);
  assert.deepEqual(kinds(down), ["dropForeignKey b", "dropTable c", "dropTable a", "dropTable b"]);
  assert.deepEqual(fksOf(down.at(-1)), []);
});

test("dropped tables go referencing-first, and only with allowDataLoss", () => {
  assert.throws(() => diff(s(authors, books), s()), DataLossError);
  assert.deepEqual(kinds(diff(s(authors, books), s(), true)), ["dropTable books", "dropTable authors"]);
});

test("columns: add, change (type, nullability, default), drop", () => {
  const v2 = t("authors", {
    columns: [
      id,
      { name: "name", type: types.string(200), nullable: true, serverDefault: "'anon'" },
      { name: "born", type: types.date() },
    ],
    primaryKey: ["id"],
  });
  const ops = diff(s(authors), s(v2));
  assert.deepEqual(ops, [
    { op: "addColumn", table: { name: "authors" }, column: { name: "born", type: types.date(), nullable: true, autoincrement: false } },
    {
      op: "alterColumn",
      table: { name: "authors" },
      column: "name",
      from: { type: types.string(100), nullable: false, serverDefault: null },
      to: { type: types.string(200), nullable: true, serverDefault: "'anon'" },
    },
  ]);
  assert.throws(() => diff(s(v2), s(authors)), DataLossError, "dropping born and narrowing name");
  const back = diff(s(v2), s(authors), true);
  assert.deepEqual(kinds(back), ["alterColumn authors", "dropColumn authors"]);
  assert.deepEqual(back[0], { op: "alterColumn", table: { name: "authors" }, column: "name", from: { type: types.string(200), nullable: true, serverDefault: "'anon'" }, to: { type: types.string(100), nullable: false, serverDefault: null } });
});

test("constraints and indexes: added, dropped, changed (drop then add), compared by name or definition", () => {
  const before = t("books", {
    columns: [id, { name: "isbn", type: types.string(13) }, { name: "title", type: types.text() }, { name: "a", type: types.integer() }],
    primaryKey: ["id"],
    foreignKeys: [{ name: "fk_a", columns: ["a"], referredTable: "authors", referredColumns: ["id"] }],
    uniques: [{ columns: ["isbn"] }, { name: "uq_title", columns: ["title"] }],
    checks: [{ sql: "a > 0" }, { name: "ck_isbn", sql: "length(isbn) = 13" }],
    indexes: [{ name: "ix_title", columns: ["title"] }, { name: "ix_a", columns: ["a"] }],
  });
  const after = t("books", {
    columns: [id, { name: "isbn", type: types.string(13) }, { name: "title", type: types.text() }, { name: "a", type: types.integer() }],
    primaryKey: { name: "pk_books", columns: ["id", "isbn"] },
    foreignKeys: [{ name: "fk_a", columns: ["a"], referredTable: "authors", referredColumns: ["id"], onDelete: "cascade" }],
    uniques: [{ columns: ["isbn", "title"] }, { name: "uq_title", columns: ["title"] }],
    checks: [{ sql: "a >= 0" }, { name: "ck_isbn", sql: "length(isbn)=13" }],
    indexes: [{ name: "ix_title", columns: ["title"], unique: true }, { name: "ix_a", columns: ["a"] }, { name: "ix_isbn", columns: ["isbn"], where: "isbn IS NOT NULL" }],
  });
  const ops = diff(s(authors, before), s(authors, after));
  assert.deepEqual(kinds(ops), [
    "dropForeignKey books",
    "dropPrimaryKey books",
    "dropIndex books",
    "dropUnique books",
    "dropCheck books",
    "addPrimaryKey books",
    "addUnique books",
    "addCheck books",
    "createIndex books",
    "createIndex books",
    "addForeignKey books",
  ]);
  assert.deepEqual(ops[2], { op: "dropIndex", table: { name: "books" }, index: before.indexes[0] }, "ix_title changed: dropped");
  assert.deepEqual(ops[4], { op: "dropCheck", table: { name: "books" }, check: { sql: "a > 0" } }, "a named check is compared by name only");
  assert.deepEqual(ops.at(-1), { op: "addForeignKey", table: { name: "books" }, foreignKey: after.foreignKeys[0] });
});

test("a declared column rename is a renameColumn (with alterColumn when the type changes too); constraints follow it", () => {
  const renamed = t(
    "books",
    {
      columns: [id, { name: "name", type: types.string(200), nullable: false }, { name: "writer_id", type: types.integer(), nullable: false }],
      primaryKey: ["id"],
      foreignKeys: [{ name: "fk_books_author_id_authors", columns: ["writer_id"], referredTable: "authors", referredColumns: ["id"], onDelete: "cascade" }],
      indexes: [{ name: "ix_books_title", columns: ["name"] }],
    },
    { renamedFrom: { name: ["title"], writer_id: ["older", "author_id"] } },
  );
  const ops = diff(s(authors, books), s(authors, renamed));
  assert.deepEqual(ops, [
    { op: "renameColumn", table: { name: "books" }, from: "title", to: "name" },
    { op: "renameColumn", table: { name: "books" }, from: "author_id", to: "writer_id" },
    { op: "alterColumn", table: { name: "books" }, column: "name", from: { type: types.string(100), nullable: false, serverDefault: null }, to: { type: types.string(200) } },
  ]);
  // The hint stays harmless once the rename is applied.
  assert.deepEqual(diff(s(authors, { ...renamed, columns: renamed.columns.map(({ renamedFrom: _, ...c }) => c) }), s(authors, renamed)), []);
});

test("a declared table rename is a renameTable; foreign keys to it follow without operations", () => {
  const writers = t("writers", { columns: authors.columns, primaryKey: ["id"] }, { previousNames: ["authors"] });
  const books2 = { ...books, foreignKeys: [{ ...books.foreignKeys[0]!, referredTable: "writers" }] };
  assert.deepEqual(diff(s(authors, books), s(books2, writers)), [{ op: "renameTable", from: "authors", to: "writers" }]);
  const inSchema = t({ schema: "lib", name: "writers" }, { columns: authors.columns }, { previousNames: ["authors"] });
  const old = t({ schema: "lib", name: "authors" }, { columns: authors.columns });
  assert.deepEqual(diff(s(old), s(inSchema)), [{ op: "renameTable", schema: "lib", from: "authors", to: "writers" }]);
});

test("a new table referencing a renamed column's table is created after the renames, new foreign keys last", () => {
  const reviews = t("reviews", { columns: [id, { name: "book_id", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_r", columns: ["book_id"], referredTable: "books", referredColumns: ["id"] }] });
  const authors2 = t("authors", { columns: [...authors.columns, { name: "best_book", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_best", columns: ["best_book"], referredTable: "books", referredColumns: ["id"] }] });
  assert.deepEqual(kinds(diff(s(authors, books), s(authors2, books, reviews))), ["addColumn authors", "createTable reviews", "addForeignKey authors"]);
});

test("DataLossError names every step, calls a drop + add a likely rename, and gives both ways forward", () => {
  const v2 = t("books", {
    columns: [id, { name: "name", type: types.string(100), nullable: false }, { name: "author_id", type: types.integer(), nullable: false }],
    primaryKey: ["id"],
    foreignKeys: books.foreignKeys,
    indexes: [{ name: "ix_books_title", columns: ["name"] }],
  });
  const people = t("people", { columns: authors.columns, primaryKey: ["id"] });
  const error = (() => {
    try {
      diff(s(authors, books), s({ ...v2, foreignKeys: [{ ...books.foreignKeys[0]!, referredTable: "people" }] }, people));
    } catch (e) {
      return e as DataLossError;
    }
    assert.fail("no DataLossError");
  })();
  assert.ok(error instanceof DataLossError);
  assert.equal(error.name, "DataLossError");
  assert.deepEqual(error.losses.map((l) => [l.kind, l.table, l.column, l.looksRenamedTo]), [
    ["dropTable", "authors", undefined, "table people"],
    ["dropColumn", "books", "title", "books.name"],
  ]);
  assert.match(error.message, /drop table authors/);
  assert.match(error.message, /drop column books\.title/);
  assert.match(error.message, /looks like a rename to books\.name/);
  assert.match(error.message, /name: string\(100\)\.notNull\(\)\.renamedFrom\("title"\)/);
  assert.match(error.message, /@model\("people", \{ previousNames: \["authors"\] \}\)/);
  assert.match(error.message, /--allow-data-loss/);
  assert.ok(diff(s(authors, books), s(v2, people), true).some((o) => o.op === "dropColumn"));
});

test("type changes: widenings pass, narrowings are data loss", () => {
  const col = (type: ReturnType<typeof types.integer> | ReturnType<typeof types.string> | object) =>
    s(t("x", { columns: [{ name: "c", type: type as never }] }));
  const safe = [
    [types.string(10), types.string(20)],
    [types.string(10), types.text()],
    [types.integer(), types.bigint()],
    [types.integer(), types.numeric(12, 2)],
    [types.numeric(10, 2), types.numeric(12, 3)],
    [types.enum(["a", "b"]), types.enum(["a", "b", "c"])],
    [types.datetime(), types.datetime({ timezone: true })],
    [types.enum(["draft", "done"]), types.string(5)],
  ] as const;
  for (const [a, b] of safe) assert.equal(diff(col(a), col(b)).length, 1, `${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  const narrowing = [
    [types.string(20), types.string(10)],
    [types.text(), types.string(255)],
    [types.bigint(), types.integer()],
    [types.numeric(12, 2), types.numeric(10, 2)],
    [types.float(), types.numeric(10, 2)],
    [types.enum(["a", "b"]), types.enum(["a"])],
    [types.string(10), types.integer()],
    [{ kind: "raw", sql: "tsvector" }, types.text()],
  ] as const;
  for (const [a, b] of narrowing) {
    assert.throws(() => diff(col(a), col(b)), (e: unknown) => e instanceof DataLossError && /narrow column x\.c/.test(e.message), `${JSON.stringify(a)} → ${JSON.stringify(b)}`);
    assert.equal(diff(col(a), col(b), true).length, 1);
  }
});

test("nullable to NOT NULL is a change, not a loss (it fails loudly if NULLs remain)", () => {
  const a = s(t("x", { columns: [{ name: "c", type: types.integer() }] }));
  const b = s(t("x", { columns: [{ name: "c", type: types.integer(), nullable: false }] }));
  assert.deepEqual(diff(a, b), [{ op: "alterColumn", table: { name: "x" }, column: "c", from: { type: types.integer(), nullable: true, serverDefault: null }, to: { nullable: false } }]);
});

test("the dialect may be a Dialect object", () => {
  assert.deepEqual(diffSchemas(s(authors), s(authors), { dialect: { name: "mysql" } }), []);
});
