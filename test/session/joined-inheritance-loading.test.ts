/**
 * Joined eager loads (`joinedLoad`) to and from classes of joined-table inheritance
 * (docs/inheritance.md): the target's tables joined as one unit inside the eager join, each under
 * an alias of its own, every row read as the class its discriminator names; one statement, the
 * identity map's objects, and a locking read that locks the query's own tables only.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { columnsOf, joinedLoad, lazy, select, selectinLoad, sql } from "../../src/index.js";
import { Department, Director, Employee, Engineer, JtBase, Manager, Project } from "./fixtures/joined/models.js";
import { seed } from "./fixtures/joined/seed.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const e = columnsOf(Employee);
const m = columnsOf(Manager);
const p = columnsOf(Project);
const d = columnsOf(Department);

/** The seed, with Eli (engineer 2) and Ned (engineer 5, reporting to Mia) as members of project 1, Ned of project 2. */
async function seedMembers(ctx: SessionContext): Promise<void> {
  await seed(ctx);
  const session = ctx.session();
  const [engine, roadmap] = await session.scalars(select(Project).where(p.id.in([1, 2])).orderBy(p.id));
  const ned = Object.assign(new Engineer(), { id: 5, name: "Ned", language: "go", managerId: 1 });
  const eli = (await session.get(Engineer, 2))!;
  (await lazy(engine!).members).push(eli, ned);
  (await lazy(roadmap!).members).push(ned);
  await session.commit();
  await session.close();
  ctx.reset();
}

forEachDatabaseWithSchema("joined loads of joined-table inheritance", JtBase.metadata, (ctx) => {
  afterEach(async () => {
    for (const table of ["jt_project_members", "jt_projects", "jt_directors", "jt_engineers", "jt_managers", "jt_employees", "jt_departments"]) {
      await ctx.engine.execute(sql`DELETE FROM ${sql.raw(table)}`);
    }
  });

  test("a many-to-one to a joined subclass: one statement, each target of its class with its tables' columns, a key naming another class's row as none", async () => {
    await seed(ctx);
    const session = ctx.session();
    const projects = await session.scalars(select(Project).options(joinedLoad(Project, "lead")).orderBy(p.id));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(
      projects.map((o) => (o.lead === null ? null : [o.lead.constructor, o.lead.name, o.lead.budget])),
      [[Manager, "Mia", 100], [Director, "Dee", 900], null],
    );
    assert.equal((projects[1]!.lead as Director).parkingSpot, "A1");
    // The identity map's objects: no further statement, the same object.
    assert.equal(await session.get(Manager, 1), projects[0]!.lead);
    assert.equal(await session.get(Employee, 3), projects[1]!.lead);
    assert.equal(ctx.statements.length, 1);
  });

  test("a one-to-many to a joined subclass (its key in the subclass table), nested collections below it", async () => {
    await seedMembers(ctx);
    const session = ctx.session();
    const mia = (await session.get(Manager, 1))!;
    ctx.reset();
    const [rnd] = await session.scalars(select(Department).options(joinedLoad(Department, "managers").joinedLoad("projects").joinedLoad("members")));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(
      rnd!.managers.map((o) => [o.constructor, o.name, o.budget, o.projects.map((x) => [x.title, x.members.map((n) => [n.constructor, n.name])])]),
      [
        [Manager, "Mia", 100, [["Engine", [[Engineer, "Eli"], [Engineer, "Ned"]]]]],
        [Director, "Dee", 900, [["Roadmap", [[Engineer, "Ned"]]]]],
      ],
    );
    assert.equal(rnd!.managers[0], mia);
    assert.equal(rnd!.managers[0]!.projects[0]!.members[1], rnd!.managers[1]!.projects[0]!.members[0]);
  });

  test("from a joined subclass: its relationships, with their keys in its own table or its base's, in one statement", async () => {
    await seedMembers(ctx);
    const session = ctx.session();
    const managers = await session.scalars(
      select(Manager).orderBy(m.id).options(joinedLoad(Manager, "department"), joinedLoad(Manager, "projects"), joinedLoad(Manager, "reports").joinedLoad("manager")),
    );
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(
      managers.map((o) => [o.constructor, o.name, o.department?.name, o.projects.map((x) => x.title), o.reports.map((r) => [r.name, r.manager === o])]),
      [
        [Manager, "Mia", "R&D", ["Engine"], [["Ned", true]]],
        [Director, "Dee", "R&D", ["Roadmap"], []],
      ],
    );
    // Through the base's query, the base's relationships, to a subclass: engineers' manager.
    const engineers = await session.scalars(select(Engineer).orderBy(e.id).options(joinedLoad(Engineer, "manager")));
    assert.deepEqual(engineers.map((o) => [o.name, o.manager?.name ?? null]), [["Eli", null], ["Ned", "Mia"]]);
    assert.equal(engineers[1]!.manager, managers[0]);
    assert.equal(ctx.statements.length, 2);
  });

  test("a many-to-many to a joined subclass, the link referencing the subclass table", async () => {
    await seedMembers(ctx);
    const session = ctx.session();
    const projects = await session.scalars(select(Project).orderBy(p.id).options(joinedLoad(Project, "members"), joinedLoad(Project, "lead")));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(
      projects.map((o) => [o.title, o.lead?.name ?? null, o.members.map((n) => [n.constructor, n.name, n.language])]),
      [
        ["Engine", "Mia", [[Engineer, "Eli", "rust"], [Engineer, "Ned", "go"]]],
        ["Roadmap", "Dee", [[Engineer, "Ned", "go"]]],
        ["Side", null, []],
      ],
    );
  });

  test("a limited query of a joined subclass (a subquery of its tables) with joined collections", async () => {
    await seedMembers(ctx);
    const session = ctx.session();
    const managers = await session.scalars(select(Manager).orderBy(m.budget.desc()).limit(1).options(joinedLoad(Manager, "projects"), joinedLoad(Manager, "department")));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(managers.map((o) => [o.constructor, o.name, o.projects.map((x) => x.title), o.department?.name]), [[Director, "Dee", ["Roadmap"], "R&D"]]);
    const departments = await session.scalars(select(Department).where(d.id.eq(1)).limit(5).options(joinedLoad(Department, "managers")));
    assert.deepEqual(departments[0]!.managers.map((o) => o.name), ["Mia", "Dee"]);
  });

  test("a locking read with a joined load of a subclass locks the query's own tables (FOR UPDATE OF on PostgreSQL)", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [rnd] = await session.scalars(select(Department).where(d.id.eq(1)).options(joinedLoad(Department, "managers")).forUpdate());
    assert.deepEqual(rnd!.managers.map((o) => o.name), ["Mia", "Dee"]);
    const [mia] = await session.scalars(select(Manager).where(m.id.eq(1)).options(joinedLoad(Manager, "department"), joinedLoad(Manager, "projects")).forUpdate());
    assert.deepEqual([mia!.department?.name, mia!.projects.map((x) => x.title)], ["R&D", ["Engine"]]);
    if (ctx.db.name === "postgresql") {
      assert.match(ctx.statements[0]!, /FOR UPDATE OF "jt_departments"$/);
      assert.match(ctx.statements[1]!, /FOR UPDATE OF "jt_employees", "jt_managers"$/);
    }
    await session.commit();
  });

  test("a joined load inside a select-in query: from the association table's query of a subclass, and from a subclass's", async () => {
    await seedMembers(ctx);
    const session = ctx.session();
    const projects = await session.scalars(select(Project).orderBy(p.id).options(selectinLoad(Project, "members").joinedLoad("manager"), selectinLoad(Project, "lead").joinedLoad("department")));
    assert.equal(ctx.statements.length, 3);
    assert.deepEqual(
      projects.map((o) => [o.title, o.members.map((n) => [n.name, n.manager?.name ?? null]), o.lead?.department?.name ?? null]),
      [
        ["Engine", [["Eli", null], ["Ned", "Mia"]], "R&D"],
        ["Roadmap", [["Ned", "Mia"]], "R&D"],
        ["Side", [], null],
      ],
    );
    assert.equal(projects[0]!.members[1]!.manager, projects[0]!.lead);
  });
}, { createOnce: true });
