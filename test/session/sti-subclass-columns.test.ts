/**
 * Columns of a single-table subclass selected without the entity: `select(columnsOf(Manager).name)`
 * read every employee's name, of every class, where `select(Manager)` reads managers only. A
 * SELECT of a subclass's columns (its select list) now reads its rows only, as the entity does:
 * alone, beside other tables, in a subquery, under `aliased()`; joined, the condition goes in the
 * join's ON (an outer join keeps the rows without a match), and it is never added twice.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { aliased, columnsOf, deleteFrom, func, scalarSubquery, select, update } from "../../src/index.js";
import { Department, Director, Employee, Engineer, Manager, StaffBase } from "./fixtures/staff/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const e = columnsOf(Employee);
const m = columnsOf(Manager);
const d = columnsOf(Department);

/** R&D: Mia (manager, 1), Eli (engineer, 2), Dee (director, 3), Eve (employee, 4); Ops: no one. */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const rnd = Object.assign(new Department(), { id: 1, name: "R&D" });
  rnd.employees.push(
    Object.assign(new Manager(), { id: 1, name: "Mia", budget: 100 }),
    Object.assign(new Engineer(), { id: 2, name: "Eli" }),
    Object.assign(new Director(), { id: 3, name: "Dee", budget: 900 }),
    Object.assign(new Employee(), { id: 4, name: "Eve" }),
  );
  session.add(rnd);
  session.add(Object.assign(new Department(), { id: 2, name: "Ops" }));
  await session.commit();
  ctx.reset();
}

forEachDatabaseWithSchema("columns of a single-table subclass", StaffBase.metadata, (ctx) => {
  const names = async (statement: Parameters<SessionContext["engine"]["execute"]>[0]) =>
    (await ctx.engine.execute(statement)).rows.map((r) => Object.values(r as object).join("/"));

  test("select(columnsOf(Manager).name) reads managers' (and directors') rows only; the root's columns read every row", async () => {
    await seed(ctx);
    assert.deepEqual(await names(select(m.name).orderBy(m.id)), ["Mia", "Dee"]);
    assert.deepEqual(await names(select(columnsOf(Engineer).name)), ["Eli"]);
    assert.deepEqual(await names(select(columnsOf(Director).name, columnsOf(Director).budget)), ["Dee/900"]);
    assert.deepEqual(await names(select(e.name).orderBy(e.id)), ["Mia", "Eli", "Dee", "Eve"]);
    assert.deepEqual(await names(select(func.count(m.id).label("n"))), ["2"]);
    assert.deepEqual(await names(select(m.name).from(Employee).orderBy(m.id)), ["Mia", "Dee"], "from() the base");
    const session = ctx.session();
    assert.deepEqual(await session.scalars(select(m.name).orderBy(m.id)), ["Mia", "Dee"]);
    assert.deepEqual(await session.scalars(select(e.id).addColumns(m.name).orderBy(e.id)), [1, 3], "addColumns of a subclass's column");
  });

  test("joined: an inner join reads the subclass's rows; an outer join keeps the rows without one (its condition in ON)", async () => {
    await seed(ctx);
    assert.deepEqual(await names(select(d.name, m.name.label("manager")).join(Manager).orderBy(m.id)), ["R&D/Mia", "R&D/Dee"]);
    assert.deepEqual(await names(select(d.name, m.name.label("manager")).from(Department).leftJoin(Manager).orderBy(d.id, m.id)), ["R&D/Mia", "R&D/Dee", "Ops/"]);
    const session = ctx.session();
    const rows = await session.execute(select(Department, m.name.label("manager")).leftJoin(Manager).orderBy(d.id, m.id));
    assert.deepEqual(rows.map(([dept, name]) => `${dept.name}/${name ?? ""}`), ["R&D/Mia", "R&D/Dee", "Ops/"]);
  });

  test("in subqueries, under aliased(), and with the entity selected too: its rows, the condition written once", async () => {
    await seed(ctx);
    assert.deepEqual(await names(select(e.name).where(e.id.in(select(m.id))).orderBy(e.id)), ["Mia", "Dee"]);
    const managers = select(m.id, m.name).subquery("mgr");
    assert.deepEqual(await names(select(managers.c.name).orderBy(managers.c.id)), ["Mia", "Dee"]);
    assert.deepEqual(await names(select(d.name, scalarSubquery(select(func.count(m.id)).where(m.departmentId.eq(d.id))).label("n")).orderBy(d.id)), ["R&D/2", "Ops/0"]);
    const boss = columnsOf(aliased(Manager, "boss"));
    assert.deepEqual(await names(select(boss.name).orderBy(boss.id)), ["Mia", "Dee"]);
    const session = ctx.session();
    ctx.reset();
    const both = await session.scalars(select(Manager).where(m.name.like("%")).addColumns(m.budget).orderBy(m.id));
    assert.deepEqual(both.map((x) => x.name), ["Mia", "Dee"]);
    assert.equal(ctx.statements[0]!.match(/ IN \(/g)?.length, 1, ctx.statements[0]);
  });

  test("update(Manager) and deleteFrom(Manager) with conditions on its columns change its rows only", async () => {
    await seed(ctx);
    await ctx.engine.execute(update(Manager).values({ budget: 5 }).where(m.name.ne("x")));
    assert.deepEqual(await names(select(e.name, m.budget).from(Employee).where(e.type.ne("x")).orderBy(e.id)), ["Mia/5", "Dee/5"]);
    await ctx.engine.execute(deleteFrom(Manager).where(m.budget.eq(5), m.id.eq(3)));
    assert.deepEqual(await names(select(e.name).orderBy(e.id)), ["Mia", "Eli", "Eve"]);
  });
}, { createOnce: true });
