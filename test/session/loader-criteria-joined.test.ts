/**
 * Loader criteria under joined-table inheritance: a criterion is placed at the root's table (in
 * every query of the hierarchy, inner-joined), so one on a subclass filters that subclass's rows
 * whichever class is queried, and a criterion on the base reaches the subclasses' queries and the
 * select-in loads of a relationship to a subclass.
 * Staff: Max (manager, budget 100), Nia (engineer), Dora (director, budget 900), Eve (employee).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { aliased, columnsOf, joinedLoad, select, selectinLoad, withLoaderCriteria } from "../../src/index.js";
import { Department, Director, Employee, Engineer, JtBase, Manager } from "./fixtures/joined/models.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const e = columnsOf(Employee);

forEachDatabaseWithSchema("loader criteria, joined-table inheritance", JtBase.metadata, (ctx) => {
  async function seeded(): Promise<void> {
    const setup = ctx.session();
    const sales = Object.assign(new Department(), { id: 1, name: "Sales" });
    setup.addAll([
      sales,
      Object.assign(new Manager(), { id: 1, name: "Max", budget: 100, department: sales }),
      Object.assign(new Engineer(), { id: 2, name: "Nia", language: "rust" }),
      Object.assign(new Director(), { id: 3, name: "Dora", budget: 900, parkingSpot: "A1", department: sales }),
      Object.assign(new Employee(), { id: 4, name: "Eve" }),
    ]);
    await setup.commit();
    await setup.close();
    ctx.reset();
  }
  const names = (objects: readonly Employee[]) => objects.map((x) => x.name);

  test("a criterion on a subclass: its rows (and its subclasses') filtered, the others' pass, whichever class is queried", async () => {
    await seeded();
    const session = ctx.session();
    const bigBudgets = withLoaderCriteria(Manager, (m) => m.budget.gt(500));
    assert.deepEqual(names(await session.scalars(select(Employee).options(bigBudgets).orderBy(e.id))), ["Nia", "Dora", "Eve"]);
    assert.deepEqual(names(await session.scalars(select(Manager).options(bigBudgets).orderBy(e.id))), ["Dora"]);
    const managersOnly = withLoaderCriteria(Manager, (m) => m.budget.gt(500), { includeSubclasses: false });
    assert.deepEqual(names(await session.scalars(select(Employee).options(managersOnly).orderBy(e.id))), ["Nia", "Dora", "Eve"]);
    const smallBudgets = withLoaderCriteria(Manager, (m) => m.budget.lt(500), { includeSubclasses: false });
    assert.deepEqual(names(await session.scalars(select(Employee).options(smallBudgets).orderBy(e.id))), ["Max", "Nia", "Dora", "Eve"], "Dora is a director: not filtered");
  });

  test("a criterion on the base: the subclasses' queries and a select-in load of a relationship to a subclass", async () => {
    await seeded();
    const session = ctx.session({ criteria: [withLoaderCriteria(Employee, (x) => x.name.ne("Max"))] });
    assert.deepEqual(names(await session.scalars(select(Manager).orderBy(e.id))), ["Dora"]);
    assert.deepEqual(names(await session.scalars(select(Engineer))), ["Nia"]);
    const [sales] = await session.scalars(select(Department).options(selectinLoad(Department, "managers")));
    assert.deepEqual(names(sales!.managers), ["Dora"]);
    assert.equal(await session.get(Manager, 1), undefined);
  });

  test("joinedLoad and aliased() of a joined class: each criterion read from the aliases of that occurrence's tables", async () => {
    await seeded();
    for (const criterion of [withLoaderCriteria(Employee, (x) => x.name.ne("Max")), withLoaderCriteria(Manager, (m) => m.budget.gt(500))]) {
      const session = ctx.session();
      const [sales] = await session.scalars(select(Department).options(joinedLoad(Department, "managers"), criterion));
      assert.deepEqual(names(sales!.managers), ["Dora"]);
      assert.ok(sales!.managers[0] instanceof Director);
      await session.close();
    }
    const session = ctx.session();
    const boss = aliased(Manager, "boss");
    const rows = await session.scalars(select(boss).options(withLoaderCriteria(Manager, (m) => m.budget.gt(500))).orderBy(columnsOf(boss).id));
    assert.deepEqual(names(rows), ["Dora"]);
  });
}, { createOnce: true });
