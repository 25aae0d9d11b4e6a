/**
 * Timestamps a Date cannot hold, in columns that name rows. A Date holds milliseconds; a
 * TIMESTAMP or DATETIME(6) column microseconds (what `now()` writes), and SQLite keeps whatever
 * text another program wrote. Read into a Date, such a key was rounded: two rows a few
 * microseconds apart loaded as one object (the query returned it twice), an UPDATE of the row
 * named the rounded value and matched nothing (StaleDataError), a note whose foreign key had
 * microseconds was linked to the parent of the rounded key, a bulk UPDATE's returned key made
 * another row's object take its values. Such a value is now refused as it is read (DataError
 * naming the column and the stored value); `datetime()` makes TIMESTAMP(3) / DATETIME(3), whose
 * values a Date always holds; a timestamp that names no row may round, and is not written back
 * unless changed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DataError, StaleDataError, TransactionRolledBackError, columnsOf, deleteFrom, insert, select, selectinLoad, sql, update } from "../../src/index.js";
import { MicroBase, McEvent, McNote, McReading, McShift, McTick } from "./fixtures/micro-dated.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

/** A millisecond, and a time within it that only microseconds tell apart. */
const MS = "2026-01-01 10:00:00.123";
const MICRO = "2026-01-01 10:00:00.123456";

forEachDatabaseWithSchema("timestamps past the millisecond in keys", MicroBase.metadata, (ctx) => {
  const run = (text: string) => ctx.engine.execute(sql.raw(text));
  /** A column's stored value as the database's text of it (exact, where a Date is not). */
  const storedText = async (table: string, column: string, where: string): Promise<string> => {
    const cast = ctx.db.name === "mysql" ? "CHAR" : "TEXT";
    const rows = (await ctx.engine.execute(sql.raw(`SELECT CAST(${column} AS ${cast}) AS v FROM ${table} WHERE ${where}`))).rows as { v: string }[];
    return String(rows[0]!.v);
  };
  const refused = (column: string, value: string) => (error: unknown) => {
    assert.ok(error instanceof DataError, `a DataError, not ${String(error)}`);
    assert.match(error.message, new RegExp(`${column.replace(".", "\\.")}\\b`));
    assert.ok(error.message.includes(value), `the message names the stored value: ${error.message}`);
    return true;
  };

  test("two rows whose key differs only in microseconds are not read as one object", async () => {
    await run(`INSERT INTO mc_readings (at, label) VALUES ('${MS}', 'ms'), ('${MICRO}', 'micro')`);
    const session = ctx.session();
    const r = columnsOf(McReading);
    // Before: one object, returned twice (the second row read as the first).
    await assert.rejects(session.scalars(select(McReading).orderBy(r.label)), refused("mc_readings.at", MICRO));
    // The row a Date holds exactly is read, changed and written as ever.
    const [ms] = await session.scalars(select(McReading).where(r.label.eq("ms")));
    ms!.label = "ms, changed";
    await session.commit();
    assert.equal(await ctx.count("mc_readings", "label = 'ms, changed'"), 1);
    assert.equal(await storedText("mc_readings", "at", "label = 'micro'"), MICRO, "the other row is as it was");
  });

  test("a composite key with microseconds: refused, not one object for two rows", async () => {
    await run(`INSERT INTO mc_shifts (room, at, label) VALUES (7, '${MS}', 'ms'), (7, '${MICRO}', 'micro')`);
    const session = ctx.session();
    await assert.rejects(session.scalars(select(McShift)), refused("mc_shifts.at", MICRO));
  });

  test("a row whose key has microseconds is refused on read, where its UPDATE failed with StaleDataError", async () => {
    await run(`INSERT INTO mc_readings (at, label) VALUES ('${MICRO}', 'micro')`);
    const session = ctx.session();
    let error: unknown;
    try {
      const [reading] = await session.scalars(select(McReading));
      reading!.label = "changed";
      await session.commit();
    } catch (e) {
      error = e;
    }
    assert.ok(!(error instanceof StaleDataError), "before: the UPDATE named the rounded key and matched no row");
    assert.ok(refused("mc_readings.at", MICRO)(error));
    await session.close();
    assert.equal(await ctx.count("mc_readings", "label = 'micro'"), 1, "the row is as it was");
  });

  test("a foreign key with microseconds is refused, not linked to the parent of the rounded key", async () => {
    await run(`INSERT INTO mc_readings (at, label) VALUES ('${MS}', 'ms parent'), ('${MICRO}', 'micro parent')`);
    await run(`INSERT INTO mc_notes (id, reading_at) VALUES (1, '${MICRO}')`);
    const session = ctx.session();
    // Before: note 1's reading was 'ms parent', a row its foreign key does not name.
    await assert.rejects(session.scalars(select(McNote).options(selectinLoad(McNote, "reading"))), refused("mc_notes.reading_at", MICRO));
  });

  test("refresh() reading a foreign key that another transaction gave microseconds refuses it", async () => {
    await run(`INSERT INTO mc_readings (at, label) VALUES ('${MS}', 'ms parent'), ('${MICRO}', 'micro parent')`);
    await run(`INSERT INTO mc_notes (id, reading_at) VALUES (1, '${MS}')`);
    const session = ctx.session();
    const note = (await session.get(McNote, 1))!;
    await session.commit();
    await run(`UPDATE mc_notes SET reading_at = '${MICRO}' WHERE id = 1`);
    await assert.rejects(session.refresh(note), refused("mc_notes.reading_at", MICRO));
  });

  test("a bulk UPDATE whose rows' keys have microseconds does not move the values onto another row's object", async () => {
    await run(`INSERT INTO mc_readings (at, label) VALUES ('${MS}', 'ms'), ('${MICRO}', 'micro')`);
    const session = ctx.session();
    const r = columnsOf(McReading);
    const [ms] = await session.scalars(select(McReading).where(r.label.eq("ms")));
    // Before: the micro row's key, rounded, was the ms object's: it showed 'bulk', its row 'ms'.
    await assert.rejects(session.execute(update(McReading).where(r.label.eq("micro")).values({ label: "bulk" }), { synchronizeSession: "fetch" }), refused("mc_readings.at", MICRO));
    assert.equal(ms!.label, "ms");
  });

  const bulkStatements = {
    update: () => update(McReading).where(columnsOf(McReading).label.eq("micro")).values({ label: "bulk" }),
    "update returning": () => update(McReading).where(columnsOf(McReading).label.eq("micro")).values({ label: "bulk" }).returning(columnsOf(McReading).label),
    delete: () => deleteFrom(McReading).where(columnsOf(McReading).label.eq("micro")),
  };
  for (const [kind, statement] of Object.entries(bulkStatements)) {
    for (const synchronizeSession of ["fetch", "auto"] as const) {
      test(`a bulk ${kind} (${synchronizeSession}) refusing a key with microseconds writes nothing: a commit after the error keeps no change`, { skip: kind === "update returning" && ctx.db.name === "mysql" && "MariaDB has no UPDATE ... RETURNING" }, async () => {
        await run(`INSERT INTO mc_readings (at, label) VALUES ('${MS}', 'ms'), ('${MICRO}', 'micro')`);
        const session = ctx.session();
        await session.scalars(select(McReading).where(columnsOf(McReading).label.eq("ms"))); // an object of the class: "auto" follows rows
        await assert.rejects(session.execute(statement(), { synchronizeSession }), refused("mc_readings.at", MICRO));
        // Before: refused after the statement had run, and this commit kept the change the caller was told failed.
        await session.commit();
        assert.equal(await ctx.count("mc_readings", "label = 'micro'"), 1);
        assert.equal(await ctx.count("mc_readings", "label = 'bulk'"), 0);
      });
    }
  }

  test("insert().returning(Model) whose row comes back with a key a Date cannot hold: the session commits nothing of it until rolled back", async () => {
    const session = ctx.session();
    const statement = insert(McReading).values({ at: sql`CAST(${MICRO} AS ${sql.raw(ctx.db.name === "mysql" ? "DATETIME(6)" : ctx.db.name === "sqlite" ? "TEXT" : "TIMESTAMP(6)")})` as never, label: "new" }).returning(McReading);
    await assert.rejects(session.execute(statement), refused("mc_readings.at", MICRO));
    // Before: the row was in, and this commit kept it.
    await assert.rejects(session.commit(), TransactionRolledBackError);
    await session.rollback();
    assert.equal(await ctx.count("mc_readings"), 0);
    await session.close();
  });

  test("deleteFrom().returning(Model) whose rows come back with a foreign key a Date cannot hold: the session commits nothing of it until rolled back", async () => {
    await run(`INSERT INTO mc_readings (at, label) VALUES ('${MICRO}', 'micro')`);
    await run(`INSERT INTO mc_notes (id, reading_at) VALUES (1, '${MICRO}')`);
    const session = ctx.session();
    await assert.rejects(session.execute(deleteFrom(McNote).where(columnsOf(McNote).id.eq(1)).returning(McNote)), refused("mc_notes.reading_at", MICRO));
    // Before: the row was deleted, and this commit kept the deletion.
    await assert.rejects(session.commit(), TransactionRolledBackError);
    await session.rollback();
    assert.equal(await ctx.count("mc_notes"), 1);
    await session.close();
  });

  test("datetime() makes a column of milliseconds: a value written with microseconds is stored as the Date reads it", async () => {
    // What now() or another program writes: PostgreSQL and MariaDB keep the millisecond; SQLite keeps the text.
    await run(`INSERT INTO mc_ticks (at, label) VALUES ('${MICRO}', 'tick')`);
    const session = ctx.session();
    if (ctx.db.name === "sqlite") {
      await assert.rejects(session.scalars(select(McTick)), refused("mc_ticks.at", MICRO));
      return;
    }
    // Before: DATETIME(6) / TIMESTAMP kept the microseconds, and this commit failed with StaleDataError.
    const [tick] = await session.scalars(select(McTick));
    assert.equal(tick!.at.toISOString(), "2026-01-01T10:00:00.123Z");
    tick!.label = "changed";
    await session.commit();
    assert.equal(await ctx.count("mc_ticks", "label = 'changed'"), 1);
  });

  test("a timestamp that names no row reads rounded, and is not written back unless changed (a flush, merge)", async () => {
    await run(`INSERT INTO mc_events (id, at, label) VALUES (1, '${MICRO}', 'event')`);
    const exact = await storedText("mc_events", "at", "id = 1");
    const first = ctx.session();
    const event = (await first.get(McEvent, 1))!;
    assert.equal(event.at.toISOString(), "2026-01-01T10:00:00.123Z");
    event.label = "changed";
    await first.commit();
    assert.equal(await storedText("mc_events", "at", "id = 1"), exact, "an UPDATE of another column leaves it");
    await first.close();
    const detached = Object.assign(new McEvent(), { id: 1, at: new Date(Date.UTC(2026, 0, 1, 10, 0, 0, 123)), label: "merged" });
    const second = ctx.session();
    await second.merge(detached);
    await second.commit();
    assert.equal(await ctx.count("mc_events", "label = 'merged'"), 1);
    assert.equal(await storedText("mc_events", "at", "id = 1"), exact, "merge of the rounded Date leaves it");
  });

  if (ctx.db.name === "sqlite") {
    test("SQLite: a key stored in another spelling than athanor's is refused, not read as the key of another row", async () => {
      await run(`INSERT INTO mc_readings (at, label) VALUES ('2026-01-01 10:00:00', 'ours'), ('2026-01-01T10:00:00Z', 'iso'), ('2026-01-01 10:00:01.000', 'zeros')`);
      const r = columnsOf(McReading);
      const session = ctx.session();
      // Before: 'ours' and 'iso' were one object (one instant), and 'iso' could not be updated (the text differs).
      await assert.rejects(session.scalars(select(McReading).where(r.label.ne("zeros"))), refused("mc_readings.at", "2026-01-01T10:00:00Z"));
      await assert.rejects(session.scalars(select(McReading).where(r.label.eq("zeros"))), refused("mc_readings.at", "10:00:01.000"));
      const [ours] = await session.scalars(select(McReading).where(r.label.eq("ours")));
      assert.equal(ours?.label, "ours");
    });
  }
}, { createOnce: true });
