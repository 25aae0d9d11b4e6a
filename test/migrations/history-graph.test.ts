/**
 * The migration graph without a database: order, heads, unknown parents, cycles, branches named
 * with both migrations and the way forward, checksums that ignore formatting but not operations,
 * and the plans of up/down.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BranchError, buildGraph, HistoryCycleError, UnknownParentError, type LoadedMigration, type Operation, type VersionRow } from "../../src/migrations/index.js";
import { checksumOf } from "../../src/migrations/history/checksum.js";
import { downPlan, upPlan } from "../../src/migrations/history/plan.js";

const ops = (sql: string): Operation[] => [{ op: "execute", sql }];

function m(id: string, parents: string[] = [], up: Operation[] = ops(`-- ${id}`)): LoadedMigration {
  const definition = { id, parents, message: id, up, down: [] };
  return { id, file: `/x/${id}.ts`, definition, checksum: checksumOf(definition) };
}

const row = (id: string, state: VersionRow["state"] = "applied"): VersionRow => ({ id, checksum: "", state, stepsDone: 0, stepsTotal: 0, appliedAt: "" });

describe("the migration graph", () => {
  test("orders parents first, the smaller id first among migrations free to go", () => {
    const g = buildGraph([m("3", ["2"]), m("1"), m("2", ["1"])]);
    assert.deepEqual(g.order, ["1", "2", "3"]);
    assert.deepEqual(g.heads, ["3"]);
    assert.deepEqual(g.ancestors("2"), ["1", "2"]);
    assert.equal(g.branchError(), undefined);
  });

  test("an unknown parent is named with the migration that follows it", () => {
    assert.throws(() => buildGraph([m("1"), m("2", ["0"])]), (e: unknown) => e instanceof UnknownParentError && /migration 2 follows '0', which no migration file defines/.test(e.message));
  });

  test("a cycle is reported with its migrations", () => {
    assert.throws(() => buildGraph([m("1"), m("2", ["1", "3"]), m("3", ["2"])]), (e: unknown) => e instanceof HistoryCycleError && /cycle: 3 -> 2 -> 3/.test(e.message));
  });

  test("two migrations with the same parent: a branch naming both and 'athanor migrate merge'", () => {
    const g = buildGraph([m("1"), m("2a", ["1"]), m("2b", ["1"]), m("3b", ["2b"])]);
    assert.deepEqual(g.heads, ["2a", "3b"]);
    const error = g.branchError();
    assert.ok(error instanceof BranchError);
    assert.equal(error.first, "2a");
    assert.equal(error.second, "2b");
    assert.equal(error.parent, "1");
    assert.match(error.message, /migrations 2a and 2b both follow 1, so there are 2 heads \(2a, 3b\)\. Run 'athanor migrate merge'/);
    assert.throws(() => g.assertSingleHead(), BranchError);
    // A merge migration that follows both heads ends the branch.
    const merged = buildGraph([m("1"), m("2a", ["1"]), m("2b", ["1"]), m("3b", ["2b"]), m("4", ["2a", "3b"])]);
    assert.deepEqual(merged.heads, ["4"]);
    assert.equal(merged.branchError(), undefined);
    assert.deepEqual(merged.ancestors("4"), ["1", "2a", "2b", "3b", "4"]);
  });

  test("two first migrations are a branch too", () => {
    const error = buildGraph([m("a"), m("b")]).branchError();
    assert.match(error!.message, /migrations a and b both start the history \(no parent\)/);
  });
});

describe("checksums", () => {
  test("depend on the operations and parents, not on key order or the message", () => {
    const a = checksumOf({ parents: ["1"], up: [{ op: "execute", sql: "SELECT 1", transactional: true }], down: [] });
    const b = checksumOf({ parents: ["1"], up: [{ transactional: true, sql: "SELECT 1", op: "execute" } as Operation], down: [] });
    assert.equal(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, checksumOf({ parents: ["1"], up: [{ op: "execute", sql: "SELECT 2", transactional: true }], down: [] }));
    assert.notEqual(a, checksumOf({ parents: [], up: [{ op: "execute", sql: "SELECT 1", transactional: true }], down: [] }));
  });
});

describe("plans", () => {
  const g = buildGraph([m("1"), m("2", ["1"]), m("3", ["2"])]);
  test("up applies what is missing up to the target; a partly applied migration is resumed", () => {
    assert.deepEqual(upPlan(g, [], "3"), ["1", "2", "3"]);
    assert.deepEqual(upPlan(g, [row("1"), row("2", "applying")], "3"), ["2", "3"]);
    assert.deepEqual(upPlan(g, [row("1")], "1"), []);
  });
  test("down reverts the last applied by default, everything after the target otherwise", () => {
    const rows = [row("1"), row("2"), row("3")];
    assert.deepEqual(downPlan(g, rows, null), ["3"]);
    assert.deepEqual(downPlan(g, rows, "1"), ["3", "2"]);
    assert.deepEqual(downPlan(g, rows, undefined), ["3", "2", "1"]);
  });
});
