/**
 * A tuple query (`session.execute(select(Model, value...))`) with a collection loaded by a JOIN
 * returns the rows the query returns without it: the rows the JOIN repeats for each member are
 * taken out, and only those. It used to take out every tuple equal to another, so rows the query
 * itself returned twice (two books of an author with the same price, say) were returned once; and
 * to compare a Date, bytes or JSON value by identity, so that such a row was returned once per
 * member of the collection (a bigint value threw a TypeError). A count or a window function beside
 * the entity, or a GROUP BY, took the joined rows: totals multiplied by the members, and on SQLite
 * and MariaDB a grouped collection loaded with one member. Such queries are nested, as SQLAlchemy
 * nests them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, func, joinedLoad, select } from "../../src/index.js";
import { DatedBase, DkNote, DkReading } from "./fixtures/dated.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const r = columnsOf(DkReading);
const n = columnsOf(DkNote);
const NOON = new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 250));
const LATER = new Date(Date.UTC(2024, 4, 1, 12, 0, 0, 251));

forEachDatabaseWithSchema("tuple rows with a joined collection", DatedBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    for (const [at, label, ids] of [[NOON, "noon", [1, 2, 3]], [LATER, "later", [4]]] as const) {
      const reading = Object.assign(new DkReading(), { at: new Date(at), label });
      for (const id of ids) reading.notes.push(Object.assign(new DkNote(), { id }));
      session.add(reading);
    }
    await session.commit();
    await session.close();
  }

  test("rows the query itself returns twice stay twice", async () => {
    await seed();
    const session = ctx.session();
    // One row per note: the reading's label, three times for noon.
    const query = select(DkReading, r.label.label("name")).join(DkNote, n.readingAt.eq(r.at)).orderBy(r.at, n.id);
    const plain = await session.execute(query);
    const joined = await session.execute(query.options(joinedLoad(DkReading, "notes")));
    assert.deepEqual(joined.map(([reading, label]) => [reading.label, label]), plain.map(([reading, label]) => [reading.label, label]));
    assert.equal(joined.length, 4);
    assert.deepEqual(joined[0]![0].notes.map((x) => x.id), [1, 2, 3]);
    // Limited: the subquery's rows, then the members joined to them.
    const limited = await session.execute(query.options(joinedLoad(DkReading, "notes")).limit(2));
    assert.deepEqual(limited.map(([, label]) => label), ["noon", "noon"]);
  });

  test("values computed over the rows (GROUP BY's count, a window's count) are the query's, not multiplied by the members", async () => {
    await seed();
    const session = ctx.session();
    const windowed = await session.execute(select(DkReading, func.count().over().label("total")).orderBy(r.at).options(joinedLoad(DkReading, "notes")));
    assert.deepEqual(windowed.map(([reading, total]) => [reading.label, Number(total), reading.notes.length]), [["noon", 2, 3], ["later", 2, 1]]);
    const grouped = await session.execute(
      select(DkReading, func.count(n.id).label("notes")).join(DkNote, n.readingAt.eq(r.at)).groupBy(r.at, r.label).orderBy(r.at).options(joinedLoad(DkReading, "notes")),
    );
    assert.deepEqual(grouped.map(([reading, count]) => [reading.label, Number(count), reading.notes.map((x) => x.id)]), [["noon", 3, [1, 2, 3]], ["later", 1, [4]]]);
  });

  test("a Date value in the row: one row per row, not one per member", async () => {
    await seed();
    const session = ctx.session();
    const rows = await session.execute(select(DkReading, r.at.label("moment"), func.count(n.id).label("notes")).join(DkNote, n.readingAt.eq(r.at)).groupBy(r.at, r.label).orderBy(r.at).options(joinedLoad(DkReading, "notes")));
    assert.deepEqual(rows.map(([reading, at, count]) => [reading.label, (at as Date).getTime(), Number(count)]), [["noon", NOON.getTime(), 3], ["later", LATER.getTime(), 1]]);
  });
}, { createOnce: true });
