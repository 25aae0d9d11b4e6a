/**
 * Rows that reference each other in a cycle, written and deleted in one flush: a department and
 * its manager (two tables whose foreign keys point at each other), a parent and its favourite
 * child (one table). A key whose row comes later in the flush is written NULL and set by an
 * UPDATE once that row is in (SQLAlchemy's post-update), also when the keys are given by hand; it
 * used to be copied at once, naming a row not inserted yet, and the flush failed on the foreign
 * key (or, in one table, was refused with FlushOrderError although the keys could be NULL).
 * Deleting such rows together clears the key that points at a row deleted first: every DELETE of
 * the cycle failed on the foreign key (MariaDB's even in one statement).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FlushOrderError, Registry, integer, lazy, manyToOne, oneToMany, sql, table } from "../../src/index.js";
import { CompanyBase, CyDepartment, CyEmployee } from "./fixtures/company.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a cycle between two tables, keys given by hand", CompanyBase.metadata, (ctx) => {
  const rows = async () => ({
    departments: (await ctx.engine.execute(sql<{ id: number; m: number | null }>`SELECT id, manager_id AS m FROM cy_departments ORDER BY id`)).rows.map((r) => `${r.id}:${r.m}`),
    employees: (await ctx.engine.execute(sql<{ id: number; d: number | null }>`SELECT id, department_id AS d FROM cy_employees ORDER BY id`)).rows.map((r) => `${r.id}:${r.d}`),
  });
  /** Department 1 managed by employee 10, staff 10 and 11. */
  const department = () => {
    const made = Object.assign(new CyDepartment(), { id: 1, name: "R&D" });
    const boss = Object.assign(new CyEmployee(), { id: 10, name: "Ada" });
    made.staff.push(boss, Object.assign(new CyEmployee(), { id: 11, name: "Bob" }));
    made.manager = boss;
    return made;
  };

  test("a department, its staff and its manager in one commit; then all deleted in one commit", async () => {
    const session = ctx.session();
    session.add(department());
    await session.commit();
    assert.deepEqual(await rows(), { departments: ["1:10"], employees: ["10:1", "11:1"] });

    const deleting = ctx.session();
    const loaded = (await deleting.get(CyDepartment, 1))!;
    for (const employee of await lazy(loaded).staff) deleting.delete(employee);
    deleting.delete(loaded);
    await deleting.commit();
    assert.deepEqual(await rows(), { departments: [], employees: [] });
  });

  test("deleting the cycle in a flush that fails: nothing deleted, the keys as they were; the retried commit deletes it", async () => {
    const session = ctx.session();
    session.add(department());
    await session.commit();
    const deleting = ctx.session();
    const loaded = (await deleting.get(CyDepartment, 1))!;
    const staff = await lazy(loaded).staff;
    for (const employee of staff) deleting.delete(employee);
    deleting.delete(loaded);
    const clash = [3, 3].map((id) => Object.assign(new CyDepartment(), { id, name: "clash" }));
    deleting.addAll(clash);
    await assert.rejects(deleting.commit());
    assert.deepEqual(await rows(), { departments: ["1:10"], employees: ["10:1", "11:1"] });
    assert.equal(staff[0]!.department, loaded, "the key cleared for the deletes is back");
    deleting.expunge(clash[1]!);
    await deleting.commit();
    assert.deepEqual(await rows(), { departments: ["3:null"], employees: [] });
  });

  test("a failed flush of the cycle is pending again, and the retried commit writes it once", async () => {
    const session = ctx.session();
    const made = department();
    const clash = Object.assign(new CyDepartment(), { id: 2, name: "R&D 2" });
    const twin = Object.assign(new CyDepartment(), { id: 2, name: "twin" });
    session.addAll([made, clash, twin]);
    await assert.rejects(session.commit());
    assert.deepEqual(await rows(), { departments: [], employees: [] });
    session.expunge(twin);
    await session.commit();
    assert.deepEqual(await rows(), { departments: ["1:10", "2:null"], employees: ["10:1", "11:1"] });
  });
}, { createOnce: true });

/** Nodes: a tree (parent) whose nodes may name a favourite node; both keys nullable unless `required`. */
function nodes(required: boolean) {
  const registry = new Registry();
  const t = table("cy_nodes", registry.metadata, {
    id: integer().primaryKey(),
    parentId: (required ? integer().notNull() : integer()).named("parent_id").references("cy_nodes.id"),
    favouriteId: (required ? integer().notNull() : integer()).named("favourite_id").references("cy_nodes.id"),
  });
  class Node {
    declare id: number;
    declare parent: Node | null;
    declare children: Node[];
    declare favourite: Node | null;
  }
  registry.mapImperatively(Node, t, {
    properties: {
      parent: manyToOne("Node" as never, { backPopulates: "children", foreignKeys: ["cy_nodes.parent_id"] }),
      children: oneToMany("Node" as never, { backPopulates: "parent", foreignKeys: ["cy_nodes.parent_id"] }),
      favourite: manyToOne("Node" as never, { foreignKeys: ["cy_nodes.favourite_id"] }),
    },
  });
  return { registry, Node };
}

const tree = nodes(false);

forEachDatabaseWithSchema("a parent naming its favourite child (one table)", tree.registry.metadata, (ctx) => {
  const { Node } = tree;
  const rows = async () =>
    (await ctx.engine.execute(sql<{ id: number; p: number | null; f: number | null }>`SELECT id, parent_id AS p, favourite_id AS f FROM cy_nodes ORDER BY id`)).rows.map(
      (r) => `${r.id}:${r.p}:${r.f}`,
    );

  test("inserted in one flush, then deleted in one flush", async () => {
    const session = ctx.session();
    const root = Object.assign(new Node(), { id: 1 });
    const [a, b] = [2, 3].map((id) => Object.assign(new Node(), { id }));
    root.children.push(a!, b!);
    root.favourite = b!;
    const leaf = Object.assign(new Node(), { id: 4 });
    a!.children.push(leaf);
    session.add(root);
    await session.commit();
    assert.deepEqual(await rows(), ["1:null:3", "2:1:null", "3:1:null", "4:2:null"]);

    const deleting = ctx.session();
    for (const id of [1, 2, 3, 4]) deleting.delete((await deleting.get(Node, id))!);
    await deleting.commit();
    assert.deepEqual(await rows(), []);
  });
}, { createOnce: true });

const strict = nodes(true);

forEachDatabaseWithSchema("a cycle in one table through keys that cannot be NULL", strict.registry.metadata, (ctx) => {
  test("refused before any statement, naming the fix", async () => {
    const { Node } = strict;
    const session = ctx.session();
    const [a, b] = [1, 2].map((id) => Object.assign(new Node(), { id }));
    a!.parent = b!;
    b!.parent = a!;
    a!.favourite = a!;
    b!.favourite = b!;
    session.addAll([a!, b!]);
    await assert.rejects(session.commit(), (error: unknown) => error instanceof FlushOrderError && /cannot be NULL/.test(error.message));
    assert.equal(await ctx.count("cy_nodes"), 0);
  });
}, { createOnce: true });
