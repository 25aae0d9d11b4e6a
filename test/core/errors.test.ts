/**
 * Driver errors are wrapped in the athanor hierarchy (IntegrityError, ProgrammingError, DataError,
 * OperationalError, ...) and keep the SQL, the parameters, the driver's code and the driver's
 * own error as `cause`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AthanorError,
  DBAPIError,
  DataError,
  DatabaseError,
  IntegrityError,
  InvalidColumnValueError,
  MetaData,
  OperationalError,
  ProgrammingError,
  createEngine,
  insert,
  integer,
  select,
  sql,
  string,
  table,
  type Executable,
} from "../../src/index.js";
import type { DialectName } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";
import { useSchema } from "../support/schema.js";

const metadata = new MetaData();
const authors = table("core_err_authors", metadata, {
  id: integer().primaryKey(),
  name: string(10).notNull().unique(),
});
const books = table("core_err_books", metadata, {
  id: integer().primaryKey(),
  authorId: integer().named("author_id").notNull().references("core_err_authors.id"),
});

/** The driver's code for each violation, per database. */
const codes: Record<"unique" | "foreignKey" | "notNull", Record<DialectName, string>> = {
  unique: { sqlite: "SQLITE_CONSTRAINT_UNIQUE", postgresql: "23505", mysql: "ER_DUP_ENTRY" },
  foreignKey: { sqlite: "SQLITE_CONSTRAINT_FOREIGNKEY", postgresql: "23503", mysql: "ER_NO_REFERENCED_ROW_2" },
  notNull: { sqlite: "SQLITE_CONSTRAINT_NOTNULL", postgresql: "23502", mysql: "ER_BAD_NULL_ERROR" },
};

forEachDatabase("errors", (ctx) => {
  useSchema(ctx, metadata, { seed: [[authors, [{ id: 1, name: "Ann" }]]] });

  /** Runs the statement, which must fail, and returns the error after the checks common to all. */
  async function failure<E extends DBAPIError>(stmt: Executable<unknown>, ErrorClass: new (...args: never[]) => E): Promise<E> {
    const compiled = ctx.engine.cache.compile(stmt.node);
    try {
      await ctx.engine.execute(stmt);
    } catch (error) {
      assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${String(error)}`);
      assert.ok(error instanceof DatabaseError && error instanceof DBAPIError && error instanceof AthanorError);
      assert.equal(error.sql, compiled.sql);
      assert.deepEqual(error.params, compiled.params);
      assert.ok(error.message.includes(`[SQL: ${compiled.sql}]`), error.message);
      assert.ok(error.cause instanceof Error, "cause is the driver's error");
      assert.equal(error.retryable, false);
      assert.equal(error.connectionInvalidated, false);
      return error;
    }
    assert.fail("the statement should have failed");
  }

  test("unique violation: IntegrityError with sql, params, code and the driver error as cause", async () => {
    const error = await failure(insert(authors).values({ id: 2, name: "Ann" }), IntegrityError);
    assert.deepEqual(error.params, [2, "Ann"]);
    assert.equal(error.code, codes.unique[ctx.db.name]);
    assert.equal((error.cause as { code?: unknown }).code, error.code);
  });

  test("foreign key violation: IntegrityError", async () => {
    const error = await failure(insert(books).values({ id: 1, authorId: 99 }), IntegrityError);
    assert.equal(error.code, codes.foreignKey[ctx.db.name]);
    assert.deepEqual(error.params, [1, 99]);
  });

  test("NOT NULL violation: IntegrityError", async () => {
    const error = await failure(insert(authors).values({ id: 3, name: null as unknown as string }), IntegrityError);
    assert.equal(error.code, codes.notNull[ctx.db.name]);
  });

  test("syntax error, unknown table and unknown column: ProgrammingError", async () => {
    await failure(sql`SELEC 1`, ProgrammingError);
    const unknownTable = await failure(sql`SELECT * FROM core_err_missing WHERE id = ${1}`, ProgrammingError);
    assert.deepEqual(unknownTable.params, [1]);
    assert.match(unknownTable.message, /core_err_missing/);
    await failure(sql`SELECT no_such_column FROM core_err_authors`, ProgrammingError);
  });

  test("a string longer than its column: insert() refuses it everywhere; in raw SQL, DataError on PostgreSQL and MariaDB, SQLite does not check lengths", async () => {
    assert.throws(() => insert(authors).values({ id: 4, name: "much too long a name" }), (e: unknown) => e instanceof InvalidColumnValueError && e.column === "name");
    const stmt = sql`INSERT INTO core_err_authors (id, name) VALUES (4, ${"much too long a name"})`;
    if (ctx.db.name === "sqlite") {
      await ctx.engine.execute(stmt);
      const row = (await ctx.engine.execute(select(authors.c.name).where(authors.c.id.eq(4)))).one();
      assert.equal(row.name, "much too long a name");
      return;
    }
    const error = await failure(stmt, DataError);
    assert.equal(error.code, ctx.db.name === "postgresql" ? "22001" : "ER_DATA_TOO_LONG");
  });

  test("the connection stays usable after each kind of error", async () => {
    await ctx.engine.withConnection(async (conn) => {
      await assert.rejects(conn.execute(insert(authors).values({ id: 5, name: "Ann" })), IntegrityError);
      await assert.rejects(conn.execute(sql`SELEC 1`), ProgrammingError);
      const row = (await conn.execute(select(authors.c.name).where(authors.c.id.eq(1)))).one();
      assert.equal(row.name, "Ann");
    });
  });
});

describe("connection failures", () => {
  for (const url of ["postgresql://postgres@127.0.0.1:1/x", "mysql://root@127.0.0.1:1/x"]) {
    test(`connection refused (${url.split(":")[0]}): OperationalError, connection invalidated`, async () => {
      const engine = createEngine(url);
      try {
        await assert.rejects(engine.execute(sql`SELECT 1`), (e: Error) => {
          assert.ok(e instanceof OperationalError, String(e));
          assert.equal(e.code, "ECONNREFUSED");
          assert.equal(e.connectionInvalidated, true);
          assert.ok(e.cause instanceof Error);
          return true;
        });
      } finally {
        await engine.dispose();
      }
    });
  }
});
