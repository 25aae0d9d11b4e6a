/**
 * Keys the database generated in a transaction that was rolled back (or in a flush that failed)
 * are cleared from the objects, and so are the copies the flush made of them into the foreign
 * keys of the rows it inserted. A child of a list without a back-reference kept its copy: added
 * again alone, it named a row that was never committed. SQLite reuses such keys, so the child was
 * committed naming the next row of the parent's table; PostgreSQL and MariaDB refused the key.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, IntegrityError, column, integer, model, oneToMany, sql, string } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class GkBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    GkLog: GkLog;
    GkLine: GkLine;
  }
}

/** Lines without a reference back: the flush copies the log's key into them from the list. */
@model("gk_logs")
class GkLog extends GkBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull().unique()) accessor name!: string;
  @oneToMany("GkLine", {}) accessor lines!: GkLine[];
}

@model("gk_lines")
class GkLine extends GkBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("log_id").references("gk_logs.id")) accessor logId!: number | null;
}

/** Each line with the name of the log its row names, or null. */
async function linesWithLogs(ctx: SessionContext): Promise<unknown[]> {
  const { rows } = await ctx.engine.execute(sql<{ name: string | null }>`SELECT g.name FROM gk_lines l LEFT JOIN gk_logs g ON g.id = l.log_id`);
  return rows.map((row) => row.name);
}

forEachDatabaseWithSchema("copies of generated keys undone", GkBase.metadata, (ctx) => {
  test("rollback: the child's copy of its parent's generated key is cleared; added again alone, it names no row", async () => {
    const session = ctx.session();
    const log = Object.assign(new GkLog(), { name: "rolled back" });
    const line = new GkLine();
    log.lines.push(line);
    session.add(log);
    await session.flush(); // log.id generated, copied into line.logId
    await session.rollback();
    assert.equal(line.logId ?? null, null, "the copy goes with the key");
    const other = ctx.session();
    other.add(Object.assign(new GkLog(), { name: "another" })); // SQLite gives it the same key
    await other.commit();
    session.add(line);
    await session.commit();
    assert.deepEqual(await linesWithLogs(ctx), [null], "the line names no log (it named 'another' on SQLite)");
  });

  test("a failed flush: the copy is cleared with the key; a child taken out of the list before the retry names no row", async () => {
    const seed = ctx.session();
    seed.add(Object.assign(new GkLog(), { name: "taken" }));
    await seed.commit();
    const session = ctx.session();
    const log = Object.assign(new GkLog(), { name: "kept" });
    const line = new GkLine();
    log.lines.push(line);
    session.add(log);
    await session.flush();
    const duplicate = Object.assign(new GkLog(), { name: "taken" }); // a unique violation
    session.add(duplicate);
    await assert.rejects(session.flush(), IntegrityError);
    session.expunge(duplicate);
    assert.equal(line.logId ?? null, null);
    log.lines.splice(0); // the line no longer belongs to the log
    await session.commit();
    assert.deepEqual(await linesWithLogs(ctx), [null]);
  });
}, { createOnce: true });
