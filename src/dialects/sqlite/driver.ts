/**
 * The better-sqlite3 driver. The database is synchronous and in-process, so a connection is a
 * database handle; prepared statements are cached per handle. An in-memory database exists only
 * inside its one handle, so its pool holds exactly one connection.
 */
import Database from "better-sqlite3";
import type { Driver, DriverConnection, DriverResult, ExecuteOptions, PoolOptions } from "../../engine/driver.js";
import { SimplePool } from "../shared/pool.js";

const STATEMENT_CACHE_SIZE = 200;

class SqliteConnection implements DriverConnection {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    private readonly pool: SimplePool<SqliteConnection>,
  ) {}

  async execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    const stmt = this.prepare(sql);
    if (stmt.reader) {
      const shape = options?.rowShape;
      // `pluck` and `raw` are modes of the statement, kept between calls: each call sets both.
      if (shape === "values") stmt.pluck(true);
      else stmt.pluck(false).raw(shape === "arrays");
      const rows = stmt.all(...params) as unknown[];
      // Indexed: the first large reads run before V8 optimizes this, when `for...of` pays an iterator call per row.
      if (shape === "values") for (let i = 0; i < rows.length; i++) rows[i] = numberIfSafe(rows[i]);
      else for (let i = 0; i < rows.length; i++) numbersWhereSafe(rows[i] as Record<string, unknown> | unknown[]);
      return { rows, rowCount: rows.length, lastInsertId: undefined };
    }
    const info = stmt.run(...params);
    return { rows: [], rowCount: info.changes, lastInsertId: info.lastInsertRowid };
  }

  release(broken = false): void {
    this.pool.release(this, broken);
  }

  inTransaction(): boolean {
    return this.db.inTransaction;
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      // Integers are read as bigint so that 64-bit values keep every digit; those a number holds
      // exactly become numbers again (above), the rest stay bigint for BIGINT columns.
      if (stmt.reader) stmt.safeIntegers(true);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

/** A bigint that a number holds exactly, as a number; any other value as it is. */
function numberIfSafe(value: unknown): unknown {
  if (typeof value !== "bigint") return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/**
 * Turns the bigints of a row (object or array) that a number holds exactly into numbers. A bigint
 * beyond ±(2^53 - 1) converts to a number that is not a safe integer, so `Number.isSafeInteger`
 * is the same test as comparing with the bounds, without two bigint comparisons per value; arrays
 * are walked by index (`for...in` over an array enumerates string keys).
 */
function numbersWhereSafe(row: Record<string, unknown> | unknown[]): void {
  if (Array.isArray(row)) {
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (typeof value === "bigint") {
        const n = Number(value);
        if (Number.isSafeInteger(n)) row[i] = n;
      }
    }
    return;
  }
  for (const key in row) {
    const value = row[key];
    if (typeof value === "bigint") {
      const n = Number(value);
      if (Number.isSafeInteger(n)) row[key] = n;
    }
  }
}

/** `sqlite://` and `sqlite://:memory:` are in memory; `sqlite:///app.db` is relative, `sqlite:////tmp/app.db` absolute. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:\/\//, "").replace(/\?.*$/, "");
  if (rest === "" || rest === ":memory:" || rest === "/:memory:") return ":memory:";
  return rest.startsWith("/") ? rest.slice(1) : rest;
}

export function createSqliteDriver(url: string, options: PoolOptions): Driver {
  const path = sqlitePath(url);
  const memory = path === ":memory:";
  const pool: SimplePool<SqliteConnection> = new SimplePool(
    () => {
      const db = new Database(path);
      db.pragma("foreign_keys = ON");
      if (!memory) {
        db.pragma("journal_mode = WAL");
        db.pragma("busy_timeout = 5000");
      }
      return new SqliteConnection(db, pool);
    },
    (conn) => conn.db.close(),
    memory ? 1 : (options.max ?? 5),
  );
  return {
    acquire: () => pool.acquire(),
    dispose: async () => pool.dispose(),
  };
}
