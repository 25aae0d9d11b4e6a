/**
 * Session tests: an engine per database that records the statements it runs, so that tests can
 * assert how many SELECT/INSERT/UPDATE/DELETE statements an operation took.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, afterEach, before, beforeEach, describe } from "node:test";
import { Session, createEngine, sql, type Engine, type MetaData, type SessionOptions } from "../../src/index.js";
import { testDatabases, type TestDatabase } from "./databases.js";
import { SCHEMA_CHANGE, deleteAllRows } from "./empty-tables.js";

export interface SessionContext {
  readonly db: TestDatabase;
  readonly engine: Engine;
  /** Data statements (not BEGIN/COMMIT/SAVEPOINT) since the last `reset()`. */
  readonly statements: string[];
  /** Forgets the statements recorded so far. */
  reset(): void;
  /** A session that is closed after the test, even when the test fails. */
  session(options?: SessionOptions): Session;
  /** The number of rows in a table, read outside any session. */
  count(table: string, where?: string): Promise<number>;
}

const databases = await testDatabases();

export interface SchemaSuiteOptions {
  /** An SQLite file instead of an in-memory database (for concurrent sessions). */
  readonly sqliteFile?: boolean;
  /**
   * Create the tables once per database and delete their rows before each test, instead of
   * dropping and creating them before each test (a third of a second each on PostgreSQL and
   * MariaDB). Generated keys then go on from test to test: a test must not expect key 1. A test
   * that changes a schema through the suite's engine (CREATE, ALTER, DROP, TRUNCATE, RENAME) gets
   * the tables made again before the next test.
   */
  readonly createOnce?: boolean;
}

/**
 * Runs `body` once per database with a recording engine; the tables of `metadata` are dropped and
 * created before each test (with `createOnce`: created before the first and emptied before each).
 */
export function forEachDatabaseWithSchema(name: string, metadata: MetaData, body: (ctx: SessionContext) => void, options: SchemaSuiteOptions = {}): void {
  for (const base of databases) {
    // An in-memory SQLite database is one connection; concurrent sessions need a file.
    const db = options.sqliteFile && base.name === "sqlite" ? { ...base, url: `sqlite:///${tmpdir()}/athanor-${process.pid}-${name.replace(/\W+/g, "-")}.db` } : base;
    describe(`${name} [${db.name}]`, { skip: db.skip }, () => {
      const statements: string[] = [];
      let engine: Engine | undefined;
      const sessions: Session[] = [];
      // Until the tables are made, and again after a statement that may have changed them.
      let tablesStale = true;
      const ctx: SessionContext = {
        db,
        get engine() {
          return engine!;
        },
        statements,
        reset: () => {
          statements.length = 0;
        },
        count: async (table, where) => {
          const query = sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.raw(table)}${sql.raw(where ? ` WHERE ${where}` : "")}`;
          return Number((await engine!.execute(query)).rows[0]!.n);
        },
        session: (options) => {
          const session = new Session(engine!, options);
          sessions.push(session);
          return session;
        },
      };
      before(() => {
        engine = createEngine(db.url, {
          echo: (message) => {
            const sql = message.split("\n")[0]!;
            if (SCHEMA_CHANGE.test(sql)) tablesStale = true;
            if (/^(WITH|SELECT|INSERT|UPDATE|DELETE)\b/i.test(sql)) statements.push(sql);
          },
        });
      });
      beforeEach(async () => {
        if (options.createOnce && !tablesStale) {
          await deleteAllRows(engine!, metadata);
        } else {
          await metadata.dropAll(engine!);
          await metadata.createAll(engine!);
          tablesStale = false;
        }
        statements.length = 0;
      });
      afterEach(async () => {
        // A failed test must not leave a connection checked out (SQLite in memory has only one).
        for (const session of sessions.splice(0)) await session.close();
      });
      after(async () => {
        await metadata.dropAll(engine!);
        await engine?.dispose();
        if (db !== base) for (const suffix of ["", "-wal", "-shm"]) rmSync(`${db.url.slice("sqlite:///".length)}${suffix}`, { force: true });
      });
      body(ctx);
    });
  }
}
