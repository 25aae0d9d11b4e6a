/**
 * A SQLite database file deleted, or replaced by another file, while the engine's connections
 * hold it open. SQLite (in WAL mode, athanor's) goes on writing into the old file, which no path
 * names any more: every commit resolved, read back by that connection alone, and the rows were
 * gone once it closed. A write or COMMIT now checks the file first and is refused, nothing
 * written; the connection is discarded, so the next one opens the file as it is now.
 */
import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { DBAPIError, Session, TransactionRolledBackError, createEngine, inspect, sql, type Engine } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";

describe("a SQLite database file deleted or replaced under the engine [sqlite file]", () => {
  let dir: string;
  let file: string;
  let engine: Engine;
  before(() => {
    dir = mkdtempSync(join(process.env.ATHANOR_TEST_TMP ?? tmpdir(), "athanor-moved-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    file = join(dir, `app-${Date.now()}.db`);
    engine = createEngine(`sqlite:///${file}`);
    await Base.metadata.createAll(engine);
  });
  afterEach(async () => {
    await engine.dispose();
  });

  const removeFile = (path: string) => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  };
  const moved = (e: unknown) => e instanceof DBAPIError && e.code === "SQLITE_READONLY_DBMOVED" && /was deleted|was replaced/.test(e.message) && /Nothing was written/.test(e.message);

  test("deleted after a flush: commit() is refused, the session refuses until rollback(), and the objects are transient again", async () => {
    const session = new Session(engine);
    try {
      const user = Object.assign(new User(), { email: "lost@x" });
      session.add(user);
      await session.flush();
      removeFile(file);
      await assert.rejects(session.commit(), moved);
      await assert.rejects(session.commit(), TransactionRolledBackError, "nothing of the transaction may be committed afterwards");
      await session.rollback();
      assert.equal(inspect(user).status, "transient");
    } finally {
      await session.close();
    }
  });

  test("replaced by another database file: a write outside a transaction is refused, and the next connection opens the file now at the path", async () => {
    // Another database, with its own row, renamed over the file (a backup restored, a deploy).
    const other = join(dir, "other.db");
    const otherEngine = createEngine(`sqlite:///${other}`);
    await Base.metadata.createAll(otherEngine);
    await otherEngine.execute(sql`INSERT INTO users (email) VALUES ('restored@x')`);
    await otherEngine.dispose();
    await engine.execute(sql`SELECT 1 AS warm`); // the pool holds a connection to the first file
    removeFile(file);
    renameSync(other, file);
    await assert.rejects(engine.execute(sql`INSERT INTO users (email) VALUES ('lost@x')`), moved);
    const rows = (await engine.execute(sql<{ email: string }>`SELECT email FROM users`)).rows.map((r) => r.email);
    assert.deepEqual(rows, ["restored@x"], "the refused connection was discarded: the next reads the file at the path");
    await engine.execute(sql`INSERT INTO users (email) VALUES ('kept@x')`);
    const check = createEngine(`sqlite:///${file}`);
    try {
      assert.deepEqual((await check.execute(sql<{ email: string }>`SELECT email FROM users ORDER BY email`)).rows.map((r) => r.email), ["kept@x", "restored@x"]);
    } finally {
      await check.dispose();
    }
  });
});
