/**
 * Joined-table inheritance (docs/inheritance.md): Employee in `jt_employees`, Manager's own columns
 * in `jt_managers`, Director's in `jt_directors` (below Manager), Engineer's in `jt_engineers`, each
 * subclass table keyed by the base's key. Writes go to the tables of the object's class (base row
 * first, its key copied; only the tables whose columns changed; subclass rows deleted first); a
 * query of the base reads every class in one statement; a subclass query inner-joins its tables.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import {
  ArgumentError,
  IntegrityError,
  InvalidRequestError,
  StaleDataError,
  columnsOf,
  deleteFrom,
  insert,
  lazy,
  select,
  selectinLoad,
  sql,
  update,
} from "../../src/index.js";
import { Department, Director, Employee, Engineer, JtBase, Manager, Project } from "./fixtures/joined/models.js";
import { seed, tableRows } from "./fixtures/joined/seed.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { diffSchemas, schemaModelOf } from "../../src/migrations/index.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";

const e = columnsOf(Employee);
const m = columnsOf(Manager);

forEachDatabaseWithSchema("joined-table inheritance", JtBase.metadata, (ctx) => {
  afterEach(async () => {
    for (const table of ["jt_project_members", "jt_projects", "jt_directors", "jt_engineers", "jt_managers", "jt_employees", "jt_departments"]) await ctx.engine.execute(sql`DELETE FROM ${sql.raw(table)}`);
  });

  test("createAll makes a table per class, each subclass keyed by the base's key with a cascading foreign key; the differ sees them all", async () => {
    const reflected = await ctx.engine.inspect().reflect();
    const managers = reflected.tables.find((t) => t.name === "jt_managers")!;
    assert.deepEqual(managers.columns.map((c) => c.name), ["id", "budget", "department_id"]);
    assert.deepEqual(managers.primaryKey?.columns, ["id"]);
    const toBase = managers.foreignKeys.find((fk) => fk.referredTable === "jt_employees")!;
    assert.deepEqual([toBase.columns, toBase.referredColumns, toBase.onDelete], [["id"], ["id"], "cascade"]);
    const directors = reflected.tables.find((t) => t.name === "jt_directors")!;
    assert.deepEqual(directors.columns.map((c) => c.name), ["id", "parking_spot"]);
    assert.equal(directors.foreignKeys[0]!.referredTable, "jt_employees");
    const ours = (schema: SchemaModel): SchemaModel => ({ ...schema, tables: schema.tables.filter((t) => t.name.startsWith("jt_")) });
    assert.deepEqual(diffSchemas(ours(reflected), ours(schemaModelOf(JtBase.metadata, ctx.engine.dialect)), { dialect: ctx.db.name }), []);
  });

  test("INSERT writes the base row, then each subclass row with its key; the discriminator is the ORM's", async () => {
    const fresh = new Director();
    assert.equal(fresh.type, "director");
    const session = ctx.session();
    // No key given: the database generates it on jt_employees, and the subclass rows take it.
    const dora = Object.assign(new Director(), { name: "Dora", budget: 7, parkingSpot: "B2" });
    const ned = Object.assign(new Engineer(), { name: "Ned" });
    session.addAll([dora, ned]);
    await session.commit();
    assert.deepEqual(ctx.statements.filter((s) => s.startsWith("INSERT")).map((s) => /INTO [`"]?(\w+)/.exec(s)![1]), ["jt_employees", "jt_managers", "jt_directors", "jt_employees", "jt_engineers"]);
    const [d, n] = [dora.id, ned.id];
    assert.ok(typeof d === "number" && typeof n === "number" && d !== n);
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id, name, type"), [[d, "Dora", "director"], [n, "Ned", "engineer"]].sort((a, b) => (a[0] as number) - (b[0] as number)));
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget, department_id"), [[d, 7, null]]);
    assert.deepEqual(await tableRows(ctx, "jt_directors", "id, parking_spot"), [[d, "B2"]]);
    assert.deepEqual(await tableRows(ctx, "jt_engineers", "id, language"), [[n, null]]);
  });

  test("objects of every class given their keys: each row in its class's tables", async () => {
    await seed(ctx);
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id, type"), [[1, "manager"], [2, "engineer"], [3, "director"], [4, "employee"]]);
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget, department_id"), [[1, 100, 1], [3, 900, 1]]);
    assert.deepEqual(await tableRows(ctx, "jt_directors", "id, parking_spot"), [[3, "A1"]]);
    assert.deepEqual(await tableRows(ctx, "jt_engineers", "id, language"), [[2, "rust"]]);
  });

  test("select(Employee) reads every row as its class with its own columns, in one statement (LEFT OUTER JOINs)", async () => {
    await seed(ctx);
    const session = ctx.session();
    const all = await session.scalars(select(Employee).orderBy(e.id));
    assert.equal(ctx.statements.length, 1);
    assert.match(ctx.statements[0]!, /LEFT OUTER JOIN [`"]jt_managers[`"]/);
    assert.deepEqual(all.map((o) => o.constructor), [Manager, Engineer, Director, Employee]);
    const [mia, eli, dee] = all as [Manager, Engineer, Director];
    assert.deepEqual([mia.budget, eli.language, dee.budget, dee.parkingSpot], [100, "rust", 900, "A1"]);
    assert.equal(ctx.statements.length, 1);
    // One object per row, whichever class asks.
    assert.equal(await session.get(Manager, 1), mia);
    assert.equal(await session.get(Director, 3), dee);
  });

  test("select(Manager) joins its tables: its rows and its subclasses', filtered and ordered by its own columns; get through another class is undefined", async () => {
    await seed(ctx);
    const session = ctx.session();
    const managers = await session.scalars(select(Manager).where(m.budget.gt(50)).orderBy(m.budget.desc()));
    assert.match(ctx.statements[0]!, /FROM [`"]jt_employees[`"] (INNER )?JOIN [`"]jt_managers[`"]/);
    assert.deepEqual(managers.map((o) => [o.constructor, o.name]), [[Director, "Dee"], [Manager, "Mia"]]);
    assert.equal(await session.get(Manager, 2), undefined);
    assert.equal(await session.get(Engineer, 1), undefined);
    assert.equal(await session.get(Director, 1), undefined);
    const eli = await session.get(Engineer, 2);
    assert.equal(eli?.language, "rust");
    assert.equal(await session.get(Manager, 2), undefined, "held as an Engineer, not a Manager");
    assert.equal(await session.get(Employee, 2), eli);
  });

  test("UPDATE writes only the tables whose columns changed; the base's version is checked and moved on every change", async () => {
    await seed(ctx);
    const session = ctx.session();
    const dee = (await session.get(Director, 3))!;
    ctx.reset();
    dee.parkingSpot = "Z9";
    await session.flush();
    // Versioned: the base row's version moves too (and is checked), then jt_directors alone.
    assert.deepEqual(ctx.statements.map((s) => /UPDATE [`"]?(\w+)/.exec(s)![1]), ["jt_employees", "jt_directors"]);
    assert.equal(dee.version, 2);
    ctx.reset();
    dee.name = "Deb";
    await session.flush();
    assert.deepEqual(ctx.statements.map((s) => /UPDATE [`"]?(\w+)/.exec(s)![1]), ["jt_employees"]);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id, name, version"), [[1, "Mia", 1], [2, "Eli", 1], [3, "Deb", 3], [4, "Eve", 1]]);
    assert.deepEqual(await tableRows(ctx, "jt_directors", "id, parking_spot"), [[3, "Z9"]]);
  });

  test("a stale version fails the flush, writes no table and leaves the session usable", async () => {
    await seed(ctx);
    const session = ctx.session({ expireOnCommit: false });
    const mia = (await session.get(Manager, 1))!;
    // Another transaction changes Mia's base row after she was read (the session holds no transaction since).
    await session.commit();
    await ctx.engine.execute(sql`UPDATE jt_employees SET version = 5 WHERE id = 1`);
    mia.budget = 1;
    await assert.rejects(session.commit(), StaleDataError);
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 100], [3, 900]]);
    await session.refresh(mia);
    assert.deepEqual([mia.version, mia.budget], [5, 100]);
    mia.budget = 2;
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 2], [3, 900]]);
  });

  test("DELETE removes the subclass rows, the lowest first, then the base row", async () => {
    await seed(ctx);
    const session = ctx.session();
    const dee = (await session.get(Director, 3))!;
    for (const project of await lazy(dee).projects) project.lead = null;
    ctx.reset();
    await session.delete(dee);
    await session.commit();
    assert.deepEqual(ctx.statements.filter((s) => s.startsWith("DELETE")).map((s) => /FROM [`"]?(\w+)/.exec(s)![1]), ["jt_directors", "jt_managers", "jt_employees"]);
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id"), [[1]]);
    assert.deepEqual(await tableRows(ctx, "jt_directors", "id"), []);
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id"), [[1], [2], [4]]);
    assert.equal(await ctx.session().get(Employee, 3), undefined);
  });

  test("a flush failing at a subclass table rolls back the base row too, and the session can write again", async () => {
    await seed(ctx);
    const session = ctx.session();
    const bad = Object.assign(new Manager(), { id: 10, name: "Bo", budget: 1, departmentId: 99 });
    session.add(bad);
    await assert.rejects(session.commit(), IntegrityError);
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id"), [[1], [2], [3], [4]]);
    bad.departmentId = 1;
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, department_id"), [[1, 1], [3, 1], [10, 1]]);
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id, type"), [[1, "manager"], [2, "engineer"], [3, "director"], [4, "employee"], [10, "manager"]]);
  });

  test("refresh and expiry reload a subclass's own columns", async () => {
    await seed(ctx);
    const session = ctx.session();
    const dee = (await session.get(Director, 3))!;
    // Through the session's transaction (the table, not the model: its objects do not follow, as for a change by someone else).
    const directors = JtBase.metadata.table("jt_directors")!;
    await session.execute(update(directors).values({ parkingSpot: "C3" } as never).where(directors.c["id"]!.eq(3 as never)));
    assert.equal(dee.parkingSpot, "A1");
    await session.refresh(dee);
    assert.equal(dee.parkingSpot, "C3");
    const managers = JtBase.metadata.table("jt_managers")!;
    await session.execute(update(managers).values({ budget: 1000 } as never).where(managers.c["id"]!.eq(3 as never)));
    await session.commit(); // expires
    const [again] = await session.scalars(select(Employee).where(e.id.eq(3)));
    assert.equal(again, dee);
    assert.deepEqual([dee.budget, dee.parkingSpot], [1000, "C3"]);
    // Named attributes, read alone: from this row of each of their tables, not from another row.
    await session.execute(update(directors).values({ parkingSpot: "D4" } as never).where(directors.c["id"]!.eq(3 as never)));
    await session.refresh(dee, ["parkingSpot", "budget"]);
    assert.deepEqual([dee.budget, dee.parkingSpot], [1000, "D4"]);
    const mia = (await session.get(Manager, 1))!;
    session.expire(mia, ["budget"]);
    assert.equal(await lazy(mia).budget, 100);
    await session.close();
    // merge: the detached state lands in the object read through its class, and is written per table.
    const other = ctx.session();
    const merged = await other.merge(Object.assign(new Director(), { id: 3, name: "Dee", budget: 5, parkingSpot: "E5" }));
    assert.ok(merged instanceof Director);
    await other.commit();
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 100], [3, 5]]);
    assert.deepEqual(await tableRows(ctx, "jt_directors", "id, parking_spot"), [[3, "E5"]]);
  });

  test("locking reads of a class whose query outer-joins its subclasses' tables (PostgreSQL locks the tables no outer join makes nullable)", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [mia] = await session.scalars(select(Manager).where(m.id.eq(1)).forUpdate());
    assert.equal(mia?.budget, 100);
    assert.equal((await session.scalars(select(Employee).orderBy(e.id).forUpdate())).length, 4);
    if (ctx.db.name === "postgresql") assert.match(ctx.statements[0]!, /FOR UPDATE OF "jt_employees", "jt_managers"$/);
  });

  test("relationships to and from a subclass: many-to-one with its key in the subclass table, one-to-many to a subclass, lazy and select-in", async () => {
    await seed(ctx);
    const session = ctx.session();
    const mia = (await session.get(Manager, 1))!;
    const rnd = (await lazy(mia).department)!;
    assert.equal(rnd.name, "R&D");
    assert.deepEqual((await lazy(rnd).managers).map((o) => o.name), ["Mia", "Dee"]);
    assert.deepEqual((await lazy(mia).projects).map((p) => p.title), ["Engine"]);
    await session.close();
    const other = ctx.session({ expireOnCommit: false });
    ctx.reset();
    const departments = await other.scalars(select(Department).options(selectinLoad(Department, "managers").selectinLoad("projects")));
    assert.equal(ctx.statements.length, 3);
    assert.deepEqual(departments[0]!.managers.map((o) => [o.constructor, o.name, o.projects.map((p) => p.title)]), [[Manager, "Mia", ["Engine"]], [Director, "Dee", ["Roadmap"]]]);
    const projects = await other.scalars(select(Project).options(selectinLoad(Project, "lead")).orderBy(columnsOf(Project).id));
    // Project 3's key names an engineer's row: not a manager, so no lead.
    assert.deepEqual(projects.map((p) => p.lead?.name ?? null), ["Mia", "Dee", null]);
    // A foreign key to the subclass table's key column: copied from the manager's key, loaded back.
    const boss = departments[0]!.managers[0]!;
    const ned = Object.assign(new Engineer(), { id: 9, name: "Ned" });
    (await lazy(boss).reports).push(ned);
    await other.commit();
    assert.deepEqual(await tableRows(ctx, "jt_engineers", "id, manager_id"), [[2, null], [9, 1]]);
    const third = ctx.session();
    const [again] = await third.scalars(select(Engineer).where(columnsOf(Engineer).id.eq(9)).options(selectinLoad(Engineer, "manager")));
    assert.deepEqual([again!.manager?.constructor, again!.manager?.id], [Manager, 1]);
    await third.close();
    // Written through the relationship: the key lands in jt_managers.
    const sales = Object.assign(new Department(), { id: 2, name: "Sales" });
    departments[0]!.managers[0]!.department = sales;
    await other.commit();
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, department_id"), [[1, 2], [3, 1]]);
    assert.deepEqual((await lazy(boss).reports).map((r) => r.id), [9]);
    // An orphan's DELETE names the parent it left, in the table that holds that key (jt_engineers), not the base's.
    ctx.reset();
    boss.reports.splice(0);
    await other.commit();
    assert.deepEqual(ctx.statements.filter((s) => s.startsWith("DELETE")).map((s) => [/FROM [`"]?(\w+)/.exec(s)![1], /manager_id/.test(s)]), [["jt_engineers", true], ["jt_employees", false]]);
    assert.deepEqual(await tableRows(ctx, "jt_engineers", "id"), [[2]]);
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id"), [[1], [2], [3], [4]]);
  });

  test("what is not supported yet is refused with ArgumentError naming the class and the fix, writing nothing", async () => {
    await seed(ctx);
    const session = ctx.session();
    // A bulk update(Manager) or deleteFrom(Manager) runs through the session (joined-inheritance-bulk.test.ts), not the Core.
    await assert.rejects(ctx.engine.execute(update(Manager).values({ budget: 1 })), (error: unknown) => error instanceof ArgumentError && /update\(Manager\): JtManager's rows span the tables 'jt_employees', 'jt_managers'.*session/.test(error.message));
    await assert.rejects(ctx.engine.execute(deleteFrom(Manager)), (error: unknown) => error instanceof ArgumentError && /deleteFrom\(Manager\)/.test(error.message));
    // A bulk insert(Director) too (joined-bulk-insert.test.ts): the Core refuses it.
    await assert.rejects(ctx.engine.execute(insert(Director)), (error: unknown) => error instanceof ArgumentError && /insert\(Director\): JtDirector's rows span/.test(error.message));
    assert.throws(() => insert(Director).values({ name: "D" } as never), ArgumentError);
    // A changed key would have to change in every table at once.
    const mia = (await session.get(Manager, 1))!;
    mia.id = 50;
    await assert.rejects(session.commit(), InvalidRequestError);
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id"), [[1], [2], [3], [4]]);
    await session.rollback();
    // The base writes its own table in bulk: rows of every class, but not its subclasses' columns.
    await assert.rejects(session.execute(update(Employee).values({ budget: 1 } as never)), (error: unknown) => error instanceof ArgumentError && /sets 'budget', a column of table 'jt_managers'.*update\(JtManager\)/.test(error.message));
    const eli = (await session.get(Engineer, 2))!;
    assert.equal(await session.execute(update(Employee).values({ name: "X" }).where(e.id.eq(2))), 1);
    assert.equal(eli.name, "X");
  });
}, { createOnce: true });
