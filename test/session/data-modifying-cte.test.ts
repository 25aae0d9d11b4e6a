/**
 * Data-modifying CTEs (PostgreSQL's `WITH gone AS (DELETE ... RETURNING ...) INSERT ... SELECT
 * ... FROM gone`): the rows a write gave read by the statement around it, in one statement, through
 * an engine and through a session. SQLite and MariaDB have none: refused before anything is sent.
 * Through a session such a SELECT is a write: refused on a read-only engine, obeying the session's
 * loader criteria, and making a later failed flush end in a rollback rather than a retry without it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DeclarativeBase,
  type Given,
  IntegrityError,
  InvalidRequestError,
  StaleDataError,
  ReadOnlySessionError,
  Session,
  TransactionRolledBackError,
  UnsupportedFeatureError,
  column,
  columnsOf,
  createEngine,
  deleteFrom,
  func,
  insert,
  integer,
  model,
  select,
  string,
  table,
  update,
  withLoaderCriteria,
} from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class CteBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    CteTask: CteTask;
  }
}

@model("dmcte_tasks")
class CteTask extends CteBase {
  @column(integer().primaryKey().autoincrement(false)) accessor id!: Given<number>;
  @column(integer().notNull()) accessor tenant!: number;
  @column(string(20).notNull().unique()) accessor title!: string;
  @column(integer().notNull()) accessor done!: number;
}

declare module "../../src/index.js" {
  interface Models {
    CteDoc: CteDoc;
  }
}

/** Rows with a version counter: an UPDATE in a CTE must move it. */
@model("dmcte_docs", { version: "rev" })
class CteDoc extends CteBase {
  @column(integer().primaryKey().autoincrement(false)) accessor id!: Given<number>;
  @column(string(20).notNull()) accessor body!: string;
  @column(integer().notNull().default(1)) accessor rev!: number;
}

/** Where finished tasks go. */
const archive = table("dmcte_archive", CteBase.metadata, {
  id: integer().primaryKey().autoincrement(false),
  title: string(20).notNull(),
});

const t = columnsOf(CteTask);
const tasks = update(CteTask).table;

forEachDatabaseWithSchema("data-modifying CTEs", CteBase.metadata, (ctx) => {
  const postgres = ctx.db.name === "postgresql";
  const onlyPostgres = { skip: !postgres && "PostgreSQL's alone (SQLite and MariaDB: refused, tested below)" };

  async function seed(): Promise<void> {
    await ctx.engine.execute(deleteFrom(archive));
    await ctx.engine.execute(deleteFrom(tasks));
    const rows = [[1, 1, "a", 1], [2, 1, "b", 0], [3, 2, "c", 1], [4, 2, "d", 0]].map(([id, tenant, title, done]) => ({ id, tenant, title, done }));
    await ctx.engine.execute(insert(tasks).values(rows as { id: number; tenant: number; title: string; done: number }[]));
  }
  /** The finished tasks, deleted and given to the statement that reads them. */
  const finished = () => deleteFrom(tasks).where(tasks.c.done.eq(1)).returning(tasks.c.id, tasks.c.title).cte("finished");
  const ids = async (of: typeof tasks | typeof archive) => (await ctx.engine.execute(select(of.c.id).orderBy(of.c.id))).rows.map((row) => row.id);

  test("a DELETE's rows moved into another table by one statement", onlyPostgres, async () => {
    await seed();
    const gone = finished();
    const result = await ctx.engine.execute(insert(archive).fromSelect([archive.c.id, archive.c.title], select(gone.c.id, gone.c.title)));
    assert.equal(result.rowCount, 2);
    assert.deepEqual(await ids(tasks), [2, 4]);
    assert.deepEqual(await ids(archive), [1, 3]);
  });

  test("an UPDATE's changed rows read by a SELECT, and its parameters numbered before the SELECT's", onlyPostgres, async () => {
    await seed();
    const closed = update(tasks).set({ done: 1 }).where(tasks.c.tenant.eq(2)).returning(tasks.c.id, tasks.c.title.label("name")).cte("closed");
    const { rows } = await ctx.engine.execute(select(closed.c.id, closed.c.name).where(closed.c.id.gt(3)));
    assert.deepEqual(rows, [{ id: 4, name: "d" }]);
    assert.equal(await ctx.count("dmcte_tasks", "tenant = 2 AND done = 1"), 2, "both rows were updated, though the SELECT read one");
  });

  test("an INSERT's generated rows feeding another INSERT", onlyPostgres, async () => {
    await seed();
    const added = insert(tasks).values([{ id: 10, tenant: 3, title: "x", done: 0 }, { id: 11, tenant: 3, title: "y", done: 0 }]).returning(tasks.c.id, tasks.c.title).cte("added");
    await ctx.engine.execute(insert(archive).fromSelect([archive.c.id, archive.c.title], select(added.c.id, added.c.title)));
    assert.deepEqual(await ids(archive), [10, 11]);
    assert.equal(await ctx.count("dmcte_tasks", "tenant = 3"), 2);
  });

  test("SQLite and MariaDB: UnsupportedFeatureError before anything is sent", { skip: postgres && "PostgreSQL runs it" }, async () => {
    await seed();
    const gone = finished();
    await assert.rejects(ctx.engine.execute(select(gone.c.id)), (error: unknown) => error instanceof UnsupportedFeatureError && /DELETE in a WITH clause \(CTE finished\).*run the DELETE \.\.\. RETURNING on its own/.test(error.message));
    const session = ctx.session();
    await assert.rejects(session.execute(select(gone.c.id)), UnsupportedFeatureError);
    await session.rollback();
    assert.deepEqual(await ids(tasks), [1, 2, 3, 4], "nothing deleted");
  });

  test("built without RETURNING, or RETURNING a model: refused when built, naming the fix", () => {
    assert.throws(() => deleteFrom(tasks).cte("x"), /cte\("x"\): a DELETE gives rows to the statement only through RETURNING; call \.returning\(\.\.\.\) before \.cte\(\)/);
    assert.throws(() => deleteFrom(CteTask).returning(CteTask).cte("x"), /RETURNING names the class CteTask.*return its columns \(columnsOf\(CteTask\)\.id, \.\.\.\) instead/);
    assert.throws(() => insert(archive).values([{ id: 1, title: "a" }]).returning([archive.c.id], { sortByParameterOrder: true }).cte("x"), /cte\("x"\): a CTE's rows have no order for sortByParameterOrder/);
    assert.throws(() => finished().unionAll(select(tasks.c.id, tasks.c.title)), /finished.unionAll\(\): the CTE is DELETE \.\.\. RETURNING, which takes no set operation/);
  });

  test("through a session: rows as tuples; a commit keeps the write, a rollback undoes it", onlyPostgres, async () => {
    await seed();
    const session = ctx.session();
    const gone = finished();
    const rows = await session.execute(select(gone.c.id, gone.c.title).orderBy(gone.c.id));
    assert.deepEqual(rows, [[1, "a"], [3, "c"]]);
    await session.rollback();
    assert.deepEqual(await ids(tasks), [1, 2, 3, 4], "rolled back");
    await session.execute(select(func.count().label("n")).from(finished()));
    await session.commit();
    assert.deepEqual(await ids(tasks), [2, 4], "committed");
  });

  test("streamed (engine.stream, session.stream, session.streamRows): run whole, as PostgreSQL declares no cursor over a write; the write done once", onlyPostgres, async () => {
    await seed();
    const viaEngine: number[] = [];
    const done = finished();
    for await (const row of ctx.engine.stream(select(done.c.id).orderBy(done.c.id), { yieldPer: 1 })) viaEngine.push(row.id);
    assert.deepEqual(viaEngine, [1, 3]);
    assert.deepEqual(await ids(tasks), [2, 4]);
    await seed();
    const session = ctx.session();
    const moved = deleteFrom(tasks).where(tasks.c.tenant.eq(2)).returning(tasks.c.id).cte("moved");
    const objects: CteTask[] = [];
    for await (const task of session.stream(select(CteTask).where(t.id.in(select(moved.c.id))).orderBy(t.id), { yieldPer: 1 })) objects.push(task);
    assert.deepEqual(objects.map((task) => task.id), [3, 4], "the SELECT reads the rows as they were before the DELETE, in the same statement");
    const tuples: unknown[] = [];
    const gone = deleteFrom(tasks).where(tasks.c.tenant.eq(1)).returning(tasks.c.id, tasks.c.title).cte("gone");
    for await (const tuple of session.streamRows(select(gone.c.id, gone.c.title).orderBy(gone.c.id), { yieldPer: 1 })) tuples.push(tuple);
    assert.deepEqual(tuples, [[1, "a"], [2, "b"]]);
    await session.commit();
    assert.deepEqual(await ids(tasks), [], "both writes committed, each once");
  });

  test("through a session, then a flush that fails: no quiet retry without the CTE's write; rollback, and the session is usable", onlyPostgres, async () => {
    await seed();
    const session = ctx.session();
    await session.execute(select(finished().c.id));
    session.add(Object.assign(new CteTask(), { id: 9, tenant: 1, title: "b", done: 0 })); // a duplicate title
    await assert.rejects(session.commit(), IntegrityError);
    // Rolled back and written again without the DELETE, the commit would resolve with the finished tasks still there.
    await assert.rejects(session.commit(), TransactionRolledBackError);
    await session.rollback();
    assert.deepEqual(await ids(tasks), [1, 2, 3, 4]);
    await session.execute(select(finished().c.id));
    await session.commit();
    assert.deepEqual(await ids(tasks), [2, 4]);
  });

  test("through a session with loader criteria: the CTE's DELETE obeys them too", onlyPostgres, async () => {
    await seed();
    const session = ctx.session({ criteria: [withLoaderCriteria(CteTask, (c) => c.tenant.eq(2))] });
    const rows = await session.execute(select(finished().c.id));
    assert.deepEqual(rows, [[3]], "tenant 1's finished task is not this session's to delete");
    await session.commit();
    assert.deepEqual(await ids(tasks), [1, 2, 4]);
  });

  test("an UPDATE of a versioned model that leaves its counter: refused before anything is sent; moving it, written, and a stale object's flush fails", onlyPostgres, async () => {
    await ctx.engine.execute(deleteFrom(update(CteDoc).table));
    const seeding = ctx.session();
    seeding.add(Object.assign(new CteDoc(), { id: 1, body: "first" }));
    await seeding.commit();
    const stale = ctx.session({ expireOnCommit: false });
    const held = (await stale.get(CteDoc, 1))!;
    await stale.commit(); // keeps the object, at its counter
    const d = columnsOf(CteDoc);
    const session = ctx.session();
    const leaving = update(CteDoc).set({ body: "edited" }).where(d.id.eq(1)).returning(d.id).cte("edited");
    await assert.rejects(session.execute(select(leaving.c.id)), (error: unknown) => error instanceof InvalidRequestError && /The CTE edited updates CteDoc, whose rows carry a version counter \(rev\).*set\(\{ \.\.\., rev: columnsOf\(CteDoc\)\.rev\.plus\(1\) \}\)/.test(error.message));
    await assert.rejects(session.execute(update(tasks).set({ done: 1 }).where(tasks.c.id.in(select(leaving.c.id)))), InvalidRequestError, "through a bulk statement too");
    await session.rollback();
    assert.equal(await ctx.count("dmcte_docs", "body = 'first' AND rev = 1"), 1, "nothing sent");
    const moving = update(CteDoc).set({ body: "edited", rev: d.rev.plus(1) }).where(d.id.eq(1)).returning(d.id).cte("edited");
    assert.deepEqual(await session.execute(select(moving.c.id)), [[1]]);
    await session.commit();
    held.body = "overwrite";
    await assert.rejects(stale.commit(), StaleDataError, "the stale object's flush does not write over the CTE's change");
    assert.equal(await ctx.count("dmcte_docs", "body = 'edited' AND rev = 2"), 1);
  });

  test("through a session on a read-only engine (a replica): refused before anything is sent", onlyPostgres, async () => {
    await seed();
    const replica = createEngine(ctx.db.url, { readOnly: true });
    try {
      const session = new Session(replica);
      await assert.rejects(session.execute(select(finished().c.id)), (error: unknown) => error instanceof ReadOnlySessionError && /cannot run a DELETE \(the CTE finished of a SELECT\)/.test(error.message));
      assert.deepEqual(await session.execute(select(t.id).orderBy(t.id)), [[1], [2], [3], [4]], "reads go on");
      await session.close();
    } finally {
      await replica.dispose();
    }
    assert.deepEqual(await ids(tasks), [1, 2, 3, 4]);
  });
}, { createOnce: true });
