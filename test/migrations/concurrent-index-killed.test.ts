/**
 * PostgreSQL `CREATE INDEX CONCURRENTLY` commits the index's catalog entry before it builds it. A
 * build whose connection is killed (pg_terminate_backend, for real, while the build waits on a
 * writer's open transaction) leaves an INVALID index behind, and the rerun failed with "relation
 * already exists" until someone dropped it by hand. The rerun now drops the invalid index and
 * builds it again. A build that finished but whose record was lost (the connection killed while
 * the record waits) left a valid index: the rerun counts the step done instead of failing. Any
 * step after the commit whose record was lost is found done the same way (its guard reads the
 * database), not run again into "does not exist".
 */
import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { createEngine } from "../../src/index.js";
import { testDatabases } from "../support/databases.js";
import { col, str, tableModel } from "./model-builders.js";
import { Project, projectUrl, query, recreateDatabase } from "./project.js";

const pg = (await testDatabases()).find((d) => d.name === "postgresql")!;
const FIRST = "20260101000001_items";
const SECOND = "20260101000002_index";

/** Waits until `sql` returns a row, failing after `ms`; returns the row. */
async function untilRow(url: string, sql: string, what: string, ms = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [row] = await query(url, sql);
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a PostgreSQL concurrent index build killed mid-way [postgresql]", { skip: pg.skip }, () => {
  const url = projectUrl(pg, "cikill");
  const name = new URL(url).pathname.slice(1);
  let p: Project | undefined;
  after(async () => {
    p?.remove();
    await recreateDatabase(url, false);
  });
  const indexState = async () => (await query(url, "SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = to_regclass('ix_ci_items_name')")).map((r) => r["valid"]);
  const row = async () => (await query(url, `SELECT state, steps_done FROM athanor_migrations WHERE id = '${SECOND}'`)).map((r) => `${r["state"]} ${r["steps_done"]}`);

  beforeEach(async () => {
    await recreateDatabase(url);
    p?.remove();
    p = new Project("ci-kill", url);
    const table = tableModel("ci_items", [col("name", str(40))]);
    p.write({ id: FIRST, up: [{ op: "createTable", table }], down: [{ op: "dropTable", table }] });
    const index = { name: "ix_ci_items_name", columns: ["name"], unique: false };
    p.write({
      id: SECOND,
      parents: [FIRST],
      up: [{ op: "createIndex", table: { name: "ci_items" }, index, concurrently: true }],
      down: [{ op: "dropIndex", table: { name: "ci_items" }, index, concurrently: true }],
    });
    const setup = await p.cli("migrate", "up", FIRST);
    assert.equal(setup.code, 0, setup.err);
    await query(url, "INSERT INTO ci_items (id, name) VALUES (1, 'a'), (2, 'b')");
  });

  test("killed while the build waits on a writer: the rerun drops the invalid index and builds it", { timeout: 60_000 }, async () => {
    // A writer's open transaction: the build (its catalog entry committed) waits for it to end.
    const writer = createEngine(url, { pool: { max: 1 } });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let begun!: () => void;
    const inTransaction = new Promise<void>((r) => (begun = r));
    const holding = writer.withConnection((c) =>
      c.transaction(async () => {
        await c.run("INSERT INTO ci_items (id, name) VALUES (3, 'c')");
        begun();
        await held;
      }),
    );
    try {
      await inTransaction;
      const run = p!.cli("migrate", "up");
      const build = await untilRow(
        url,
        `SELECT pid FROM pg_stat_activity WHERE datname = '${name}' AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'`,
        "the build waits on the writer",
      );
      await query(url, `SELECT pg_terminate_backend(${Number(build["pid"])})`);
      const killed = await run;
      assert.equal(killed.code, 1, killed.out);
    } finally {
      release();
      await holding;
      await writer.dispose();
    }
    assert.deepEqual(await indexState(), [false], "the killed build left an invalid index");
    assert.deepEqual(await row(), ["applying 0"]);

    const rerun = await p!.cli("migrate", "up");
    assert.equal(rerun.code, 0, rerun.err); // was: relation "ix_ci_items_name" already exists
    assert.deepEqual(await indexState(), [true]);
    assert.deepEqual(await row(), ["applied 1"]);
  });

  /** Holds the record that `direction` writes after its index step in a trigger, and kills its connection there. */
  async function killInRecord(direction: "up" | "down", id = SECOND): Promise<void> {
    const event = direction === "up" ? "UPDATE" : "DELETE";
    const when = direction === "up" ? `NEW.id = '${id}' AND NEW.state = 'applied'` : `OLD.id = '${id}'`;
    await query(url, `CREATE FUNCTION ci_slow() RETURNS trigger AS $$ BEGIN IF ${when} THEN PERFORM pg_sleep(60); END IF; RETURN ${direction === "up" ? "NEW" : "OLD"}; END $$ LANGUAGE plpgsql`);
    await query(url, `CREATE TRIGGER ci_slow BEFORE ${event} ON athanor_migrations FOR EACH ROW EXECUTE FUNCTION ci_slow()`);
    const run = p!.cli("migrate", direction);
    const record = await untilRow(url, `SELECT pid FROM pg_stat_activity WHERE datname = '${name}' AND wait_event = 'PgSleep'`, "the record waits in the trigger");
    await query(url, `SELECT pg_terminate_backend(${Number(record["pid"])})`);
    const killed = await run;
    assert.equal(killed.code, 1, killed.out);
    await query(url, "DROP TRIGGER ci_slow ON athanor_migrations");
    await query(url, "DROP FUNCTION ci_slow()");
  }

  test("killed after the build, in its record: the rerun counts the valid index as done", { timeout: 60_000 }, async () => {
    await killInRecord("up");
    assert.deepEqual(await indexState(), [true]);
    assert.deepEqual(await row(), ["applying 0"]);
    const rerun = await p!.cli("migrate", "up");
    assert.equal(rerun.code, 0, rerun.err); // was: relation "ix_ci_items_name" already exists
    assert.deepEqual(await row(), ["applied 1"]);
  });

  test("a concurrent drop killed in its record: the rerun counts the index gone as done", { timeout: 60_000 }, async () => {
    const up = await p!.cli("migrate", "up");
    assert.equal(up.code, 0, up.err);
    await killInRecord("down");
    assert.deepEqual(await indexState(), []);
    assert.deepEqual(await row(), ["reverting 0"]);
    const rerun = await p!.cli("migrate", "down");
    assert.equal(rerun.code, 0, rerun.err); // was: index "ix_ci_items_name" does not exist
    assert.deepEqual(await row(), []);
  });

  test("a step after the commit (afterCommit) killed in its record: the rerun finds its effect and counts it done", { timeout: 60_000 }, async () => {
    const THIRD = "20260101000003_check";
    const check = { name: "ck_ci_items_name", sql: "name <> ''" };
    p!.write({
      id: THIRD,
      parents: [SECOND],
      up: [
        { op: "addCheck", table: { name: "ci_items" }, check },
        { op: "dropCheck", table: { name: "ci_items" }, check, afterCommit: true },
      ],
      down: [],
    });
    const up = await p!.cli("migrate", "up", SECOND);
    assert.equal(up.code, 0, up.err);
    await killInRecord("up", THIRD);
    const third = async () => (await query(url, `SELECT state, steps_done FROM athanor_migrations WHERE id = '${THIRD}'`)).map((r) => `${r["state"]} ${r["steps_done"]}`);
    assert.deepEqual(await third(), ["applying 1"]);
    assert.deepEqual(await query(url, "SELECT conname FROM pg_constraint WHERE conname = 'ck_ci_items_name'"), [], "the check was dropped before the kill");
    const rerun = await p!.cli("migrate", "up");
    assert.equal(rerun.code, 0, rerun.err); // was: constraint "ck_ci_items_name" of relation "ci_items" does not exist
    assert.deepEqual(await third(), ["applied 2"]);
  });
});
