/**
 * PostgreSQL names an unnamed unique constraint `<table>_<columns>_key`, once per schema: `un_a.b_c`
 * and `un_a_b.c` are both `un_a_b_c_key`. The server named the second `un_a_b_c_key1`, the drift
 * check took it for the default name (no difference), and a later drop (by `un_a_b_c_key`)
 * failed. The DDL now states the name, so it is always the one the drop uses; a clash with a
 * name the history knows is refused before any statement (`PlanError`, naming the holder), one
 * with an object the history does not know fails the statement, rolled back. MariaDB and SQLite
 * name uniques per table: the same migrations apply and drop there.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createEngine } from "../../src/index.js";
import { diffSchemas, PlanError, type Operation } from "../../src/migrations/index.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { testDatabases } from "../support/databases.js";
import { col, str, tableModel } from "./model-builders.js";
import { projectSuite, query, resetDatabase } from "./project.js";

const TABLES = ["un_a_b", "un_a"];
const A = tableModel("un_a", [col("b_c", str(10))], { uniques: [{ columns: ["b_c"] }] });
const AB = tableModel("un_a_b", [col("c", str(10))]);
const M1 = "20260101000001_tables";
const M2 = "20260101000002_unique";
const M3 = "20260101000003_drop_unique";
const addUnique = (name?: string): Operation => ({ op: "addUnique", table: { name: "un_a_b" }, unique: { columns: ["c"], ...(name ? { name } : {}) } });
const dropUnique = (name?: string): Operation => ({ op: "dropUnique", table: { name: "un_a_b" }, unique: { columns: ["c"], ...(name ? { name } : {}) } });

for (const db of await testDatabases()) {
  describe(`an unnamed unique whose default name another table's holds [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "uqtaken", TABLES);
    const applied = async () => (await query(url, "SELECT id FROM athanor_migrations ORDER BY id")).map((r) => r["id"]);
    /** The live schema against the history's after `uniques` on un_a_b: no difference. */
    const assertNoDrift = async (uniques: readonly { columns: string[]; name?: string }[]) => {
      const engine = createEngine(url);
      try {
        const live = await engine.inspect().reflect();
        const expected = { tables: [A, { ...AB, uniques }], enums: [] };
        assert.deepEqual(diffSchemas(live, expected, { dialect: db.name }), []);
      } finally {
        await engine.dispose();
      }
    };
    const duplicateAllowed = async () => {
      await query(url, "INSERT INTO un_a_b (id, c) VALUES (1, 'x'), (2, 'x')");
      await query(url, "DELETE FROM un_a_b");
    };

    test("added, checked for drift and dropped by the name the migration tool uses, or refused first", async () => {
      await resetDatabase(url, TABLES);
      p!.write({ id: M1, up: [{ op: "createTable", table: A }, { op: "createTable", table: AB }], down: [{ op: "dropTable", table: AB }, { op: "dropTable", table: A }] });
      p!.write({ id: M2, parents: [M1], up: [addUnique()], down: [dropUnique()] });
      p!.write({ id: M3, parents: [M2], up: [dropUnique()], down: [addUnique()] });
      await p!.cliOk("migrate", "up", M1);
      if (db.name === "postgresql") {
        const refused = await p!.cli("migrate", "up");
        assert.equal(refused.code, 1, refused.out); // was 0: the unique named un_a_b_c_key1, which M3 could not drop
        assert.match(refused.err, /the unnamed unique \(c\) of un_a_b is named un_a_b_c_key on PostgreSQL, which the unique \(b_c\) of un_a holds/);
        assert.match(refused.err, /Name the constraint/);
        assert.deepEqual(await applied(), [M1]);
        await duplicateAllowed(); // nothing of M2 ran
        // Named, it is added and dropped.
        p!.write({ id: M2, parents: [M1], up: [addUnique("un_a_b_c_uq")], down: [dropUnique("un_a_b_c_uq")] });
        p!.write({ id: M3, parents: [M2], up: [dropUnique("un_a_b_c_uq")], down: [addUnique("un_a_b_c_uq")] });
        await p!.cliOk("migrate", "up", M2);
        await assertNoDrift([{ columns: ["c"], name: "un_a_b_c_uq" }]);
      } else {
        await p!.cliOk("migrate", "up", M2);
        await assertNoDrift([{ columns: ["c"] }]);
      }
      await assert.rejects(query(url, "INSERT INTO un_a_b (id, c) VALUES (1, 'x'), (2, 'x')"));
      await p!.cliOk("migrate", "up");
      assert.deepEqual(await applied(), [M1, M2, M3]);
      await duplicateAllowed();
      await assertNoDrift([]);
    });

    test("a default name held by an object the history does not know: the statement fails, rolled back, rather than a name no drop finds", { skip: db.name !== "postgresql" && "uniques are named per table there" }, async () => {
      await resetDatabase(url, TABLES);
      const B = tableModel("un_a", [col("b_c", str(10))]);
      p!.write({ id: M1, up: [{ op: "createTable", table: B }, { op: "createTable", table: AB }, { op: "execute", sql: "CREATE INDEX un_a_b_c_key ON un_a (b_c)" }], down: [{ op: "dropTable", table: AB }, { op: "dropTable", table: B }] });
      p!.write({ id: M2, parents: [M1], up: [addUnique()], down: [dropUnique()] });
      p!.write({ id: M3, parents: [M2], up: [dropUnique()], down: [addUnique()] });
      await p!.cliOk("migrate", "up", M1);
      const failed = await p!.cli("migrate", "up");
      assert.equal(failed.code, 1, failed.out); // was 0, and M3 then failed: constraint "un_a_b_c_key" of relation "un_a_b" does not exist
      assert.match(failed.err, /relation "un_a_b_c_key" already exists/);
      assert.deepEqual(await applied(), [M1]);
      await duplicateAllowed();
    });
  });
}

test("PostgreSQL's DDL states the name of an unnamed unique; a repeat on the same columns is left to the server, as before, and not refused", async () => {
  const engine = createEngine("postgresql://app@127.0.0.1:5432/never_connected");
  try {
    const twice = tableModel("un_twice", [col("x", str(10))], { uniques: [{ columns: ["x"] }, { columns: ["x"] }] });
    const [create] = planSteps([{ op: "createTable", table: twice }], { dialect: engine.dialect, schema: { tables: [], enums: [] } });
    assert.match(create!.statements[0]!, /CONSTRAINT "un_twice_x_key" UNIQUE \("x"\),\n {2}UNIQUE \("x"\)\n\)$/);
    const clash = tableModel("un_clash", [col("a_b", str(10)), col("a", str(10)), col("b", str(10))], { uniques: [{ columns: ["a_b"] }, { columns: ["a", "b"] }] });
    assert.throws(() => planSteps([{ op: "createTable", table: clash }], { dialect: engine.dialect, schema: { tables: [], enums: [] } }), (e: unknown) => e instanceof PlanError && /un_clash_a_b_key on PostgreSQL, which the unique \(a_b\) of un_clash holds/.test(e.message));
  } finally {
    await engine.dispose();
  }
});
