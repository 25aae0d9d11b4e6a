/**
 * Single-table inheritance (docs/inheritance.md): Employee, Manager (and its subclass Director) and
 * Engineer share `sti_employees`, told apart by `type`. Rows are read as the class their
 * discriminator names, whichever class the query asked for; a query through a subclass sees its
 * rows only (get, select, relationships, bulk DML, pagination); the discriminator is written by the
 * ORM and cannot be set to another class's value; one identity-map entry per row.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ArgumentError,
  DataError,
  DuplicateKeyError,
  InvalidRequestError,
  StaleDataError,
  columnsOf,
  deleteFrom,
  insert,
  joinedLoad,
  lazy,
  paginate,
  populateExisting,
  select,
  selectinLoad,
  update,
} from "../../src/index.js";
import { Badge, Department, Director, Employee, Engineer, Manager, Project, StaffBase } from "./fixtures/staff/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";
import { stateOf } from "../../src/orm/state/instance-state.js";
import { diffSchemas, schemaModelOf } from "../../src/migrations/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";

const e = columnsOf(Employee);

/** Mia (manager, 1), Eli (engineer, 2, reports to Mia), Dee (director, 3), Ivy (engineer, 4), Eve (employee, 5); R&D holds them all; Mia leads project 1, Dee project 2. */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const rnd = Object.assign(new Department(), { id: 1, name: "R&D" });
  const mia = Object.assign(new Manager(), { id: 1, name: "Mia", budget: 100 });
  const eli = Object.assign(new Engineer(), { id: 2, name: "Eli", language: "rust" });
  const dee = Object.assign(new Director(), { id: 3, name: "Dee", budget: 900, parkingSpot: "A1" });
  const ivy = Object.assign(new Engineer(), { id: 4, name: "Ivy" });
  const eve = Object.assign(new Employee(), { id: 5, name: "Eve" });
  mia.reports.push(eli);
  mia.projects.push(Object.assign(new Project(), { id: 1, title: "Engine" }));
  dee.projects.push(Object.assign(new Project(), { id: 2, title: "Roadmap" }));
  rnd.employees.push(mia, eli, dee, ivy, eve);
  session.add(rnd);
  await session.commit();
  await session.close();
  ctx.reset();
}

/** The rows as the table holds them: id, type. */
async function rows(ctx: SessionContext): Promise<[number, string][]> {
  const result = await ctx.engine.execute(select(e.id, e.type).orderBy(e.id));
  return result.rows.map((r) => [Number(r.id), r.type]);
}

forEachDatabaseWithSchema("single-table inheritance", StaffBase.metadata, (ctx) => {
  test("INSERT writes each class's discriminator; the attribute reads it before the flush", async () => {
    const fresh = new Director();
    assert.equal(fresh.type, "director");
    await seed(ctx);
    assert.deepEqual(await rows(ctx), [[1, "manager"], [2, "engineer"], [3, "director"], [4, "engineer"], [5, "employee"]]);
  });

  test("createAll and the migrations' differ see one table with every class's columns", async () => {
    const table = (await ctx.engine.inspect().reflect()).tables.find((t) => t.name === "sti_employees")!;
    assert.deepEqual(table.columns.map((c) => c.name), ["id", "name", "type", "version", "department_id", "budget", "parking_spot", "language", "manager_id"]);
    const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name.startsWith("sti_")) });
    const model = schemaModelOf(StaffBase.metadata, ctx.engine.dialect);
    assert.deepEqual(diffSchemas(ours(await ctx.engine.inspect().reflect()), ours(model), { dialect: ctx.db.name }), []);
  });

  test("select(Employee) returns each row as its class, with its subclass columns loaded", async () => {
    await seed(ctx);
    const session = ctx.session();
    const all = await session.scalars(select(Employee).orderBy(e.id));
    assert.deepEqual(all.map((o) => o.constructor), [Manager, Engineer, Director, Engineer, Employee]);
    const [mia, eli, dee, ivy] = all as [Manager, Engineer, Director, Engineer];
    assert.equal(mia.budget, 100);
    assert.equal(eli.language, "rust");
    assert.equal(dee.parkingSpot, "A1");
    assert.equal(dee.budget, 900);
    assert.equal(ivy.language, "typescript"); // the column's default
    assert.equal(ctx.statements.length, 1);
  });

  test("select(Manager) sees managers and directors only; select(Engineer) engineers only", async () => {
    await seed(ctx);
    const session = ctx.session();
    const managers = await session.scalars(select(Manager).orderBy(e.id));
    assert.deepEqual(managers.map((m) => [m.constructor, m.id]), [[Manager, 1], [Director, 3]]);
    const engineers = await session.scalars(select(Engineer).where(columnsOf(Engineer).name.like("%")).orderBy(e.id));
    assert.deepEqual(engineers.map((m) => m.id), [2, 4]);
    const directors = await session.scalars(select(Director));
    assert.deepEqual(directors.map((m) => m.id), [3]);
  });

  test("join(Subclass) joins its rows only; a stream reads each row as its class", async () => {
    await seed(ctx);
    const session = ctx.session();
    const p = columnsOf(Project);
    assert.deepEqual((await session.scalars(select(Project).join(Employee).orderBy(p.id))).map((x) => x.id), [1, 2]);
    assert.deepEqual((await session.scalars(select(Project).join(Director))).map((x) => x.id), [2]);
    assert.deepEqual(await session.scalars(select(Project).join(Engineer)), []);
    const streamed: unknown[] = [];
    for await (const employee of session.stream(select(Employee).orderBy(e.id), { yieldPer: 2 })) streamed.push(employee.constructor);
    assert.deepEqual(streamed, [Manager, Engineer, Director, Engineer, Employee]);
  });

  test("populateExisting through the base unloads a subclass object's own relationships, as a refresh does", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [mia] = await session.scalars(select(Manager).where(e.id.eq(1)).options(selectinLoad(Manager, "projects")));
    assert.equal(mia!.projects.length, 1);
    await session.scalars(select(Employee).where(e.id.eq(1)).options(populateExisting()));
    assert.throws(() => mia!.projects, /StManager\.projects is not loaded/);
  });

  test("session.get through a subclass: its rows only, from the database and from the identity map; one object per row", async () => {
    await seed(ctx);
    const session = ctx.session();
    assert.equal(await session.get(Manager, 2), undefined); // an engineer's row, not in the map: the query filters it
    assert.equal(await session.get(Director, 1), undefined); // a manager is not a director
    const eli = await session.get(Employee, 2);
    assert.ok(eli instanceof Engineer);
    ctx.reset();
    assert.equal(await session.get(Manager, 2), undefined); // from the identity map: no SQL
    assert.equal(await session.get(Engineer, 2), eli);
    assert.equal(ctx.statements.length, 0);
    const dee = await session.get(Manager, 3);
    assert.ok(dee instanceof Director);
    assert.equal(await session.get(Employee, 3), dee);
    assert.equal(await session.get(Director, 3), dee);
  });

  test("a new object of another class with the key of a row the session holds is refused before any statement, as for any model: nothing written", async () => {
    await seed(ctx);
    const session = ctx.session();
    const eli = (await session.get(Employee, 2))!;
    assert.ok(eli instanceof Engineer);
    const impostor = Object.assign(new Manager(), { id: 2, name: "Not Eli" });
    session.add(impostor);
    await assert.rejects(session.flush(), (e: unknown) => e instanceof DuplicateKeyError && /StManager \(id=2\)/.test(e.message));
    await session.rollback();
    assert.deepEqual((await rows(ctx))[1], [2, "engineer"]);
  });

  test("the discriminator cannot be set to another class's value; the session stays usable", async () => {
    await seed(ctx);
    const session = ctx.session();
    const eli = (await session.get(Engineer, 2))!;
    assert.throws(
      () => {
        eli.type = "manager";
      },
      (error: unknown) => error instanceof InvalidRequestError && /StEngineer\.type is the discriminator/.test(error.message) && error.message.includes('"engineer"'),
    );
    eli.type = "engineer"; // its own value: no change
    eli.name = "Eli B.";
    await session.commit();
    assert.deepEqual((await rows(ctx))[1], [2, "engineer"]);
  });

  test("a row whose discriminator no class has is a DataError naming the value, the table and the model", async () => {
    await seed(ctx);
    await ctx.engine.execute(insert(StaffBase.metadata.table("sti_employees")!).values({ id: 9, name: "Tom", type: "intern" } as never));
    const session = ctx.session();
    await assert.rejects(
      session.scalars(select(Employee)),
      (error: unknown) => error instanceof DataError && error.message.includes('"intern"') && error.message.includes("sti_employees") && error.message.includes("StEmployee"),
    );
    // A query through a subclass never reads the row.
    assert.deepEqual((await session.scalars(select(Manager))).length, 2);
  });

  test("relationships: a one-to-many of the base loads each member as its class (lazy, select-in, joined)", async () => {
    await seed(ctx);
    for (const load of ["lazy", "selectin", "joined"] as const) {
      const session = ctx.session();
      const q = select(Department);
      const [rnd] = await session.scalars(load === "selectin" ? q.options(selectinLoad(Department, "employees")) : load === "joined" ? q.options(joinedLoad(Department, "employees")) : q);
      const employees = load === "lazy" ? await lazy(rnd!).employees : rnd!.employees;
      assert.deepEqual(employees.map((o) => o.constructor), [Manager, Engineer, Director, Engineer, Employee], load);
      assert.equal((employees[0] as Manager).budget, 100, load);
      assert.equal(employees[1]!.department, rnd, load); // the inherited back-reference
      await session.close();
    }
  });

  test("a one-to-many to a subclass holds its rows only (lazy, select-in, joined)", async () => {
    await seed(ctx);
    for (const load of ["lazy", "selectin", "joined"] as const) {
      const session = ctx.session();
      const q = select(Department);
      const [rnd] = await session.scalars(load === "selectin" ? q.options(selectinLoad(Department, "managers")) : load === "joined" ? q.options(joinedLoad(Department, "managers")) : q);
      const managers = load === "lazy" ? await lazy(rnd!).managers : rnd!.managers;
      assert.deepEqual(managers.map((o) => [o.constructor, o.id]), [[Manager, 1], [Director, 3]], load);
      await session.close();
    }
  });

  test("relationships to and from subclasses: many-to-one to Manager, one-to-many declared on a subclass", async () => {
    await seed(ctx);
    for (const load of ["lazy", "selectin", "joined"] as const) {
      const session = ctx.session();
      const q = select(Project).orderBy(columnsOf(Project).id);
      const projects = await session.scalars(load === "selectin" ? q.options(selectinLoad(Project, "lead")) : load === "joined" ? q.options(joinedLoad(Project, "lead")) : q);
      const leads = await Promise.all(projects.map(async (p) => (load === "lazy" ? await lazy(p).lead : p.lead)));
      assert.deepEqual(leads.map((l) => l?.constructor), [Manager, Director], load);
      const mia = leads[0] as Manager;
      const reports = load === "lazy" ? await lazy(mia).reports : (await session.scalars(select(Manager).where(e.id.eq(1)).options(selectinLoad(Manager, "reports"))))[0]!.reports;
      assert.deepEqual(reports.map((r) => [r.constructor, r.id]), [[Engineer, 2]], load);
      assert.equal(reports[0]!.manager, mia, load);
      await session.close();
    }
  });

  test("one flush inserts rows of several classes that reference each other, in any order of adding", async () => {
    const session = ctx.session();
    const ivy = Object.assign(new Engineer(), { id: 4, name: "Ivy" });
    const kim = Object.assign(new Engineer(), { id: 6, name: "Kim" });
    const dee = Object.assign(new Director(), { id: 3, name: "Dee" });
    const mia = Object.assign(new Manager(), { id: 1, name: "Mia" });
    ivy.manager = dee;
    kim.manager = mia;
    session.addAll([ivy, kim, dee, mia]);
    await session.commit();
    const managers = (await ctx.engine.execute(select(e.id, columnsOf(Engineer).managerId).where(e.type.eq("engineer")).orderBy(e.id))).rows;
    assert.deepEqual(managers.map((r) => [Number(r.id), Number(r.managerId)]), [[4, 3], [6, 1]]);
  });

  test("one flush deletes rows of several classes that reference each other", async () => {
    await seed(ctx);
    const session = ctx.session();
    const mia = (await session.get(Manager, 1))!;
    const eli = (await session.get(Engineer, 2))!;
    for (const p of await lazy(mia).projects) await session.delete(p);
    await session.delete(mia);
    await session.delete(eli);
    await session.commit();
    assert.deepEqual((await rows(ctx)).map(([id]) => id), [3, 4, 5]);
  });

  test("a member moved to a new subclass object's list, through a relationship of the base, is not deleted as an orphan", async () => {
    await seed(ctx);
    const session = ctx.session();
    const eli = (await session.get(Engineer, 2))!;
    (await lazy(eli).badges).push(Object.assign(new Badge(), { id: 1, label: "door" }));
    await session.commit();
    const badge = (await lazy(eli).badges)[0]!;
    const zoe = Object.assign(new Manager(), { id: 7, name: "Zoe" });
    session.add(zoe);
    eli.badges.splice(0, 1); // removed from its owner: an orphan, unless another object holds it
    zoe.badges.push(badge);
    await session.commit();
    const [row] = (await ctx.engine.execute(select(columnsOf(Badge).id, columnsOf(Badge).ownerId))).rows;
    assert.deepEqual([Number(row?.id), Number(row?.ownerId)], [1, 7]);
  });

  test("a many-to-one to Manager refuses an Engineer: nothing changed", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [project] = await session.scalars(select(Project).where(columnsOf(Project).id.eq(1)).options(selectinLoad(Project, "lead")));
    const eli = (await session.get(Engineer, 2))!;
    assert.throws(() => {
      project!.lead = eli as never;
    }, /StProject\.lead holds one StManager \(or null\); got an object of class Engineer/);
    assert.equal(project!.lead?.id, 1);
  });

  test("loader options reach a subclass's own relationships through a query of the base, or a path through a relationship to it", async () => {
    await seed(ctx);
    let session = ctx.session();
    const everyone = await session.scalars(select(Employee).orderBy(e.id).options(selectinLoad(Manager, "projects")));
    const [mia, , dee] = everyone as [Manager, Engineer, Director];
    assert.deepEqual([mia.projects.map((p) => p.id), dee.projects.map((p) => p.id)], [[1], [2]]);
    assert.equal(ctx.statements.length, 2);
    await session.close();
    session = ctx.session();
    ctx.reset();
    const [rnd] = await session.scalars(select(Department).options(selectinLoad(Department, "employees", "projects")));
    assert.deepEqual((rnd!.employees[0] as Manager).projects.map((p) => p.id), [1]);
    assert.equal(ctx.statements.length, 3);
  });

  test("joinedLoad of a subclass's own relationships through a query of the base: one SELECT, the subclass's objects only", async () => {
    await seed(ctx);
    // A project whose lead key names Ivy, an engineer: her object takes nothing.
    await ctx.engine.execute(insert(StaffBase.metadata.table("sti_projects")!).values({ id: 3, title: "Side", leadId: 4 } as never));
    const session = ctx.session();
    ctx.reset();
    const everyone = await session.scalars(select(Employee).orderBy(e.id).options(joinedLoad(Manager, "projects"), joinedLoad(Manager, "reports")));
    assert.equal(ctx.statements.length, 1);
    const [mia, eli, dee, ivy] = everyone as [Manager, Engineer, Director, Engineer];
    assert.deepEqual([mia.projects.map((p) => p.id), dee.projects.map((p) => p.id), mia.reports.map((r) => r.name), dee.reports.length], [[1], [2], ["Eli"], 0]);
    assert.deepEqual([stateOf(ivy)!.dict.projects, stateOf(eli)!.dict.reports], [undefined, undefined]);
    assert.equal(ctx.statements.length, 1);
  });

  test("a many-to-one to Manager whose key names an engineer's row reads no object", async () => {
    await seed(ctx);
    await ctx.engine.execute(update(StaffBase.metadata.table("sti_projects")!).values({ leadId: 2 } as never).where(columnsOf(Project).id.eq(1)));
    const session = ctx.session();
    const [p] = await session.scalars(select(Project).where(columnsOf(Project).id.eq(1)).options(selectinLoad(Project, "lead")));
    assert.equal(p!.lead, null);
    const [q] = await session.scalars(select(Project).where(columnsOf(Project).id.eq(1)).options(joinedLoad(Project, "lead"), populateExisting()));
    assert.equal(q!.lead, null);
    await session.close();
    const other = ctx.session();
    const [r] = await other.scalars(select(Project).where(columnsOf(Project).id.eq(1)));
    assert.equal(await lazy(r!).lead, null);
  });

  test("flush: updates, optimistic versions and deletes of subclass objects", async () => {
    await seed(ctx);
    const session = ctx.session();
    const dee = (await session.get(Director, 3))!;
    dee.parkingSpot = "B2";
    dee.budget = 1000;
    await session.commit();
    const [row] = (await ctx.engine.execute(select(e.version, columnsOf(Director).parkingSpot, columnsOf(Manager).budget).where(e.id.eq(3)))).rows;
    assert.deepEqual([row!.version, row!.parkingSpot, row!.budget], [2, "B2", 1000]);
    const ivy = (await session.get(Engineer, 4))!;
    await session.delete(ivy);
    await session.commit();
    assert.deepEqual((await rows(ctx)).map(([id]) => id), [1, 2, 3, 5]);
    // Another transaction changes Mia's row after she was read: the stale version is refused.
    const other = ctx.session({ expireOnCommit: false });
    const mia = (await other.get(Manager, 1))!;
    await other.commit();
    await ctx.engine.execute(update(StaffBase.metadata.table("sti_employees")!).values({ version: 7 } as never).where(e.id.eq(1)));
    mia.budget = 5;
    await assert.rejects(other.commit(), StaleDataError);
  });

  test("refresh, expiry and merge of subclass objects keep their class and subclass columns", async () => {
    await seed(ctx);
    const session = ctx.session();
    const dee = (await session.get(Director, 3))!;
    // The table, not the model: the session's objects do not follow (as a change by someone else).
    await session.execute(update(StaffBase.metadata.table("sti_employees")!).values({ parkingSpot: "C3" } as never).where(e.id.eq(3)));
    assert.equal(dee.parkingSpot, "A1");
    await session.refresh(dee);
    assert.equal(dee.parkingSpot, "C3");
    await session.commit(); // expires
    const [again] = await session.scalars(select(Employee).where(e.id.eq(3)));
    assert.equal(again, dee);
    assert.equal(dee.parkingSpot, "C3");
    await session.close();
    const merged = await ctx.session().merge(Object.assign(new Director(), { id: 3, name: "Dee", budget: 5 }));
    assert.ok(merged instanceof Director);
    assert.equal(merged.parkingSpot, "C3");
    assert.equal(merged.budget, 5);
  });

  test("bulk UPDATE and DELETE through a subclass change its rows only, and the objects held follow", async () => {
    await seed(ctx);
    const session = ctx.session();
    const all = await session.scalars(select(Employee).orderBy(e.id));
    const count = await session.execute(update(Manager).values({ name: "Boss" }));
    assert.equal(count, 2);
    assert.deepEqual(all.map((o) => o.name), ["Boss", "Eli", "Boss", "Ivy", "Eve"]);
    // The discriminator condition keeps the other classes' objects out with "evaluate" too. The
    // model is versioned, so the UPDATE's rows are read exactly (RETURNING, or SELECT ... FOR UPDATE
    // on MariaDB) and nothing is evaluated in JavaScript: MariaDB's case-insensitive text
    // comparison, which JavaScript cannot evaluate, no longer refuses it there.
    assert.equal(await session.execute(update(Manager).values({ name: "Chief" }), { synchronizeSession: "evaluate" }), 2);
    assert.deepEqual(all.map((o) => o.name), ["Chief", "Eli", "Chief", "Ivy", "Eve"]);
    assert.equal(await session.execute(deleteFrom(Engineer).where(columnsOf(Engineer).language.eq("typescript"))), 1);
    await session.commit();
    const names = (await ctx.engine.execute(select(e.id, e.name).orderBy(e.id))).rows.map((r) => [Number(r.id), r.name]);
    assert.deepEqual(names, [[1, "Chief"], [2, "Eli"], [3, "Chief"], [5, "Eve"]]);
  });

  test("ORM bulk INSERT through a subclass writes its discriminator and refuses another class's", async () => {
    await seed(ctx);
    const session = ctx.session();
    assert.equal(await session.execute(insert(Engineer), [{ id: 10, name: "Ada", language: "c" }, { id: 11, name: "Bo" }]), 2);
    await assert.rejects(
      session.execute(insert(Manager), [{ id: 12, name: "Cy", type: "engineer" }]),
      (error: unknown) => error instanceof ArgumentError && error.message.includes(`'type' is "manager" in every row of Manager, not "engineer"`),
    );
    // Refused before any statement: the session goes on, the engineers' rows still in its transaction.
    await session.execute(insert(Manager), [{ id: 12, name: "Cy", type: "manager" }]);
    await session.commit();
    assert.deepEqual((await rows(ctx)).slice(5), [[10, "engineer"], [11, "engineer"], [12, "manager"]]);
    const [ada] = await ctx.session().scalars(select(Employee).where(e.id.eq(10)));
    assert.ok(ada instanceof Engineer);
  });

  test("a bulk UPDATE setting the discriminator is refused before it runs; the session stays usable", async () => {
    await seed(ctx);
    const session = ctx.session();
    const eli = (await session.get(Engineer, 2))!;
    for (const cls of [Engineer, Employee]) {
      await assert.rejects(
        session.execute(update(cls).values({ type: "manager" }).where(e.id.eq(2))),
        (error: unknown) => error instanceof InvalidRequestError && error.message.includes("sets StEmployee.type, the discriminator of single-table inheritance"),
      );
    }
    eli.name = "Eli B.";
    await session.commit();
    assert.deepEqual((await rows(ctx))[1], [2, "engineer"]);
  });

  test("a bulk UPDATE through the base unloads the lists of a relationship to a subclass that held the rows it moved", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [rnd] = await session.scalars(select(Department).options(selectinLoad(Department, "managers")));
    assert.deepEqual(rnd!.managers.map((m) => m.id), [1, 3]);
    await session.execute(update(Employee).values({ departmentId: null }).where(e.id.eq(1)));
    assert.deepEqual((await lazy(rnd!).managers).map((m) => m.id), [3]);
  });

  test("a bulk DELETE through a subclass: the database's ON DELETE SET NULL on other classes' rows reaches the objects held", async () => {
    await seed(ctx);
    const session = ctx.session();
    const eli = (await session.get(Engineer, 2))!;
    for (const p of await session.scalars(select(Project))) p.leadId = null;
    await session.flush();
    assert.equal(await session.execute(deleteFrom(Manager).where(e.id.eq(1))), 1);
    assert.equal(eli.managerId, null);
    await session.commit();
    assert.deepEqual((await rows(ctx)).map(([id]) => id), [2, 3, 4, 5]);
  });

  test("paginate through a subclass pages its rows only", async () => {
    await seed(ctx);
    const session = ctx.session();
    const first = await paginate(session, select(Engineer).orderBy(e.id), { limit: 1 });
    assert.deepEqual(first.rows.map(([o]) => o.id), [2]);
    const second = await paginate(session, select(Engineer).orderBy(e.id), { limit: 1, after: first.nextCursor! });
    assert.deepEqual(second.rows.map(([o]) => o.id), [4]);
    assert.equal(second.nextCursor, null);
  });
}, { createOnce: true });
