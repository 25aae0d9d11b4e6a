/**
 * ORM bulk INSERT through a subclass of joined-table inheritance (docs/inheritance.md):
 * `session.execute(insert(Manager), rows)` writes the base table's rows first (the discriminator in
 * each, the generated keys read back per row), then each further table of the class with those
 * keys, in one savepoint: a failed statement leaves no table written. Refused before, with
 * `ArgumentError` at `insert(Manager)`. Real rows on every database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, IntegrityError, columnsOf, insert, select } from "../../src/index.js";
import { Department, Director, Employee, JtBase, Manager } from "./fixtures/joined/models.js";
import { tableRows } from "./fixtures/joined/seed.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const e = columnsOf(Employee);

/** The tables the INSERTs recorded since the last reset write, in order. */
function inserts(statements: readonly string[]): string[] {
  return statements.flatMap((s) => {
    const found = /^INSERT INTO [`"]?(\w+)/.exec(s);
    return found ? [found[1]!] : [];
  });
}

forEachDatabaseWithSchema("bulk INSERT through joined-table classes", JtBase.metadata, (ctx) => {
  test("generated keys: the base's rows first, each key read back, then the subclass's rows with them; the discriminator and client defaults written", async () => {
    const session = ctx.session();
    session.add(Object.assign(new Department(), { id: 1, name: "R&D" }));
    await session.flush();
    ctx.reset();
    const rows = [{ name: "Ann", budget: 10 }, { name: "Bob", budget: 20, departmentId: 1 }, { name: "Cid", budget: 30 }];
    assert.equal(await session.execute(insert(Manager), rows), 3);
    const written = inserts(ctx.statements);
    assert.deepEqual([written[0], written.at(-1)], ["jt_employees", "jt_managers"]);
    assert.equal(written.filter((t) => t === "jt_managers").length, 1); // one statement for the subclass's rows
    await session.commit();
    const read = await ctx.session().scalars(select(Manager).orderBy(e.name));
    assert.deepEqual(read.map((m) => [m.constructor.name, m.name, m.type, m.version, m.budget, m.departmentId]), [
      ["Manager", "Ann", "manager", 1, 10, null],
      ["Manager", "Bob", "manager", 1, 20, 1],
      ["Manager", "Cid", "manager", 1, 30, null],
    ]);
    // Each managers row has the key of its own employees row, whatever keys the database gave.
    const employees = new Map((await tableRows(ctx, "jt_employees", "id, name")).map(([id, name]) => [name, id]));
    const budgets = new Map((await tableRows(ctx, "jt_managers", "id, budget")).map(([id, budget]) => [id, budget]));
    assert.deepEqual(["Ann", "Bob", "Cid"].map((name) => budgets.get(employees.get(name))), [10, 20, 30]);
  });

  test("generated base keys matched to their rows by how they are generated: a sequence counting down, SQLite's rows one by one", async () => {
    if (ctx.db.name === "postgresql") await ctx.engine.withConnection((conn) => conn.run("ALTER SEQUENCE jt_employees_id_seq INCREMENT -1 MINVALUE -100000 MAXVALUE -1 START -1 RESTART -1"));
    const session = ctx.session();
    ctx.reset();
    const rows = Array.from({ length: 20 }, (_, i) => ({ name: `m${i}`, budget: i }));
    assert.equal(await session.execute(insert(Manager), rows), 20);
    assert.equal(inserts(ctx.statements).filter((t) => t === "jt_employees").length, ctx.db.name === "sqlite" ? 20 : 1);
    await session.commit();
    const employees = new Map((await tableRows(ctx, "jt_employees", "id, name")).map(([id, name]) => [name, id]));
    const budgets = new Map((await tableRows(ctx, "jt_managers", "id, budget")).map(([id, budget]) => [id, budget]));
    assert.deepEqual(rows.map(({ name }) => budgets.get(employees.get(name))), rows.map(({ budget }) => budget));
  });

  test("keys given, three tables (a director), and a mix of given and generated keys", async () => {
    const session = ctx.session();
    assert.equal(await session.execute(insert(Director), [{ id: 900, name: "Dee", budget: 9, parkingSpot: "A1" }, { id: 901, name: "Dan", budget: 8 }]), 2);
    assert.equal(await session.execute(insert(Manager), [{ name: "Gen", budget: 1 }, { id: 950, name: "Set", budget: 2 }]), 2);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jt_directors", "id, parking_spot"), [[900, "A1"], [901, null]]);
    const managers = await ctx.session().scalars(select(Manager).orderBy(e.name));
    assert.deepEqual(managers.map((m) => [m.constructor.name, m.name, m.budget]), [["Director", "Dan", 8], ["Director", "Dee", 9], ["Manager", "Gen", 1], ["Manager", "Set", 2]]);
    assert.equal(managers.find((m) => m.name === "Set")!.id, 950);
    assert.deepEqual((await tableRows(ctx, "jt_employees", "type")).map(([type]) => type).sort(), ["director", "director", "manager", "manager"]);
  });

  test("a failed statement leaves neither table written, and the session usable", async () => {
    const session = ctx.session();
    // Row 1's department does not exist: the managers' INSERT fails after the employees' ran.
    await assert.rejects(session.execute(insert(Manager), [{ name: "Ok", budget: 1 }, { name: "Bad", budget: 2, departmentId: 999 }]), IntegrityError);
    assert.deepEqual([await ctx.count("jt_employees"), await ctx.count("jt_managers")], [0, 0]);
    assert.equal(await session.execute(insert(Manager), [{ name: "Again", budget: 3 }]), 1);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jt_employees", "name, type"), [["Again", "manager"]]);
    assert.deepEqual(await tableRows(ctx, "jt_managers", "budget"), [[3]]);
  });

  test("what it cannot write is refused before anything is sent, naming the class and the fix", async () => {
    const session = ctx.session();
    ctx.reset();
    const refused = (rows: object[], pattern: RegExp) =>
      assert.rejects(session.execute(insert(Manager), rows as never), (error: unknown) => error instanceof ArgumentError && pattern.test(error.message));
    await refused([{ name: "A", budget: 1, type: "engineer" }], /'type' is "manager" in every row of JtManager, not "engineer"/);
    await refused([{ name: "A", budget: 1, language: "go" }], /'language' is a column of JtEngineer's table 'jt_engineers'.*insert\(JtEngineer\)/);
    await refused([{ name: "A", budget: 1, parkingSpot: "B" }], /'parkingSpot' is a column of JtDirector's table.*insert\(JtDirector\)/);
    await refused([{ name: "A", budget: 1, department: null }], /'department' is not a column attribute of JtManager; use one of: id, name, type, version, budget, departmentId/);
    assert.deepEqual(ctx.statements, []);
    assert.throws(() => insert(Manager).values({ name: "A" } as never), (error: unknown) => error instanceof ArgumentError && /session\.execute\(insert\(Manager\), rows\)/.test(error.message));
    assert.throws(() => insert(Manager).returning(columnsOf(Manager).id), (error: unknown) => error instanceof ArgumentError && /insert\(Manager\) with returning\(\).*select\(Manager\)/.test(error.message));
    await assert.rejects(ctx.engine.execute(insert(Manager)), (error: unknown) => error instanceof ArgumentError && /insert\(Manager\): JtManager's rows span.*session\.execute\(insert\(JtManager\), rows\)/.test(error.message));
    assert.deepEqual(ctx.statements, []);
    assert.equal(await ctx.count("jt_employees"), 0);
  });
}, { createOnce: true, sqliteFile: true });
