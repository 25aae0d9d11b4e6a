/**
 * Bulk UPDATE and DELETE through a subclass of joined-table inheritance (docs/inheritance.md,
 * docs/bulk-update-delete.md): refused before, now one statement per table. The keys of the rows
 * the WHERE names are read first (through the class's tables, its discriminator values: the class
 * and its subclasses), then each table is written by them in a savepoint: an UPDATE per table whose
 * columns it sets (the base's always, for the version counter), a DELETE per table of the class
 * and its subclasses, the lowest first. The session's objects follow; a failed statement undoes the
 * others and leaves the session usable. Real rows on every database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ArgumentError, DeclarativeBase, IntegrityError, InvalidRequestError, StaleDataError, column, columnsOf, deleteFrom, inspect, insert, integer, model, select, string, update, withLoaderCriteria } from "../../src/index.js";
import { Director, Employee, Engineer, JtBase, Manager, Project } from "./fixtures/joined/models.js";
import { seed, tableRows } from "./fixtures/joined/seed.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const e = columnsOf(Employee);
const m = columnsOf(Manager);
const p = columnsOf(Project);

/** The tables the data statements recorded since the last reset write, in order: "UPDATE jt_x" / "DELETE jt_x". */
function writes(statements: readonly string[]): string[] {
  return statements.flatMap((s) => {
    const found = /^(UPDATE|DELETE FROM) [`"]?(\w+)/.exec(s);
    return found ? [`${found[1]!.replace(" FROM", "")} ${found[2]}`] : [];
  });
}

forEachDatabaseWithSchema("bulk UPDATE and DELETE through joined-table classes", JtBase.metadata, (ctx) => {
  test("update(Manager) writes the base's and its own table by the keys its WHERE names, the class and its subclasses only; the objects follow", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [mia, eli, dee] = [(await session.get(Manager, 1))!, (await session.get(Engineer, 2))!, (await session.get(Director, 3))!];
    ctx.reset();
    assert.equal(await session.execute(update(Manager).where(m.budget.lt(500)).values({ name: "Mira", budget: 150 })), 1);
    assert.match(ctx.statements[0]!, /^SELECT .* FOR UPDATE|^SELECT /);
    assert.deepEqual(writes(ctx.statements), ["UPDATE jt_employees", "UPDATE jt_managers"]);
    assert.deepEqual([mia.name, mia.budget, mia.version, inspect(mia).modified], ["Mira", 150, 2, []]);
    // The WHERE names the base's column the first UPDATE changes: the keys were read before either ran.
    assert.equal(await session.execute(update(Manager).where(m.name.eq("Mira")).values({ name: "Mia", budget: 160 })), 1);
    assert.deepEqual([mia.name, mia.budget], ["Mia", 160]);
    // A value computed by the database (expired, read again); the director is a manager too; the engineer is not.
    ctx.reset();
    assert.equal(await session.execute(update(Manager).values({ budget: m.budget.plus(1) })), 2);
    assert.deepEqual(writes(ctx.statements), ["UPDATE jt_employees", "UPDATE jt_managers"]); // the version counter is the base's
    assert.deepEqual([inspect(mia).expired, inspect(dee).expired, dee.version, eli.version], [["budget"], ["budget"], 2, 1]);
    await session.refresh(dee);
    assert.equal(dee.budget, 901);
    assert.equal(await session.execute(update(Director).values({ parkingSpot: "B2", budget: 5 })), 1);
    assert.deepEqual([dee.parkingSpot, dee.budget, dee.version], ["B2", 5, 3]);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id, name, version"), [[1, "Mia", 4], [2, "Eli", 1], [3, "Dee", 3], [4, "Eve", 1]]);
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 161], [3, 5]]);
    assert.deepEqual(await tableRows(ctx, "jt_directors", "id, parking_spot"), [[3, "B2"]]);
  });

  test("each synchronizeSession strategy and the loader criteria; a versioned object read before is stale", async () => {
    await seed(ctx);
    const other = ctx.session({ expireOnCommit: false });
    const stale = (await other.get(Manager, 1))!;
    await other.commit(); // keeps the object, at version 1
    const session = ctx.session({ criteria: [withLoaderCriteria(Manager, (c) => c.budget.lt(500))] });
    const mia = (await session.get(Manager, 1))!;
    for (const [i, synchronizeSession] of (["fetch", "evaluate", "auto"] as const).entries()) {
      assert.equal(await session.execute(update(Manager).values({ budget: 200 + i }), { synchronizeSession }), 1, synchronizeSession); // Dee's budget is 900: the criteria leave her out
      assert.equal(mia.budget, 200 + i);
    }
    assert.equal(await session.execute(update(Manager).values({ budget: 300 }), { synchronizeSession: false }), 1);
    assert.deepEqual([...inspect(mia).expired].sort(), ["budget", "version"]); // both may have changed
    await session.refresh(mia);
    assert.equal(mia.budget, 300);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 300], [3, 900]]);
    stale.name = "Old";
    await assert.rejects(other.commit(), StaleDataError);
  });

  test("deleteFrom(Manager) deletes the rows of each table of the class and its subclasses, the lowest first; a failed one undoes the others", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [mia, dee, eli] = [(await session.get(Manager, 1))!, (await session.get(Director, 3))!, (await session.get(Engineer, 2))!];
    // Mia leads project 1 (its key to jt_employees restricts): the base's DELETE fails after the others ran.
    ctx.reset();
    await assert.rejects(session.execute(deleteFrom(Manager).where(m.name.eq("Mia"))), IntegrityError);
    assert.deepEqual(writes(ctx.statements), ["DELETE jt_directors", "DELETE jt_managers", "DELETE jt_employees"]);
    assert.deepEqual(await session.scalars(select(m.budget).orderBy(m.id)), [100, 900]); // nothing lost, the session usable
    assert.equal(inspect(mia).status, "persistent");
    await session.execute(update(Project).where(p.id.in([1, 2])).values({ leadId: null }));
    ctx.reset();
    assert.equal(await session.execute(deleteFrom(Manager).where(m.budget.gt(500))), 1);
    assert.deepEqual(writes(ctx.statements), ["DELETE jt_directors", "DELETE jt_managers", "DELETE jt_employees"]);
    assert.deepEqual([inspect(dee).status, inspect(mia).status, inspect(eli).status], ["deleted", "persistent", "persistent"]);
    assert.equal(await session.get(Manager, 3), undefined);
    assert.equal(await session.execute(deleteFrom(Manager)), 1);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jt_employees", "id, type"), [[2, "engineer"], [4, "employee"]]);
    assert.deepEqual([await tableRows(ctx, "jt_managers", "id"), await tableRows(ctx, "jt_directors", "id")], [[], []]);
    assert.deepEqual(await tableRows(ctx, "jt_engineers", "id"), [[2]]);
  });

  test("what one statement per table cannot do is refused before anything is sent, naming the class and the fix", async () => {
    await seed(ctx);
    const session = ctx.session();
    ctx.reset();
    const refused = async (statement: object, pattern: RegExp) =>
      assert.rejects(session.execute(statement as never), (error: unknown) => error instanceof ArgumentError && pattern.test(error.message));
    await refused(update(Manager).values({ language: "go" } as never), /sets 'language', a column of JtEngineer's table 'jt_engineers'.*update\(JtEngineer\)/);
    await refused(update(Manager).values({ parkingSpot: "C" } as never), /not every JtManager row has.*update\(JtDirector\)/);
    await refused(update(Manager).values({ id: 9 }), /sets 'id', the key/);
    await assert.rejects(session.execute(update(Manager).values({ type: "engineer" })), (error: unknown) => error instanceof InvalidRequestError && /the discriminator of joined-table inheritance/.test(error.message));
    await refused(update(Manager).values({ budget: e.version }), /from a column of 'jt_employees'/);
    await refused(update(Manager).values({ budget: 1 }).returning(m.id), /returning\(\).*not supported yet/);
    assert.deepEqual(ctx.statements, []);
    // The Core writes one table: it refuses them, naming the session.
    await assert.rejects(ctx.engine.execute(update(Manager).values({ budget: 1 })), (error: unknown) => error instanceof ArgumentError && /update\(Manager\): JtManager's rows span.*session\.execute\(\)/.test(error.message));
    await assert.rejects(ctx.engine.execute(deleteFrom(Manager)), ArgumentError);
    await assert.rejects(ctx.engine.execute(insert(Manager)), (error: unknown) => error instanceof ArgumentError && /session\.execute\(insert\(JtManager\), rows\)/.test(error.message));
    assert.deepEqual(await tableRows(ctx, "jt_managers", "id, budget"), [[1, 100], [3, 900]]);
  });
}, { sqliteFile: true, createOnce: true });

/** Rows that reference a joined class's rows with ON DELETE actions: toys its base table's (SET NULL), visits its own table's (CASCADE). */
class BcBase extends DeclarativeBase {}

@model("bc_animals", { name: "BcAnimal", polymorphicOn: "kind", polymorphicIdentity: "animal" })
class Animal extends BcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor kind!: string;
}

@model("bc_dogs", { name: "BcDog", polymorphicIdentity: "dog" })
class Dog extends Animal {
  @column(string(20)) accessor breed!: string | null;
}

@model("bc_toys", { name: "BcToy" })
class Toy extends BcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("owner_id").references("bc_animals.id", { onDelete: "set null" })) accessor ownerId!: number | null;
}

@model("bc_visits", { name: "BcVisit" })
class Visit extends BcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("dog_id").notNull().references("bc_dogs.id", { onDelete: "cascade" })) accessor dogId!: number;
}

forEachDatabaseWithSchema("bulk DELETE through a joined-table class: the database's foreign key actions", BcBase.metadata, (ctx) => {
  test("the session's objects of rows referencing any of the class's tables follow (SET NULL, CASCADE)", async () => {
    const session = ctx.session();
    session.addAll([Object.assign(new Dog(), { id: 1, breed: "pug" }), Object.assign(new Animal(), { id: 2 })]);
    await session.flush();
    const toys = [Object.assign(new Toy(), { id: 1, ownerId: 1 }), Object.assign(new Toy(), { id: 2, ownerId: 2 })];
    const visit = Object.assign(new Visit(), { id: 1, dogId: 1 });
    session.addAll([...toys, visit]);
    await session.flush();
    assert.equal(await session.execute(deleteFrom(Dog).where(columnsOf(Dog).breed.eq("pug"))), 1);
    assert.deepEqual([toys[0]!.ownerId, toys[1]!.ownerId, inspect(visit).status], [null, 2, "deleted"]);
    await session.commit();
    assert.deepEqual((await ctx.session().scalars(select(Toy).orderBy(columnsOf(Toy).id))).map((t) => t.ownerId), [null, 2]);
  });
}, { createOnce: true });
