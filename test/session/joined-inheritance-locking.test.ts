/**
 * Locking reads through joined-table classes (docs/inheritance.md): `select(Department).join(Manager)
 * .forUpdate()` was refused by PostgreSQL ("FOR UPDATE cannot be applied to the nullable side of an
 * outer join"): the class's join outer-joins its subclasses' and the other branches' tables. Such
 * optional joins are left out of what `FOR UPDATE` locks (`FOR UPDATE OF` the others), through the
 * session and through the Core alike; an outer join the query writes itself is refused before it
 * is sent on PostgreSQL, naming `forUpdate({ of })`. The locks are checked from a second
 * connection with NOWAIT.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, LockNotAvailableError, columnsOf, joinedLoad, select, sql } from "../../src/index.js";
import type { FromNode } from "../../src/core/ast/nodes.js";
import { StatementCache } from "../../src/core/compiler/statement-cache.js";
import { postgresDialect } from "../../src/dialects/postgresql/dialect.js";
import { Department, Employee, JtBase, Manager } from "./fixtures/joined/models.js";
import { seed } from "./fixtures/joined/seed.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

const m = columnsOf(Manager);
const d = columnsOf(Department);

/** Whether another connection finds the row `id` of `table` locked (NOWAIT fails at once), or "free". */
async function probe(ctx: SessionContext, table: string, id: number): Promise<"locked" | "free"> {
  try {
    await ctx.engine.execute(sql`SELECT id FROM ${sql.raw(table)} WHERE id = ${id} FOR UPDATE NOWAIT`);
    return "free";
  } catch (error) {
    if (error instanceof LockNotAvailableError) return "locked";
    throw error;
  }
}

/** `item` with every join written as such: none optional. */
function written(item: FromNode): FromNode {
  return item.kind === "join" ? { kind: "join", type: item.type, left: written(item.left), right: item.right, on: item.on } : item;
}

test("the statement cache tells a class's optional joins from the same joins written: one locks OF, the other is refused", () => {
  const cache = new StatementCache(postgresDialect());
  const locking = select(m.name).where(m.id.eq(1)).forUpdate();
  assert.match(cache.compile(locking.node).sql, /FOR UPDATE OF "jt_employees", "jt_managers"$/);
  assert.throws(() => cache.compile({ ...locking.node, from: locking.node.from.map(written) }), ArgumentError);
});

forEachDatabaseWithSchema("locking reads through joined-table classes", JtBase.metadata, (ctx) => {
  const rowLocks = ctx.db.name !== "sqlite"; // SQLite has no row locks (nor FOR UPDATE)

  test("join(Manager).forUpdate() runs, locking the departments' and the managers' rows in the base's and their own tables", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [rnd] = await session.scalars(select(Department).join(Manager).where(m.budget.gt(500)).forUpdate());
    assert.equal(rnd?.name, "R&D");
    if (ctx.db.name === "postgresql") assert.match(ctx.statements.at(-1)!, /FOR UPDATE OF "jt_departments", "jt_managers", "jt_employees"$/);
    if (!rowLocks) return;
    // Dee (3), the director found: department 1, her rows of jt_employees and jt_managers.
    assert.deepEqual(
      [await probe(ctx, "jt_departments", 1), await probe(ctx, "jt_employees", 3), await probe(ctx, "jt_managers", 3)],
      ["locked", "locked", "locked"],
    );
    // Her director's row (a subclass's table, outer-joined) is not locked on PostgreSQL, nor Eli's (an engineer, not read).
    if (ctx.db.name === "postgresql") assert.deepEqual([await probe(ctx, "jt_directors", 3), await probe(ctx, "jt_employees", 2)], ["free", "free"]);
    await session.commit();
    assert.equal(await probe(ctx, "jt_employees", 3), "free");
  });

  test("select(Manager) and a manager's columns lock through the Core too; forUpdate({ of: Manager }) names its base's and its own tables", async () => {
    await seed(ctx);
    await ctx.engine.transaction(async (tx) => {
      const { rows } = await tx.execute(select(m.name, m.budget).where(m.id.eq(1)).forUpdate());
      assert.deepEqual(rows, [{ name: "Mia", budget: 100 }]);
      if (rowLocks) assert.deepEqual([await probe(ctx, "jt_employees", 1), await probe(ctx, "jt_managers", 1)], ["locked", "locked"]);
    });
    const session = ctx.session();
    const pairs = await session.execute(select(Department, Manager).join(Manager).where(m.id.eq(1)).forUpdate({ of: [Department, Manager] }));
    assert.deepEqual(pairs.map(([dept, boss]) => [dept.name, boss.name]), [["R&D", "Mia"]]);
    if (ctx.db.name === "postgresql") assert.match(ctx.statements.at(-1)!, /FOR UPDATE OF "jt_departments", "jt_employees", "jt_managers"$/);
    if (rowLocks) assert.deepEqual([await probe(ctx, "jt_departments", 1), await probe(ctx, "jt_managers", 1)], ["locked", "locked"]);
    await session.commit();
  });

  test("an outer join the query writes itself: refused before it is sent on PostgreSQL, naming forUpdate({ of }); locks what of names", async () => {
    await seed(ctx);
    const session = ctx.session();
    const outer = select(Department).leftJoin(Manager).where(d.id.eq(1));
    ctx.reset();
    if (ctx.db.name === "postgresql") {
      await assert.rejects(session.scalars(outer.forUpdate()), (error: unknown) => error instanceof ArgumentError && /'jt_managers', 'jt_employees', on the nullable side of an outer join.*forUpdate\(\{ of: \[\.\.\.\] \}\) \(here 'jt_departments'\)/.test(error.message));
      await assert.rejects(session.scalars(outer.forUpdate({ of: Manager })), (error: unknown) => error instanceof ArgumentError && /Leave them out of `of`/.test(error.message));
      // A joined load makes the query lock OF its own tables: the application named none, and is told to.
      await assert.rejects(
        session.scalars(outer.options(joinedLoad(Department, "managers")).forUpdate()),
        (error: unknown) => error instanceof ArgumentError && /forUpdate\(\): .*nullable side of an outer join\. Name the tables whose rows to lock: forUpdate\(\{ of: \[\.\.\.\] \}\)/.test(error.message),
      );
      assert.deepEqual(ctx.statements, []);
    } else {
      assert.deepEqual((await session.scalars(outer.forUpdate())).map((o) => o.name), ["R&D", "R&D"]);
    }
    assert.deepEqual((await session.scalars(outer.forUpdate({ of: Department }))).map((o) => o.name), ["R&D", "R&D"]); // Mia's and Dee's
    if (rowLocks) assert.equal(await probe(ctx, "jt_departments", 1), "locked");
    await session.commit();
    // Through the base: its own table's rows (a subclass's are outer-joined).
    assert.equal((await ctx.session().scalars(select(Employee).forUpdate())).length, 4);
  });
}, { createOnce: true });
