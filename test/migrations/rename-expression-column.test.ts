/**
 * Columns named inside SQL text renamed by a migration (`.renamedFrom()`): a generated column's
 * expression, an index's expressions and WHERE, a MariaDB server default that computes from another
 * column, and a foreign key of another table on the renamed column. The databases carry a rename
 * into each; the history's model kept the old name in the texts. `migrate new` then dropped and
 * added the generated columns again (a rewrite of the table: PostgreSQL's and MariaDB's lint
 * errors) and an ALTER of the default; the history's indexes still named the old columns, so a
 * SQLite rebuild re-created them over a column that no longer exists ("no such column") and a
 * later drop's down could not re-create them.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { createEngine } from "../../src/index.js";
import { planSteps } from "../../src/migrations/apply/plan.js";
import { runSteps } from "../../src/migrations/apply/run-steps.js";
import { applyAllToModel } from "../../src/migrations/operations/apply-to-model.js";
import { renameColumnsInTableSql } from "../../src/migrations/schema/renamed-sql.js";
import { op, types } from "../../src/migrations/index.js";
import { testDatabases } from "../support/databases.js";
import { projectSuite, query, resetDatabase, type CliRun } from "./project.js";
import { repoRoot as root } from "../support/repo-root.js";

const ATHANOR = JSON.stringify(join(root, "src/index.ts"));
const TABLES = ["rx_lines", "rx_items", "rx_users"];
const EMPTY = { tables: [], enums: [] };

// Items with generated columns (stored and, but on PostgreSQL, virtual) over `qty`, a key `code` that lines refer to; MariaDB: a
// default computed from `qty`, written as MariaDB reports it (a default's text is compared as it is).
const items = (db: string, qty: string, code: string, renamed: boolean) => `import { DeclarativeBase, column, integer, model, sql } from ${ATHANOR};

export class Base extends DeclarativeBase {}

@model("rx_items")
export class Item extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer()${renamed ? ".notNull()" : ""}) accessor price!: number;
  @column(integer().notNull()${renamed ? `.renamedFrom("qty")` : ""}) accessor ${qty}!: number;
  @column(integer().notNull().unique()${renamed ? `.renamedFrom("code")` : ""}) accessor ${code}!: number;
  @column(integer().generatedAs(sql\`price * ${qty}\`, { stored: true })) accessor total!: number;
  @column(integer().generatedAs(sql\`${qty} + 1\`, { stored: ${db === "postgresql"} })) accessor next!: number;
${db === "mysql" ? `  @column(integer().serverDefault(sql\`(\\\`${qty}\\\` * 2)\`)) accessor twice!: number;\n` : ""}}

@model("rx_lines")
export class Line extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().references("rx_items.${code}")) accessor item!: number | null;
}
`;

// The users of the index test: its indexes are made by migrations written by hand, as before models declared such indexes.
const users = (mail: string, removed: string) => `import { DeclarativeBase, column, integer, model, string } from ${ATHANOR};

export class Base extends DeclarativeBase {}

@model("rx_users")
export class User extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(100).notNull()) accessor ${mail}!: string;
  @column(integer()) accessor ${removed}!: number | null;
  @column(integer().notNull()) accessor n!: number;
}
`;

// Users whose indexes the model declares: an expression index with a WHERE and a descending one (MariaDB: the descending one only).
const declaredUsers = (db: string, mail: string, removed: string, made: string, renamed: boolean) => `import { DeclarativeBase, column, datetime, func, index, integer, model, string } from ${ATHANOR};

export class Base extends DeclarativeBase {}

@model("rx_users", {
  constraints: (c) => [
    index([c.${made}.desc(), c.id], { name: "ix_rx_users_recent" }),
${db === "mysql" ? "" : `    index([func.lower(c.${mail})], { name: "uq_rx_users_mail_live", unique: true, where: c.${removed}.isNull() }),\n`}  ],
})
export class User extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(100).notNull()${renamed ? `.renamedFrom("email")` : ""}) accessor ${mail}!: string;
  @column(datetime()${renamed ? `.renamedFrom("deleted_at")` : ""}) accessor ${removed}!: Date | null;
  @column(datetime().notNull()${renamed ? `.renamedFrom("created_at")` : ""}) accessor ${made}!: Date;
}
`;

for (const db of await testDatabases()) {
  describe(`migrate: renaming columns named in expressions [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "renx", TABLES);
    const cli = (...args: string[]): Promise<CliRun> => p!.cliOk(...args);
    const useModels = (version: string, source: string) => p!.useModels(version, source);
    const agree = async () => assert.match((await cli("migrate", "check")).out, /models, history and database agree$/);
    const nothingNew = async () => assert.match((await cli("migrate", "new", "nothing")).out, /the models match the history .*: no migration written/);
    const newest = () => p!.read(p!.files().at(-1)!);
    /** The newest migration's up: each operation and its table and first name (`op.renameColumn("t", "a"`). */
    const upOps = () => newest().split("down:")[0]!.match(/op\.\w+\([^,]*, "\w+"/g);
    const mysql = db.name === "mysql";
    const rows = async (sql: string) => (await query(url, sql)).map((r) => Object.values(r).map(Number));

    // price made NOT NULL too: on SQLite the migration is then a rebuild, which writes the generated columns from the history's model.
    test("generated columns, a computed default and another table's foreign key follow a renamed column: one renameColumn each, no rewrite", async () => {
      await resetDatabase(url, TABLES);
      useModels("v1", items(db.name, "qty", "code", false));
      await cli("migrate", "new", "v1");
      await cli("migrate", "up");
      await query(url, "INSERT INTO rx_items (id, price, qty, code) VALUES (1, 2, 3, 7)");
      useModels("v2", items(db.name, "quantity", "sku", true));
      await cli("migrate", "new", "v2");
      // The renames carry the expressions, the default and the key along: nothing dropped and added, nothing altered but price.
      assert.deepEqual(upOps(), ['op.renameColumn("rx_items", "qty"', 'op.renameColumn("rx_items", "code"', 'op.alterColumn("rx_items", "price"']);
      await cli("migrate", "up");
      await agree();
      await nothingNew();
      await query(url, "INSERT INTO rx_items (id, price, quantity, sku) VALUES (2, 5, 4, 8)");
      assert.deepEqual(await rows("SELECT id, total, next FROM rx_items ORDER BY id"), [[1, 6, 4], [2, 20, 5]]);
      if (mysql) assert.deepEqual(await rows("SELECT twice FROM rx_items WHERE id = 2"), [[8]]);
      await query(url, "INSERT INTO rx_lines (id, item) VALUES (1, 8)");
      await assert.rejects(query(url, "INSERT INTO rx_lines (id, item) VALUES (2, 9)"), /foreign key/i, "the key refers to sku");
      await query(url, "DELETE FROM rx_lines");
      assert.match((await cli("migrate", "verify")).out, /all 2 downs restore the schema$/);

      await cli("migrate", "down");
      assert.deepEqual(await rows("SELECT id, total, next FROM rx_items ORDER BY id"), [[1, 6, 4], [2, 20, 5]]);
      await query(url, "INSERT INTO rx_items (id, price, qty, code) VALUES (3, 1, 1, 9)");
      await cli("migrate", "up");
      await agree();
      assert.deepEqual(await rows("SELECT id, total FROM rx_items WHERE id = 3"), [[3, 1]]);
    });

    test("declared expression, partial and descending indexes follow renamed columns: renameColumn only, the database equals the models", async () => {
      await resetDatabase(url, TABLES);
      for (const file of p!.files()) rmSync(join(p!.migrations, file));
      useModels("d1", declaredUsers(db.name, "email", "deleted_at", "created_at", false));
      await cli("migrate", "new", "d1");
      await cli("migrate", "up");
      await agree();
      useModels("d2", declaredUsers(db.name, "mail", "removed_at", "made_at", true));
      await cli("migrate", "new", "d2");
      assert.deepEqual(upOps(), ['op.renameColumn("rx_users", "email"', 'op.renameColumn("rx_users", "deleted_at"', 'op.renameColumn("rx_users", "created_at"']);
      await cli("migrate", "up");
      await agree();
      await nothingNew();
      if (!mysql) {
        await query(url, "INSERT INTO rx_users (id, mail, removed_at, made_at) VALUES (1, 'A@x', NULL, '2026-01-01'), (2, 'a@x', '2026-01-02', '2026-01-01')");
        await assert.rejects(query(url, "INSERT INTO rx_users (id, mail, made_at) VALUES (3, 'a@X', '2026-01-01')"), /unique|duplicate/i, "lower(mail) is unique among rows not removed");
      }
      assert.match((await cli("migrate", "verify")).out, /all 2 downs restore the schema$/);
    });

    // MariaDB has neither expression nor partial indexes.
    test("an expression index and a partial index follow renamed columns: a SQLite rebuild re-creates them, the database equals the history", { skip: mysql && "MariaDB has no expression or partial indexes" }, async () => {
      await resetDatabase(url, TABLES);
      for (const file of p!.files()) rmSync(join(p!.migrations, file));
      const table = {
        columns: [
          { name: "id", type: types.integer(), nullable: false, autoincrement: true },
          { name: "email", type: types.string(100), nullable: false },
          { name: "deleted_at", type: types.integer() },
          { name: "n", type: types.integer() },
        ],
        primaryKey: ["id"],
      };
      const lower = { name: "ix_rx_users_lower", columns: [], expressions: ["lower(email)"], unique: true };
      const live = { name: "ix_rx_users_live", columns: ["n"], where: "deleted_at IS NULL", unique: true };
      p!.write({ id: "0001_users", up: [op.createTable("rx_users", table), op.createIndex("rx_users", lower), op.createIndex("rx_users", live)], down: [op.dropTable("rx_users", table)] });
      const renames = [op.renameColumn("rx_users", "email", "mail"), op.renameColumn("rx_users", "deleted_at", "removed_at")];
      p!.write({ id: "0002_rename", parents: ["0001_users"], up: renames, down: [...renames].reverse().map((r) => op.renameColumn("rx_users", r.to, r.from)) });
      // n NOT NULL: a rebuild on SQLite, which writes the table and its indexes from the history's model.
      const state = { type: types.integer(), nullable: true };
      p!.write({ id: "0003_n", parents: ["0002_rename"], up: [op.alterColumn("rx_users", "n", { from: state, to: { nullable: false } })], down: [op.alterColumn("rx_users", "n", { from: { ...state, nullable: false }, to: { nullable: true } })] });
      useModels("u", users("mail", "removed_at"));
      await cli("migrate", "up");
      const check = await p!.cli("migrate", "check");
      assert.match(check.out, /vs its applied migrations \(0003_n\): no difference/, check.out);

      await query(url, "INSERT INTO rx_users (id, mail, removed_at, n) VALUES (1, 'A@x', NULL, 1), (2, 'b@x', 5, 1)");
      await assert.rejects(query(url, "INSERT INTO rx_users (id, mail, n) VALUES (3, 'a@X', 2)"), /unique|duplicate/i, "lower(mail) is unique");
      await assert.rejects(query(url, "INSERT INTO rx_users (id, mail, n) VALUES (3, 'c@x', 1)"), /unique|duplicate/i, "n is unique among rows not removed");
      await query(url, "INSERT INTO rx_users (id, mail, removed_at, n) VALUES (3, 'c@x', 6, 1)");

      // The models declare no such index: migrate new drops them, and its down re-creates them over the new names.
      await cli("migrate", "new", "drop indexes");
      const drops = newest();
      assert.match(drops, /lower\(mail\)/);
      assert.match(drops, /removed_at IS NULL/);
      assert.doesNotMatch(drops, /email|deleted_at/);
      await cli("migrate", "up");
      await agree();
      assert.match((await cli("migrate", "verify")).out, /all 4 downs restore the schema$/);
      await cli("migrate", "down");
      await assert.rejects(query(url, "INSERT INTO rx_users (id, mail, n) VALUES (4, 'a@X', 2)"), /unique|duplicate/i, "lower(mail) is unique after the down");
      await cli("migrate", "up");
      await agree();
    });
  });
}

test("a table's SQL texts through column renames: generated expressions, index expressions and conditions, defaults", () => {
  const table = op.createTable("t", {
    columns: [
      { name: "a", type: types.integer() },
      { name: "b", type: types.integer(), generated: { sql: `"a" * 2 + lower_a`, stored: true } },
      { name: "c", type: types.integer(), serverDefault: "(`a` + 1)" },
      { name: "d", type: types.string(10), serverDefault: "'a'" },
    ],
    indexes: [{ name: "ix", columns: [], expressions: ["lower(a)", "(a || 'a')"], where: "a IS NOT NULL AND c > 0" }],
  }).table;
  const renamed = renameColumnsInTableSql(table, new Map([["a", "z"]]));
  assert.deepEqual(renamed.columns.map((c) => c.generated?.sql ?? c.serverDefault), [undefined, `"z" * 2 + lower_a`, "(`z` + 1)", "'a'"]);
  assert.deepEqual(renamed.indexes[0], { name: "ix", columns: [], unique: false, expressions: ["lower(z)", "(z || 'a')"], where: "z IS NOT NULL AND c > 0" });
  assert.equal(renameColumnsInTableSql(table, new Map()), table, "no renames: the same table");
});

// The down of a migration that renames and rebuilds one table (migrate new writes the renames first, so the down has them last).
test("SQLite: a column rename after a rebuild of its table runs on its own: another table's key, a view and a trigger follow it", async () => {
  const engine = createEngine("sqlite://:memory:", { pool: { max: 1 } });
  const parents = op.createTable("parents", { columns: [{ name: "id", type: types.integer() }, { name: "code", type: types.integer() }, { name: "note", type: types.integer() }, { name: "seen", type: types.integer() }], primaryKey: ["id"], uniques: [{ columns: ["code"] }] });
  const children = op.createTable("children", {
    columns: [{ name: "id", type: types.integer() }, { name: "parent", type: types.integer() }],
    primaryKey: ["id"],
    foreignKeys: [{ name: "fk_children_parent", columns: ["parent"], referredTable: "parents", referredColumns: ["code"] }],
  });
  const ops = [
    op.alterColumn("parents", "seen", { from: { type: types.integer(), nullable: true }, to: { serverDefault: "0" } }),
    op.renameColumn("parents", "note", "remark"),
    op.renameColumn("parents", "code", "sku"),
  ];
  try {
    await engine.withConnection(async (conn) => {
      await runSteps(conn, planSteps([parents, children], { dialect: engine.dialect, schema: EMPTY }));
      await conn.run("CREATE VIEW parent_notes AS SELECT id, note FROM parents");
      await conn.run("CREATE TRIGGER parents_seen AFTER INSERT ON parents BEGIN UPDATE parents SET seen = NEW.note WHERE id = NEW.id; END");
      const steps = planSteps(ops, { dialect: engine.dialect, schema: applyAllToModel(EMPTY, [parents, children]) });
      await runSteps(conn, steps);
      await conn.run("INSERT INTO parents (id, sku, remark) VALUES (1, 7, 3)");
      await conn.run("INSERT INTO children (id, parent) VALUES (1, 7)");
      await assert.rejects(conn.run("INSERT INTO children (id, parent) VALUES (2, 8)"), /FOREIGN KEY/, "the key refers to sku");
      assert.deepEqual((await conn.run("SELECT p.seen, v.remark FROM parents p JOIN parent_notes v ON v.id = p.id")).rows, [{ seen: 3, remark: 3 }]);
      assert.deepEqual(steps.map((s) => s.description), ["rebuild table parents (alter column parents.seen)", "rename column parents.note to remark", "rename column parents.code to sku"]);
    });
  } finally {
    await engine.dispose();
  }
});
