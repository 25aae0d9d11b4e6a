/**
 * The differ against the model replay (`applyAllToModel`): for pairs of schemas, applying
 * `diffSchemas(a, b)` to `a` gives `b`, and applying `downOf` of it then gives `a` back.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { types } from "../../src/core/types/sql-type.js";
import { diffSchemas, downOf } from "../../src/migrations/index.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import { authors, books, id, s, t } from "./differ-fixtures.js";

/** The schema without the model-only hints, sorted, in canonical form. */
function plain(schema: SchemaModel): SchemaModel {
  const tables = schema.tables
    .map(({ previousNames: _p, ...table }) => ({ ...table, columns: table.columns.map(({ renamedFrom: _r, ...c }) => c) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return canonicalSchema({ tables, enums: [] }, "postgresql");
}

function roundTrip(a: SchemaModel, b: SchemaModel): void {
  const up = diffSchemas(a, b, { dialect: "postgresql", allowDataLoss: true });
  const after = applyAllToModel(a, up);
  assert.deepEqual(plain(after), plain(b), "up");
  assert.deepEqual(plain(applyAllToModel(after, downOf(up))), plain(a), "down");
}

const cycleA = t("a", { columns: [id, { name: "b_id", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_a_b", columns: ["b_id"], referredTable: "b", referredColumns: ["id"] }] });
const cycleB = t("b", { columns: [id, { name: "a_id", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_b_a", columns: ["a_id"], referredTable: "a", referredColumns: ["id"] }] });

const writers = t(
  "writers",
  { columns: [id, { name: "full_name", type: types.string(200), nullable: false }, { name: "born", type: types.date() }], primaryKey: ["id"], uniques: [{ name: "uq_w", columns: ["full_name"] }] },
  { previousNames: ["authors"], renamedFrom: { full_name: ["name"] } },
);
const books2 = t(
  "books",
  {
    columns: [id, { name: "name", type: types.text(), nullable: false }, { name: "author_id", type: types.integer(), nullable: false }, { name: "isbn", type: types.string(13) }],
    primaryKey: ["id"],
    foreignKeys: [{ name: "fk_books_author_id_writers", columns: ["author_id"], referredTable: "writers", referredColumns: ["id"], onDelete: "set null" }],
    checks: [{ name: "ck_isbn", sql: "length(isbn) = 13" }],
    indexes: [{ name: "ix_books_title", columns: ["name"], unique: true }],
  },
  { renamedFrom: { name: ["title"] } },
);
const reviews = t("reviews", { columns: [id, { name: "book_id", type: types.integer() }], primaryKey: ["id"], foreignKeys: [{ name: "fk_r", columns: ["book_id"], referredTable: "books", referredColumns: ["id"] }] });

test("create and drop, with a foreign-key cycle", () => {
  roundTrip(s(), s(authors, books));
  roundTrip(s(), s(cycleA, cycleB));
  roundTrip(s(cycleA, cycleB), s(authors));
});

test("renamed table and columns, changed types, keys, constraints and indexes, a new table", () => {
  roundTrip(s(authors, books), s(books2, reviews, writers));
});

test("dropped columns and constraints", () => {
  const bare = t("books", { columns: [id, { name: "title", type: types.string(100), nullable: false }], primaryKey: ["id"] });
  roundTrip(s(authors, books), s(authors, bare));
});
