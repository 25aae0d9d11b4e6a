/**
 * Columns of several classes of one hierarchy in one select list (docs/inheritance.md), under
 * joined-table and single-table inheritance: one occurrence of the base's table is one row of it,
 * so a class and its subclass read the subclass's rows, a subclass's columns beside the base's
 * entity read that subclass's rows, and two classes apart (neither the other's subclass) are
 * refused before anything is sent, naming both and the fix (an alias). Real rows on every database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, aliased, columnsOf, select } from "../../src/index.js";
import { Director, Employee, Engineer, JtBase, Manager } from "./fixtures/joined/models.js";
import { seed } from "./fixtures/joined/seed.js";
import * as staff from "./fixtures/staff/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** An ArgumentError naming both classes and `aliased(<the second>`. */
function apart(first: string, second: string): (error: unknown) => boolean {
  return (error) => error instanceof ArgumentError && error.message.includes(`columns of ${first} and of ${second}`) && error.message.includes(`aliased(${second}, `);
}

forEachDatabaseWithSchema("select lists of joined-table classes", JtBase.metadata, (ctx) => {
  const e = columnsOf(Employee), m = columnsOf(Manager), r = columnsOf(Director), g = columnsOf(Engineer);

  test("a class's and its subclass's columns read the subclass's rows; a subclass's column beside the base entity reads that class's rows", async () => {
    await seed(ctx);
    const session = ctx.session();
    assert.deepEqual(await session.execute(select(m.name, r.parkingSpot).orderBy(m.id)), [["Dee", "A1"]]);
    assert.deepEqual(await session.execute(select(r.parkingSpot, m.budget)), [["A1", 900]]);
    const rows = await session.execute(select(Employee, m.budget.label("managed")).orderBy(e.id));
    assert.deepEqual(rows.map(([o, budget]) => [o.constructor, o.name, budget]), [[Manager, "Mia", 100], [Director, "Dee", 900]]);
    assert.deepEqual(await session.execute(select(e.name, m.budget).orderBy(e.id)), [["Mia", 100], ["Dee", 900]]);
  });

  test("two classes apart are refused before anything is sent, naming both and aliased(); through an alias they read two rows", async () => {
    await seed(ctx);
    const session = ctx.session();
    assert.throws(() => select(m.name, g.language), apart("JtManager", "JtEngineer"));
    assert.throws(() => select(m.budget, g.language), apart("JtManager", "JtEngineer"));
    assert.throws(() => select(Manager, g.language.label("lang")), apart("JtManager", "JtEngineer"));
    assert.throws(() => select(g.name).addColumns(r.parkingSpot), apart("JtEngineer", "JtDirector"));
    assert.throws(() => select(Manager).join(Engineer, g.managerId.eq(m.id)), (error: unknown) => error instanceof ArgumentError && /join\(Engineer\).*'jt_employees'.*aliased\(Engineer, /.test(error.message));
    assert.deepEqual(ctx.statements, []);
    const eli = (await session.get(Engineer, 2))!;
    eli.manager = (await session.get(Manager, 1))!;
    const Boss = aliased(Manager, "boss");
    const b = columnsOf(Boss);
    const pairs = await session.execute(select(g.name, g.language, b.name.label("boss"), b.budget).join(Boss, g.managerId.eq(b.id)));
    assert.deepEqual(pairs, [["Eli", "rust", "Mia", 100]]);
    await session.rollback();
  });
}, { createOnce: true });

forEachDatabaseWithSchema("select lists of single-table classes", staff.StaffBase.metadata, (ctx) => {
  const e = columnsOf(staff.Employee), m = columnsOf(staff.Manager), r = columnsOf(staff.Director), g = columnsOf(staff.Engineer);

  test("a class and its subclass read the subclass's rows; two classes apart are refused before anything is sent, an alias reads two rows", async () => {
    const session = ctx.session();
    const mia = Object.assign(new staff.Manager(), { id: 1, name: "Mia", budget: 100 });
    mia.reports.push(Object.assign(new staff.Engineer(), { id: 2, name: "Eli", language: "rust" }));
    session.addAll([mia, Object.assign(new staff.Director(), { id: 3, name: "Dee", budget: 900, parkingSpot: "A1" })]);
    await session.commit();
    assert.deepEqual(await session.execute(select(m.name, r.parkingSpot)), [["Dee", "A1"]]);
    const rows = await session.execute(select(staff.Employee, m.budget.label("managed")).orderBy(e.id));
    assert.deepEqual(rows.map(([o, budget]) => [o.name, budget]), [["Mia", 100], ["Dee", 900]]);
    ctx.reset();
    assert.throws(() => select(m.name, g.language), apart("StManager", "StEngineer"));
    assert.throws(() => select(staff.Engineer, r.parkingSpot.label("spot")), apart("StEngineer", "StDirector"));
    assert.deepEqual(ctx.statements, []);
    const Boss = aliased(staff.Manager, "boss");
    const b = columnsOf(Boss);
    assert.deepEqual(await session.execute(select(g.name, b.name.label("boss")).join(Boss, g.managerId.eq(b.id))), [["Eli", "Mia"]]);
  });
}, { createOnce: true });
