/**
 * `session.stream` of a class of joined-table inheritance, whose rows its transaction changed
 * beside the cursor inside the loop (a bulk `update` through the session): PostgreSQL's cursor
 * reads as of when it opened. Such an entity was only looked up by key (skipped when gone), and
 * yielded with the cursor's old values: a change to the object then wrote them back over the
 * update at the commit. Its columns are now read again from its tables, as a single table's are.
 * A joined load of such a class (a project's lead, and the lead's department under it) came with
 * the lead the cursor had joined; it is now joined again (stream-joined-loads.test.ts).
 * SQLite and MariaDB refuse the update beside their cursor: nothing changes under it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StreamInProgressError, columnsOf, joinedLoad, select, update } from "../../src/index.js";
import { Department, Employee, JtBase, Manager, Project } from "./fixtures/joined/models.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { seed as seedStaff, tableRows } from "./fixtures/joined/seed.js";

const m = columnsOf(Manager);

forEachDatabaseWithSchema("a stream of a joined-table class whose rows the session changed in its loop", JtBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const seeding = ctx.session();
    seeding.addAll(Array.from({ length: 6 }, (_, i) => Object.assign(new Manager(), { id: i + 1, name: `m${i + 1}`, budget: 100 * (i + 1) })));
    await seeding.commit();
    await seeding.close();
  }

  /**
   * Streams the managers in batches of 2 (through `Employee`, the hierarchy's root, with `root`), running `atFirst` at
   * manager 1 and raising every budget yielded by 1; then commits.
   */
  async function streamRaising(atFirst: (session: ReturnType<typeof ctx.session>) => Promise<unknown>, root = false): Promise<string[]> {
    await seed();
    const session = ctx.session();
    const seen: string[] = [];
    const query = root ? select(Employee).orderBy(columnsOf(Employee).id) : select(Manager).orderBy(m.id);
    for await (const employee of session.stream(query, { yieldPer: 2 })) {
      const manager = employee as Manager;
      if (manager.id === 1) await atFirst(session);
      seen.push(`${manager.id}:${manager.budget}`);
      manager.budget += 1;
    }
    await session.commit();
    return seen;
  }

  if (ctx.db.name !== "postgresql") {
    test("cannot be changed beside the cursor: the update is refused, the loop's changes are written", async () => {
      const seen = await streamRaising((session) => assert.rejects(session.execute(update(Manager).values({ budget: 999 }).where(m.id.gt(2))), StreamInProgressError));
      assert.deepEqual(seen, ["1:100", "2:200", "3:300", "4:400", "5:500", "6:600"]);
      assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 101], [2, 201], [3, 301], [4, 401], [5, 501], [6, 601]]);
    });
    return;
  }

  test("rows a bulk update changed are read as they are now: the commit does not write their old values back", async () => {
    const seen = await streamRaising((session) => session.execute(update(Manager).values({ budget: 999 }).where(m.id.gt(2))));
    assert.deepEqual(seen, ["1:100", "2:200", "3:999", "4:999", "5:999", "6:999"], "yielded with the cursor's old budgets");
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 101], [2, 201], [3, 1000], [4, 1000], [5, 1000], [6, 1000]], "the bulk update was overwritten");
  });

  test("so are they streamed through the hierarchy's root, its subclasses' tables outer-joined", async () => {
    const seen = await streamRaising((session) => session.execute(update(Manager).values({ budget: 999 }).where(m.id.gt(2))), true);
    assert.deepEqual(seen, ["1:100", "2:200", "3:999", "4:999", "5:999", "6:999"], "yielded with the cursor's old budgets");
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 101], [2, 201], [3, 1000], [4, 1000], [5, 1000], [6, 1000]], "the bulk update was overwritten");
  });

  test("a joined load of a joined-table class, and one nested under it, are joined again as execute joins them", async () => {
    await seedStaff(ctx);
    const session = ctx.session();
    const p = columnsOf(Project);
    const projects = select(Project).options(joinedLoad(Project, "lead").joinedLoad("department")).orderBy(p.id);
    const show = (project: Project) => `${project.id}:${project.leadId}:${project.lead?.name ?? "none"}:${project.lead?.department?.name ?? "none"}`;
    const streamed: string[] = [];
    for await (const project of session.stream(projects, { yieldPer: 1 })) {
      streamed.push(show(project));
      if (project.id === 1) {
        await session.execute(update(Project).values({ leadId: 1 }).where(p.id.eq(2)));
        await session.execute(update(Department).values({ name: "Ops" }));
        await session.execute(update(Employee).values({ name: "Mia 2" }).where(columnsOf(Employee).id.eq(1)));
      }
    }
    assert.deepEqual(streamed, ["1:1:Mia:R&D", "2:1:Mia 2:Ops", "3:2:none:none"], "project 2 came with the lead the cursor joined (Dee)");
    assert.deepEqual(streamed.slice(1), (await session.scalars(projects)).map(show).slice(1));
  });
}, { createOnce: true });
