/**
 * `join(Manager)` and `aliased(Manager, name)` for classes of joined-table inheritance
 * (docs/inheritance.md): the class's tables joined as one unit (the table the condition or the
 * foreign key names first, then the base's on the key, then the others), its criterion in the
 * base's ON; an alias names each table under an alias of its own. Real rows on every database.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { AmbiguousForeignKeysError, ArgumentError, aliased, and, columnsOf, containsEager, func, joinedLoad, lazy, select, sql } from "../../src/index.js";
import { Department, Director, Employee, Engineer, JtBase, Manager, Project } from "./fixtures/joined/models.js";
import { seed } from "./fixtures/joined/seed.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const e = columnsOf(Employee);
const m = columnsOf(Manager);
const p = columnsOf(Project);
const d = columnsOf(Department);
const g = columnsOf(Engineer);
const Boss = aliased(Manager, "boss");
const b = columnsOf(Boss);

/** The seed, with Ned (engineer 5) reporting to Mia. */
async function seedReports(ctx: SessionContext): Promise<void> {
  await seed(ctx);
  const session = ctx.session();
  const mia = (await session.get(Manager, 1))!;
  (await lazy(mia).reports).push(Object.assign(new Engineer(), { id: 5, name: "Ned", language: "go" }));
  await session.commit();
  await session.close();
  ctx.reset();
}

forEachDatabaseWithSchema("joins of joined-table inheritance", JtBase.metadata, (ctx) => {
  afterEach(async () => {
    for (const table of ["jt_project_members", "jt_projects", "jt_directors", "jt_engineers", "jt_managers", "jt_employees", "jt_departments"]) {
      await ctx.engine.execute(sql`DELETE FROM ${sql.raw(table)}`);
    }
  });

  test("join(Manager) inferred from the foreign key in its own table or its base's, each row of its class, one statement", async () => {
    await seed(ctx);
    const session = ctx.session();
    const mia = (await session.get(Manager, 1))!;
    ctx.reset();
    const rows = await session.execute(select(Department, Manager).join(Manager).orderBy(m.id));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(rows.map(([dept, boss]) => [dept.name, boss.constructor, boss.name, boss.budget]), [["R&D", Manager, "Mia", 100], ["R&D", Director, "Dee", 900]]);
    assert.equal(rows[0]![1], mia);
    // Through the base's key: project 3's key names an engineer, not a manager.
    assert.deepEqual(await session.scalars(select(p.title).join(Manager).orderBy(p.id)), ["Engine", "Roadmap"]);
    assert.deepEqual(await session.scalars(select(Project).join(Manager).where(m.budget.gt(500))), [await session.get(Project, 2)]);
  });

  test("leftJoin(Manager) keeps the rows without one, a row of another class too; the condition given may name its own table", async () => {
    await seed(ctx);
    const session = ctx.session();
    const rows = await session.execute(select(Project, Manager).leftJoin(Manager).orderBy(p.id));
    assert.deepEqual(rows.map(([project, lead]) => [project.title, lead?.name ?? null]), [["Engine", "Mia"], ["Roadmap", "Dee"], ["Side", null]]);
    const named = await session.scalars(select(d.name).join(Manager, m.departmentId.eq(d.id)).where(m.name.eq("Dee")));
    assert.deepEqual(named, ["R&D"]);
    const empty = Object.assign(new Department(), { id: 2, name: "Sales" });
    session.add(empty);
    await session.flush();
    const counted = await session.execute(select(d.name, m.id).leftJoin(Manager, m.departmentId.eq(d.id)).orderBy(d.id, m.id));
    assert.deepEqual(counted.map(([name, id]) => [name, id === null ? null : Number(id)]), [["R&D", 1], ["R&D", 3], ["Sales", null]]);
    await session.rollback();
  });

  test("what the unit cannot join is refused before it runs, naming the class and the fix", async () => {
    assert.throws(() => select(Department).join(Manager, and(m.departmentId.eq(d.id), m.name.eq("Mia"))), (error: unknown) => error instanceof ArgumentError && /join\(Manager, on\).*'jt_employees' and 'jt_managers'.*where\(\)/.test(error.message));
    assert.throws(() => select(Department).rightJoin(Manager), (error: unknown) => error instanceof ArgumentError && /rightJoin\(Manager\)/.test(error.message));
    // Engineer's tables hold two keys to a manager's (its base's and its own manager_id): which one is for the query to say.
    assert.throws(() => select(Boss).join(Engineer), AmbiguousForeignKeysError);
  });

  test("aliased(Manager): each of its tables under an alias; selected, joined to its own hierarchy, the same objects", async () => {
    await seedReports(ctx);
    const session = ctx.session();
    const rich = await session.scalars(select(Boss).where(b.budget.gt(500)));
    assert.deepEqual(rich.map((o) => [o.constructor, o.name, (o as Director).parkingSpot]), [[Director, "Dee", "A1"]]);
    assert.equal(rich[0], await session.get(Employee, 3));
    ctx.reset();
    const pairs = await session.execute(select(Engineer, Boss).join(Boss, g.managerId.eq(b.id)).orderBy(g.id));
    assert.equal(ctx.statements.length, 1);
    assert.match(ctx.statements[0]!, /JOIN [`"]jt_employees[`"] AS [`"]boss[`"]/);
    assert.deepEqual(pairs.map(([eng, boss]) => [eng.name, boss.constructor, boss.name, boss.budget]), [["Ned", Manager, "Mia", 100]]);
    assert.equal(pairs[0]![1], await session.get(Manager, 1));
    // The employees and their manager's name, if any: the alias's criterion stays in its ON.
    const names = await session.execute(select(e.name, b.name.label("boss")).from(Employee).leftJoin(Boss, g.managerId.eq(b.id)).orderBy(e.id));
    assert.deepEqual(names, [["Mia", null], ["Eli", null], ["Dee", null], ["Eve", null], ["Ned", "Mia"]]);
    // A joined load from the alias: its columns read from their own table's alias.
    const bosses = await session.scalars(select(Boss).orderBy(b.id).options(joinedLoad(Boss, "department"), joinedLoad(Boss, "reports")));
    assert.deepEqual(bosses.map((o) => [o.name, o.department?.name, o.reports.map((r) => r.name)]), [["Mia", "R&D", ["Ned"]], ["Dee", "R&D", []]]);
  });

  test("containsEager through join(Manager) and an aliased Manager: the relationship filled from the query's own join, as filtered", async () => {
    await seedReports(ctx);
    const session = ctx.session();
    const [rnd] = await session.scalars(select(Department).join(Manager).where(m.budget.gt(500)).options(containsEager(Department, "managers")));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(rnd!.managers.map((o) => [o.constructor, o.name, o.budget]), [[Director, "Dee", 900]]);
    const projects = await session.scalars(select(Project).join(Manager).orderBy(p.id).options(containsEager(Project, "lead")));
    assert.deepEqual(projects.map((o) => [o.title, o.lead?.name]), [["Engine", "Mia"], ["Roadmap", "Dee"]]);
    assert.equal(projects[1]!.lead, rnd!.managers[0]);
    const engineers = await session.scalars(select(Engineer).join(Boss, g.managerId.eq(b.id)).options(containsEager(Engineer, "manager", { from: Boss })));
    assert.deepEqual(engineers.map((o) => [o.name, o.manager?.constructor, o.manager?.name]), [["Ned", Manager, "Mia"]]);
    assert.equal(engineers[0]!.manager, projects[0]!.lead);
    // From a joined subclass: its reference whose key is in its own table.
    const managers = await session.scalars(select(Manager).join(Department).orderBy(m.id).options(containsEager(Manager, "department")));
    assert.deepEqual(managers.map((o) => o.department?.name), ["R&D", "R&D"]);
    assert.equal(ctx.statements.length, 4);
  });

  test("a subclass's columns selected without the entity read its rows, from its tables joined (no cross join); the base's read every row", async () => {
    await seed(ctx);
    const session = ctx.session();
    assert.deepEqual(await session.scalars(select(m.name).orderBy(m.id)), ["Mia", "Dee"]);
    assert.deepEqual(await session.execute(select(m.name, m.budget).orderBy(m.id)), [["Mia", 100], ["Dee", 900]]);
    assert.deepEqual((await session.scalars(select(func.count(m.id)))).map(Number), [2]);
    assert.deepEqual(await session.scalars(select(columnsOf(Director).name)), ["Dee"]);
    // A FROM given replaces the one the columns imply: the base's tables, the managers' rows.
    assert.deepEqual(await session.scalars(select(m.name).from(Employee).orderBy(e.id)), ["Mia", "Dee"]);
    assert.deepEqual(await session.execute(select(b.name, b.budget).orderBy(b.id)), [["Mia", 100], ["Dee", 900]]);
    assert.deepEqual(await session.scalars(select(e.name).orderBy(e.id)), ["Mia", "Eli", "Dee", "Eve"]);
    // Every class maps every column (untyped on the base): the base's reference to a subclass's table joins it to every employee's row.
    const budget = (e as unknown as { budget: typeof m.budget }).budget;
    assert.deepEqual(await session.execute(select(e.name, budget).orderBy(e.id)), [["Mia", 100], ["Eli", null], ["Dee", 900], ["Eve", null]]);
    // Joined, the class's tables are the join's: an outer join keeps the departments without a manager.
    session.add(Object.assign(new Department(), { id: 2, name: "Sales" }));
    const rows = await session.execute(select(d.name, m.name.label("manager")).leftJoin(Manager, m.departmentId.eq(d.id)).orderBy(d.id, m.id));
    assert.deepEqual(rows, [["R&D", "Mia"], ["R&D", "Dee"], ["Sales", null]]);
    await session.rollback();
  });
}, { createOnce: true });
