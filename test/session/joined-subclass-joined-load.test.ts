/**
 * `joinedLoad` of a subclass's own relationship through a query of its base
 * (`select(Employee).options(joinedLoad(Manager, "reports"))`): one statement, the relationship's
 * target LEFT OUTER JOINed to the subclass's table the query joins already; only the subclass's
 * objects take it (a row of another class whose key a child names gets nothing). It used to run as
 * a select-in, a second statement. Real rows on every database (docs/inheritance.md).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, joinedLoad, select, update } from "../../src/index.js";
import { stateOf } from "../../src/orm/state/instance-state.js";
import { Director, Employee, Engineer, JtBase, Manager } from "./fixtures/joined/models.js";
import { seed } from "./fixtures/joined/seed.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const e = columnsOf(Employee);

/** Eli (the engineer) reports to `managerId`, written outside the session read from. */
async function reportsTo(ctx: SessionContext, managerId: number): Promise<void> {
  const writer = ctx.session();
  await writer.execute(update(Engineer).values({ managerId }));
  await writer.commit();
  await writer.close();
}

forEachDatabaseWithSchema("joinedLoad of a subclass's relationship through a query of the base", JtBase.metadata, (ctx) => {
  test("one SELECT: the managers' reports and projects joined; the engineer and the plain employee take none", async () => {
    await seed(ctx);
    await reportsTo(ctx, 1);
    const session = ctx.session();
    ctx.reset();
    const everyone = await session.scalars(select(Employee).orderBy(e.id).options(joinedLoad(Manager, "reports"), joinedLoad(Manager, "projects")));
    assert.equal(ctx.statements.length, 1);
    assert.match(ctx.statements[0]!, /LEFT OUTER JOIN [`"]?jt_engineers[`"]? AS [`"]?reports_j\w+[`"]? ON [`"]?jt_managers[`"]?\.[`"]?id[`"]? = /);
    const [mia, eli, dee, eve] = everyone as [Manager, Engineer, Director, Employee];
    assert.deepEqual(everyone.map((o) => o.constructor.name), ["Manager", "Engineer", "Director", "Employee"]);
    assert.deepEqual([mia.reports.map((r) => r.name), dee.reports.length, mia.projects.map((p) => p.id), dee.projects.map((p) => p.id)], [["Eli"], 0, [1], [2]]);
    // Project 3 names Eli (an engineer) as its lead: nothing is set on his object, nor on Eve's.
    assert.deepEqual([stateOf(eli)!.dict.projects, stateOf(eli)!.dict.reports, stateOf(eve)!.dict.reports], [undefined, undefined, undefined]);
    assert.equal(ctx.statements.length, 1); // nothing more was read
  });

  test("with a LIMIT (the query nested as a subquery, the joins made to it), and a level below: one SELECT", async () => {
    await seed(ctx);
    await reportsTo(ctx, 3);
    const session = ctx.session();
    ctx.reset();
    const firstThree = await session.scalars(select(Employee).orderBy(e.id).limit(3).options(joinedLoad(Manager, "reports").joinedLoad("manager")));
    assert.equal(ctx.statements.length, 1);
    assert.deepEqual(firstThree.map((o) => o.name), ["Mia", "Eli", "Dee"]);
    const [mia, , dee] = firstThree as [Manager, Engineer, Director];
    assert.deepEqual([dee.reports.map((r) => r.name), dee.reports[0]!.manager === dee, mia.reports.length], [["Eli"], true, 0]);
    assert.equal(ctx.statements.length, 1);
  });
}, { createOnce: true });
