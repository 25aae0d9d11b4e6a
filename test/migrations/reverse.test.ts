/** `reverse` and `downOf`: every operation kind has a reverse that undoes it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { types } from "../../src/core/types/sql-type.js";
import { diffSchemas, downOf, IrreversibleOperationError, op, reverse } from "../../src/migrations/index.js";
import { authors, books, s, t } from "./differ-fixtures.js";
import { allKinds, everyOp } from "./every-op.js";

test("every kind is covered by the fixture", () => {
  assert.deepEqual(new Set(everyOp.map((o) => o.op)), new Set(allKinds));
});

test("the reverse of the reverse is the operation (lint suppressions and notValid aside)", () => {
  for (const operation of everyOp) {
    if (operation.op === "execute") {
      assert.throws(() => reverse(operation), IrreversibleOperationError);
      continue;
    }
    if (operation.op === "validateConstraint") {
      assert.deepEqual(reverse(operation), []);
      continue;
    }
    const back = reverse(operation);
    assert.equal(back.length, 1);
    const { lint: _lint, ...plain } = operation as typeof operation & { notValid?: boolean };
    const expected = "notValid" in plain ? (({ notValid: _n, ...rest }) => rest)(plain as typeof plain & { notValid?: boolean }) : plain;
    assert.deepEqual(reverse(back[0]!), [expected], operation.op);
  }
});

test("alterColumn's reverse changes back only what it changed, from the state it left", () => {
  const change = op.alterColumn("t", "c", { from: { type: types.string(50), nullable: true, serverDefault: "'x'" }, to: { type: types.text() } });
  assert.deepEqual(reverse(change), [
    op.alterColumn("t", "c", { from: { type: types.text(), nullable: true, serverDefault: "'x'" }, to: { type: types.string(50) } }),
  ]);
});

test("with the schema before, a hand-written drop is undone to the real definition", () => {
  const stale = op.dropColumn("books", { name: "title", type: types.text() });
  assert.deepEqual(reverse(stale, s(authors, books)), [{ op: "addColumn", table: { name: "books" }, column: books.columns[1] }]);
});

test("downOf(ops) undoes each step, last first", () => {
  const v2 = t(
    "books",
    {
      columns: [...books.columns.map((c) => (c.name === "title" ? { ...c, name: "name", type: types.string(200) } : c)), { name: "isbn", type: types.string(13) }],
      primaryKey: ["id"],
      foreignKeys: books.foreignKeys,
      uniques: [{ name: "uq_isbn", columns: ["isbn"] }],
      indexes: [{ name: "ix_books_title", columns: ["name"] }],
    },
    { renamedFrom: { name: ["title"] } },
  );
  const up = diffSchemas(s(authors, books), s(authors, v2), { dialect: "sqlite" });
  const down = downOf(up);
  assert.deepEqual(downOf(up, s(authors, books)), down, "the same with the schema before");
  assert.deepEqual(down, [
    { op: "dropUnique", table: { name: "books" }, unique: { name: "uq_isbn", columns: ["isbn"] } },
    { op: "alterColumn", table: { name: "books" }, column: "name", from: { type: types.string(200), nullable: false, serverDefault: null }, to: { type: types.string(100) } },
    { op: "dropColumn", table: { name: "books" }, column: { name: "isbn", type: types.string(13), nullable: true, autoincrement: false } },
    { op: "renameColumn", table: { name: "books" }, from: "name", to: "title" },
  ]);
});
