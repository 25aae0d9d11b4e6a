/**
 * Joined-table inheritance under faults (docs/reliability.md, "every table of a row or none"):
 * unique values handed on between subclass objects through the base's table, a subclass INSERT
 * failing (a constraint; the connection killed between the base's INSERT and the subclass's), two
 * sessions racing on a subclass-only column of a versioned class, and a base row whose subclass
 * row is missing (deleted outside the ORM).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DataError, IntegrityError, OperationalError, Session, StaleDataError, TransactionRolledBackError, columnsOf, createEngine, deleteFrom, inspect, select, sql, type Engine } from "../../src/index.js";
import { Airfield, Crew, JfBase, Person, Pilot, Truck, Van } from "./fixtures/joined-faults/models.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";
import { TcpProxy } from "../support/tcp-proxy.js";

async function tableRows(ctx: SessionContext, table: string, columns: string): Promise<unknown[][]> {
  const { rows } = await ctx.engine.execute(sql<Record<string, unknown>>`SELECT ${sql.raw(columns)} FROM ${sql.raw(table)} ORDER BY id`);
  return rows.map((row) => Object.values(row).map((v) => (typeof v === "bigint" || (typeof v === "string" && /^\d+$/.test(v)) ? Number(v) : v)));
}

const pilot = (id: number, badge: string, licence: string, hours = 10) => Object.assign(new Pilot(), { id, badge, licence, hours });
const p = columnsOf(Pilot);

/** Airfield 1 with pilots 1 (b1, L1) and 2 (b2, L2); crew 3 (b3). */
async function seed(ctx: SessionContext): Promise<void> {
  const session = ctx.session();
  const field = Object.assign(new Airfield(), { id: 1, name: "North" });
  field.pilots.push(pilot(1, "b1", "L1"), pilot(2, "b2", "L2"));
  session.addAll([field, Object.assign(new Crew(), { id: 3, badge: "b3", role: "cabin" })]);
  await session.commit();
  await session.close();
}

const halfRow = (id: number | string) => (e: unknown) =>
  e instanceof DataError && new RegExp(`JfPilot \\(id=${id}\\) has no row in table 'jf_pilots' \\(JfPilot\\.licence is NOT NULL there and read as NULL\\)`).test(e.message);

forEachDatabaseWithSchema("joined-table inheritance under faults", JfBase.metadata, (ctx) => {
  test("a unique column of the base's table handed on between two subclass objects: the giver is updated first, whatever order they changed in", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [a, b] = await session.scalars(select(Pilot).orderBy(p.id));
    a!.badge = "b2"; // taken from b, which gives it up after
    b!.badge = "b9";
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, badge"), [[1, "b2"], [2, "b9"], [3, "b3"]]);
    // The subclass's own table's unique column, likewise.
    a!.licence = "L2";
    b!.licence = "L9";
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_pilots", "id, licence"), [[1, "L2"], [2, "L9"]]);
  });

  test("a new subclass object takes the base-table unique value of one updated, or deleted, in the same flush", async () => {
    await seed(ctx);
    const session = ctx.session();
    const b = (await session.get(Pilot, 2))!;
    b.badge = "b8";
    session.add(pilot(5, "b2", "L5"));
    await session.commit();
    const a = (await session.get(Pilot, 1))!;
    await session.delete(a);
    session.add(pilot(6, "b1", "L6"));
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, badge"), [[2, "b8"], [3, "b3"], [5, "b2"], [6, "b1"]]);
    assert.deepEqual(await tableRows(ctx, "jf_pilots", "id, licence"), [[2, "L2"], [5, "L5"], [6, "L6"]]);
  });

  test("a base-table unique value handed on between objects of two classes (crew to pilot, to a new pilot), whatever order they changed in", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [one, crew] = [(await session.get(Pilot, 1))!, (await session.get(Crew, 3))!];
    one.badge = "b3"; // taken from the crew member, whose class is written after the pilots'
    crew.badge = "b8";
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, badge"), [[1, "b3"], [2, "b2"], [3, "b8"]]);
    session.add(pilot(4, "b8", "L4")); // a new pilot takes it
    crew.badge = "b9";
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, badge"), [[1, "b3"], [2, "b2"], [3, "b9"], [4, "b8"]]);
    // The other way (the giver's class written first) needed nothing.
    crew.badge = "b1";
    one.badge = "b7";
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, badge"), [[1, "b7"], [2, "b2"], [3, "b1"], [4, "b8"]]);
  });

  test("single-table inheritance, the same: a unique value handed on from a van to a truck, whatever order they changed in", async () => {
    const session = ctx.session();
    const truck = Object.assign(new Truck(), { id: 1, plate: "T-1" });
    const van = Object.assign(new Van(), { id: 2, plate: "V-2" });
    session.addAll([truck, van]);
    await session.commit();
    truck.plate = "V-2"; // each class's rows are updated in a step of their own
    van.plate = "V-9";
    await session.commit();
    van.plate = "T-1";
    truck.plate = "T-8";
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_vehicles", "id, plate"), [[1, "T-8"], [2, "T-1"]]);
  });

  test("two classes exchanging a base-table unique value fail with IntegrityError, rolled back; two flushes write it", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [one, crew] = [(await session.get(Pilot, 1))!, (await session.get(Crew, 3))!];
    one.badge = "b3";
    crew.badge = "b1";
    await assert.rejects(session.commit(), IntegrityError);
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, badge"), [[1, "b1"], [2, "b2"], [3, "b3"]]);
    one.badge = "tmp";
    await session.flush();
    one.badge = "b3";
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, badge"), [[1, "b3"], [2, "b2"], [3, "b1"]]);
  });

  test("a subclass INSERT failing on a constraint after the base's INSERT: no base row left, the session usable, the object still new", async () => {
    await seed(ctx);
    const session = ctx.session();
    const bad = pilot(9, "b9", "L1"); // licence L1 is pilot 1's: jf_pilots refuses it, jf_people took the row
    session.add(bad);
    await assert.rejects(session.commit(), IntegrityError);
    assert.equal(inspect(bad).status, "pending");
    assert.deepEqual(await tableRows(ctx, "jf_people", "id"), [[1], [2], [3]]);
    bad.licence = "L9";
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_pilots", "id, licence"), [[1, "L1"], [2, "L2"], [9, "L9"]]);
    assert.equal((await ctx.session().get(Person, 9))?.constructor, Pilot);
  });

  test("two sessions racing on a subclass-only column: the base's version is checked, the second fails with StaleDataError, nothing of it written", async () => {
    await seed(ctx);
    const first = ctx.session({ expireOnCommit: false });
    const second = ctx.session({ expireOnCommit: false });
    const mine = (await first.get(Pilot, 1))!;
    const theirs = (await second.get(Pilot, 1))!;
    await first.commit();
    await second.commit();
    mine.hours = 11;
    theirs.hours = 12;
    await first.commit();
    await assert.rejects(second.commit(), StaleDataError);
    assert.deepEqual(await tableRows(ctx, "jf_pilots", "id, hours"), [[1, 11], [2, 10]]);
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, version"), [[1, 2], [2, 1], [3, 1]]);
    await second.refresh(theirs);
    theirs.hours = 12;
    await second.commit();
    assert.deepEqual(await tableRows(ctx, "jf_pilots", "id, hours"), [[1, 12], [2, 10]]);
  });

  test("two sessions racing, one deleting a subclass object while the other changes its subclass column: the change waits, then fails with StaleDataError; no row comes back", async () => {
    await seed(ctx);
    const deleting = ctx.session();
    const changing = ctx.session({ expireOnCommit: false });
    const theirs = (await changing.get(Pilot, 2))!;
    await changing.commit();
    await deleting.delete((await deleting.get(Pilot, 2))!);
    await deleting.flush(); // both rows deleted, not committed: the rows stay locked
    theirs.hours = 99;
    const change = assert.rejects(changing.commit(), StaleDataError); // waits for the lock of jf_people's row
    await new Promise((resolve) => setTimeout(resolve, 100));
    await deleting.commit();
    await change;
    assert.deepEqual(await tableRows(ctx, "jf_people", "id"), [[1], [3]]);
    assert.deepEqual(await tableRows(ctx, "jf_pilots", "id"), [[1]]);
  });

  test("two sessions adding objects of two classes with one key at once: one commits, the other fails with IntegrityError and leaves no row in its subclass's table", async () => {
    await seed(ctx);
    const first = ctx.session();
    const second = ctx.session();
    first.add(pilot(50, "b50", "L50"));
    await first.flush(); // jf_people 50 and jf_pilots 50 written, not committed
    const other = Object.assign(new Crew(), { id: 50, badge: "c50", role: "cabin" });
    second.add(other);
    const racing = assert.rejects(second.commit(), IntegrityError); // waits for the lock of the key the first holds
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.commit();
    await racing;
    assert.equal(inspect(other).status, "pending");
    assert.deepEqual(await tableRows(ctx, "jf_crew", "id"), [[3]]);
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, kind"), [[1, "pilot"], [2, "pilot"], [3, "crew"], [50, "pilot"]]);
  });

  test("a base row whose subclass row is missing is refused with DataError naming class, key and table (it read as a half object)", async () => {
    await seed(ctx);
    await ctx.engine.execute(sql`DELETE FROM jf_pilots WHERE id = 2`);
    const session = ctx.session();
    await assert.rejects(session.scalars(select(Person).orderBy(columnsOf(Person).id)), halfRow(2));
    await assert.rejects(ctx.session().get(Person, 2), halfRow(2));
    assert.equal(await session.get(Pilot, 2), undefined); // its own query inner-joins jf_pilots: no row
    // The other rows read as before; a crew row (no NOT NULL column of its own) is not concerned.
    const others = await session.scalars(select(Person).where(columnsOf(Person).id.ne(2)).orderBy(columnsOf(Person).id));
    assert.deepEqual(others.map((o) => [o.constructor.name, o.id]), [["Pilot", 1], ["Crew", 3]]);
  });

  test("a subclass's rows deleted by the database alone (a cascade of another table, SQL outside the ORM) leave the base rows; reading them is refused, not half objects", async () => {
    await seed(ctx);
    // What an ON DELETE CASCADE of a foreign key in jf_pilots would do (declaring one is refused: joined-inheritance-configuration.test.ts).
    await ctx.engine.execute(sql`DELETE FROM jf_pilots WHERE airfield_id = 1`);
    assert.deepEqual(await tableRows(ctx, "jf_people", "id, kind"), [[1, "pilot"], [2, "pilot"], [3, "crew"]]);
    await assert.rejects(ctx.session().scalars(select(Person)), halfRow("[12]"));
  });

  test("a passive delete through a subclass's foreign key with ON DELETE SET NULL: every table of the other rows stays whole", async () => {
    await seed(ctx);
    const session = ctx.session();
    await session.delete((await session.get(Airfield, 1))!);
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_pilots", "id, airfield_id"), [[1, null], [2, null]]);
    const people = await ctx.session().scalars(select(Person).orderBy(columnsOf(Person).id));
    assert.deepEqual(people.map((o) => [o.constructor.name, o.id]), [["Pilot", 1], ["Pilot", 2], ["Crew", 3]]);
  });

  test("a bulk DELETE of the rows a subclass's foreign key names under ON DELETE SET NULL: the objects the session holds hold NULL, and their changes commit", async () => {
    await seed(ctx);
    const session = ctx.session();
    const [one, two] = await session.scalars(select(Pilot).orderBy(p.id));
    assert.deepEqual([one!.airfieldId, two!.airfieldId], [1, 1]);
    await session.execute(deleteFrom(Airfield).where(columnsOf(Airfield).id.eq(1)));
    assert.deepEqual([one!.airfieldId, two!.airfieldId], [null, null]);
    one!.hours = 11;
    await session.commit();
    assert.deepEqual(await tableRows(ctx, "jf_pilots", "id, airfield_id, hours"), [[1, null, 11], [2, null, 10]]);
  });

  test("a generated column of a subclass's table: never written, read after refresh, recomputed after an UPDATE of the base or the subclass", async () => {
    const session = ctx.session();
    const one = pilot(7, "b7", "L7", 3);
    session.add(one);
    await session.commit();
    await session.refresh(one);
    assert.equal(one.minutes, 180);
    one.hours = 4;
    one.badge = "b77";
    await session.commit();
    await session.refresh(one);
    assert.deepEqual([one.minutes, one.badge, one.version], [240, "b77", 2]);
    const other = ctx.session({ expireOnCommit: false });
    const same = (await other.get(Person, 7)) as Pilot;
    assert.equal(same.minutes, 240);
  });
}, { createOnce: true, sqliteFile: true });

forEachDatabaseWithSchema("joined-table inheritance, the connection killed between tables", JfBase.metadata, (ctx) => {
  const network = ctx.db.name === "sqlite" && "SQLite runs in-process: no connection to kill";
  let proxy: TcpProxy | undefined;
  let proxied: Engine | undefined;
  before(async () => {
    if (network) return;
    proxy = await TcpProxy.start(ctx.db.url, ctx.db.name === "postgresql" ? 5432 : 3306);
    proxied = createEngine(proxy.url(ctx.db.url));
  });
  after(async () => {
    await proxied?.dispose();
    await proxy?.close();
  });

  test("the connection lost after the base's INSERT, before the subclass's: a lost connection, no base row; after rollback the next commit writes both rows once", { skip: network }, async () => {
    const session = new Session(proxied!);
    try {
      const one = pilot(20, "b20", "L20");
      session.add(one);
      const cut = proxy!.cutBefore("jf_pilots"); // the base's INSERT ran; the subclass's never reaches the server
      await assert.rejects(session.commit(), (e: unknown) => e instanceof OperationalError && e.connectionInvalidated);
      await cut;
      // The transaction is gone with the connection: the session refuses to go on until rolled back.
      await assert.rejects(session.commit(), TransactionRolledBackError);
      await session.rollback();
      assert.equal(inspect(one).status, "transient", "its INSERT was rolled back with the transaction");
      assert.deepEqual(await tableRows(ctx, "jf_people", "id"), []);
      session.add(one);
      await session.commit();
      assert.deepEqual(await tableRows(ctx, "jf_people", "id, kind"), [[20, "pilot"]]);
      assert.deepEqual(await tableRows(ctx, "jf_pilots", "id, licence"), [[20, "L20"]]);
    } finally {
      await session.close();
    }
  });

  test("the connection lost between a DELETE of the subclass's row and the base's: nothing deleted; after rollback the next commit deletes both", { skip: network }, async () => {
    const seeding = new Session(proxied!);
    seeding.add(pilot(21, "b21", "L21"));
    await seeding.commit();
    await seeding.close();
    const session = new Session(proxied!);
    try {
      await session.delete((await session.get(Pilot, 21))!);
      const cut = proxy!.cutBefore("DELETE FROM `jf_people`".replace(/`/g, ctx.db.name === "postgresql" ? '"' : "`"));
      await assert.rejects(session.commit(), (e: unknown) => e instanceof OperationalError && e.connectionInvalidated);
      await cut;
      assert.deepEqual(await tableRows(ctx, "jf_pilots", "id"), [[21]]);
      await assert.rejects(session.commit(), TransactionRolledBackError);
      await session.rollback();
      await session.delete((await session.get(Pilot, 21))!);
      await session.commit();
      assert.deepEqual(await tableRows(ctx, "jf_people", "id"), []);
      assert.deepEqual(await tableRows(ctx, "jf_pilots", "id"), []);
    } finally {
      await session.close();
    }
  });
}, { createOnce: true });
